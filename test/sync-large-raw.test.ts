// A raw file too large to go through git fast-import's command stream (over 4 MiB, streamed to disk
// by the fetcher) is stored by `git hash-object` and named by the version's commit.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addSource } from '../src/core/add.js';
import { initMirror } from '../src/core/init.js';
import { sync } from '../src/core/sync.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

function git(dir: string, ...args: string[]): Buffer {
  return execFileSync('git', ['-C', dir, ...args], { maxBuffer: 64 * 1024 * 1024 });
}

/** Lines of text adding up to `bytes` or a little more, different for each `seed`. */
function bigText(bytes: number, seed: string): string {
  const lines: string[] = [];
  let size = 0;
  for (let n = 0; size < bytes; n++) {
    const line = `Article ${n} (${seed}): the Member States shall publish every draft of this treaty.\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join('');
}

describe('sync: raw files larger than the in-memory limit', () => {
  const pages = new Map<string, string>();
  let server: TestServer;
  let mirrorDir: string;

  before(async () => {
    server = await startServer((req, res) => {
      const body = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
    });
    pages.set('/big.txt', bigText(5 * 1024 * 1024, 'first'));
    pages.set('/small.txt', 'A small note.\n');
    mirrorDir = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirrorDir, name: 'test' }); // raw copies are on by default
    await addSource({ mirrorDir, url: `${server.url}/big.txt`, name: 'big' });
    await addSource({ mirrorDir, url: `${server.url}/small.txt`, name: 'small' });
  });
  after(() => server.close());

  const run = () => sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });

  it('commits the large raw file byte for byte, in its version\'s commit, and fsck finds the repository clean', async () => {
    const first = await run();
    assert.deepEqual(first.documents.map((doc) => [doc.id, doc.status]), [['big', 'new'], ['small', 'new']]);
    const big = first.documents.find((doc) => doc.id === 'big');
    assert.ok(big?.commit !== undefined);
    const rawPath = git(mirrorDir, 'show', '--name-only', '--format=', big.commit).toString('utf8').split('\n').find((path) => path.startsWith('raw/'));
    assert.ok(rawPath !== undefined, 'the raw file is in the version\'s own commit');
    assert.ok(git(mirrorDir, 'cat-file', 'blob', `${big.commit}:${rawPath}`).equals(Buffer.from(pages.get('/big.txt') ?? '')));
    assert.ok((await readFile(join(mirrorDir, rawPath))).equals(Buffer.from(pages.get('/big.txt') ?? '')));

    // A new version replaces it; the first stays in history.
    pages.set('/big.txt', bigText(5 * 1024 * 1024, 'second'));
    const second = await run();
    const changed = second.documents.find((doc) => doc.id === 'big');
    assert.equal(changed?.status, 'changed');
    assert.ok(git(mirrorDir, 'cat-file', 'blob', `HEAD:${rawPath}`).equals(Buffer.from(pages.get('/big.txt') ?? '')));
    assert.ok(git(mirrorDir, 'cat-file', 'blob', `${big.commit}:${rawPath}`).equals(Buffer.from(bigText(5 * 1024 * 1024, 'first'))));
    git(mirrorDir, 'fsck', '--strict', '--no-progress', '--no-dangling');
    assert.equal(git(mirrorDir, 'status', '--porcelain').toString('utf8'), '', 'the index agrees with the work tree');
  });
});
