// Commits through one long-lived `git fast-import` per run instead of three git processes per
// document version (add, commit, rev-parse: ~25 ms each time). fast-import builds each commit from
// the file contents we stream to it and answers `get-mark` with the commit id, so every version is
// still its own commit with its own author date and trailers.
//
// Pipelined: commit() queues a commit's commands and returns at once with a promise of its id; the
// commands go to git in call order while the caller goes on (the next document's commit does not
// wait for git to deflate this one's blobs). Answers to `get-mark` come back in the same order.
// Large raw files are not sent through the stream at all: the store writes them with
// `git hash-object -w` beside it and the commit names the blob (fast-import would stop reading
// commands while it deflated an 80 MiB file).
//
// Crash safety: refs move only at a checkpoint or at the end. A run killed in between loses the
// commits since the last checkpoint, never half of one; the work-tree files it wrote are complete
// (atomic renames) and the next run's recovery discards them and fetches those documents again.
// If anything goes wrong while a commit is being written (git gone, a bad answer), the session is
// broken: git is killed before it can read the rest of the stream as data, so no ref ever moves
// past the last checkpoint, and every commit not yet answered fails.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { StoreError } from '../errors.js';
import { gitOutput } from './git-process.js';

/**
 * The environment for `git fast-import`: this process's, plus glibc malloc settings unless the user
 * set them. fast-import frees a buffer of 30 KB to a few MB for every object it writes, and glibc's
 * default (trim the top of the heap above 128 KB, mmap anything larger) hands that memory back to
 * the kernel and faults it in again each time: on the bench's 1,600-commit stream, replayed alone,
 * 2.0-2.3 s of system time and about 1 s of page faults in 8.4-8.9 s, against 0.05-0.09 s of system
 * time and 4.5-5.8 s with these (peak RSS 29 MB either way: the high-water mark does not move).
 * Other C libraries ignore the variables. Pure.
 */
export function fastImportEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...base,
    MALLOC_TRIM_THRESHOLD_: base.MALLOC_TRIM_THRESHOLD_ ?? String(64 * 1024 * 1024),
    MALLOC_MMAP_THRESHOLD_: base.MALLOC_MMAP_THRESHOLD_ ?? String(16 * 1024 * 1024),
  };
}

/**
 * zlib level for what fast-import writes, unless the repository sets one. Replaying the bench's
 * 1,600-page cold sync (fast-import user CPU, pack size): level 6, git's default, 4.2-4.3 s and
 * 19.2 MiB; 4: 3.7-3.8 s and 19.7 MiB (+2.7%); 3: 3.7 s, +6.8%; 1: 3.5 s, +13%. `git gc` keeps
 * the objects as they are (it reuses them); `git gc --aggressive` deflates them again.
 */
export const FAST_IMPORT_COMPRESSION = '4';

/** A blob git already has (written by `git hash-object -w`), named by its object id. */
export interface StoredBlob {
  blob: string;
}

export interface FileChange {
  /** Path relative to the repository root, forward slashes. */
  path: string;
  /** New content; null deletes the path. */
  data: string | Uint8Array | StoredBlob | null;
}

export interface FastCommit {
  message: string;
  /** ISO 8601 author date. */
  authorDate: string;
  changes: FileChange[];
}

export interface Identity {
  name: string;
  email: string;
}

/**
 * Refs move (and git closes its pack) at most this many commits, or this many milliseconds, after
 * the last checkpoint: what a crash can lose, and what the next run fetches again. Fewer
 * checkpoints mean fewer packs (git gc --auto starts at 50).
 */
const CHECKPOINT_EVERY = 1000;
const CHECKPOINT_AFTER_MS = 15_000;

function isStoredBlob(data: unknown): data is StoredBlob {
  return typeof data === 'object' && data !== null && 'blob' in data;
}

/** `Name <email> epoch +0000`, as fast-import wants it. */
export function identityLine(identity: Identity, date: Date): string {
  const clean = (text: string) => text.replace(/[<>\n]/g, '');
  return `${clean(identity.name)} <${clean(identity.email)}> ${Math.floor(date.getTime() / 1000)} +0000`;
}

/**
 * The fast-import commands of one commit (pure, so it can be tested without git): contents inline
 * with their byte counts, blobs git already has by their ids.
 */
export function commitCommands(branch: string, mark: number, commit: FastCommit, author: Identity, committer: Identity, parent: string | undefined, now: Date): Buffer[] {
  const message = Buffer.from(commit.message, 'utf8');
  const head = [
    `commit ${branch}`,
    `mark :${mark}`,
    `author ${identityLine(author, new Date(commit.authorDate))}`,
    `committer ${identityLine(committer, now)}`,
    `data ${message.length}`,
  ].join('\n');
  const parts: Buffer[] = [Buffer.from(`${head}\n`), message, Buffer.from('\n')];
  if (parent !== undefined) parts.push(Buffer.from(`from ${parent}\n`));
  for (const change of commit.changes) {
    if (!/^[A-Za-z0-9._\-/]+$/.test(change.path)) throw new StoreError(`refusing an unexpected path for a commit: ${JSON.stringify(change.path)}`);
    if (change.data === null) {
      parts.push(Buffer.from(`D ${change.path}\n`));
    } else if (isStoredBlob(change.data)) {
      if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(change.data.blob)) throw new StoreError(`refusing an unexpected object id for ${change.path}: ${JSON.stringify(change.data.blob)}`);
      parts.push(Buffer.from(`M 100644 ${change.data.blob} ${change.path}\n`));
    } else {
      const data = typeof change.data === 'string' ? Buffer.from(change.data, 'utf8') : Buffer.from(change.data.buffer, change.data.byteOffset, change.data.byteLength);
      parts.push(Buffer.from(`M 100644 inline ${change.path}\ndata ${data.length}\n`), data, Buffer.from('\n'));
    }
  }
  parts.push(Buffer.from(`get-mark :${mark}\n`));
  return parts;
}

export class FastImportSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Array<{ mark: number; resolve: (id: string) => void; reject: (error: Error) => void }> = [];
  /** Marks of the last commit before each checkpoint git may not have written yet, oldest first. */
  private readonly checkpointMarks: number[] = [];
  /** Commits whose caller wants to know when a checkpoint has made them durable, oldest first. */
  private readonly awaitingCheckpoint: Array<{ mark: number; onDurable: () => void }> = [];
  private buffered = '';
  private stderr = '';
  private failure: StoreError | undefined;
  private readonly exited: Promise<number | null>;
  private mark = 0;
  private sinceCheckpoint = 0;
  private lastCheckpoint = Date.now();
  private first = true;
  /** The commands written so far, in call order; never rejects (a failure breaks the session). */
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly branch: string,
    private readonly hasParent: boolean,
    private readonly author: Identity,
    private readonly committer: Identity,
    compression: string | undefined,
  ) {
    // --cat-blob-fd=1: answers to get-mark come back on stdout, in command order.
    const args = [...(compression === undefined ? [] : ['-c', `pack.compression=${compression}`]), 'fast-import', '--quiet', '--done', '--cat-blob-fd=1'];
    this.child = spawn('git', args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], env: fastImportEnv(process.env) });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.onAnswer(chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.stdin.on('error', () => undefined); // reported through the exit code
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.fail(new StoreError(`cannot run git fast-import: ${error.message}`, { cause: error }));
        resolve(null);
      });
      this.child.on('close', (code, signal) => {
        if (code !== 0) this.fail(new StoreError(`git fast-import failed in ${this.dir}: ${this.stderr.trim().split('\n').slice(-1)[0] || (signal !== null ? `killed by ${signal}` : `exit ${code}`)}`));
        else this.fail(new StoreError('git fast-import ended before answering'));
        resolve(code);
      });
    });
  }

  /** Start a session on the current branch of the repository at `dir`. */
  static async start(dir: string, identity: { author: Identity; committer: Identity }): Promise<FastImportSession> {
    const [branch, hasParent, configured] = await Promise.all([
      gitOutput(dir, ['symbolic-ref', '--quiet', 'HEAD'], 'symbolic-ref').then((name) => name.trim() || 'refs/heads/main', () => 'refs/heads/main'),
      gitOutput(dir, ['rev-parse', '--verify', '--quiet', 'HEAD'], 'rev-parse').then(() => true, () => false),
      // A compression level the user chose (core.compression, pack.compression) stays theirs.
      gitOutput(dir, ['config', '--get-regexp', String.raw`^(core|pack)\.compression$`], 'config').catch(() => ''),
    ]);
    return new FastImportSession(dir, branch, hasParent, identity.author, identity.committer, configured.trim() === '' ? FAST_IMPORT_COMPRESSION : undefined);
  }

  /** The process id of git fast-import (tests). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private onAnswer(chunk: string): void {
    this.buffered += chunk;
    let newline = this.buffered.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffered.slice(0, newline).trim();
      this.buffered = this.buffered.slice(newline + 1);
      const waiter = this.pending.shift();
      waiter?.resolve(line);
      if (waiter !== undefined) this.passed(waiter.mark);
      newline = this.buffered.indexOf('\n');
    }
  }

  /** git answers in command order: the answer for a commit after a checkpoint says git has written it. */
  private passed(answered: number): void {
    while (this.checkpointMarks.length > 0 && (this.checkpointMarks[0] as number) < answered) {
      const written = this.checkpointMarks.shift() as number;
      while (this.awaitingCheckpoint.length > 0 && (this.awaitingCheckpoint[0] as { mark: number }).mark <= written) {
        (this.awaitingCheckpoint.shift() as { onDurable: () => void }).onDurable();
      }
    }
  }

  private fail(error: StoreError): void {
    this.failure ??= error;
    for (const waiter of this.pending.splice(0)) waiter.reject(this.failure);
  }

  /**
   * Something went wrong part-way through a commit's commands: git must not read what follows as
   * the rest of them. Kill it (refs stay at the last checkpoint) and fail every waiting commit.
   */
  private break(error: unknown): void {
    this.fail(error instanceof StoreError ? error : new StoreError(`writing to git fast-import failed: ${(error as Error).message}`, { cause: error }));
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private async send(part: Buffer): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    const stdin = this.child.stdin;
    if (!stdin.write(part) && !stdin.destroyed) {
      // Until git has read enough, or is gone (a pipe closed before we listen emits nothing more).
      let done = (): void => undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          done = () => {
            stdin.off('drain', done);
            stdin.off('close', done);
            resolve();
          };
          stdin.on('drain', done);
          stdin.on('close', done);
        }),
        this.exited,
      ]);
      done();
    }
    if (this.failure !== undefined) throw this.failure;
    if (stdin.destroyed) throw new StoreError('git fast-import stopped reading its input');
  }

  /** Queue these bytes after everything queued before; a failure breaks the session. */
  private enqueue(parts: Buffer[]): Promise<void> {
    this.writing = this.writing
      .then(async () => {
        for (const part of parts) await this.send(part);
      })
      .catch((error: unknown) => this.break(error));
    return this.writing;
  }

  /**
   * Commit these changes on top of the branch. Returns at once: the commit's commands are written
   * after those of earlier calls, and the promise resolves with its id once git has made it.
   */
  commit(commit: FastCommit, onDurable?: () => void): Promise<string> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    let parts: Buffer[];
    try {
      // The first commit of the session continues the branch as the repository has it.
      const parent = this.first && this.hasParent ? `${this.branch}^0` : undefined;
      parts = commitCommands(this.branch, this.mark + 1, commit, this.author, this.committer, parent, new Date());
    } catch (error) {
      return Promise.reject(error);
    }
    this.mark += 1;
    this.first = false;
    const mark = this.mark;
    const answer = new Promise<string>((resolve, reject) => this.pending.push({ mark, resolve, reject }));
    if (onDurable !== undefined) this.awaitingCheckpoint.push({ mark, onDurable });
    this.sinceCheckpoint += 1;
    if (this.sinceCheckpoint >= CHECKPOINT_EVERY || Date.now() - this.lastCheckpoint >= CHECKPOINT_AFTER_MS) {
      // Moves the branch to this commit once git has it (no answer to wait for).
      parts.push(Buffer.from('checkpoint\n'));
      this.checkpointMarks.push(mark);
      this.sinceCheckpoint = 0;
      this.lastCheckpoint = Date.now();
    }
    void this.enqueue(parts);
    return answer.then((id) => {
      if (!/^[0-9a-f]{40,64}$/.test(id)) throw new StoreError(`git fast-import answered "${id}" instead of a commit id`);
      return id;
    });
  }

  /** Queue a checkpoint: the branch moves to the last commit queued once git has written it. */
  checkpoint(): Promise<void> {
    this.checkpointMarks.push(this.mark);
    this.sinceCheckpoint = 0;
    this.lastCheckpoint = Date.now();
    return this.enqueue([Buffer.from('checkpoint\n')]);
  }

  /** Finish: write what is queued, update the branch and wait for git to exit. */
  async finish(): Promise<void> {
    await this.writing;
    if (this.failure !== undefined && (this.child.exitCode !== null || this.child.signalCode !== null)) throw this.failure;
    this.child.stdin.end('done\n');
    const code = await this.exited;
    if (code !== 0) throw this.failure ?? new StoreError('git fast-import failed');
  }

  /** Stop without updating refs beyond the last checkpoint (used when the run fails). */
  async abort(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
    await this.writing;
  }
}
