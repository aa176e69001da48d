import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { check, suggestPattern } from '../src/core/check.js';
import { initMirror } from '../src/core/init.js';
import { startServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

describe('suggestPattern', () => {
  const cases: Array<[string, string, string]> = [
    ['Printed on 2012-12-10', 'Printed on 2012-12-11', 'Printed on \\d+-\\d+-\\d+'],
    ['Visitors: 1041', 'Visitors: 1042', 'Visitors: \\d+'],
    ['Updated 3 hours ago', 'Updated 4 hours ago', 'Updated \\d+ hours ago'],
    ['Token abc (x)', 'Token xyz (x)', 'Token .*'],
  ];
  for (const [before, after, expected] of cases) {
    it(`${before} / ${after}`, () => {
      const pattern = suggestPattern(before, after);
      assert.equal(pattern, expected);
      assert.ok(new RegExp(pattern, 'u').test(before) && new RegExp(pattern, 'u').test(after));
    });
  }
});

describe('check', () => {
  it('finds the document whose text changes between two fetches, and only that one', async () => {
    let counter = 1000;
    const server = await startServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') res.writeHead(200, { 'content-type': 'text/html' }).end('<main><a href="/stable.html">s</a> <a href="/counter.html">c</a></main>');
      else if (path === '/stable.html') res.writeHead(200, { 'content-type': 'text/html' }).end('<p>Always the same.</p>');
      else if (path === '/robots.txt') res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>The draft.</p><p>Visitors: ${(counter += 1)}</p>`);
    });
    try {
      const dir = join(await tempDir(), 'm');
      await initMirror({ dir });
      await writeFile(join(dir, 'leakmirror.yaml'), `sources:\n  site:\n    url: ${server.url}/\n    links: main a\n`);
      const result = await check({ mirrorDir: dir, source: 'site', intervalMs: 10, delayMs: 0, allowPrivateNetwork: true });
      const byUrl = Object.fromEntries(result.documents.map((doc) => [new URL(doc.url).pathname, doc]));
      assert.equal(byUrl['/stable.html']?.status, 'stable');
      assert.equal(byUrl['/counter.html']?.status, 'noisy');
      const lines = byUrl['/counter.html']?.lines ?? [];
      assert.equal(lines.length, 1);
      assert.match(lines[0]?.before ?? '', /^Visitors: \d+$/);
      assert.match(lines[0]?.after ?? '', /^Visitors: \d+$/);
      assert.notEqual(lines[0]?.before, lines[0]?.after);
      assert.deepEqual(byUrl['/counter.html']?.suggestedPatterns, ['Visitors: \\d+']);
      assert.equal(result.noisy, 1);
    } finally {
      await server.close();
    }
  });
});
