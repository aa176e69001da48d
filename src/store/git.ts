// The mirror's git repository, through simple-git. Every failure here is a StoreError: if the mirror
// cannot be written, the run must stop (exit 1) rather than report documents as recorded.
import { realpath, rm, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { StoreError } from '../errors.js';
import { commitGraphWriteArgs, DEFAULT_MAX_NEW_FILTERS, filtersComputed, filtersStillPending, FILTERS_PENDING_MARKER, rejectsFilterBound } from './commit-graph.js';
import { looksIncompressible, readSamples } from './compressibility.js';
import { gitOutput, runGit } from './git-process.js';
import { FLAT_LAYOUT, type MirrorLayout } from './layout.js';

export { commitMessage, commitSubject, LOG_FORMAT, parseLog, parseTrailers } from './commit-log.js';
export type { ChangeType, CommitRecord, CommitTrailers } from './commit-log.js';

/** Passes of one commit-graph write: 100 x 2,000 filters covers a first sync of 200,000 documents. */
const MAX_COMMIT_GRAPH_PASSES = 100;

const FALLBACK_NAME = 'leakmirror';
const FALLBACK_EMAIL = 'leakmirror@localhost';

export interface MirrorRepoOptions {
  /** Changed-path filters one commit-graph write may compute (commit-graph.ts). */
  maxNewFilters?: number;
  /** How the mirror names its files (openMirror reads it from state/layout.json); default layout 1. */
  layout?: MirrorLayout;
}

/** What a commit-graph write did (filtersComputed undefined: git did not say). */
export interface CommitGraphWrite {
  written: boolean;
  /** git processes run: more than one after many new commits. */
  passes: number;
  filtersComputed: number | undefined;
  /** Commits may still lack a filter: the next write rewrites the graph and computes more. */
  filtersPending: boolean;
}

export class MirrorRepo {
  readonly dir: string;
  readonly layout: MirrorLayout;
  private readonly maxNewFilters: number;
  private client: SimpleGit | undefined;
  /** Set when git is configured to sign but could not: later commits are made unsigned. */
  signingFailure: string | undefined;
  private identityRead: Promise<{ name: string; email: string }> | undefined;

  constructor(dir: string, options: MirrorRepoOptions = {}) {
    this.dir = dir;
    this.layout = options.layout ?? FLAT_LAYOUT;
    this.maxNewFilters = options.maxNewFilters ?? DEFAULT_MAX_NEW_FILTERS;
  }

  // Created on first use: simple-git refuses a directory that does not exist yet (before init).
  private get git(): SimpleGit {
    this.client ??= simpleGit({ baseDir: this.dir, maxConcurrentProcesses: 4, trimmed: false });
    return this.client;
  }

  /** True when this directory is the top of a git work tree (not merely inside another one). */
  async isRepo(): Promise<boolean> {
    try {
      const top = (await this.git.raw(['rev-parse', '--show-toplevel'])).trim();
      return top !== '' && (await realpath(top)) === (await realpath(this.dir));
    } catch {
      return false;
    }
  }

  async init(): Promise<void> {
    await this.spawnGit(['init', '--quiet', '--initial-branch=main'], 'init');
  }

  /** git's configured user.name and user.email ('' when unset), read once. */
  private configuredIdentity(): Promise<{ name: string; email: string }> {
    this.identityRead ??= Promise.all([
      this.spawnGit(['config', 'user.name'], 'config').catch(() => ''),
      this.spawnGit(['config', 'user.email'], 'config').catch(() => ''),
    ]).then(([name, email]) => ({ name: name.trim(), email: email.trim() }));
    return this.identityRead;
  }

  /** Without a configured identity, commits are made as leakmirror rather than failing. */
  private async identity(): Promise<string[]> {
    const { name, email } = await this.configuredIdentity();
    return [...(name === '' ? ['-c', `user.name=${FALLBACK_NAME}`] : []), ...(email === '' ? ['-c', `user.email=${FALLBACK_EMAIL}`] : [])];
  }

  /**
   * Stage exactly these paths (additions, changes and deletions) and commit only them, so anything
   * else a user staged by hand stays out of leakmirror's commits. Returns the new commit id.
   */
  async commitPaths(paths: string[], message: string, authorDate?: string): Promise<string> {
    // The write path spawns git directly: simple-git waits 50 ms after every process that prints
    // nothing (its completion plugin), which is most of a commit's cost, and cannot feed stdin.
    await this.spawnGit(['add', '--all', '--', ...paths], 'add');
    const args = [...(await this.identity()), 'commit', '--quiet', '--no-verify', '--allow-empty-message', '-F', '-'];
    if (authorDate !== undefined) args.push(`--date=${authorDate}`);
    args.push('--only', '--', ...paths);
    try {
      await this.spawnGit(this.signingFailure === undefined ? args : ['-c', 'commit.gpgsign=false', ...args], 'commit', message);
    } catch (error) {
      // Signing is the user's choice, never a reason to lose a run: without a usable key, commit
      // unsigned and say so (signingFailure is reported by the caller).
      if (this.signingFailure !== undefined || !(await this.signsCommits()) || !/gpg|sign|ssh-keygen|secret key/i.test((error as Error).message)) throw error;
      this.signingFailure = (error as Error).message;
      await this.spawnGit(['-c', 'commit.gpgsign=false', ...args], 'commit', message);
    }
    return (await this.spawnGit(['rev-parse', 'HEAD'], 'rev-parse')).trim();
  }

  /** Whether git is configured to sign commits (then leakmirror commits with `git commit`). */
  async signsCommits(): Promise<boolean> {
    const value = await this.spawnGit(['config', '--bool', 'commit.gpgsign'], 'config').catch(() => '');
    return value.trim() === 'true';
  }

  /** The identities commits are made with: git's configuration, else leakmirror. */
  async identities(): Promise<{ author: { name: string; email: string }; committer: { name: string; email: string } }> {
    const configured = await this.configuredIdentity();
    const who = { name: configured.name || FALLBACK_NAME, email: configured.email || FALLBACK_EMAIL };
    return { author: who, committer: who };
  }


  /**
   * Keep git's commit-graph (with changed-path Bloom filters) up to date, so `log <id>` on a mirror
   * of 50,000 versions reads one path's history in a fraction of the time. Incremental (--split). A
   * git process computes at most maxNewFilters filters, which bounds its memory; after many new
   * commits (a first sync, a fresh clone) further passes compute the rest (commit-graph.ts). An
   * optimisation only: a failure is ignored (written: false), and the next run takes over.
   */
  async writeCommitGraph(): Promise<CommitGraphWrite> {
    const result: CommitGraphWrite = { written: false, passes: 0, filtersComputed: undefined, filtersPending: false };
    try {
      const marker = resolve(this.dir, (await this.spawnGit(['rev-parse', '--git-path', FILTERS_PENDING_MARKER], 'rev-parse')).trim());
      let pending = await stat(marker).then(() => true, () => false);
      let bound: number | undefined = this.maxNewFilters;
      // trace2's event stream on stderr says how many filters each pass computed.
      const trace = { GIT_TRACE2_EVENT: '2' };
      for (let pass = 0; pass < MAX_COMMIT_GRAPH_PASSES; pass++) {
        let run = await runGit(this.dir, commitGraphWriteArgs(pending, bound), undefined, trace);
        if (run.code !== 0 && bound !== undefined && rejectsFilterBound(run.stderr)) {
          bound = undefined; // a git older than 2.29: one pass computes every filter
          run = await runGit(this.dir, commitGraphWriteArgs(pending, bound), undefined, trace);
        }
        if (run.code !== 0) break;
        result.written = true;
        result.passes += 1;
        const computed = filtersComputed(run.stderr);
        if (computed !== undefined) result.filtersComputed = (result.filtersComputed ?? 0) + computed;
        const stillPending = bound !== undefined && filtersStillPending(computed, bound);
        // The marker outlives a run stopped between passes: its next write goes on from there.
        if (stillPending && !pending) await writeFile(marker, `${new Date().toISOString()}\n`);
        if (!stillPending && pending) await rm(marker, { force: true });
        pending = stillPending;
        if (!pending) break;
      }
      return { ...result, filtersPending: pending };
    } catch {
      return result;
    }
  }

  /** Store this work-tree file as a blob (as is: no filters) and return its object id. */
  async writeBlob(path: string): Promise<string> {
    // An incompressible file (most large PDFs: scans, images) is stored as it is (zlib level 0):
    // deflating it costs seconds of CPU per 100 MiB and saves nothing (compressibility.ts).
    // (A file that cannot be read is left to git, whose error names it.)
    const stored = await readSamples(resolve(this.dir, path)).then(looksIncompressible, () => false);
    const args = [...(stored ? ['-c', 'core.loosecompression=0'] : []), 'hash-object', '-w', '--no-filters', '--', path];
    return (await this.spawnGit(args, `hash-object ${path}`)).trim();
  }

  /** Make git's index agree with the work tree for these paths (after commits made without it). */
  async refreshIndex(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.spawnGit(['update-index', '--add', '--remove', '-z', '--stdin'], 'update-index', paths.map((path) => `${path}\0`).join(''));
  }

  /**
   * git directly, not through simple-git, which waits 50 ms after a process that printed nothing
   * (a clean `status`, a quiet `reset`, `checkout` or `clean`, most commits): a clean status at the
   * start and end of every sync took 82-84 ms through it, 24-25 ms directly.
   */
  private spawnGit(args: string[], what: string, input?: string): Promise<string> {
    return gitOutput(this.dir, args, what, input);
  }

  async hasCommits(): Promise<boolean> {
    try {
      await this.git.raw(['rev-parse', '--verify', '--quiet', 'HEAD']);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A git process killed mid-way leaves lock files behind (index.lock, HEAD.lock, the branch's ref
   * lock) and every later git write fails. Under the mirror lock no other leakmirror run uses this
   * repository, so a lock left when the previous run died, or older than a minute, is stale.
   * The commit-graph's locks too: left behind, every later commit-graph write would fail, silently
   * (it is an optimisation), and `log` would slow down as the history grows. A recent one of those
   * is left alone rather than stopping the run. Returns the locks removed.
   */
  async removeStaleGitLocks(previousRunDied: boolean): Promise<string[]> {
    const branch = (await this.spawnGit(['symbolic-ref', '--quiet', 'HEAD'], 'symbolic-ref').catch(() => '')).trim();
    const required = ['index.lock', 'HEAD.lock', 'packed-refs.lock', ...(branch === '' ? [] : [`${branch}.lock`])];
    const names = [...required, 'objects/info/commit-graph.lock', 'objects/info/commit-graphs/commit-graph-chain.lock'];
    const output = await this.spawnGit(['rev-parse', ...names.flatMap((name) => ['--git-path', name])], 'rev-parse');
    const paths = output.trim().split('\n').map((path) => resolve(this.dir, path));
    const removed: string[] = [];
    for (const [index, path] of paths.entries()) {
      const optional = index >= required.length; // the commit-graph's
      // A git child of a killed run may still be finishing: give it a moment before judging.
      let info = await stat(path).catch(() => undefined);
      for (let waited = 0; info !== undefined && waited < 3000; waited += 100) {
        await new Promise((done) => setTimeout(done, 100));
        info = await stat(path).catch(() => undefined);
      }
      if (info === undefined) continue;
      if (!previousRunDied && Date.now() - info.mtimeMs < 60_000) {
        if (optional) continue;
        throw new StoreError(`git's ${path} is locked: is another git command running in this mirror?`, {
          hint: 'wait for it to finish; if none is running, remove that file',
        });
      }
      await rm(path, { force: true });
      removed.push(path);
    }
    return removed;
  }

  /** Paths under these directories that differ from HEAD (staged, unstaged or untracked). */
  async dirtyPaths(dirs: string[]): Promise<string[]> {
    const output = await this.spawnGit(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...dirs], 'status');
    return output
      .split('\0')
      .filter((entry) => entry.length > 3)
      .map((entry) => entry.slice(3));
  }

  /** Put these directories back to HEAD: drop staged and unstaged changes and untracked files. */
  async restore(dirs: string[]): Promise<void> {
    const hasHead = await this.hasCommits();
    if (hasHead) await this.spawnGit(['reset', '--quiet', 'HEAD', '--', ...dirs], 'reset');
    // checkout fails on a pathspec HEAD does not have: restore only the directories it tracks.
    const tracked = hasHead ? (await this.spawnGit(['ls-tree', '--name-only', 'HEAD', '--', ...dirs], 'ls-tree')).split('\n').filter(Boolean) : [];
    if (tracked.length > 0) await this.spawnGit(['checkout', '--quiet', 'HEAD', '--', ...tracked], 'checkout');
    await this.spawnGit(['clean', '--quiet', '-f', '-d', '--', ...dirs], 'clean');
  }
}
