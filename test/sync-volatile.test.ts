// Integration: volatile content (src/extract/volatile.ts) through whole sync runs against a local
// server whose page changes on every request without anyone editing it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { initMirror } from '../src/core/init.js';
import { sync } from '../src/core/sync.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

function commitCount(dir: string): number {
  return Number(execFileSync('git', ['-C', dir, 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' }).trim());
}

/** A server whose one page is `page(n)` on its n-th request (robots.txt: 404, not counted). */
function servePage(page: (request: number) => { body: string; headers?: Record<string, string> }): Promise<TestServer> {
  let request = 0;
  return startServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://x').pathname === '/robots.txt') {
      res.writeHead(404).end();
      return;
    }
    request += 1;
    const { body, headers } = page(request);
    res.writeHead(200, { 'content-type': 'text/html', ...headers }).end(body);
  });
}

describe('sync with volatile content', () => {
  it('a CSRF token, a session id, tracking parameters and a relative date that change on every request make one version, not one per run', async () => {
    let article = 'Article 1 applies.';
    let served = 0;
    const server = await servePage((request) => {
      served = request;
      const token = `tok${request}x${(request * 7919).toString(16)}`;
      return {
        headers: { 'content-type': 'text/html; charset=utf-8', etag: `"${request}"` },
        body:
          `<!doctype html><html><head><title>Draft</title><meta name="csrf-token" content="${token}">` +
          `<script nonce="n${request}">var s = {"csrfToken": "${token}"};</script></head><body>` +
          `<main><h1>Draft regulations</h1><p>${article}</p>` +
          `<p>Updated ${request} hours ago</p>` +
          `<a href="/annex.pdf;jsessionid=S${request}?utm_source=feed${request}&amp;fbclid=F${request}">Annex</a>` +
          `<form method=post><input type="hidden" name="csrf_token" value="${token}"><button>Comment</button></form></main></body></html>`,
      };
    });
    try {
      const dir = join(await tempDir(), 'volatile');
      await initMirror({ dir });
      await writeFile(join(dir, 'leakmirror.yaml'), `sources:\n  draft:\n    url: ${server.url}/draft.html\n`);
      const run = () => sync({ mirrorDir: dir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });

      const first = await run();
      assert.equal(first.documents[0]?.status, 'new');
      const afterFirst = commitCount(dir);
      const text = await readFile(join(dir, 'text/draft.txt'), 'utf8');
      assert.match(text, /^Updated \(relative date\)$/m);
      const meta = JSON.parse(await readFile(join(dir, 'meta/draft.json'), 'utf8')) as { stableSha256: string | null; sha256: string };
      assert.match(meta.stableSha256 ?? '', /^[0-9a-f]{64}$/);
      assert.notEqual(meta.stableSha256, meta.sha256);

      for (let i = 0; i < 2; i += 1) {
        const again = await run();
        assert.equal(again.documents[0]?.status, 'unchanged', `run ${i + 2}: only volatile content changed`);
        assert.equal(again.documents[0]?.commit, undefined);
      }
      assert.equal(served, 3, 'each run fetched the page (the bytes did change)');
      // The run log may take a commit per run; no version of the document did.
      const log = execFileSync('git', ['-C', dir, 'log', '--format=%s', '--', 'text', 'raw', 'meta'], { encoding: 'utf8' }).trim().split('\n');
      assert.equal(log.length, 1, `one version of the document: ${log.join(' / ')}`);
      assert.ok(commitCount(dir) >= afterFirst);

      article = 'Article 1 shall apply.';
      const edited = await run();
      assert.equal(edited.documents[0]?.status, 'changed');
      assert.equal(edited.documents[0]?.changeType, 'content');
      assert.match(await readFile(join(dir, 'text/draft.txt'), 'utf8'), /Article 1 shall apply\./);
    } finally {
      await server.close();
    }
  });

  it('with tokens: false, the same page is a technical change on every run (as before)', async () => {
    const server = await servePage((request) => ({ body: `<main><p>Same words.</p><input type=hidden name=csrf_token value=t${request}></main>` }));
    try {
      const dir = join(await tempDir(), 'volatile-off');
      await initMirror({ dir });
      await writeFile(join(dir, 'leakmirror.yaml'), `sources:\n  page:\n    url: ${server.url}/page.html\n    volatile:\n      tokens: false\n`);
      const run = () => sync({ mirrorDir: dir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
      assert.equal((await run()).documents[0]?.status, 'new');
      const second = (await run()).documents[0];
      assert.equal(second?.status, 'changed');
      assert.equal(second?.changeType, 'technical');
    } finally {
      await server.close();
    }
  });

  it('a configured dropLines rule keeps a "Last updated" stamp out of the text and out of the versions', async () => {
    const server = await servePage((request) => ({ body: `<main><p>Policy text.</p><p>Last updated: 2026-12-0${request} 10:0${request}</p></main>` }));
    try {
      const dir = join(await tempDir(), 'volatile-drop');
      await initMirror({ dir });
      await writeFile(join(dir, 'leakmirror.yaml'), `sources:\n  policy:\n    url: ${server.url}/policy.html\n    volatile:\n      dropLines: ['^Last updated:']\n`);
      const run = () => sync({ mirrorDir: dir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
      assert.equal((await run()).documents[0]?.status, 'new');
      assert.equal(await readFile(join(dir, 'text/policy.txt'), 'utf8'), 'Policy text.\n');
      assert.equal((await run()).documents[0]?.status, 'unchanged');
    } finally {
      await server.close();
    }
  });
});
