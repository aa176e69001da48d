// `publish --push [remote]`: push the mirror repository. When the remote moved on (another shard or
// another machine pushed first), fetch it, rebase our new commits onto it and try again: documents
// of different shards touch different files, and runs.jsonl merges by union (see core/runs.ts), so
// the rebase is clean. A real conflict aborts the rebase and stops with the repository as it was.
import { spawn } from 'node:child_process';
import { FatalError } from '../errors.js';
import { lockTarget } from '../store/layout.js';
import { acquireLock } from '../store/lock.js';

export class PushError extends FatalError {}

export interface PushOptions {
  /** Remote name or URL; default the branch's upstream remote, else `origin`, else the only one. */
  remote?: string | undefined;
  /** Branch to push to on the remote; default the current branch's name. */
  branch?: string | undefined;
  /** Rebase-and-retry rounds when the remote moved (default 5). */
  attempts?: number | undefined;
}

export interface PushResult {
  remote: string;
  branch: string;
  commit: string;
  /** How many times the remote had moved and our commits were rebased onto it. */
  rebased: number;
}

interface GitRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function git(dir: string, args: string[]): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => reject(new PushError(`cannot run git: ${error.message}`, { cause: error })));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function gitOk(dir: string, args: string[], what: string): Promise<string> {
  const run = await git(dir, args);
  if (run.code !== 0) throw new PushError(`git ${what} failed: ${firstLine(run.stderr) || `exit ${run.code}`}`);
  return run.stdout.trim();
}

const firstLine = (text: string): string => text.trim().split('\n').find((line) => line.trim() !== '')?.trim() ?? '';

/** Without a configured identity, git cannot rebase (it commits): use leakmirror's, as sync does. */
async function identityArgs(dir: string): Promise<string[]> {
  const args: string[] = [];
  if ((await git(dir, ['config', 'user.name'])).stdout.trim() === '') args.push('-c', 'user.name=leakmirror');
  if ((await git(dir, ['config', 'user.email'])).stdout.trim() === '') args.push('-c', 'user.email=leakmirror@localhost');
  return args;
}

async function chooseRemote(dir: string, branch: string, wanted: string | undefined): Promise<string> {
  const remotes = (await gitOk(dir, ['remote'], 'remote')).split('\n').filter(Boolean);
  if (wanted !== undefined) {
    // A configured name, or a URL / path git can push to directly.
    if (remotes.includes(wanted) || /[:/\\]/.test(wanted)) return wanted;
    throw new PushError(`no remote named "${wanted}" in this mirror`, {
      hint: remotes.length > 0 ? `configured remotes: ${remotes.join(', ')}` : `add one: git -C ${dir} remote add ${wanted} <url>`,
    });
  }
  const upstream = (await git(dir, ['config', `branch.${branch}.remote`])).stdout.trim();
  if (upstream !== '' && upstream !== '.') return upstream;
  if (remotes.includes('origin')) return 'origin';
  if (remotes.length === 1 && remotes[0] !== undefined) return remotes[0];
  if (remotes.length === 0) {
    throw new PushError('this mirror has no git remote to push to', { hint: `add one: git -C ${dir} remote add origin <url>, or name it: publish --push <url>` });
  }
  throw new PushError(`this mirror has several remotes (${remotes.join(', ')}) and none is origin`, { hint: 'name the one to push to: publish --push <remote>' });
}

const REJECTED = /\[rejected\]|\[remote rejected\].*(fetch first|non-fast-forward)|non-fast-forward|fetch first|Updates were rejected/i;

export async function pushMirror(mirrorDir: string, options: PushOptions = {}): Promise<PushResult> {
  const current = (await git(mirrorDir, ['symbolic-ref', '--quiet', '--short', 'HEAD'])).stdout.trim();
  if (current === '') throw new PushError('the mirror is not on a branch (detached HEAD): nothing to push');
  const branch = options.branch ?? current;
  const remote = await chooseRemote(mirrorDir, current, options.remote);
  const attempts = options.attempts ?? 5;
  // The lock keeps a sync from committing while commits are being rebased.
  const lock = await acquireLock(lockTarget(mirrorDir), `publish --push ${remote}`);
  try {
    let rebased = 0;
    for (let attempt = 1; ; attempt += 1) {
      const push = await git(mirrorDir, ['push', '--porcelain', remote, `HEAD:refs/heads/${branch}`]);
      if (push.code === 0) {
        return { remote, branch, commit: await gitOk(mirrorDir, ['rev-parse', 'HEAD'], 'rev-parse'), rebased };
      }
      const message = `${push.stdout}\n${push.stderr}`;
      if (!REJECTED.test(message)) throw new PushError(`git push to ${remote} failed: ${firstLine(push.stderr) || firstLine(push.stdout)}`);
      if (attempt >= attempts) throw new PushError(`git push to ${remote} was still rejected after ${attempts} attempts: the remote keeps moving`);
      await gitOk(mirrorDir, ['fetch', '--quiet', remote, `refs/heads/${branch}`], `fetch ${remote} ${branch}`);
      const rebase = await git(mirrorDir, [...(await identityArgs(mirrorDir)), 'rebase', '--quiet', 'FETCH_HEAD']);
      if (rebase.code !== 0) {
        await git(mirrorDir, ['rebase', '--abort']);
        throw new PushError(`the remote ${remote} moved and our commits do not rebase cleanly onto it: ${firstLine(rebase.stderr) || firstLine(rebase.stdout)}`, {
          hint: 'the mirror is left as it was; resolve by hand (git pull --rebase) and push again',
        });
      }
      rebased += 1;
    }
  } finally {
    await lock.release();
  }
}
