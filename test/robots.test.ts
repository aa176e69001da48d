// robots.txt rules as the fetcher applies them (pure parts: rules, text, cache).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RobotsCache, RobotsRules, robotsText, type RobotsEntry } from '../src/fetch/robots.js';

const ORIGIN = 'https://example.org';

function rules(text: string): RobotsRules {
  return new RobotsRules(`${ORIGIN}/robots.txt`, text);
}

describe('RobotsRules', () => {
  const file = [
    '# comment line', //                         1
    'User-agent: *', //                          2
    'Disallow: /', //                            3
    '', //                                       4
    'User-agent: LeakMirror', //                 5
    'Allow: /docs/', //                          6
    'Disallow: /docs/drafts/ # not yet', //      7
    'Disallow: /*.php$', //                      8
    'Disallow: /search?', //                     9
    'Crawl-delay: 2.5', //                       10
  ].join('\r\n');
  const parsed = rules(file);

  const table: Array<[string, boolean, number?, string?]> = [
    ['/docs/td-64.pdf', true],
    ['/docs/drafts/td-65.pdf', false, 7, 'Disallow: /docs/drafts/'],
    ['/index.php', false, 8, 'Disallow: /*.php$'],
    ['/index.php?x=1', true],
    ['/search?q=itu', false, 9, 'Disallow: /search?'],
    ['/other', true], // the leakmirror group wins over *, and has no rule for it
  ];
  for (const [path, allowed, line, rule] of table) {
    it(`${path} → ${allowed ? 'allowed' : `disallowed by line ${line}`}`, () => {
      const verdict = parsed.verdict(`${ORIGIN}${path}`);
      if (allowed) assert.deepEqual(verdict, { allowed: true });
      else assert.deepEqual(verdict, { allowed: false, line, rule });
    });
  }

  it('matches the product token case-insensitively and exposes its crawl delay in ms', () => {
    assert.equal(parsed.crawlDelayMs(), 2500);
  });

  it('falls back to the * group when there is no leakmirror group', () => {
    const star = rules('User-agent: *\nDisallow: /private\nCrawl-delay: 1\n\nUser-agent: otherbot\nDisallow: /\n');
    assert.deepEqual(star.verdict(`${ORIGIN}/private/x`), { allowed: false, line: 2, rule: 'Disallow: /private' });
    assert.deepEqual(star.verdict(`${ORIGIN}/public`), { allowed: true });
    assert.equal(star.crawlDelayMs(), 1000);
  });

  it('an empty file, an HTML page or garbage allows everything', () => {
    for (const text of ['', '<html><body>Not found</body></html>', '\u0000\u0001binary']) {
      assert.deepEqual(rules(text).verdict(`${ORIGIN}/anything`), { allowed: true });
      assert.equal(rules(text).crawlDelayMs(), undefined);
    }
  });

  it('ignores a UTF-8 byte order mark before the first line', () => {
    const withBom = rules('\ufeffUser-agent: *\nDisallow: /x\n');
    assert.deepEqual(withBom.verdict(`${ORIGIN}/x`), { allowed: false, line: 2, rule: 'Disallow: /x' });
  });

  it('ignores unusable crawl delays', () => {
    assert.equal(rules('User-agent: *\nCrawl-delay: soon\n').crawlDelayMs(), undefined);
    assert.equal(rules('User-agent: *\nCrawl-delay: -3\n').crawlDelayMs(), undefined);
  });

  it('quotes a rule line without control characters and bounded in length', () => {
    const long = rules(`User-agent: *\nDisallow: /${'a'.repeat(500)}\u0007\n`);
    const verdict = long.verdict(`${ORIGIN}/${'a'.repeat(500)}%07`);
    assert.equal(verdict.allowed, false);
    if (!verdict.allowed) {
      assert.ok((verdict.rule ?? '').length <= 201);
      assert.ok(!(verdict.rule ?? '').includes('\u0007'));
    }
  });
});

describe('robotsText', () => {
  it('decodes UTF-8 and keeps whole lines only when cut at the limit', () => {
    const bytes = Buffer.from('User-agent: *\nDisallow: /é\nDisallow: /partial-li', 'utf8');
    assert.equal(robotsText(bytes, false), 'User-agent: *\nDisallow: /é\nDisallow: /partial-li');
    assert.equal(robotsText(bytes, true), 'User-agent: *\nDisallow: /é');
    assert.equal(robotsText(Buffer.from('no newline at all'), true), '');
  });
});

describe('RobotsCache', () => {
  it('loads each origin once, shared by concurrent callers, and keeps the result', async () => {
    const loads: string[] = [];
    const cache = new RobotsCache(async (origin): Promise<RobotsEntry> => {
      loads.push(origin);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { state: 'none', detail: 'HTTP 404' };
    });
    const entries = await Promise.all([cache.get('https://a.test'), cache.get('https://a.test'), cache.get('https://b.test')]);
    assert.deepEqual(loads, ['https://a.test', 'https://b.test']);
    assert.equal(entries[0], entries[1]);
    assert.equal(cache.peek('https://a.test'), entries[0]);
    assert.equal(cache.peek('https://c.test'), undefined);
    await cache.get('https://a.test');
    assert.equal(loads.length, 2);
  });

  it('forgets a failed load so a later call may try again', async () => {
    let calls = 0;
    const cache = new RobotsCache(async (): Promise<RobotsEntry> => {
      calls++;
      if (calls === 1) throw new Error('closed');
      return { state: 'none' };
    });
    await assert.rejects(cache.get('https://a.test'), /closed/);
    assert.deepEqual(await cache.get('https://a.test'), { state: 'none' });
  });
});
