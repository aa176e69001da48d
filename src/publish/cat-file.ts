// One long-lived `git cat-file --batch` for reading many blobs (the text of every version of every
// document) without one git process per read. Requests are answered in order, so a FIFO of pending
// reads is matched against the stream of `<oid> <type> <size>\n<bytes>\n` answers.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { StoreError } from '../errors.js';

interface Pending {
  resolve(value: Buffer | undefined): void;
  reject(error: Error): void;
}

export class CatFile {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failed: Error | undefined;
  private stderr = '';

  constructor(repoDir: string) {
    this.child = spawn('git', ['cat-file', '--batch'], { cwd: repoDir, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.stdin.on('error', () => undefined);
    const fail = (error: Error): void => {
      this.failed ??= error;
      for (const waiting of this.pending.splice(0)) waiting.reject(this.failed);
    };
    this.child.on('error', (error) => fail(new StoreError(`git cat-file failed: ${error.message}`, { cause: error })));
    this.child.on('close', (code) => fail(new StoreError(`git cat-file ended (exit ${code}) in ${repoDir}: ${this.stderr.trim().split('\n')[0] ?? ''}`)));
  }

  private drain(): void {
    for (;;) {
      const waiting = this.pending[0];
      if (waiting === undefined) return;
      const newline = this.buffer.indexOf(10);
      if (newline < 0) return;
      const header = this.buffer.subarray(0, newline).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buffer = this.buffer.subarray(newline + 1);
        this.pending.shift();
        waiting.resolve(undefined);
        continue;
      }
      const size = Number(header.split(' ')[2]);
      if (!Number.isFinite(size)) {
        this.pending.shift();
        waiting.reject(new StoreError(`git cat-file: unexpected answer "${header}"`));
        continue;
      }
      const end = newline + 1 + size;
      if (this.buffer.length < end + 1) return;
      const body = Buffer.from(this.buffer.subarray(newline + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.pending.shift();
      waiting.resolve(body);
    }
  }

  /** The bytes of `<rev>:<path>` (or any object name), undefined when it does not exist. */
  read(object: string): Promise<Buffer | undefined> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    if (object.includes('\n')) return Promise.reject(new StoreError(`not an object name: ${JSON.stringify(object)}`));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(`${object}\n`);
    });
  }

  async readText(object: string): Promise<string | undefined> {
    return (await this.read(object))?.toString('utf8');
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('close', () => resolve());
      this.child.stdin.end();
    });
  }
}
