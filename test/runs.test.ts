// The run log: runs that record something are committed in runs.jsonl (with pending local lines),
// runs that record nothing stay local; `leakmirror runs` shows them and singles out failing sources;
// two shards pushing to one bare repository rebase cleanly (runs.jsonl merges by union).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/output.js';
import { addSource } from '../src/core/add.js';
import { initMirror } from '../src/core/init.js';
import { failingSources, readRuns, RUNS_FILE, PENDING_RUNS_FILE, type RunRecord } from '../src/core/runs.js';
import { sync } from '../src/core/sync.js';
import { pushMirror, PushError } from '../src/publish/push.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: { NO_COLOR: '1' } };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const git = (dir: string, ...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });

describe('run log', () => {
  let server: TestServer;
  let mirrorDir: string;
  let version = 1;
  let brokenUp = true;

  before(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/broken.txt' && brokenUp) res.writeHead(503, { 'content-type': 'text/plain' }).end('down');
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(`Version ${version} of ${req.url}\n`);
    });
    mirrorDir = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirrorDir, name: 'runs' });
    await addSource({ mirrorDir, url: `${server.url}/doc.txt`, name: 'doc' });
    await addSource({ mirrorDir, url: `${server.url}/broken.txt`, name: 'broken' });
  });
  after(() => server.close());

  const run = () => sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });

  it('commits the line of a run that recorded something; keeps the others local until then', async () => {
    await run(); // doc new, broken fails
    let committed = git(mirrorDir, 'show', `HEAD:${RUNS_FILE}`).trim().split('\n');
    assert.equal(committed.length, 1);
    const first = JSON.parse(committed[0] as string) as RunRecord;
    assert.deepEqual(first.summary, { new: 1, changed: 0, unchanged: 0, removed: 0, failed: 1 });
    assert.deepEqual(first.failures, { 'http-503': 1 });
    assert.deepEqual(first.failedSources, { broken: { 'http-503': 1 } });
    assert.match(git(mirrorDir, 'log', '-1', '--format=%s'), /^Record sync run/);
    assert.match(git(mirrorDir, 'show', 'HEAD:.gitattributes'), /^\/runs\.jsonl merge=union$/m);

    const head = git(mirrorDir, 'rev-parse', 'HEAD');
    await run(); // nothing changes, broken fails again
    assert.equal(git(mirrorDir, 'rev-parse', 'HEAD'), head, 'no commit for a run that recorded nothing');
    assert.equal((await readFile(join(mirrorDir, PENDING_RUNS_FILE), 'utf8')).trim().split('\n').length, 1);
    assert.equal(git(mirrorDir, 'status', '--porcelain'), '', 'the pending log is git-ignored');

    version = 2;
    await run(); // doc changes: the pending line and this one are committed
    committed = git(mirrorDir, 'show', `HEAD:${RUNS_FILE}`).trim().split('\n');
    assert.equal(committed.length, 3);
    await assert.rejects(readFile(join(mirrorDir, PENDING_RUNS_FILE)), /ENOENT/);
    const runs = await readRuns(mirrorDir);
    assert.equal(runs.length, 3);
    assert.deepEqual(failingSources(runs).map(({ source, failedRuns, streak }) => ({ source, failedRuns, streak })), [{ source: 'broken', failedRuns: 3, streak: 3 }]);
  });

  it('`runs` lists recent runs newest first and singles out the failing source', async () => {
    const text = await runCli(['-C', mirrorDir, 'runs', '--limit', '2']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /http-503×1/);
    assert.match(text.stdout, /sources failing in several of these 2 runs:\n {2}broken: failed in 2 runs, the last 2 in a row \(http-503×2\)/);
    const json = JSON.parse((await runCli(['-C', mirrorDir, '--json', 'runs'])).stdout) as { runs: RunRecord[]; failingSources: Array<{ source: string }> };
    assert.equal(json.runs.length, 3);
    assert.ok((json.runs[0]?.time ?? '') >= (json.runs[2]?.time ?? ''), 'newest first');
    assert.deepEqual(json.failingSources.map((entry) => entry.source), ['broken']);
  });

  it('publish --push: a clear error without a remote; two shards push to one bare repository', async () => {
    await assert.rejects(pushMirror(mirrorDir), (error: unknown) => error instanceof PushError && /no git remote/.test(error.message));
    const noRemote = await runCli(['-C', mirrorDir, 'publish', '--push']);
    assert.equal(noRemote.code, 1);
    assert.match(noRemote.stderr, /no git remote/);

    const bare = join(await tempDir(), 'remote.git');
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    git(mirrorDir, 'remote', 'add', 'origin', bare);
    const pushed = await runCli(['-C', mirrorDir, '--json', 'publish', '--push']);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.equal((JSON.parse(pushed.stdout) as { push: { rebased: number } }).push.rebased, 0);

    // A second clone plays the other shard: both record a run, the second push must rebase.
    const other = join(await tempDir(), 'other');
    execFileSync('git', ['clone', '--quiet', bare, other]);
    brokenUp = false;
    version = 3;
    await sync({ mirrorDir: other, allowPrivateNetwork: true, delayMs: 0, retries: 0, shard: { index: 1, count: 1 }, sources: ['broken'] });
    assert.equal((await pushMirror(other)).rebased, 0);
    await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0, sources: ['doc'] });
    const second = await pushMirror(mirrorDir, { remote: 'origin', branch: 'main' });
    assert.equal(second.rebased, 1);
    const remoteRuns = git(bare, 'show', `main:${RUNS_FILE}`).trim().split('\n');
    assert.equal(remoteRuns.length, 5, 'both shards\' lines kept by the union merge');
    assert.match(git(bare, 'show', 'main:text/broken.txt'), /Version 3/);
    assert.match(git(bare, 'show', 'main:text/doc.txt'), /Version 3/);
  });
});
