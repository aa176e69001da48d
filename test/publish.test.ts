// publish --site: the static site built from a real mirror (sample site rev1 then rev2, plus a
// hostile document), its Atom feeds parsed back, escaping, self-containment, incremental rewrites.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { addSource } from '../src/core/add.js';
import { initMirror } from '../src/core/init.js';
import { openMirror } from '../src/core/mirror.js';
import { sync } from '../src/core/sync.js';
import { defaultSampleSiteRoot, startSiteServer, type SiteServer } from '../src/demo/site-server.js';
import { publishSite, resolveSiteDir } from '../src/publish/site.js';
import { escapeHtml } from '../src/publish/html.js';
import { UsageError } from '../src/errors.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

const HOSTILE = '<script>alert(1)</script>';

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'entry' || name === 'link' });

interface AtomLink {
  '@href': string;
  '@rel'?: string;
}
interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  link: AtomLink[];
}
interface AtomFeed {
  feed: { id: string; title: string; updated: string; author?: { name: string }; link: AtomLink[]; entry?: AtomEntry[] };
}

function checkFeed(xml: string): AtomFeed['feed'] {
  const parsed = parser.parse(xml) as AtomFeed;
  const feed = parsed.feed;
  assert.ok(feed, 'a <feed> root');
  assert.ok(String(feed.id).length > 0, 'feed id');
  assert.ok(String(feed.title).trim().length > 0, 'feed title');
  assert.ok(!Number.isNaN(Date.parse(feed.updated)), 'feed updated is a date');
  assert.ok(feed.author?.name, 'feed author');
  assert.ok(feed.link.some((link) => link['@rel'] === 'self'), 'self link');
  for (const entry of feed.entry ?? []) {
    assert.ok(String(entry.id).length > 0, 'entry id');
    assert.ok(String(entry.title).trim().length > 0, 'entry title');
    assert.ok(!Number.isNaN(Date.parse(entry.updated)), 'entry updated');
    assert.ok(entry.link.length > 0 && entry.link[0]?.['@href'], 'entry link');
  }
  return feed;
}

describe('publish --site', () => {
  let site: SiteServer;
  let hostile: TestServer;
  let mirrorDir: string;
  let siteDir: string;

  before(async () => {
    site = await startSiteServer({ root: defaultSampleSiteRoot(), revision: 'rev1' });
    hostile = await startServer((req, res) => {
      if (req.url === '/evil.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title><main><p>Says &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;</p><script>alert(3)</script></main>`);
      } else res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`Plain text with ${HOSTILE} and a ]]> and & too\n`);
    });
    mirrorDir = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirrorDir, name: 'Sample <mirror>' });
    await addSource({ mirrorDir, url: site.url, name: 'sample', links: 'main a', match: '/docs/' });
    await addSource({ mirrorDir, url: `${hostile.url}/evil.html`, name: 'evil' });
    await addSource({ mirrorDir, url: `${hostile.url}/plain.txt`, name: 'plain' });
    const first = await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
    assert.equal(first.summary.failed, 0, JSON.stringify(first.documents));
    site.setRevision('rev2');
    await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
    siteDir = join(mirrorDir, 'site');
  });
  after(async () => {
    await site.close();
    await hostile.close();
  });

  it('builds index, document pages, version and diff pages, feeds and raw copies', async () => {
    const result = await publishSite(await openMirror(mirrorDir));
    assert.equal(result.siteDir, siteDir);
    assert.equal(result.documents, 6);
    assert.equal(result.unchanged, 0);
    assert.equal(result.written, result.files);
    const all = await files(siteDir);
    for (const path of ['index.html', 'feed.xml', 'd/evil/index.html', 'd/evil/feed.xml', 'd/plain/index.html', 'd/sample/draft-itrs-td64/index.html']) {
      assert.ok(all.includes(path), `${path} in ${all.join(', ')}`);
    }
    // The revised draft (rev2) has a diff page; every document has its current raw file.
    assert.ok(all.some((path) => /^d\/sample\/draft-itrs-td64\/diff-[0-9a-f]{12}\.html$/.test(path)), 'a diff page for the revised draft');
    assert.ok(all.includes('d/sample/draft-itrs-td64/draft-itrs-td64.pdf'));
    // Raw HTML is copied as text so a static host never serves a leaked page's scripts.
    assert.ok(all.includes('d/evil/evil.html.txt'));
    assert.ok(!all.some((path) => path.endsWith('.html') && path.includes('evil') && !path.startsWith('d/evil/') ));

    const index = await readFile(join(siteDir, 'index.html'), 'utf8');
    assert.match(index, /Sample &lt;mirror&gt;/);
    assert.match(index, /href="d\/sample\/draft-itrs-td64\/index.html"/);
    assert.match(index, /<input id="filter"[^>]*hidden>/, 'filter shown only with JS');
    const diffPage = all.find((path) => path.startsWith('d/sample/draft-itrs-td64/diff-')) as string;
    const diffHtml = await readFile(join(siteDir, diffPage), 'utf8');
    assert.match(diffHtml, /<ins>|<del>/);
    assert.match(diffHtml, /href="\.\.\/\.\.\/\.\.\/index.html"/, 'relative link back to the index');
  });

  it('escapes every piece of document text; no script but the index one; nothing loaded from elsewhere', async () => {
    for (const path of await files(siteDir)) {
      if (!path.endsWith('.html')) continue;
      const html = await readFile(join(siteDir, path), 'utf8');
      assert.ok(!html.includes(HOSTILE), `${path} contains the raw script`);
      assert.ok(!/<img/i.test(html), `${path} contains an img`);
      const scripts = html.match(/<script/g) ?? [];
      assert.equal(scripts.length, path === 'index.html' ? 1 : 0, `${path}: scripts`);
      assert.ok(!/\b(src|href)="(https?:)?\/\/[^"]*"[^>]*>/i.test(html.replace(/<a [^>]*>/g, '')), `${path} loads a remote asset`);
      assert.ok(!/url\(\s*['"]?(https?:)?\/\//i.test(html), `${path} has a remote url() in CSS`);
      assert.match(html, /Content-Security-Policy/);
    }
    const evil = await readFile(join(siteDir, 'd/evil/index.html'), 'utf8');
    assert.ok(evil.includes(escapeHtml(HOSTILE)), 'the hostile title and text appear escaped');
    const plain = await readFile(join(siteDir, 'd/plain/index.html'), 'utf8');
    assert.ok(plain.includes(`Plain text with ${escapeHtml(HOSTILE)} and a ]]&gt; and &amp; too`));
  });

  it('writes valid Atom feeds: all changes, and one per document', async () => {
    const feed = checkFeed(await readFile(join(siteDir, 'feed.xml'), 'utf8'));
    const entries = feed.entry ?? [];
    assert.ok(entries.length >= 7, `entries: ${entries.length}`);
    assert.ok(entries.some((entry) => /^d\/sample\/draft-itrs-td64\/diff-/.test(entry.link[0]?.['@href'] ?? '')), 'the revised draft links to its diff');
    const ids = new Set(entries.map((entry) => entry.id));
    assert.equal(ids.size, entries.length, 'entry ids are unique');
    const evilFeed = checkFeed(await readFile(join(siteDir, 'd/evil/feed.xml'), 'utf8'));
    assert.ok(evilFeed.entry?.[0]?.title.includes(HOSTILE), 'the title survives the round trip intact (CDATA)');
    assert.equal(evilFeed.entry?.[0]?.link[0]?.['@href'], '../../d/evil/v-' + evilFeed.entry?.[0]?.link[0]?.['@href'].split('/v-')[1]);
  });

  it('a second publish rewrites nothing; a change rewrites only what it touches', async () => {
    const again = await publishSite(await openMirror(mirrorDir));
    assert.equal(again.written, 0);
    assert.equal(again.unchanged, again.files);
    // A page removed by hand is written again.
    await writeFile(join(siteDir, 'feed.xml'), 'tampered');
    const repaired = await publishSite(await openMirror(mirrorDir));
    assert.equal(repaired.written, 1);
  });

  it('absolute feed links with --base-url; refuses to build over the mirror', async () => {
    const other = join(await tempDir(), 'public');
    await publishSite(await openMirror(mirrorDir), { siteDir: other, baseUrl: 'https://leaks.example.org/wcit' });
    const feed = checkFeed(await readFile(join(other, 'feed.xml'), 'utf8'));
    assert.equal(feed.id, 'https://leaks.example.org/wcit/feed.xml');
    assert.ok(feed.entry?.every((entry) => entry.link[0]?.['@href'].startsWith('https://leaks.example.org/wcit/d/')));
    assert.throws(() => resolveSiteDir(mirrorDir, 'text'), UsageError);
    assert.throws(() => resolveSiteDir(mirrorDir, '.'), UsageError);
  });
});
