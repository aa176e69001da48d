// Mirror layouts: how ids become paths (pure), which layout a mirror has, and what init writes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addSource } from '../src/core/add.js';
import { documentIds, documentVersions, findDocument, openHistory, textAt } from '../src/core/history.js';
import { initMirror } from '../src/core/init.js';
import { listDocuments } from '../src/core/list.js';
import { openMirror } from '../src/core/mirror.js';
import { sync } from '../src/core/sync.js';
import { StoreError } from '../src/errors.js';
import { FLAT_LAYOUT, LAYOUT_FILE, layoutFileText, parseLayoutFile, readLayout, shardOf, SHARDED_LAYOUT } from '../src/store/layout.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

describe('layout paths (pure)', () => {
  const cases: Array<{ id: string; flat: string; sharded: string }> = [
    { id: 'bench/council-on-security-0002', flat: 'bench/council-on-security-0002', sharded: `bench/${shardOf('bench/council-on-security-0002')}/council-on-security-0002` },
    { id: 'wcit-final', flat: 'wcit-final', sharded: 'wcit-final' },
    { id: 'a/b/c.d', flat: 'a/b/c.d', sharded: `a/b/${shardOf('a/b/c.d')}/c.d` },
  ];
  for (const { id, flat, sharded } of cases) {
    it(`${id}: text, meta and raw paths in both layouts`, () => {
      assert.deepEqual(FLAT_LAYOUT.documentPaths(id), { text: `text/${flat}.txt`, meta: `meta/${flat}.json` });
      assert.equal(FLAT_LAYOUT.rawPath(id, 'application/pdf'), `raw/${flat}.pdf`);
      assert.deepEqual(SHARDED_LAYOUT.documentPaths(id), { text: `text/${sharded}.txt`, meta: `meta/${sharded}.json` });
      assert.equal(SHARDED_LAYOUT.rawPath(id, 'text/html'), `raw/${sharded}.html`);
      assert.equal(SHARDED_LAYOUT.rawPath(id, 'application/x-unknown'), `raw/${sharded}.bin`);
    });
    it(`${id}: the metadata file's name gives the id back`, () => {
      for (const layout of [FLAT_LAYOUT, SHARDED_LAYOUT]) {
        const name = layout.documentPaths(id).meta.slice('meta/'.length, -'.json'.length);
        assert.equal(layout.idFromMetaName(name), id);
      }
    });
  }

  it('the shard is two hex digits of the id, spreading ids over up to 256 directories', () => {
    const shards = new Set<string>();
    for (let n = 0; n < 4000; n++) shards.add(shardOf(`bench/doc-${n}`));
    assert.ok([...shards].every((shard) => /^[0-9a-f]{2}$/.test(shard)));
    assert.equal(shards.size, 256);
    assert.equal(shardOf('x'), shardOf('x'));
  });

  it('layout 2 ignores names it would not write: a wrong shard, a missing shard', () => {
    const id = 'bench/page';
    const right = shardOf(id);
    const wrong = right === '00' ? '01' : '00';
    assert.equal(SHARDED_LAYOUT.idFromMetaName(`bench/${wrong}/page`), undefined);
    assert.equal(SHARDED_LAYOUT.idFromMetaName('bench/page'), undefined);
    assert.equal(SHARDED_LAYOUT.idFromMetaName(''), undefined);
    assert.equal(FLAT_LAYOUT.idFromMetaName('bench/page'), 'bench/page');
  });
});

describe('state/layout.json', () => {
  const cases: Array<{ name: string; text: string | undefined; version?: 1 | 2; error?: RegExp }> = [
    { name: 'no file: layout 1 (mirrors made before layouts)', text: undefined, version: 1 },
    { name: 'what init writes', text: layoutFileText(2), version: 2 },
    { name: 'layout 1 written out', text: layoutFileText(1), version: 1 },
    { name: 'a later layout: upgrade', text: '{"layout": 3}', error: /layout 3 .*upgrade leakmirror/ },
    { name: 'not JSON', text: '{ layout: 2', error: /corrupt state\/layout\.json/ },
    { name: 'a string', text: '{"layout": "2"}', error: /"layout" must be 1 or 2/ },
    { name: 'null', text: 'null', error: /"layout" must be 1 or 2/ },
  ];
  for (const { name, text, version, error } of cases) {
    it(name, () => {
      if (error !== undefined) assert.throws(() => parseLayoutFile(text), (thrown: unknown) => thrown instanceof StoreError && error.test(thrown.message));
      else assert.equal(parseLayoutFile(text).version, version);
    });
  }
});

describe('a mirror and its layout', () => {
  it('init writes state/layout.json (layout 2) and commits it; openMirror and openHistory read it', async () => {
    const dir = join(await tempDir(), 'mirror');
    const result = await initMirror({ dir });
    assert.equal(result.created, true);
    assert.equal(await readFile(join(dir, LAYOUT_FILE), 'utf8'), layoutFileText(2));
    const mirror = await openMirror(dir);
    assert.equal(mirror.repo.layout.version, 2);
    assert.deepEqual(await mirror.repo.dirtyPaths(['state']), []);
    assert.equal((await openHistory(dir)).repo.layout.version, 2);
  });

  it('init in a directory that already holds metadata files keeps layout 1', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'meta', 'old'), { recursive: true });
    await writeFile(join(dir, 'meta', 'old', 'doc.json'), '{}');
    await initMirror({ dir });
    assert.equal((await readLayout(dir)).version, 1);
    assert.equal((await openMirror(dir)).repo.layout.version, 1);
  });

  it('a mirror whose layout file names an unknown layout is refused, not misread', async () => {
    const dir = join(await tempDir(), 'mirror');
    await initMirror({ dir });
    await writeFile(join(dir, LAYOUT_FILE), '{"layout": 7}\n');
    await assert.rejects(openMirror(dir), /layout 7/);
    await assert.rejects(openHistory(dir), /layout 7/);
  });
});

const git = (dir: string, ...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
const exists = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined)) !== undefined;

describe('sync and history in either layout', () => {
  const pages = new Map<string, string>();
  let server: TestServer;
  const page = (title: string, body: string) => `<!doctype html><html><head><title>${title}</title></head><body><main><h1>${title}</h1><p>${body}</p></main></body></html>`;

  before(async () => {
    pages.set('/', '<ul><li><a href="/docs/letter.html">letter</a></li><li><a href="/docs/draft.html">draft</a></li></ul>');
    pages.set('/docs/letter.html', page('Open letter', 'We ask for the drafts.'));
    pages.set('/docs/draft.html', page('Draft ITRs', 'Article 1: purpose and scope.'));
    server = await startServer((req, res) => {
      const body = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    });
  });
  after(() => server.close());

  // A mirror made before layouts: init, then the layout file taken out again (as if never written).
  const cases: Array<{ name: string; version: 1 | 2; make: (dir: string) => Promise<void> }> = [
    { name: 'layout 2 (init)', version: 2, make: async (dir) => void (await initMirror({ dir })) },
    {
      name: 'layout 1 (a mirror made before layouts)',
      version: 1,
      make: async (dir) => {
        await initMirror({ dir });
        git(dir, 'rm', '-q', LAYOUT_FILE);
        git(dir, '-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-qm', 'as before layouts');
      },
    },
  ];
  for (const { name, version, make } of cases) {
    it(`${name}: files where the layout says, two syncs across a revision, history read back`, async () => {
      const dir = join(await tempDir(), 'mirror');
      await make(dir);
      await addSource({ mirrorDir: dir, url: `${server.url}/`, name: 'leaks', links: 'a' });
      const layout = (await openMirror(dir)).repo.layout;
      assert.equal(layout.version, version);
      const first = await sync({ mirrorDir: dir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
      assert.deepEqual(first.documents.map((doc) => [doc.id, doc.status]).sort(), [['leaks/draft', 'new'], ['leaks/letter', 'new']]);

      const letter = layout.documentPaths('leaks/letter');
      const expectedText = version === 1 ? 'text/leaks/letter.txt' : `text/leaks/${shardOf('leaks/letter')}/letter.txt`;
      assert.equal(letter.text, expectedText);
      assert.match(await readFile(join(dir, letter.text), 'utf8'), /We ask for the drafts/);
      assert.ok(await exists(join(dir, letter.meta)));
      assert.ok(await exists(join(dir, layout.rawPath('leaks/letter', 'text/html'))));
      // Nothing written where the other layout would put it.
      const other = version === 1 ? SHARDED_LAYOUT : FLAT_LAYOUT;
      assert.equal(await exists(join(dir, other.documentPaths('leaks/letter').text)), false);

      pages.set('/docs/letter.html', page('Open letter', 'We ask for the drafts. Revised: and for the minutes.'));
      try {
        const second = await sync({ mirrorDir: dir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
        assert.deepEqual(second.documents.map((doc) => [doc.id, doc.status]).sort(), [['leaks/draft', 'unchanged'], ['leaks/letter', 'changed']]);
      } finally {
        pages.set('/docs/letter.html', page('Open letter', 'We ask for the drafts.'));
      }

      const history = await openHistory(dir);
      assert.deepEqual(await documentIds(history.repo), ['leaks/draft', 'leaks/letter']);
      assert.equal((await findDocument(history.repo, 'leaks/letter')).text, letter.text);
      const versions = await documentVersions(history.repo, 'leaks/letter');
      assert.equal(versions.length, 2);
      assert.match(await textAt(history.repo, 'leaks/letter', versions[0]!), /for the minutes/);
      assert.doesNotMatch(await textAt(history.repo, 'leaks/letter', versions[1]!), /for the minutes/);
      const listed = await listDocuments(await openMirror(dir));
      assert.deepEqual(listed.map((doc) => doc.path).sort(), [layout.documentPaths('leaks/draft').text, letter.text].sort());
      assert.equal(git(dir, 'status', '--porcelain'), '');
      git(dir, 'fsck', '--strict', '--no-progress');
    });
  }
});
