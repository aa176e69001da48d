// Temporary file names: unique within a process, and told apart from another process's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { uniqueTempSuffix } from '../src/util/temp-name.js';

describe('uniqueTempSuffix', () => {
  it('never repeats within a process and starts with the pid', () => {
    const names = Array.from({ length: 10_000 }, () => uniqueTempSuffix());
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.every((name) => /^\d+\.[0-9a-f]{8}\.[0-9a-z]+$/.test(name) && name.startsWith(`${process.pid}.`)));
  });

  it('another process draws another tag (a reused pid is not enough to collide)', () => {
    const module = new URL('../src/util/temp-name.js', import.meta.url).href;
    const script = `import(${JSON.stringify(module)}).then((m) => console.log(m.uniqueTempSuffix()))`;
    const tags = new Set([0, 1, 2].map(() => execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim().split('.')[1]));
    tags.add(uniqueTempSuffix().split('.')[1]);
    assert.equal(tags.size, 4);
  });
});
