// verify: a clean mirror passes; a tampered text file, raw file or metadata fails with exit 1.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/output.js';
import { addSource } from '../src/core/add.js';
import { initMirror } from '../src/core/init.js';
import { openMirror } from '../src/core/mirror.js';
import { sync } from '../src/core/sync.js';
import { verifyMirror } from '../src/core/verify.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: { NO_COLOR: '1' } };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('verify', () => {
  let server: TestServer;
  let mirrorDir: string;

  before(async () => {
    server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`Document ${req.url}\nSecond line.\n`);
    });
    mirrorDir = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirrorDir, name: 'verify' });
    await addSource({ mirrorDir, url: `${server.url}/a.txt`, name: 'a' });
    await addSource({ mirrorDir, url: `${server.url}/b.txt`, name: 'b' });
    const result = await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
    assert.equal(result.summary.new, 2);
  });
  after(() => server.close());

  it('passes on a clean mirror (exit 0)', async () => {
    const result = await verifyMirror(await openMirror(mirrorDir));
    assert.deepEqual(result.problems, []);
    assert.equal(result.documents, 2);
    assert.equal(result.files, 4);
    const run = await runCli(['-C', mirrorDir, 'verify', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { ok: boolean }).ok, true);
  });

  it('fails with exit 1 after a text file is tampered with, naming the file', async () => {
    const textPath = join(mirrorDir, 'text/a.txt');
    const original = await readFile(textPath, 'utf8');
    await writeFile(textPath, original.replace('Second', 'Forged'));
    try {
      const run = await runCli(['-C', mirrorDir, 'verify', '--json']);
      assert.equal(run.code, 1);
      const report = JSON.parse(run.stdout) as { ok: boolean; problems: Array<{ id: string; kind: string; path: string }> };
      assert.equal(report.ok, false);
      assert.deepEqual(report.problems.map(({ id, kind, path }) => ({ id, kind, path })), [{ id: 'a', kind: 'text-mismatch', path: 'text/a.txt' }]);
      assert.match(run.stderr, /1 problem found/);
      const text = await runCli(['-C', mirrorDir, 'verify']);
      assert.equal(text.code, 1);
      assert.match(text.stdout, /a: text\/a\.txt: sha256/);
    } finally {
      await writeFile(textPath, original);
    }
    assert.equal((await runCli(['-C', mirrorDir, 'verify'])).code, 0);
  });

  it('reports a raw file gone missing and metadata that disagrees with its commit', async () => {
    const metaPath = join(mirrorDir, 'meta/b.json');
    const meta = await readFile(metaPath, 'utf8');
    const parsed = JSON.parse(meta) as { sha256: string; raw: string };
    await writeFile(metaPath, meta.replace(parsed.sha256, '0'.repeat(64)));
    try {
      const result = await verifyMirror(await openMirror(mirrorDir));
      const kinds = result.problems.map((problem) => `${problem.id}:${problem.kind}`).sort();
      assert.deepEqual(kinds, ['b:commit-mismatch', 'b:raw-mismatch']);
    } finally {
      await writeFile(metaPath, meta);
    }
  });
});
