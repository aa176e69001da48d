// Running git as a child process, directly: the write path and the read side both avoid simple-git
// here (its completion plugin waits 50 ms after every process that prints nothing, and it cannot feed
// stdin or return bytes). No simple-git import, so `diff`/`log`/`show` stay lean.
import { spawn } from 'node:child_process';
import { StoreError } from '../errors.js';

export interface GitRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * Run git in `dir`; resolves whatever the exit code (the caller decides), rejects if git cannot start.
 * `env` adds variables to the child's environment (this process's own is never changed).
 */
export function runGit(dir: string, args: readonly string[], input?: string, env?: Readonly<Record<string, string>>): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'core.quotepath=off', ...args], {
      cwd: dir,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(env === undefined ? {} : { env: { ...process.env, ...env } }),
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => reject(new StoreError(`cannot run git ${args[0] ?? ''}: ${error.message}`, { cause: error })));
    child.on('close', (code) => resolve({ code, stdout: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), stderr }));
    if (input !== undefined && child.stdin !== null) {
      child.stdin.on('error', () => undefined); // git exiting early is reported by its exit code
      child.stdin.end(input);
    }
  });
}

export function gitFailure(dir: string, what: string, run: Pick<GitRun, 'code' | 'stderr'>): StoreError {
  return new StoreError(`git ${what} failed in ${dir}: ${run.stderr.trim().split('\n')[0] || `exit ${run.code}`}`);
}

/** Run git and return its output as text; a non-zero exit is a StoreError naming `what`. */
export async function gitOutput(dir: string, args: readonly string[], what: string, input?: string): Promise<string> {
  const run = await runGit(dir, args, input);
  if (run.code !== 0) throw gitFailure(dir, what, run);
  return run.stdout.toString('utf8');
}
