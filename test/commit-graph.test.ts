import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { access, mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commitGraphWriteArgs, filtersComputed, filtersStillPending, FILTERS_PENDING_MARKER, rejectsFilterBound } from '../src/store/commit-graph.js';
import { MirrorRepo } from '../src/store/git.js';
import { tempDir } from './helpers/temp.js';

// Lines as git 2.39 writes them with GIT_TRACE2_EVENT (trimmed of fields the parser ignores).
const event = (key: string, value: string, category = 'commit-graph'): string =>
  JSON.stringify({ event: 'data', sid: '20261203T220000.000000Z-H0-P1', thread: 'main', time: '2026-12-03T22:00:00.000000Z', category, key, value });

describe('filtersComputed', () => {
  const cases: Array<[name: string, trace: string, expected: number | undefined]> = [
    ['empty', '', undefined],
    ['a write that computed 10', [event('filter-computed', '10'), event('filter-not-computed', '20')].join('\n'), 10],
    ['none computed', event('filter-computed', '0'), 0],
    ['among git messages and other events', ['warning: something', '{"event":"start","argv":["git"]}', event('filter-computed', '7'), 'not json {"filter-computed"'].join('\n'), 7],
    ['split writes report per layer: summed', [event('filter-computed', '3'), event('filter-computed', '4')].join('\n'), 7],
    ['another category', event('filter-computed', '5', 'bloom'), undefined],
    ['not a number', event('filter-computed', 'many'), undefined],
    ['negative', event('filter-computed', '-1'), undefined],
    ['CRLF lines', `${event('filter-computed', '2')}\r\n`, 2],
  ];
  for (const [name, trace, expected] of cases) it(`${name}: ${String(expected)}`, () => assert.equal(filtersComputed(trace), expected));
});

describe('rejectsFilterBound', () => {
  const start = JSON.stringify({ event: 'start', argv: ['git', 'commit-graph', 'write', '--max-new-filters=2000'] });
  const cases: Array<[name: string, stderr: string, expected: boolean]> = [
    ['an old git', "error: unknown option `max-new-filters=2000'\nusage: git commit-graph write [--object-dir <dir>]", true],
    ['the same, traced', `${start}\nerror: unknown option \`max-new-filters=2000'`, true],
    ['another failure: the trace repeats the option, git does not refuse it', `${start}\nfatal: Unable to create '.git/objects/info/commit-graphs/commit-graph-chain.lock': File exists.`, false],
    ['another unknown option', "error: unknown option `split=replace'", false],
    ['nothing', '', false],
  ];
  for (const [name, stderr, expected] of cases) it(`${name}: ${expected}`, () => assert.equal(rejectsFilterBound(stderr), expected));
});

describe('filtersStillPending', () => {
  const cases: Array<[computed: number | undefined, bound: number, expected: boolean]> = [
    [undefined, 2000, false],
    [0, 2000, false],
    [1999, 2000, false],
    [2000, 2000, true],
    [2001, 2000, true],
  ];
  for (const [computed, bound, expected] of cases) it(`${String(computed)} of at most ${bound}: ${expected}`, () => assert.equal(filtersStillPending(computed, bound), expected));
});

describe('commitGraphWriteArgs', () => {
  it('a new layer normally; the whole graph while filters are missing; the bound when there is one', () => {
    assert.deepEqual(commitGraphWriteArgs(false, 2000), ['commit-graph', 'write', '--reachable', '--changed-paths', '--split', '--max-new-filters=2000']);
    assert.deepEqual(commitGraphWriteArgs(true, 5), ['commit-graph', 'write', '--reachable', '--changed-paths', '--split=replace', '--max-new-filters=5']);
    assert.deepEqual(commitGraphWriteArgs(false, undefined), ['commit-graph', 'write', '--reachable', '--changed-paths', '--split']);
  });
});

function git(dir: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
}

async function commits(dir: string, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++) {
    await writeFile(join(dir, `doc-${n}.txt`), `version of document ${n}\n`);
    git(dir, ['add', `doc-${n}.txt`]);
    git(dir, ['commit', '--quiet', '-m', `Add doc-${n}`]);
  }
}

/** git's own count, from `log -- <path>`: commits it had to diff because they have no filter. */
function commitsWithoutFilter(dir: string): number {
  const trace = join(dir, '.git', 'trace.json');
  git(dir, ['log', '--format=%h', '--', 'doc-0.txt'], { GIT_TRACE2_EVENT: trace });
  const stats = execFileSync('grep', ['-o', '"filter_not_present":[0-9]*', trace], { encoding: 'utf8' });
  return Number(stats.trim().split(':').at(-1));
}

describe('MirrorRepo.writeCommitGraph', () => {
  const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

  it('computes at most maxNewFilters filters a process, in as many passes as the new commits need', async () => {
    const dir = await tempDir();
    git(dir, ['init', '--quiet', '--initial-branch=main']);
    await commits(dir, 0, 12);
    const repo = new MirrorRepo(dir, { maxNewFilters: 5 });
    assert.deepEqual(await repo.writeCommitGraph(), { written: true, passes: 3, filtersComputed: 12, filtersPending: false });
    assert.equal(await exists(join(dir, '.git', FILTERS_PENDING_MARKER)), false);
    assert.equal(commitsWithoutFilter(dir), 0);

    // Then a new layer per write, for the new commits only.
    await commits(dir, 12, 15);
    assert.deepEqual(await repo.writeCommitGraph(), { written: true, passes: 1, filtersComputed: 3, filtersPending: false });
    const chain = await readFile(join(dir, '.git', 'objects', 'info', 'commit-graphs', 'commit-graph-chain'), 'utf8');
    assert.equal(chain.trim().split('\n').length, 2, 'the new commits went into a layer of their own');
    assert.equal(commitsWithoutFilter(dir), 0);
    git(dir, ['commit-graph', 'verify']);
    git(dir, ['fsck', '--no-dangling', '--strict']);
  });

  it('a run stopped between passes leaves a marker, and the next write computes the missing filters', async () => {
    const dir = await tempDir();
    git(dir, ['init', '--quiet', '--initial-branch=main']);
    await commits(dir, 0, 12);
    // What a stopped run leaves: a graph with 5 of 12 filters, and the marker.
    git(dir, ['commit-graph', 'write', '--reachable', '--changed-paths', '--split', '--max-new-filters=5']);
    const marker = join(dir, '.git', FILTERS_PENDING_MARKER);
    await writeFile(marker, 'x\n');
    assert.equal(commitsWithoutFilter(dir), 7);
    await commits(dir, 12, 13);
    assert.deepEqual(await new MirrorRepo(dir, { maxNewFilters: 100 }).writeCommitGraph(), { written: true, passes: 1, filtersComputed: 8, filtersPending: false });
    assert.equal(await exists(marker), false);
    assert.equal(commitsWithoutFilter(dir), 0);
    const chain = await readFile(join(dir, '.git', 'objects', 'info', 'commit-graphs', 'commit-graph-chain'), 'utf8');
    assert.equal(chain.trim().split('\n').length, 1, 'the graph was rewritten as one layer');
    git(dir, ['commit-graph', 'verify']);
  });

  it('a write git refuses is not an error: the run goes on, and nothing is marked', async () => {
    const dir = await tempDir();
    git(dir, ['init', '--quiet', '--initial-branch=main']);
    await commits(dir, 0, 2);
    // A commit-graph file in the way of git's lock: the write fails.
    const graphs = join(dir, '.git', 'objects', 'info', 'commit-graphs');
    execFileSync('mkdir', ['-p', graphs]);
    await writeFile(join(graphs, 'commit-graph-chain.lock'), '');
    const result = await new MirrorRepo(dir, { maxNewFilters: 1 }).writeCommitGraph();
    assert.equal(result.written, false);
    assert.equal(await exists(join(dir, '.git', FILTERS_PENDING_MARKER)), false);
  });

  it('a commit-graph lock left by a killed git is removed before a run; a recent one is left alone', async () => {
    const dir = await tempDir();
    git(dir, ['init', '--quiet', '--initial-branch=main']);
    await commits(dir, 0, 2);
    const graphs = join(dir, '.git', 'objects', 'info', 'commit-graphs');
    await mkdir(graphs, { recursive: true });
    const lock = join(graphs, 'commit-graph-chain.lock');
    await writeFile(lock, '');
    const repo = new MirrorRepo(dir);
    // Recent, and the previous run did not die: maybe someone's git at work. Not a reason to stop.
    assert.deepEqual(await repo.removeStaleGitLocks(false), []);
    assert.ok(await exists(lock));
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(lock, twoMinutesAgo, twoMinutesAgo);
    assert.deepEqual(await repo.removeStaleGitLocks(false), [lock]);
    assert.equal(await exists(lock), false);
    assert.equal((await repo.writeCommitGraph()).written, true);
  });
});
