import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { documentVersions } from '../src/core/history.js';
import { initMirror } from '../src/core/init.js';
import { openMirror } from '../src/core/mirror.js';
import { reextract } from '../src/core/reextract.js';
import { sync } from '../src/core/sync.js';
import { startServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
const page = '<!doctype html><title>Letter</title><body><nav>Home | About | Contact</nav><main><h1>Open letter</h1><p>We ask for the drafts.</p></main><footer>Site footer</footer></body>';

describe('reextract', () => {
  it('re-derives text from stored raw bytes after a rule change, as technical changes, fetching nothing', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    });
    try {
      const dir = join(await tempDir(), 'm');
      await initMirror({ dir });
      const config = (mainContent: boolean) => `sources:\n  letter:\n    url: ${server.url}/letter.html\n    mainContent: ${mainContent}\n`;
      await writeFile(join(dir, 'leakmirror.yaml'), config(false));
      await sync({ mirrorDir: dir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
      assert.match(await readFile(join(dir, 'text/letter.txt'), 'utf8'), /Site footer/);

      await writeFile(join(dir, 'leakmirror.yaml'), config(true));
      const requests = server.requests.length;
      const head = git(dir, 'rev-parse', 'HEAD');
      const dry = await reextract({ mirrorDir: dir, dryRun: true });
      assert.equal(dry.summary.changed, 1);
      assert.equal(git(dir, 'rev-parse', 'HEAD'), head, 'a dry run writes nothing');

      const result = await reextract({ mirrorDir: dir });
      assert.deepEqual(result.summary, { changed: 1, unchanged: 0, skipped: 0, failed: 0 });
      assert.equal(server.requests.length, requests, 'nothing was fetched');
      const text = await readFile(join(dir, 'text/letter.txt'), 'utf8');
      assert.doesNotMatch(text, /Site footer|Home \| About/);
      assert.match(text, /We ask for the drafts/);
      const versions = await documentVersions((await openMirror(dir)).repo, 'letter');
      assert.deepEqual(versions.map((version) => version.status), ['technical', 'content']);
      assert.match(versions[0]?.message ?? '', /^Re-extract /);
      assert.equal(git(dir, 'status', '--porcelain', '--', 'text', 'raw', 'meta'), '');

      const again = await reextract({ mirrorDir: dir });
      assert.equal(again.summary.unchanged, 1);
    } finally {
      await server.close();
    }
  });
});
