import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { check, suggestDropLine, suggestPattern } from '../src/core/check.js';
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

describe('suggestDropLine', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['Last updated: 3 December 2026 10:32', 'Last updated: 3 December 2026 10:33', '^Last updated:'],
    ['Printed on 2012-12-10', 'Printed on 2012-12-11', '^Printed on'],
    ['Page generated at 10:32:01 UTC', 'Page generated at 10:32:06 UTC', '^Page generated at'],
    ['This page was last modified on 3 Dec 2026, at 10:32.', 'This page was last modified on 3 Dec 2026, at 10:33.', '^This page was last modified on'],
    ['As of 10:32, 3 readers', 'As of 10:33, 4 readers', '^As of'],
    ['(c) 2026 Example. Last-updated 10:32', '(c) 2026 Example. Last-updated 10:33', '^\\(c\\) \\d+ Example\\. Last-updated'],
    ['Stand: 03.12.2026', 'Stand: 04.12.2026', '^Stand:'],
    ['Visitors: 1041', 'Visitors: 1042', undefined],
    ['Updated terms apply from now on.', 'Updated terms apply from then on.', undefined],
    ['Last updated: yesterday', 'Last updated: today', undefined],
    [`Last updated: 3 Dec 2026 ${'x'.repeat(200)}`, `Last updated: 4 Dec 2026 ${'x'.repeat(200)}`, undefined],
  ];
  for (const [before, after, expected] of cases) {
    it(`${before.slice(0, 50)} / ${after.slice(0, 50)}`, () => {
      const rule = suggestDropLine(before, after);
      assert.equal(rule, expected);
      if (rule !== undefined) for (const line of [before, after]) assert.match(line, new RegExp(rule, 'u'));
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

  it('suggests a volatile.dropLines rule for a "Last updated" stamp, and the rule makes the page stable; relative dates are stable by default', async () => {
    let counter = 0;
    const server = await startServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      counter += 1;
      if (path === '/robots.txt') res.writeHead(404).end();
      else if (path === '/ago.html') res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>The draft.</p><p>Posted ${counter} minutes ago</p>`);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>The draft.</p><p>Last updated: 2026-12-03 10:${String(counter).padStart(2, '0')}</p>`);
    });
    try {
      const dir = join(await tempDir(), 'm');
      await initMirror({ dir });
      const config = (extra: string) => `sources:\n  stamp:\n    url: ${server.url}/stamp.html\n${extra}  ago:\n    url: ${server.url}/ago.html\n`;
      await writeFile(join(dir, 'leakmirror.yaml'), config(''));
      const run = (source: string) => check({ mirrorDir: dir, source, intervalMs: 10, delayMs: 0, allowPrivateNetwork: true });
      const noisy = (await run('stamp')).documents[0];
      assert.equal(noisy?.status, 'noisy');
      assert.deepEqual(noisy?.suggestedDropLines, ['^Last updated:']);
      assert.deepEqual(noisy?.suggestedPatterns, ['Last updated: \\d+-\\d+-\\d+ \\d+:\\d+']);
      assert.equal((await run('ago')).documents[0]?.status, 'stable');

      await writeFile(join(dir, 'leakmirror.yaml'), config(`    volatile:\n      dropLines: ${JSON.stringify(noisy?.suggestedDropLines)}\n`));
      assert.equal((await run('stamp')).documents[0]?.status, 'stable');
    } finally {
      await server.close();
    }
  });
});
