// Discovery of each source kind through a real sync against sites served on 127.0.0.1: paginated
// indexes, feeds, sitemaps (gzip too), tracking parameters and duplicates, malformed listings.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { addSource } from '../src/core/add.js';
import { sync, type SyncEvent, type SyncResult } from '../src/core/sync.js';
import { fixture, git, html, makePdf, newMirror, startSite, type Site } from './sources-fixtures.js';
import { textPath, metaPath } from './helpers/layout.js';

const launcher = new URL('../../bin/leakmirror.js', import.meta.url).pathname;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  return new Promise((resolve) => {
    execFile(process.execPath, [launcher, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

const run = (mirrorDir: string, sources?: string[], onEvent?: (event: SyncEvent) => void): Promise<SyncResult> =>
  sync({ mirrorDir, sources, allowPrivateNetwork: true, delayMs: 0, retries: 0, onEvent });

function statuses(result: SyncResult): Record<string, string> {
  return Object.fromEntries(result.documents.map((doc) => [doc.id, doc.status]));
}

describe('index sources: pagination, duplicates, tracking parameters', () => {
  let site: Site;
  let mirrorDir: string;
  before(async () => {
    site = await startSite();
    const origin = (text: string) => text.replaceAll('https://docs.example.org', site.url).replaceAll('PORT', String(site.server.port));
    site.pages.set('/documents/', { body: origin(fixture('index/page1.html')) });
    site.pages.set('/documents/?page=2', { body: origin(fixture('index/page2.html')) });
    site.pages.set('/documents/?page=3', { body: origin(fixture('index/page3.html')) });
    for (const name of ['td-64', 'c-40', 'td-75', 'final-acts']) site.pages.set(`/documents/${name}.pdf`, { type: 'application/pdf', body: await makePdf([`Document ${name}`]) });
    site.pages.set('/documents/summary.html', { body: html('Summary', '<p>A summary.</p>') });
    mirrorDir = await newMirror();
  });
  after(() => site.close());

  it('depth 1 reads the first page only; relative links, fragments, tracking parameters and duplicates are folded', async () => {
    await addSource({ mirrorDir, url: `${site.url}/documents/`, name: 'one', links: '.documents a', match: '\\.pdf$' });
    const events: SyncEvent[] = [];
    const result = await run(mirrorDir, ['one'], (event) => events.push(event));
    assert.deepEqual(statuses(result), { 'one/c-40': 'new', 'one/td-64': 'new' });
    assert.deepEqual(result.documents.map((doc) => doc.url).sort(), [`${site.url}/documents/c-40.pdf`, `${site.url}/documents/td-64.pdf`]);
    assert.deepEqual(result.sources, [{ name: 'one', kind: 'index', status: 'ok', discovered: 2, new: 2, changed: 0, unchanged: 0, removed: 0, failed: 0, missing: 0 }]);
    const sourceEvent = events.find((event) => event.type === 'source');
    assert.deepEqual(sourceEvent, { type: 'source', source: 'one', kind: 'index', discovered: 2, missing: 0, truncated: undefined, pages: 1 });
  });

  it('depth 3 follows the next links (same site only), each page once, pagination links never documents', async () => {
    await addSource({ mirrorDir, url: `${site.url}/documents/`, name: 'all', links: 'main a', match: '/documents/', depth: 3, next: '.pagination a' });
    const before = site.hits().length;
    const result = await run(mirrorDir, ['all']);
    assert.deepEqual(statuses(result), { 'all/c-40': 'new', 'all/final-acts': 'new', 'all/summary': 'new', 'all/td-64': 'new', 'all/td-75': 'new' });
    const hits = site.hits().slice(before);
    assert.deepEqual(
      hits.filter((hit) => hit.startsWith('/documents/?') || hit === '/documents/'),
      ['/documents/', '/documents/?page=2', '/documents/?page=3'],
      'each index page fetched once',
    );
    assert.ok(!hits.includes('/elsewhere/'), 'a next link to another site is not followed');
    assert.equal(result.sources[0]?.discovered, 5);
  });

  it('maxDocuments fetches the first N and keeps the rest listed (not removed)', async () => {
    await addSource({ mirrorDir, url: `${site.url}/documents/`, name: 'few', links: 'main a', match: '\\.pdf$', depth: 3, next: 'a.next', maxDocuments: 2 });
    const warnings: string[] = [];
    const result = await run(mirrorDir, ['few'], (event) => event.type === 'warning' && warnings.push(event.message));
    assert.deepEqual(statuses(result), { 'few/c-40': 'new', 'few/td-64': 'new' });
    assert.equal(result.sources[0]?.truncated, true);
    assert.equal(result.sources[0]?.discovered, 4);
    assert.ok(warnings.some((warning) => /only the first 2 are fetched/.test(warning)));
  });

  it('the same bytes under two URLs are noted in sameAs', async () => {
    site.pages.set('/copies/', { body: html('Copies', '<a href="/documents/td-64.pdf">TD 64</a> <a href="/mirror/td-64-copy.pdf">copy</a>') });
    site.pages.set('/mirror/td-64-copy.pdf', { type: 'application/pdf', body: await makePdf(['Document td-64']) });
    await addSource({ mirrorDir, url: `${site.url}/copies/`, name: 'copies', match: '\\.pdf$' });
    await run(mirrorDir, ['copies']);
    const meta = async (id: string) => JSON.parse(await readFile(join(mirrorDir, metaPath(id)), 'utf8')) as { sameAs: string[] | null };
    const copy = await meta('copies/td-64-copy');
    const original = await meta('copies/td-64');
    for (const id of ['all/td-64', 'few/td-64', 'one/td-64']) assert.ok(copy.sameAs?.includes(id), `${id} in ${String(copy.sameAs)}`);
    // Of two documents recorded at the same time, at least the later one names the other.
    assert.ok(copy.sameAs?.includes('copies/td-64') === true || original.sameAs?.includes('copies/td-64-copy') === true);
    assert.equal((await meta('one/c-40')).sameAs, null);
    assert.equal(git(mirrorDir, 'status', '--porcelain'), '');
  });
});

describe('feed sources', () => {
  let site: Site;
  let mirrorDir: string;
  const post = (title: string, body: string) =>
    html(title, `<article><h1 class="entry-title">${title}</h1><div class="entry-content">${body}</div><div class="sharedaddy">Share this</div></article>`);
  before(async () => {
    site = await startSite();
    const origin = (text: string) => text.replaceAll('https://blog.example.org', site.url).replaceAll('https://BLOG.example.org:443', site.url);
    site.pages.set('/feed/', { type: 'application/rss+xml; charset=UTF-8', body: origin(fixture('feeds/wordpress-rss.xml')) });
    site.pages.set('/feed/atom/', { type: 'application/atom+xml', body: origin(fixture('feeds/atom.xml')) });
    site.pages.set('/feed/json/', { type: 'application/feed+json', body: origin(fixture('feeds/feed.json')) });
    site.pages.set('/broken/feed/', { type: 'application/rss+xml', body: fixture('feeds/truncated.xml') });
    site.pages.set('/maintenance/feed/', { type: 'text/html', body: fixture('feeds/not-a-feed.html') });
    site.pages.set('/2012/12/joint-statement-wcit/', { body: post('Joint statement on the WCIT-12 outcome', '<p>Civil society organisations call on governments.</p>') });
    site.pages.set('/2012/11/open-letter-itu/', { body: post('Open letter to ITU member states', '<p>We, the undersigned, ask for openness.</p>') });
    site.pages.set('/2012/11/leaked-td-64/', { body: post('What the leaked TD-64 says', '<p>An annotated reading.</p>') });
    site.pages.set('/wp-content/uploads/2012/12/joint-statement-wcit.pdf', { type: 'application/pdf', body: await makePdf(['Joint statement']) });
    site.pages.set('/wp-content/uploads/2012/11/td-64-annotated.pdf', { type: 'application/pdf', body: await makePdf(['TD 64 annotated']) });
    mirrorDir = await newMirror();
  });
  after(() => site.close());

  it('RSS: each item is a document, enclosures too; the tracking parameters never reach a request', async () => {
    await addSource({ mirrorDir, url: `${site.url}/feed/`, kind: 'feed', name: 'blog', enclosures: true, select: '.entry-content' });
    const result = await run(mirrorDir, ['blog']);
    assert.equal(result.summary.new, 5, JSON.stringify(result.documents));
    assert.equal(result.summary.failed, 0);
    const urls = result.documents.map((doc) => new URL(doc.url).pathname).sort();
    assert.deepEqual(urls, [
      '/2012/11/leaked-td-64/',
      '/2012/11/open-letter-itu/',
      '/2012/12/joint-statement-wcit/',
      '/wp-content/uploads/2012/11/td-64-annotated.pdf',
      '/wp-content/uploads/2012/12/joint-statement-wcit.pdf',
    ]);
    assert.ok(!site.hits().some((hit) => /utm_|fbclid|mc_cid|mc_eid/.test(hit)), site.hits().join('\n'));
    const text = await readFile(join(mirrorDir, textPath('blog/open-letter-itu')), 'utf8');
    assert.match(text, /We, the undersigned/);
    assert.doesNotMatch(text, /Share this/, 'select keeps the article only');
    assert.equal(result.sources[0]?.kind, 'feed');
  });

  it('Atom and JSON Feed sources find the same documents (ids already taken get a hash)', async () => {
    await addSource({ mirrorDir, url: `${site.url}/feed/atom/`, kind: 'feed', name: 'atom' });
    await addSource({ mirrorDir, url: `${site.url}/feed/json/`, kind: 'feed', name: 'json', exclude: 'elsewhere' });
    const result = await run(mirrorDir, ['atom', 'json']);
    assert.deepEqual(statuses(result), {
      'atom/joint-statement-wcit': 'new',
      'atom/open-letter-itu': 'new',
      'json/joint-statement-wcit': 'new',
      'json/open-letter-itu': 'new',
    });
  });

  it('a malformed feed and an HTML page instead of a feed: a clear error, exit 3, the other sources recorded', async () => {
    await addSource({ mirrorDir, url: `${site.url}/broken/feed/`, kind: 'feed', name: 'broken' });
    await addSource({ mirrorDir, url: `${site.url}/maintenance/feed/`, kind: 'feed', name: 'maintenance' });
    site.pages.set('/2012/11/open-letter-itu/', { body: post('Open letter to ITU member states', '<p>We, the undersigned, ask for openness. Updated.</p>') });
    const cliRun = await cli(['-C', mirrorDir, 'sync', '--json', '--allow-private-network', '--delay', '0']);
    assert.equal(cliRun.code, 3, cliRun.stderr);
    const report = JSON.parse(cliRun.stdout) as { documents: Array<{ id: string; status: string; error?: string; errorClass?: string }> };
    const broken = report.documents.find((doc) => doc.id === 'broken');
    assert.equal(broken?.status, 'failed');
    assert.equal(broken?.errorClass, 'bad-content');
    assert.match(broken?.error ?? '', /^feed: .*\/broken\/feed\/ is not a valid RSS, Atom, RDF or JSON feed/);
    assert.match(report.documents.find((doc) => doc.id === 'maintenance')?.error ?? '', /Unrecognized feed format/);
    assert.equal(report.documents.find((doc) => doc.id === 'blog/open-letter-itu')?.status, 'changed');
    assert.doesNotMatch(cliRun.stderr, /at .*\.js:\d+/, 'no stack trace');

    const sources = JSON.parse((await cli(['-C', mirrorDir, 'sources', '--json'])).stdout) as Array<{ name: string; kind: string; status: string; discovered: number; lastRun: string; errorClass?: string }>;
    const byName = Object.fromEntries(sources.map((source) => [source.name, source]));
    assert.equal(byName.broken?.status, 'failed');
    assert.equal(byName.broken?.errorClass, 'bad-content');
    assert.equal(byName.blog?.status, 'ok');
    assert.equal(byName.blog?.kind, 'feed');
    assert.equal(byName.blog?.discovered, 5);
    assert.ok(Date.parse(byName.blog?.lastRun ?? '') > Date.now() - 120_000);
  });
});

describe('sitemap sources', () => {
  let site: Site;
  let mirrorDir: string;
  before(async () => {
    site = await startSite();
    const origin = (text: string) => text.replaceAll('https://docs.example.org', site.url);
    site.pages.set('/sitemap.xml', { type: 'application/xml', body: origin(fixture('sitemaps/index.xml')) });
    // A .xml.gz file as such (application/gzip, no Content-Encoding): leakmirror gunzips it.
    site.pages.set('/sitemap-documents.xml.gz', { type: 'application/gzip', body: gzipSync(origin(fixture('sitemaps/documents.xml'))) });
    // Content-Encoding gzip: the fetcher decodes it.
    site.pages.set('/sitemap-pages.xml', { type: 'application/xml', body: gzipSync(origin(fixture('sitemaps/pages.xml'))), headers: { 'content-encoding': 'gzip' } });
    site.pages.set('/sitemap-broken.xml', { type: 'application/xml', body: fixture('sitemaps/malformed.xml') });
    site.pages.set('/sitemap-bomb.xml.gz', { type: 'application/gzip', body: gzipSync(Buffer.alloc(60 * 1024 * 1024, 0x20)) });
    site.pages.set('/sitemap.txt', { type: 'text/plain', body: origin(fixture('sitemaps/text-sitemap.txt')) });
    for (const name of ['td-64.pdf', 'contribution-40.pdf', 'draft-final-acts.pdf']) site.pages.set(`/documents/${name}`, { type: 'application/pdf', body: await makePdf([name]) });
    site.pages.set('/documents/background.html', { body: html('Background', '<p>Background.</p>') });
    mirrorDir = await newMirror();
  });
  after(() => site.close());

  it('an index with a gzipped child and a Content-Encoding child; a child on another site is not followed', async () => {
    await addSource({ mirrorDir, url: `${site.url}/sitemap.xml`, kind: 'sitemap', name: 'site', match: '/documents/' });
    const warnings: string[] = [];
    const result = await run(mirrorDir, ['site'], (event) => event.type === 'warning' && warnings.push(event.message));
    assert.deepEqual(statuses(result), {
      'site/background': 'new',
      'site/contribution-40-lang-en': 'new',
      'site/draft-final-acts': 'new',
      'site/td-64': 'new',
    });
    assert.ok(warnings.some((warning) => /other-site\.example\.net.*another site/.test(warning)), warnings.join('\n'));
    assert.deepEqual(
      site.hits().filter((hit) => hit.startsWith('/sitemap')),
      ['/sitemap.xml', '/sitemap-documents.xml.gz', '/sitemap-pages.xml'],
    );
    assert.equal(result.sources[0]?.discovered, 4);
  });

  it('a text sitemap', async () => {
    await addSource({ mirrorDir, url: `${site.url}/sitemap.txt`, kind: 'sitemap', name: 'text' });
    const result = await run(mirrorDir, ['text']);
    assert.deepEqual(statuses(result), { 'text/contribution-40-lang-en': 'new', 'text/td-64': 'new' });
  });

  it('a malformed sitemap and a gzip bomb: clear errors, nothing recorded for them, no crash', async () => {
    await addSource({ mirrorDir, url: `${site.url}/sitemap-broken.xml`, kind: 'sitemap', name: 'broken' });
    await addSource({ mirrorDir, url: `${site.url}/sitemap-bomb.xml.gz`, kind: 'sitemap', name: 'bomb' });
    const head = git(mirrorDir, 'rev-parse', 'HEAD').trim();
    const cliRun = await cli(['-C', mirrorDir, 'sync', 'broken', 'bomb', '--json', '--allow-private-network', '--delay', '0']);
    assert.equal(cliRun.code, 3, cliRun.stderr);
    const report = JSON.parse(cliRun.stdout) as { documents: Array<{ id: string; status: string; error?: string; errorClass?: string }> };
    assert.deepEqual(
      report.documents.map((doc) => [doc.id, doc.status, doc.errorClass]),
      [
        ['bomb', 'failed', 'too-big'],
        ['broken', 'failed', 'bad-content'],
      ],
    );
    assert.match(report.documents[1]?.error ?? '', /^sitemap: the sitemap .*sitemap-broken\.xml is not well-formed XML \(line 8/);
    // The failed sources' state is committed (status failed), nothing else.
    assert.deepEqual(git(mirrorDir, 'diff', '--name-only', head, 'HEAD').trim().split('\n'), ['state/sources.json']);
  });
});
