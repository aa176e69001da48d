// Integration: the sync pipeline against a real HTTP server on 127.0.0.1 and real git repositories.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addSource } from '../src/core/add.js';
import { documentVersions, textAt } from '../src/core/history.js';
import { initMirror } from '../src/core/init.js';
import { listDocuments } from '../src/core/list.js';
import { openMirror } from '../src/core/mirror.js';
import { sync, type SyncResult } from '../src/core/sync.js';
import { LockError, NotAMirrorError } from '../src/errors.js';
import { acquireLock } from '../src/store/lock.js';
import { lockTarget } from '../src/store/layout.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';
import { textPath, metaPath, rawPath } from './helpers/layout.js';

const repoRoot = new URL('../../', import.meta.url).pathname;
const samplePdf = (revision: string) => readFile(join(repoRoot, 'mirror/sample-site', revision, 'docs/draft-itrs-td64.pdf'));

interface Page {
  status?: number;
  type: string;
  body: string | Buffer;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
}

function byId(result: SyncResult): Record<string, string> {
  return Object.fromEntries(result.documents.map((doc) => [doc.id, doc.status]));
}

const html = (title: string, body: string) => `<!doctype html><html><head><title>${title}</title></head><body><nav>Home | About</nav><main>${body}</main></body></html>`;

describe('sync against a local server', () => {
  const site = new Map<string, Page>();
  let server: TestServer;
  let mirrorDir: string;

  const index = (links: string[]) =>
    site.set('/', { type: 'text/html; charset=utf-8', body: html('Index', `<ul>${links.map((href) => `<li><a href="${href}">${href}</a></li>`).join('')}</ul><a href="https://elsewhere.example/x">external</a>`) });

  before(async () => {
    server = await startServer((req, res) => {
      const page = site.get(new URL(req.url ?? '/', 'http://x').pathname);
      if (page === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(page.status ?? 200, { 'content-type': page.type }).end(page.body);
    });
    index(['docs/letter.html', 'docs/draft.pdf', 'docs/notes.txt', 'docs/old.html']);
    site.set('/docs/letter.html', { type: 'text/html; charset=utf-8', body: html('Open letter', '<h1>Open letter</h1><p>We ask for transparency.</p><ul><li>Publish drafts</li></ul>') });
    site.set('/docs/draft.pdf', { type: 'application/pdf', body: await samplePdf('rev1') });
    site.set('/docs/notes.txt', { type: 'text/plain', body: 'Notes\r\nline two\n' });
    site.set('/docs/old.html', { type: 'text/html', body: html('Old', '<p>Soon gone.</p>') });
    site.set('/single.html', { type: 'text/html', body: html('Single page', '<p>A page source.</p>') });

    mirrorDir = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirrorDir, name: 'test' });
    await addSource({ mirrorDir, url: `${server.url}/`, name: 'leaks', links: 'main a', match: '/docs/' });
    await addSource({ mirrorDir, url: `${server.url}/single.html`, name: 'single' });
  });
  after(() => server.close());

  // No retries: the 500 below would otherwise be retried with real backoff (tested in fault-injection).
  const run = () => sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });

  it('records every document as new on the first run, one commit each', async () => {
    const result = await run();
    assert.deepEqual(byId(result), {
      'leaks/draft': 'new',
      'leaks/letter': 'new',
      'leaks/notes': 'new',
      'leaks/old': 'new',
      single: 'new',
    });
    assert.deepEqual(result.summary, { new: 5, changed: 0, unchanged: 0, removed: 0, failed: 0 });
    assert.ok(result.documents.every((doc) => doc.commit !== undefined && doc.changeType === 'content'));
    const letter = await readFile(join(mirrorDir, textPath('leaks/letter')), 'utf8');
    assert.match(letter, /Open letter/);
    assert.match(letter, /- Publish drafts/);
    assert.doesNotMatch(letter, /Home \| About/, 'navigation is dropped');
    const draft = await readFile(join(mirrorDir, textPath('leaks/draft')), 'utf8');
    assert.match(draft, /--- page 1 ---/);
    assert.match(draft, /Article 1/);
    assert.equal(await readFile(join(mirrorDir, textPath('leaks/notes')), 'utf8'), 'Notes\nline two\n');
    const meta = JSON.parse(await readFile(join(mirrorDir, metaPath('leaks/draft')), 'utf8')) as Record<string, unknown>;
    assert.equal(meta.mediaType, 'application/pdf');
    assert.equal(meta.raw, rawPath('leaks/draft', 'pdf'));
    assert.equal(meta.pages, 4);
    assert.equal(meta.status, 'active');
    assert.deepEqual(await readFile(join(mirrorDir, rawPath('leaks/draft', 'pdf'))), await samplePdf('rev1'));
    // One commit per version, with the trailers the history is read from.
    const message = git(mirrorDir, 'log', '-1', '--format=%B', '--', metaPath('leaks/draft'));
    assert.match(message, /^Add /);
    assert.match(message, /Change-Type: content/);
    assert.match(message, /Content-SHA256: [0-9a-f]{64}/);
    assert.equal(git(mirrorDir, 'status', '--porcelain'), '');
  });

  it('records nothing when nothing changed', async () => {
    const head = git(mirrorDir, 'rev-parse', 'HEAD');
    const result = await run();
    assert.equal(result.summary.unchanged, 5);
    assert.equal(git(mirrorDir, 'rev-parse', 'HEAD'), head);
  });

  it('tells content, technical and removed changes apart', async () => {
    site.set('/docs/letter.html', { type: 'text/html; charset=utf-8', body: html('Open letter', '<h1>Open letter</h1><p>We ask for transparency.</p><p>A new paragraph.</p><ul><li>Publish drafts</li></ul>') });
    site.set('/docs/draft.pdf', { type: 'application/pdf', body: await samplePdf('rev2') });
    // Markup-only change: new bytes, same text.
    site.set('/docs/notes.txt', { type: 'text/plain', body: 'Notes\nline two\n' });
    index(['docs/letter.html', 'docs/draft.pdf', 'docs/notes.txt']);
    // Unlisted and gone upstream: removed at once (unlisted but still served, it would wait for
    // removeAfterMissingRuns, default 2: see test/sources-removal.test.ts).
    site.delete('/docs/old.html');
    site.delete('/single.html');
    const result = await run();
    assert.deepEqual(byId(result), {
      'leaks/draft': 'changed',
      'leaks/letter': 'changed',
      'leaks/notes': 'changed',
      'leaks/old': 'removed',
      single: 'removed',
    });
    const types = Object.fromEntries(result.documents.map((doc) => [doc.id, doc.changeType]));
    assert.deepEqual(types, { 'leaks/draft': 'content', 'leaks/letter': 'content', 'leaks/notes': 'technical', 'leaks/old': 'removed', single: 'removed' });

    const mirror = await openMirror(mirrorDir);
    const versions = await documentVersions(mirror.repo, 'leaks/letter');
    assert.equal(versions.length, 2);
    assert.match(await textAt(mirror.repo, 'leaks/letter', versions[0]!), /A new paragraph/);
    assert.doesNotMatch(await textAt(mirror.repo, 'leaks/letter', versions[1]!), /A new paragraph/);

    const listed = Object.fromEntries((await listDocuments(mirror)).map((doc) => [doc.id, doc]));
    assert.equal(listed['leaks/old']?.status, 'removed');
    assert.equal(listed['leaks/letter']?.versions, 2);
    assert.equal(listed['leaks/notes']?.versions, 2);
    // The removed document keeps its last text in the tree and in history.
    assert.match(await readFile(join(mirrorDir, textPath('leaks/old')), 'utf8'), /Soon gone/);
    assert.equal(git(mirrorDir, 'status', '--porcelain'), '');
    git(mirrorDir, 'fsck', '--strict', '--no-progress');
  });

  it('records failures per document and goes on, keeping the raw bytes', async () => {
    site.set('/docs/bad.pdf', { type: 'application/pdf', body: Buffer.from('%PDF-1.4\n1 0 obj garbage\n%%EOF') });
    site.set('/docs/evil.html', { type: 'text/html; charset=utf-8', body: Buffer.from([0x3c, 0x70, 0x3e, 0xff, 0xfe, 0xc3, 0x28, 0x3c, 0x2f, 0x70, 0x3e]) });
    site.set('/docs/boom.html', { status: 500, type: 'text/plain', body: 'server error' });
    index(['docs/letter.html', 'docs/draft.pdf', 'docs/notes.txt', 'docs/bad.pdf', 'docs/evil.html', 'docs/boom.html']);
    const result = await run();
    const failed = result.documents.filter((doc) => doc.status === 'failed');
    assert.deepEqual(failed.map((doc) => [doc.id, doc.errorClass]).sort(), [
      ['leaks/bad', 'bad-content'],
      ['leaks/boom', 'http-500'],
      ['leaks/evil', 'bad-content'],
    ]);
    for (const doc of failed) assert.ok(doc.error && doc.error.length > 10, `clear error for ${doc.id}: ${doc.error}`);
    assert.equal(result.summary.unchanged, 4, 'three unchanged documents and the page source already recorded as removed');
    // Failed extraction: the raw bytes are recorded (nothing fetched is lost), marked failed.
    const meta = JSON.parse(await readFile(join(mirrorDir, metaPath('leaks/bad')), 'utf8')) as Record<string, unknown>;
    assert.equal(meta.extraction, 'failed');
    assert.match(String(meta.error), /./);
    assert.ok((await readFile(join(mirrorDir, rawPath('leaks/bad', 'pdf')))).length > 0);
    // The same failure again records nothing new but is still reported.
    const head = git(mirrorDir, 'rev-parse', 'HEAD');
    const again = await run();
    assert.equal(again.summary.failed, 3);
    assert.equal(git(mirrorDir, 'rev-parse', 'HEAD'), head);
    git(mirrorDir, 'fsck', '--strict', '--no-progress');
  });

  it('restores files an interrupted run left uncommitted', async () => {
    await mkdir(dirname(join(mirrorDir, textPath('leaks/stray'))), { recursive: true });
    await writeFile(join(mirrorDir, textPath('leaks/letter')), 'half-recorded');
    await writeFile(join(mirrorDir, textPath('leaks/stray')), 'untracked');
    const warnings: string[] = [];
    await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0, onEvent: (event) => event.type === 'warning' && warnings.push(event.message) });
    assert.equal(warnings.length, 1);
    assert.match(await readFile(join(mirrorDir, textPath('leaks/letter')), 'utf8'), /Open letter/);
    assert.equal(git(mirrorDir, 'status', '--porcelain'), '');
  });

  it('changes nothing on a dry run', async () => {
    site.set('/docs/letter.html', { type: 'text/html', body: html('Open letter', '<p>Rewritten entirely.</p>') });
    const head = git(mirrorDir, 'rev-parse', 'HEAD');
    const result = await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0, dryRun: true });
    assert.equal(result.dryRun, true);
    assert.equal(byId(result)['leaks/letter'], 'changed');
    assert.equal(git(mirrorDir, 'rev-parse', 'HEAD'), head);
    assert.equal(git(mirrorDir, 'status', '--porcelain'), '');
  });

  it('refuses a second concurrent run, naming the holder', async () => {
    const lock = await acquireLock(lockTarget(mirrorDir), 'sync (test)');
    try {
      await assert.rejects(run(), (error: unknown) => error instanceof LockError && /locked by process \d+/.test(error.message));
    } finally {
      await lock.release();
    }
  });

  it('refuses loopback addresses unless allowed', async () => {
    const result = await sync({ mirrorDir, sources: ['leaks'], delayMs: 0 });
    assert.equal(result.summary.failed, 1);
    assert.equal(result.documents[0]?.errorClass, 'blocked-address');
  });

  it('sends secret headers from the environment and never records them', async () => {
    const secretDir = join(await tempDir(), 'secret');
    await initMirror({ dir: secretDir });
    const configPath = join(secretDir, 'leakmirror.yaml');
    await writeFile(
      configPath,
      `sources:\n  private:\n    url: ${server.url}/docs/letter.html\n    headers:\n      Authorization: { env: LEAK_TOKEN, prefix: "Bearer " }\n      Accept-Language: fr\n`,
    );
    await assert.rejects(sync({ mirrorDir: secretDir, allowPrivateNetwork: true, delayMs: 0, env: {} }), /LEAK_TOKEN is not set/);
    const before = server.requests.length;
    const result = await sync({ mirrorDir: secretDir, allowPrivateNetwork: true, delayMs: 0, env: { LEAK_TOKEN: 's3cr3t-t0ken' } });
    assert.equal(result.summary.new, 1);
    const seen = server.requests.slice(before).find((request) => request.url === '/docs/letter.html');
    assert.equal(seen?.headers.authorization, 'Bearer s3cr3t-t0ken');
    assert.equal(seen?.headers['accept-language'], 'fr');
    const everything = execFileSync('git', ['-C', secretDir, 'log', '-p', '--all'], { encoding: 'utf8' }) + JSON.stringify(result);
    assert.ok(!everything.includes('s3cr3t-t0ken'), 'the secret is nowhere in the mirror or the report');
  });

  it('says when a directory is not a mirror', async () => {
    await assert.rejects(sync({ mirrorDir: await tempDir() }), NotAMirrorError);
  });
});

describe('init inside another git work tree', () => {
  it('creates a repository of its own instead of committing into the outer one', async () => {
    const outer = await tempDir();
    execFileSync('git', ['-C', outer, 'init', '--quiet']);
    const inner = join(outer, 'mirror');
    await initMirror({ dir: inner });
    assert.equal(git(inner, 'rev-parse', '--show-toplevel').trim(), inner);
    assert.equal(git(inner, 'log', '--format=%s').trim(), `Initialize leakmirror mirror mirror`);
    assert.throws(() => git(outer, 'rev-parse', 'HEAD'), 'the outer repository got no commit');
  });
});

describe('per-source ignore rules in change detection', () => {
  it('records a version that differs only in ignored parts as technical, and a real change as content', async () => {
    let printed = '2012-12-10';
    let body = 'Article 1 applies.';
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`Draft regulations\nPrinted on ${printed}\n${body}\n`);
    });
    try {
      const dir = join(await tempDir(), 'ignore');
      await initMirror({ dir });
      await writeFile(join(dir, 'leakmirror.yaml'), `sources:\n  draft:\n    url: ${server.url}/draft.txt\n    ignore:\n      patterns: ['Printed on \\S+']\n`);
      const run = () => sync({ mirrorDir: dir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
      assert.equal((await run()).documents[0]?.changeType, 'content');
      printed = '2012-12-11';
      const noise = await run();
      assert.equal(noise.documents[0]?.status, 'changed');
      assert.equal(noise.documents[0]?.changeType, 'technical');
      assert.match(await readFile(join(dir, textPath('draft')), 'utf8'), /Printed on 2012-12-11/, 'the text file still says what the page says');
      body = 'Article 1 shall apply.';
      assert.equal((await run()).documents[0]?.changeType, 'content');
    } finally {
      await server.close();
    }
  });

  it('refuses an invalid ignore pattern with the key and line', async () => {
    const { parseConfig } = await import('../src/config/schema.js');
    const result = parseConfig('sources:\n  a:\n    url: https://example.org/\n    ignore:\n      patterns: ["(["]\n');
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.issues[0]?.key, 'sources.a.ignore.patterns.0');
  });
});

describe('signed commits', () => {
  it('commits unsigned with a warning when git is configured to sign but cannot', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('A document.\n');
    });
    try {
      const dir = join(await tempDir(), 'signing');
      await initMirror({ dir });
      git(dir, 'config', 'commit.gpgsign', 'true');
      git(dir, 'config', 'gpg.program', '/bin/false'); // a signer that always fails: no key
      await addSource({ mirrorDir: dir, url: `${server.url}/doc.txt`, name: 'doc' });
      const warnings: string[] = [];
      const result = await sync({ mirrorDir: dir, allowPrivateNetwork: true, delayMs: 0, retries: 0, onEvent: (event) => event.type === 'warning' && warnings.push(event.message) });
      assert.equal(result.summary.new, 1);
      assert.ok(result.documents[0]?.commit);
      assert.ok(warnings.some((message) => /configured to sign commits .* unsigned/.test(message)), warnings.join('\n'));
    } finally {
      await server.close();
    }
  });
});
