// The pure parts of discovery: canonical URLs, index pages, feeds, sitemaps, CDX listings and the
// configuration of source kinds. No network, no files but the fixtures.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { parseConfig } from '../src/config/schema.js';
import { DocumentError, type FailureClass } from '../src/errors.js';
import { linksFromFeed } from '../src/sources/feed.js';
import { inferKind, waybackPatternProblem } from '../src/sources/kinds.js';
import { linksFromHtml, parseIndexPage } from '../src/sources/links.js';
import { parseSitemap, sitemapBytes } from '../src/sources/sitemap.js';
import { canonicalUrl, urlFilter } from '../src/sources/url.js';
import { captureDate, captureKey, captureUrl, cdxQueryUrl, groupCaptures, parseCdx, waybackBase, type Capture } from '../src/sources/wayback.js';
import { fixture } from './sources-fixtures.js';

function failsWith(failure: FailureClass, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof DocumentError, `expected a DocumentError, got ${String(error)}`);
    assert.equal(error.failure, failure);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('canonicalUrl', () => {
  const cases: Array<[string, string | undefined, string | undefined, string[]?]> = [
    ['https://Example.ORG/Docs/A.pdf', undefined, 'https://example.org/Docs/A.pdf'],
    ['http://example.org:80/a', undefined, 'http://example.org/a'],
    ['https://example.org:443/a', undefined, 'https://example.org/a'],
    ['https://example.org:8443/a', undefined, 'https://example.org:8443/a'],
    ['https://example.org./a', undefined, 'https://example.org/a'],
    ['https://example.org/a#section-2', undefined, 'https://example.org/a'],
    ['../b/c.pdf?x=1#p', 'https://example.org/docs/a/index.html', 'https://example.org/docs/b/c.pdf?x=1'],
    ['//cdn.example.org/x.pdf', 'https://example.org/', 'https://cdn.example.org/x.pdf'],
    ['/a?utm_source=rss&utm_medium=feed', 'https://example.org/', 'https://example.org/a'],
    ['https://example.org/a?id=7&utm_campaign=x&fbclid=IwAR&lang=fr', undefined, 'https://example.org/a?id=7&lang=fr'],
    ['https://example.org/a?gclid=1&mc_cid=2&mc_eid=3&msclkid=4', undefined, 'https://example.org/a'],
    ['https://example.org/a?UTM_Source=x&q=a+b%2fc', undefined, 'https://example.org/a?q=a+b%2Fc'],
    ['https://example.org/a%2fb%c3%a9?', undefined, 'https://example.org/a%2Fb%C3%A9'],
    ['https://example.org/a?b=2&a=1', undefined, 'https://example.org/a?b=2&a=1'],
    ['https://example.org/a?sid=9&ref=x&id=3', undefined, 'https://example.org/a?id=3', ['sid', 'ref']],
    ['https://example.org/a?trk_a=1&trk_b=2&id=3', undefined, 'https://example.org/a?id=3', ['trk_*']],
    ['mailto:someone@example.org', undefined, undefined],
    ['javascript:void(0)', 'https://example.org/', undefined],
    ['not a url', undefined, undefined],
  ];
  for (const [href, base, expected, stripParams] of cases) {
    it(`${href}${base === undefined ? '' : ` (base ${base})`} -> ${expected ?? 'undefined'}`, () => {
      assert.equal(canonicalUrl(href, base, { stripParams }), expected);
    });
  }
  it('is idempotent', () => {
    for (const [href, base, expected] of cases) {
      if (expected === undefined) continue;
      assert.equal(canonicalUrl(expected), expected, `from ${href} ${base ?? ''}`);
    }
  });
  it('match and exclude filter together', () => {
    const keep = urlFilter({ match: '\\.pdf$', exclude: '/drafts/' });
    assert.deepEqual(['https://x.org/a.pdf', 'https://x.org/drafts/b.pdf', 'https://x.org/c.html'].filter(keep), ['https://x.org/a.pdf']);
  });
});

describe('index pages', () => {
  const page = `<html><head><base href="/wcit/"></head><body>
    <ul class="docs">
      <li><a href="td-64.pdf">TD 64</a></li>
      <li><a href="td-64.pdf?utm_source=newsletter#page=3">TD 64 again</a></li>
      <li><a href="/wcit/td-64.pdf">TD 64 absolute</a></li>
      <li><a href="c-40.pdf">C 40</a></li>
      <li><a href="drafts/old.pdf">old draft</a></li>
      <li><a href="notes.html">notes</a></li>
    </ul>
    <div class="pager"><a href="?page=2" rel="next">Next</a></div>
  </body></html>`;
  it('resolves against <base>, drops fragments and tracking parameters, de-duplicates, applies match and exclude', () => {
    assert.deepEqual(linksFromHtml(page, 'https://example.org/index.html', { links: '.docs a', match: '\\.pdf$', exclude: '/drafts/' }), [
      'https://example.org/wcit/td-64.pdf',
      'https://example.org/wcit/c-40.pdf',
    ]);
  });
  it('next links are pages, never documents, even when the links selector matches them', () => {
    const parsed = parseIndexPage(page, 'https://example.org/index.html', {}, '.pager a');
    assert.deepEqual(parsed.next, ['https://example.org/wcit/?page=2']);
    assert.ok(!parsed.documents.includes('https://example.org/wcit/?page=2'));
    assert.ok(parsed.documents.includes('https://example.org/wcit/notes.html'));
  });
  it('an invalid selector is a usage error', () => {
    assert.throws(() => parseIndexPage(page, 'https://example.org/', {}, 'a[[['), /invalid next selector/);
  });
});

describe('feeds', () => {
  const feedUrl = 'https://blog.example.org/feed/';
  it('WordPress RSS: item links resolved, tracking parameters and duplicates gone, permalink guids used', () => {
    const feed = linksFromFeed(fixture('feeds/wordpress-rss.xml'), feedUrl);
    assert.equal(feed.format, 'rss');
    assert.deepEqual(feed.urls, [
      'https://blog.example.org/2012/12/joint-statement-wcit/',
      'https://blog.example.org/2012/11/open-letter-itu/',
      'https://blog.example.org/2012/11/leaked-td-64/',
    ]);
  });
  it('enclosures: each item link followed by its attachments', () => {
    assert.deepEqual(linksFromFeed(fixture('feeds/wordpress-rss.xml'), feedUrl, { enclosures: true }).urls, [
      'https://blog.example.org/2012/12/joint-statement-wcit/',
      'https://blog.example.org/wp-content/uploads/2012/12/joint-statement-wcit.pdf',
      'https://blog.example.org/2012/11/open-letter-itu/',
      'https://blog.example.org/2012/11/leaked-td-64/',
      'https://blog.example.org/wp-content/uploads/2012/11/td-64-annotated.pdf',
    ]);
  });
  it('Atom, JSON Feed and RDF give the same documents', () => {
    const expected = ['https://blog.example.org/2012/12/joint-statement-wcit/', 'https://blog.example.org/2012/11/open-letter-itu/'];
    assert.deepEqual(linksFromFeed(fixture('feeds/atom.xml'), feedUrl).urls, expected);
    assert.deepEqual(linksFromFeed(fixture('feeds/rdf.xml'), feedUrl).urls, expected);
    assert.deepEqual(linksFromFeed(fixture('feeds/feed.json'), feedUrl).urls, [...expected, 'https://elsewhere.example.net/wcit-analysis']);
    assert.deepEqual(linksFromFeed(fixture('feeds/atom.xml'), feedUrl, { enclosures: true }).urls[1], 'https://blog.example.org/wp-content/uploads/2012/12/joint-statement-wcit.pdf');
    assert.deepEqual(linksFromFeed(fixture('feeds/feed.json'), feedUrl, { enclosures: true }).urls[1], 'https://blog.example.org/wp-content/uploads/2012/12/joint-statement-wcit.pdf');
  });
  it('a truncated feed, an HTML page, JSON that is not a feed: a clear bad-content error naming the feed', () => {
    for (const text of [fixture('feeds/truncated.xml'), fixture('feeds/not-a-feed.html'), '{"items": 3}', '']) {
      assert.throws(() => linksFromFeed(text, feedUrl), failsWith('bad-content', /https:\/\/blog\.example\.org\/feed\/ is not a valid RSS, Atom, RDF or JSON feed/));
    }
  });
  it('an empty but valid feed lists nothing', () => {
    assert.deepEqual(linksFromFeed('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>', feedUrl).urls, []);
  });
});

describe('sitemaps', () => {
  const at = 'https://docs.example.org/sitemap.xml';
  it('a urlset: trimmed, entities decoded, canonical, de-duplicated', () => {
    assert.deepEqual(parseSitemap(fixture('sitemaps/documents.xml'), at), {
      kind: 'urlset',
      urls: ['https://docs.example.org/documents/td-64.pdf', 'https://docs.example.org/documents/contribution-40.pdf?lang=en', 'https://docs.example.org/documents/draft-final-acts.pdf'],
    });
  });
  it('a sitemap index lists its children once', () => {
    assert.deepEqual(parseSitemap(fixture('sitemaps/index.xml'), at), {
      kind: 'index',
      sitemaps: ['https://docs.example.org/sitemap-documents.xml.gz', 'https://docs.example.org/sitemap-pages.xml', 'https://cdn.other-site.example.net/sitemap-extra.xml'],
    });
  });
  it('a text sitemap: one URL per line', () => {
    assert.deepEqual(parseSitemap(fixture('sitemaps/text-sitemap.txt'), at).kind, 'urlset');
    assert.throws(() => parseSitemap('https://x.org/a\nnot a url\n', at), failsWith('bad-content', /line 2 is not a URL/));
  });
  it('malformed XML, another root, entity declarations, an empty file: clear errors with the file', () => {
    assert.throws(() => parseSitemap(fixture('sitemaps/malformed.xml'), at), failsWith('bad-content', /sitemap\.xml is not well-formed XML \(line 8, column \d+\)/));
    assert.throws(() => parseSitemap('<html><body></body></html>', at), failsWith('bad-content', /root element is <html>/));
    assert.throws(() => parseSitemap('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><urlset><url><loc>&a;</loc></url></urlset>', at), failsWith('bad-content', /entities/));
    assert.throws(() => parseSitemap('  \n', at), failsWith('bad-content', /empty/));
  });
  it('gzip bodies are gunzipped; past the cap they fail as too-big, corrupt gzip as bad-content', async () => {
    const xml = fixture('sitemaps/documents.xml');
    assert.equal((await sitemapBytes(gzipSync(xml), at)).toString('utf8'), xml);
    assert.equal((await sitemapBytes(Buffer.from(xml), at)).toString('utf8'), xml);
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
    assert.ok(bomb.length < 10_000);
    await assert.rejects(sitemapBytes(bomb, at, 1024 * 1024), failsWith('too-big', /larger than 1048576 bytes once decompressed/));
    await assert.rejects(sitemapBytes(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), at), failsWith('bad-content', /cannot be decompressed/));
  });
});

describe('wayback listings', () => {
  const row = (timestamp: string, original: string, digest: string): string[] => [timestamp, original, 'application/pdf', '200', digest];
  const header = ['timestamp', 'original', 'mimetype', 'statuscode', 'digest'];
  it('builds the CDX query and capture URLs', () => {
    const query = new URL(cdxQueryUrl('https://web.archive.org', 'wcitleaks.org/*'));
    assert.equal(query.pathname, '/cdx/search/cdx');
    assert.deepEqual(Object.fromEntries(query.searchParams), {
      url: 'wcitleaks.org/*',
      output: 'json',
      fl: 'timestamp,original,mimetype,statuscode,digest',
      filter: 'statuscode:200',
      collapse: 'digest',
    });
    assert.equal(captureUrl('https://web.archive.org', { timestamp: '20121203101500', original: 'http://wcitleaks.org/a.pdf' }), 'https://web.archive.org/web/20121203101500id_/http://wcitleaks.org/a.pdf');
    assert.equal(captureDate('20121203101500'), '2012-12-03T10:15:00.000Z');
  });
  it('the archive base comes from LEAKMIRROR_WAYBACK_URL when set', () => {
    assert.equal(waybackBase({}), 'https://web.archive.org');
    assert.equal(waybackBase({ LEAKMIRROR_WAYBACK_URL: 'http://127.0.0.1:9999/' }), 'http://127.0.0.1:9999');
    assert.throws(() => waybackBase({ LEAKMIRROR_WAYBACK_URL: 'ftp://x' }), /must be an http\(s\) URL/);
  });
  it('parses the JSON table by its header, skipping unusable rows', () => {
    const text = JSON.stringify([header, row('20121101000000', 'http://wcitleaks.org/a.pdf', 'AAA'), ['2012', 'http://x/', '', '200', ''], row('20121102000000', 'not a url', 'B')]);
    assert.deepEqual(parseCdx(text, 'cdx'), [{ timestamp: '20121101000000', original: 'http://wcitleaks.org/a.pdf', mimetype: 'application/pdf', statuscode: '200', digest: 'AAA' }]);
    assert.deepEqual(parseCdx('[]', 'cdx'), []);
    assert.deepEqual(parseCdx('', 'cdx'), []);
    assert.throws(() => parseCdx('<html>rate limited</html>', 'cdx'), failsWith('bad-content', /not JSON/));
    assert.throws(() => parseCdx('{"a":1}', 'cdx'), failsWith('bad-content', /not a CDX JSON table/));
  });
  it('groups captures per document (scheme and www. aside), in capture order, identical neighbours once', () => {
    const captures: Capture[] = parseCdx(
      JSON.stringify([
        header,
        row('20121120000000', 'http://www.wcitleaks.org/docs/td-64.pdf', 'B'),
        row('20121110000000', 'http://wcitleaks.org/docs/td-64.pdf', 'A'),
        row('20121125000000', 'https://wcitleaks.org/docs/td-64.pdf?utm_source=x', 'B'),
        row('20121201000000', 'http://wcitleaks.org/docs/td-64.pdf', 'A'),
        row('20121115000000', 'http://wcitleaks.org/index.html', 'H'),
      ]),
      'cdx',
    );
    const groups = groupCaptures(captures, urlFilter({ match: '\\.pdf$' }));
    assert.equal(groups.length, 1);
    assert.equal(groups[0]?.url, 'http://wcitleaks.org/docs/td-64.pdf');
    assert.deepEqual(groups[0]?.captures.map((capture) => `${capture.timestamp} ${capture.digest}`), ['20121110000000 A', '20121120000000 B', '20121201000000 A']);
    assert.equal(captureKey('https://www.WCITLEAKS.org/docs/td-64.pdf#x'), 'wcitleaks.org/docs/td-64.pdf');
  });
});

describe('configuration of source kinds', () => {
  const config = (sources: string) => parseConfig(`sources:\n${sources}`);
  it('infers the kind and fills in the defaults', () => {
    const parsed = config(`  a:\n    url: "wayback:wcitleaks.org/*"\n  b:\n    url: https://x.org/feed/\n    kind: feed\n  c:\n    url: https://x.org/\n    links: a\n  d:\n    url: https://x.org/sitemap.xml\n    kind: sitemap\n    removeAfterMissingRuns: 5\n`);
    assert.ok(parsed.ok);
    const byName = Object.fromEntries(parsed.config.sources.map((source) => [source.name, source]));
    assert.equal(byName.a?.kind, 'wayback');
    assert.equal(byName.a?.delayMs, 1000, 'one request per second to the archive');
    assert.equal(byName.b?.removeAfterMissingRuns, 0, 'a feed only shows its latest items');
    assert.equal(byName.c?.removeAfterMissingRuns, 2);
    assert.equal(byName.d?.removeAfterMissingRuns, 5);
    assert.equal(inferKind({ url: 'https://x.org/' }), 'page');
  });
  it('refuses keys that do not apply to the kind, naming the key and the line', () => {
    const cases: Array<[string, string, RegExp]> = [
      [`  a:\n    url: https://x.org/feed\n    kind: feed\n    depth: 2\n`, 'sources.a.depth', /only applies to index/],
      [`  a:\n    url: https://x.org/\n    links: a\n    enclosures: true\n`, 'sources.a.enclosures', /only applies to feed/],
      [`  a:\n    url: https://x.org/\n    links: a\n    depth: 4\n`, 'sources.a.depth', /3/],
      [`  a:\n    url: https://x.org/\n    kind: wayback\n`, 'sources.a.url', /wayback:<url or prefix\*>/],
      [`  a:\n    url: "wayback:x.org/*"\n    kind: index\n`, 'sources.a.kind', /wayback source/],
      [`  a:\n    url: "wayback:x.org/*/y"\n`, 'sources.a.url', /at the end/],
      [`  a:\n    url: "wayback:x.org/*"\n    removeAfterMissingRuns: 3\n`, 'sources.a.removeAfterMissingRuns', /only applies to index, feed, sitemap/],
      [`  a:\n    url: https://x.org/\n    links: a\n    stripParams: ["bad name"]\n`, 'sources.a.stripParams.0', /query parameter name/],
      [`  a:\n    url: https://x.org/\n    links: a\n    exclude: "("\n`, 'sources.a.exclude', /regular expression/],
    ];
    for (const [text, key, message] of cases) {
      const parsed = config(text);
      assert.ok(!parsed.ok, text);
      const issue = parsed.issues[0];
      assert.equal(issue?.key, key, text);
      assert.match(issue?.message ?? '', message);
      assert.ok(typeof issue?.line === 'number' && issue.line >= 3, `${key} has a line`);
    }
  });
  it('wayback patterns: a URL, a prefix or a domain', () => {
    assert.equal(waybackPatternProblem('wcitleaks.org/*'), undefined);
    assert.equal(waybackPatternProblem('*.wcitleaks.org'), undefined);
    assert.equal(waybackPatternProblem('https://wcitleaks.org/docs/td-64.pdf'), undefined);
    assert.match(waybackPatternProblem('*.wcitleaks.org/*') ?? '', /no other/);
    assert.match(waybackPatternProblem('wcitleaks') ?? '', /host/);
  });
});
