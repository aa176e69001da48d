// Commits through one long-lived `git fast-import` per run instead of three git processes per
// document version (add, commit, rev-parse: ~25 ms each time). fast-import builds each commit from
// the file contents we stream to it and answers `get-mark` with the commit id, so every version is
// still its own commit with its own author date and trailers.
//
// Crash safety: refs move only at a checkpoint or at the end. A run killed in between loses the
// commits since the last checkpoint, never half of one; the work-tree files it wrote are complete
// (atomic renames) and the next run's recovery discards them and fetches those documents again.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { StoreError } from '../errors.js';
import { gitOutput } from './git-process.js';

export interface FileChange {
  /** Path relative to the repository root, forward slashes. */
  path: string;
  /** New content; null deletes the path. */
  data: string | Uint8Array | null;
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

const CHECKPOINT_EVERY = 200;

/** `Name <email> epoch +0000`, as fast-import wants it. */
export function identityLine(identity: Identity, date: Date): string {
  const clean = (text: string) => text.replace(/[<>\n]/g, '');
  return `${clean(identity.name)} <${clean(identity.email)}> ${Math.floor(date.getTime() / 1000)} +0000`;
}

/** The fast-import commands of one commit (pure, so it can be tested without git). */
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
  private readonly pending: Array<{ resolve: (id: string) => void; reject: (error: Error) => void }> = [];
  private buffered = '';
  private stderr = '';
  private failure: StoreError | undefined;
  private readonly exited: Promise<number | null>;
  private mark = 0;
  private sinceCheckpoint = 0;
  private first = true;

  private constructor(
    private readonly dir: string,
    private readonly branch: string,
    private readonly hasParent: boolean,
    private readonly author: Identity,
    private readonly committer: Identity,
  ) {
    // --cat-blob-fd=1: answers to get-mark come back on stdout, in command order.
    this.child = spawn('git', ['fast-import', '--quiet', '--done', '--cat-blob-fd=1'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.onAnswer(chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.stdin.on('error', () => undefined); // reported through the exit code
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.fail(new StoreError(`cannot run git fast-import: ${error.message}`, { cause: error }));
        resolve(null);
      });
      this.child.on('close', (code) => {
        if (code !== 0) this.fail(new StoreError(`git fast-import failed in ${this.dir}: ${this.stderr.trim().split('\n').slice(-1)[0] || `exit ${code}`}`));
        else this.fail(new StoreError('git fast-import ended before answering'));
        resolve(code);
      });
    });
  }

  /** Start a session on the current branch of the repository at `dir`. */
  static async start(dir: string, identity: { author: Identity; committer: Identity }): Promise<FastImportSession> {
    const branch = (await gitOutput(dir, ['symbolic-ref', '--quiet', 'HEAD'], 'symbolic-ref').catch(() => 'refs/heads/main')).trim() || 'refs/heads/main';
    const hasParent = await gitOutput(dir, ['rev-parse', '--verify', '--quiet', 'HEAD'], 'rev-parse').then(
      () => true,
      () => false,
    );
    return new FastImportSession(dir, branch, hasParent, identity.author, identity.committer);
  }

  private onAnswer(chunk: string): void {
    this.buffered += chunk;
    let newline = this.buffered.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffered.slice(0, newline).trim();
      this.buffered = this.buffered.slice(newline + 1);
      this.pending.shift()?.resolve(line);
      newline = this.buffered.indexOf('\n');
    }
  }

  private fail(error: StoreError): void {
    this.failure ??= error;
    for (const waiter of this.pending.splice(0)) waiter.reject(this.failure);
  }

  private async write(parts: Buffer[]): Promise<void> {
    for (const part of parts) {
      if (!this.child.stdin.write(part)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            this.child.stdin.off('drain', done);
            this.child.stdin.off('close', done);
            resolve();
          };
          this.child.stdin.on('drain', done);
          this.child.stdin.on('close', done);
        });
      }
      if (this.failure !== undefined) throw this.failure;
    }
  }

  /** Commit these changes on top of the branch; resolves with the new commit id. Call one at a time. */
  async commit(commit: FastCommit): Promise<string> {
    if (this.failure !== undefined) throw this.failure;
    this.mark += 1;
    // The first commit of the session continues the branch as the repository has it.
    const parent = this.first && this.hasParent ? `${this.branch}^0` : undefined;
    this.first = false;
    const answer = new Promise<string>((resolve, reject) => this.pending.push({ resolve, reject }));
    await this.write(commitCommands(this.branch, this.mark, commit, this.author, this.committer, parent, new Date()));
    const id = await answer;
    if (!/^[0-9a-f]{40,64}$/.test(id)) throw new StoreError(`git fast-import answered "${id}" instead of a commit id`);
    this.sinceCheckpoint += 1;
    if (this.sinceCheckpoint >= CHECKPOINT_EVERY) await this.checkpoint();
    return id;
  }

  /** Move the branch to the last commit now (so a crash after this loses nothing before it). */
  async checkpoint(): Promise<void> {
    this.sinceCheckpoint = 0;
    // `checkpoint` has no answer; a get-mark after it tells when it was processed.
    const answer = new Promise<string>((resolve, reject) => this.pending.push({ resolve, reject }));
    await this.write([Buffer.from(`checkpoint\nget-mark :${this.mark}\n`)]);
    await answer;
  }

  /** Finish: update the branch and wait for git to exit. */
  async finish(): Promise<void> {
    if (this.failure !== undefined && this.child.exitCode !== null) throw this.failure;
    this.child.stdin.end('done\n');
    const code = await this.exited;
    if (code !== 0) throw this.failure ?? new StoreError('git fast-import failed');
  }

  /** Stop without updating refs beyond the last checkpoint (used when the run fails). */
  async abort(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.exited;
  }
}
