// The removal rule: a document its listing no longer has is removed when it is gone upstream, or
// after removeAfterMissingRuns runs in a row; a flaky listing removes nothing; the counters live in
// the repository (state/sources.json), committed once per run and only when they change.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { addSource } from '../src/core/add.js';
import { sync, type SyncResult } from '../src/core/sync.js';
import { git, html, newMirror, startSite, type Site } from './sources-fixtures.js';
import { tempDir } from './helpers/temp.js';
import { metaPath } from './helpers/layout.js';

const run = (mirrorDir: string): Promise<SyncResult> => sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });

function statuses(result: SyncResult): Record<string, string> {
  return Object.fromEntries(result.documents.map((doc) => [doc.id, doc.status]));
}

async function state(mirrorDir: string): Promise<{ sources: Record<string, { status: string; discovered: number; missing: Record<string, number> }> }> {
  return JSON.parse(await readFile(join(mirrorDir, 'state/sources.json'), 'utf8'));
}

const head = (dir: string) => git(dir, 'rev-parse', 'HEAD').trim();

describe('removal after removeAfterMissingRuns', () => {
  let site: Site;
  const list = (names: string[]) =>
    site.pages.set('/', { body: html('Index', `<ul>${names.map((name) => `<li><a href="/docs/${name}.html">${name}</a></li>`).join('')}</ul>`) });
  before(async () => {
    site = await startSite();
    for (const name of ['a', 'b', 'c', 'd']) site.pages.set(`/docs/${name}.html`, { body: html(name, `<p>Document ${name}.</p>`) });
  });
  after(() => site.close());
  beforeEach(() => list(['a', 'b', 'c']));

  it('a document that is still served is removed only on the second run that misses it', async () => {
    const mirrorDir = await newMirror();
    await addSource({ mirrorDir, url: `${site.url}/`, name: 'idx', links: 'ul a' });
    const first = await run(mirrorDir);
    assert.deepEqual(statuses(first), { 'idx/a': 'new', 'idx/b': 'new', 'idx/c': 'new' });
    assert.deepEqual((await state(mirrorDir)).sources.idx, { kind: 'index', status: 'ok', discovered: 3, missing: {} });
    assert.equal(git(mirrorDir, 'status', '--porcelain'), '');

    // A quiet run: no commit at all, not even for the state file.
    const quiet = head(mirrorDir);
    await run(mirrorDir);
    assert.equal(head(mirrorDir), quiet);

    list(['a', 'b']);
    const hitsBefore = site.hits().length;
    const second = await run(mirrorDir);
    assert.deepEqual(statuses(second), { 'idx/a': 'unchanged', 'idx/b': 'unchanged', 'idx/c': 'unchanged' });
    assert.ok(site.hits().slice(hitsBefore).includes('/docs/c.html'), 'the missing document is fetched directly');
    assert.deepEqual((await state(mirrorDir)).sources.idx?.missing, { 'idx/c': 1 });
    assert.equal(second.sources[0]?.missing, 1);
    // Exactly one commit: the state file.
    assert.equal(git(mirrorDir, 'rev-list', '--count', `${quiet}..HEAD`).trim(), '1');
    assert.equal(git(mirrorDir, 'log', '-1', '--format=%s').trim(), 'Update source state');
    assert.equal(git(mirrorDir, 'status', '--porcelain'), '');

    const third = await run(mirrorDir);
    assert.equal(statuses(third)['idx/c'], 'removed');
    assert.match(git(mirrorDir, 'log', '-1', '--format=%B', '--', metaPath('idx/c')), /no longer listed by its source \(2 runs in a row\)/);
    assert.deepEqual((await state(mirrorDir)).sources.idx?.missing, {});
    assert.equal(third.sources[0]?.missing, 0);
    assert.equal(third.sources[0]?.removed, 1);
    assert.equal(git(mirrorDir, 'status', '--porcelain'), '');
  });

  it('a document gone upstream (404) is removed on the first run that misses it', async () => {
    const mirrorDir = await newMirror();
    await addSource({ mirrorDir, url: `${site.url}/`, name: 'idx', links: 'ul a' });
    list(['a', 'b', 'd']);
    await run(mirrorDir);
    list(['a', 'b']);
    const page = site.pages.get('/docs/d.html');
    site.pages.delete('/docs/d.html');
    try {
      const result = await run(mirrorDir);
      assert.equal(statuses(result)['idx/d'], 'removed');
      assert.match(git(mirrorDir, 'log', '-1', '--format=%B', '--', metaPath('idx/d')), /the server answered 404/);
      assert.deepEqual((await state(mirrorDir)).sources.idx?.missing, {});
    } finally {
      if (page !== undefined) site.pages.set('/docs/d.html', page);
    }
  });

  it('a document listed again resets its count; a flaky index page counts nobody and removes nothing', async () => {
    const mirrorDir = await newMirror();
    await addSource({ mirrorDir, url: `${site.url}/`, name: 'idx', links: 'ul a' });
    await run(mirrorDir);
    list(['a', 'b']);
    await run(mirrorDir);
    assert.deepEqual((await state(mirrorDir)).sources.idx?.missing, { 'idx/c': 1 });
    list(['a', 'b', 'c']);
    await run(mirrorDir);
    assert.deepEqual((await state(mirrorDir)).sources.idx?.missing, {});

    list(['a', 'b']);
    await run(mirrorDir);
    site.pages.set('/', { status: 500, type: 'text/plain', body: 'maintenance' });
    const flaky = await run(mirrorDir);
    assert.deepEqual(statuses(flaky), { idx: 'failed' });
    assert.equal(flaky.sources[0]?.status, 'failed');
    const after500 = await state(mirrorDir);
    assert.deepEqual(after500.sources.idx, { kind: 'index', status: 'failed', discovered: 2, errorClass: 'http-500', missing: { 'idx/c': 1 } }, 'the count is kept, not raised');
    // Twice flaky: still nothing removed.
    await run(mirrorDir);
    list(['a', 'b']);
    const back = await run(mirrorDir);
    assert.equal(statuses(back)['idx/c'], 'removed', 'the second run that really misses it');
  });

  it('a listing read only in part (page 2 fails) counts nobody missing', async () => {
    const mirrorDir = await newMirror();
    site.pages.set('/paged/', { body: html('P1', '<ul><li><a href="/docs/a.html">a</a></li></ul><a class="next" href="/paged/2">next</a>') });
    site.pages.set('/paged/2', { body: html('P2', '<ul><li><a href="/docs/b.html">b</a></li></ul>') });
    await addSource({ mirrorDir, url: `${site.url}/paged/`, name: 'paged', links: 'ul a', depth: 2, next: 'a.next', removeAfterMissingRuns: 1 });
    assert.deepEqual(statuses(await run(mirrorDir)), { 'paged/a': 'new', 'paged/b': 'new' });
    site.pages.set('/paged/2', { status: 503, type: 'text/plain', body: 'busy' });
    const partial = await run(mirrorDir);
    assert.deepEqual(statuses(partial), { paged: 'failed', 'paged/a': 'unchanged' });
    assert.equal(partial.sources[0]?.status, 'partial');
    assert.match(partial.documents.find((doc) => doc.id === 'paged')?.error ?? '', /listing page: .*\/paged\/2.* 503/);
  });

  it('removeAfterMissingRuns: 3 waits three runs; the count survives a fresh clone (as on CI)', async () => {
    const mirrorDir = await newMirror();
    await addSource({ mirrorDir, url: `${site.url}/`, name: 'idx', links: 'ul a', removeAfterMissingRuns: 3 });
    await run(mirrorDir);
    list(['a', 'b']);
    assert.equal(statuses(await run(mirrorDir))['idx/c'], 'unchanged');
    // The next run happens in a fresh clone, as a CI job would do it.
    const clone = join(await tempDir(), 'clone');
    execFileSync('git', ['clone', '--quiet', mirrorDir, clone]);
    assert.equal(statuses(await run(clone))['idx/c'], 'unchanged');
    assert.deepEqual((await state(clone)).sources.idx?.missing, { 'idx/c': 2 });
    const clone2 = join(await tempDir(), 'clone2');
    execFileSync('git', ['clone', '--quiet', clone, clone2]);
    assert.equal(statuses(await run(clone2))['idx/c'], 'removed');
  });

  it('a feed leaving out an old item neither fetches nor removes it (default 0)', async () => {
    const mirrorDir = await newMirror();
    const feed = (names: string[]) =>
      site.pages.set('/feed/', {
        type: 'application/rss+xml',
        body: `<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>${names.map((name) => `<item><title>${name}</title><link>${site.url}/docs/${name}.html</link></item>`).join('')}</channel></rss>`,
      });
    feed(['a', 'b']);
    await addSource({ mirrorDir, url: `${site.url}/feed/`, kind: 'feed', name: 'feed' });
    await run(mirrorDir);
    feed(['b']);
    for (let i = 0; i < 3; i += 1) {
      const hitsBefore = site.hits().length;
      const result = await run(mirrorDir);
      assert.deepEqual(statuses(result), { 'feed/b': 'unchanged' });
      assert.ok(!site.hits().slice(hitsBefore).includes('/docs/a.html'));
    }
    const meta = JSON.parse(await readFile(join(mirrorDir, metaPath('feed/a')), 'utf8')) as { status: string };
    assert.equal(meta.status, 'active');
  });
});
