// Crash safety: SIGKILL `sync` at seeded random moments, sometimes with its git children, and check
// that the repository stays sound and a final sync records every document exactly once.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addSource } from '../src/core/add.js';
import { initMirror } from '../src/core/init.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';
import { mulberry32 } from './helpers/random.js';
import { metaPath } from './helpers/layout.js';

const launcher = new URL('../../bin/leakmirror.js', import.meta.url).pathname;
const repoRoot = new URL('../../', import.meta.url).pathname;
const KILLS = 20;
const DOCUMENTS = 30;


function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
}

async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

describe('sync killed at random moments', () => {
  const random = mulberry32(20121203);
  const versions = new Map<string, number>();
  let pdf: Buffer;
  let server: TestServer;
  let mirror: string;

  const body = (path: string): Buffer => {
    if (path.endsWith('.pdf')) return pdf;
    const version = versions.get(path) ?? 0;
    return Buffer.from(`<!doctype html><title>Doc ${path}</title><main><h1>Document ${path}</h1><p>Version ${version} of this text.</p><p>${'Filler words for a page. '.repeat(40)}</p></main>`);
  };

  before(async () => {
    pdf = await readFile(join(repoRoot, 'mirror/sample-site/rev1/docs/draft-itrs-td64.pdf'));
    const paths = [...Array.from({ length: DOCUMENTS }, (_, index) => `/docs/d${index}.html`), '/docs/a.pdf', '/docs/b.pdf'];
    server = await startServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<main>${paths.map((p) => `<a href="${p}">${p}</a>`).join(' ')}</main>`);
      } else if (paths.includes(path)) {
        res.writeHead(200, { 'content-type': path.endsWith('.pdf') ? 'application/pdf' : 'text/html' }).end(body(path));
      } else {
        res.writeHead(404).end();
      }
    });
    mirror = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirror });
    await addSource({ mirrorDir: mirror, url: `${server.url}/`, name: 'site', links: 'main a' });
  });
  after(() => server.close());

  let lastStderr = '';
  const runSync = (killAfterMs?: number, group = false): Promise<number | null> =>
    new Promise((resolve) => {
      lastStderr = '';
      const child = spawn(process.execPath, [launcher, '-C', mirror, 'sync', '--allow-private-network', '--delay', '0', '--quiet', '--concurrency', '4'], {
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: group,
      });
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (lastStderr += chunk));
      const timer =
        killAfterMs === undefined
          ? undefined
          : setTimeout(() => {
              try {
                if (group && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
                else child.kill('SIGKILL');
              } catch {
                // already gone
              }
            }, killAfterMs);
      child.on('exit', (code) => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(code);
      });
    });

  it(`leaves a sound repository after each of ${KILLS} kills`, async () => {
    for (let kill = 0; kill < KILLS; kill += 1) {
      // Every round some documents change, so each run has work to be killed in.
      for (let index = 0; index < DOCUMENTS; index += 1) if (random() < 0.3) versions.set(`/docs/d${index}.html`, (versions.get(`/docs/d${index}.html`) ?? 0) + 1);
      const delay = Math.floor(random() * 900);
      await runSync(delay, kill % 2 === 1);
      // Orphaned git children of a node-only kill may still be finishing; the next sync waits for
      // them too, but fsck of a repository mid-commit is not what is being tested here.
      await new Promise((resolve) => setTimeout(resolve, 150));

      git(mirror, 'fsck', '--strict', '--no-progress', '--no-dangling');
      // No half-written files: writes go through temp files outside the tree and atomic renames.
      for (const file of await filesUnder(join(mirror, 'meta'))) {
        assert.ok(!/\.tmp$/.test(file), `temporary file in the tree: ${file}`);
        JSON.parse(await readFile(file, 'utf8'));
      }
      for (const file of [...(await filesUnder(join(mirror, 'text'))), ...(await filesUnder(join(mirror, 'raw')))]) {
        assert.ok(!/\.tmp$/.test(file), `temporary file in the tree: ${file}`);
      }
    }
  });

  it('a final sync completes the work and records each version exactly once', async () => {
    assert.equal(await runSync(), 0, lastStderr);
    assert.equal(git(mirror, 'status', '--porcelain'), '');
    git(mirror, 'fsck', '--strict', '--no-progress', '--no-dangling');
    for (let index = 0; index < DOCUMENTS; index += 1) {
      const path = `/docs/d${index}.html`;
      const meta = JSON.parse(await readFile(join(mirror, metaPath(`site/d${index}`)), 'utf8')) as { sha256: string };
      assert.equal(meta.sha256, createHash('sha256').update(body(path)).digest('hex'), `${path} holds the served bytes`);
      const shas = git(mirror, 'log', '--format=%(trailers:key=Content-SHA256,valueonly)', '--', metaPath(`site/d${index}`))
        .split('\n')
        .filter((line) => line.trim() !== '');
      for (let i = 1; i < shas.length; i += 1) assert.notEqual(shas[i], shas[i - 1], `${path}: the same version recorded twice`);
    }
    // And a run after it finds nothing to do.
    const head = git(mirror, 'rev-parse', 'HEAD');
    assert.equal(await runSync(), 0, lastStderr);
    assert.equal(git(mirror, 'rev-parse', 'HEAD'), head);
  });
});

describe('sync stopped by SIGINT or SIGTERM', () => {
  let server: TestServer;
  let mirror: string;

  before(async () => {
    // Slow documents, so the signal arrives while the run is in the middle of its work.
    server = await startServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<main>${Array.from({ length: 12 }, (_, i) => `<a href="/d${i}.html">d${i}</a>`).join(' ')}</main>`);
        return;
      }
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>Document ${path}</p>`), 150);
    });
    mirror = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirror });
    await addSource({ mirrorDir: mirror, url: `${server.url}/`, name: 'slow', links: 'main a' });
  });
  after(() => server.close());

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal}: records the documents in progress, then exits ${code}`, async () => {
      const child = spawn(process.execPath, [launcher, '-C', mirror, 'sync', '--json', '--allow-private-network', '--delay', '0', '--concurrency', '2'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
      // Wait until this run has written a document (commits land at checkpoints), then signal.
      const written = (await filesUnder(join(mirror, 'meta'))).length;
      for (let tries = 0; tries < 100 && (await filesUnder(join(mirror, 'meta'))).length === written; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      child.kill(signal);
      assert.equal(await exited, code, stderr);
      const report = JSON.parse(stdout) as { interrupted: boolean; documents: Array<{ status: string }> };
      assert.equal(report.interrupted, true);
      assert.ok(report.documents.length < 12, 'it stopped before the end');
      assert.ok(report.documents.some((doc) => doc.status === 'new'), 'the documents in progress were recorded');
      assert.match(stderr, new RegExp(`${signal}: stopping after the documents in progress`));
      assert.equal(git(mirror, 'status', '--porcelain'), '');
      git(mirror, 'fsck', '--strict', '--no-progress', '--no-dangling');
    });
  }
});

describe('git fast-import dying in the middle of a run', () => {
  let server: TestServer;
  let mirror: string;
  let fakeGitDir: string;
  const count = 40;

  before(async () => {
    server = await startServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<main>${Array.from({ length: count }, (_, i) => `<a href="/d${i}.html">d${i}</a>`).join(' ')}</main>`);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<main><h1>Document ${path}</h1><p>${'Words of a page that is long enough. '.repeat(60)}</p></main>`);
    });
    const dir = await tempDir();
    mirror = join(dir, 'mirror');
    await initMirror({ dir: mirror });
    await addSource({ mirrorDir: mirror, url: `${server.url}/`, name: 'site', links: 'main a' });
    // A git whose fast-import reads only the first 60,000 bytes of its input and then meets the
    // end of it, in the middle of a commit: it dies, as it would on a full disk or a kill.
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    fakeGitDir = join(dir, 'bin');
    await mkdir(fakeGitDir);
    await writeFile(
      join(fakeGitDir, 'git'),
      // (fast-import may come after options: git -c pack.compression=4 fast-import ...)
      `#!/bin/sh\ncase " $* " in *" fast-import "*) head -c 60000 | "${realGit}" "$@"; exit $?;; esac\nexec "${realGit}" "$@"\n`,
    );
    await chmod(join(fakeGitDir, 'git'), 0o755);
  });
  after(() => server.close());

  const runSync = (env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [launcher, '-C', mirror, 'sync', '--allow-private-network', '--delay', '0', '--quiet', '--concurrency', '4'], { stdio: ['ignore', 'ignore', 'pipe'], env });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('exit', (code) => resolve({ code, stderr }));
    });

  it('fails the run (exit 1) with nothing committed past the last checkpoint; the next run records every document once', async () => {
    const head = git(mirror, 'rev-parse', 'HEAD').trim();
    const failed = await runSync({ ...process.env, PATH: `${fakeGitDir}:${process.env.PATH ?? ''}` });
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /fast-import/);
    assert.equal(git(mirror, 'rev-parse', 'HEAD').trim(), head, 'no ref moved');
    git(mirror, 'fsck', '--strict', '--no-progress', '--no-dangling');

    const again = await runSync(process.env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(git(mirror, 'status', '--porcelain'), '');
    git(mirror, 'fsck', '--strict', '--no-progress', '--no-dangling');
    const added = git(mirror, 'log', '--format=%s', `${head}..HEAD`, '--', 'meta/').trim().split('\n');
    assert.equal(added.length, count, 'one version per document');
    assert.equal(new Set(added).size, count);
  });
});
