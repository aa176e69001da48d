// Running a command as a timed child process for the benchmarks: wall time, and GNU time's peak RSS
// and CPU time (user+sys, the command and every process it waited for). Plus small git helpers.

import { spawn, spawnSync } from 'node:child_process';
import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export type RssMethod = 'gnu-time' | 'resource-usage';

export interface RunResult {
  command: string;
  /** The command's arguments (for a node script: node's flags, the script, its arguments). */
  args: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  wallMs: number;
  /** Peak resident set size, KiB (undefined when it could not be measured). */
  peakRssKiB: number | undefined;
  userCpuS: number | undefined;
  systemCpuS: number | undefined;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  method: RssMethod;
  timeoutMs: number;
  cwd: string;
  /** Where GNU time writes its figures (a file is made and removed there). */
  scratchDir: string;
  env?: NodeJS.ProcessEnv;
  /**
   * For node scripts: `command` is node, `args` the script's arguments. Without GNU time, a node
   * script can still report its own peak RSS: the child is node running a few lines that import the
   * script with the same arguments and write process.resourceUsage() at exit (that process only: its
   * children, e.g. git, are not counted).
   */
  nodeScript?: { script: string; nodeArgs?: string[] };
  /** A command the command runs under (e.g. prlimit --nofile=N --), inside GNU time. */
  prefix?: string[];
}

const RESOURCE_USAGE_WRAPPER = `
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bin, out, ...args] = process.argv.slice(1);
process.argv = [process.argv[0], bin, ...args];
process.on('exit', () => {
  const u = process.resourceUsage();
  writeFileSync(out, [u.maxRSS, 0, u.userCPUTime / 1e6, u.systemCPUTime / 1e6].join(' '));
});
await import(pathToFileURL(bin).href);
`;

let measureCounter = 0;

/** Runs `command args` in a process group of its own, killed (with its children) after timeoutMs. */
export async function runTimed(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const measureFile = join(options.scratchDir, `.measure-${process.pid}-${Date.now()}-${measureCounter++}`);
  let spawnCommand: string;
  let spawnArgs: string[];
  const node = options.nodeScript;
  const fullArgs = node === undefined ? args : [...(node.nodeArgs ?? []), node.script, ...args];
  const prefix = options.prefix ?? [];
  if (options.method === 'gnu-time') {
    [spawnCommand, spawnArgs] = [GNU_TIME, ['-f', '%M %e %U %S', '-o', measureFile, ...prefix, command, ...fullArgs]];
  } else if (node !== undefined) {
    const wrapped = [...(node.nodeArgs ?? []), '--input-type=module', '-e', RESOURCE_USAGE_WRAPPER, '--', node.script, measureFile, ...args];
    [spawnCommand, spawnArgs] = prefix.length > 0 ? [prefix[0] as string, [...prefix.slice(1), command, ...wrapped]] : [command, wrapped];
  } else {
    [spawnCommand, spawnArgs] = prefix.length > 0 ? [prefix[0] as string, [...prefix.slice(1), command, ...args]] : [command, args];
  }
  const started = performance.now();
  const child = spawn(spawnCommand, spawnArgs, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: options.env ?? { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
  }, options.timeoutMs);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolveExit, rejectExit) => {
    child.once('error', rejectExit);
    child.once('close', (code, sig) => resolveExit([code, sig]));
  }).finally(() => clearTimeout(timer));
  const wallMs = performance.now() - started;

  let peakRssKiB: number | undefined;
  let userCpuS: number | undefined;
  let systemCpuS: number | undefined;
  const measured = await readFile(measureFile, 'utf8').catch(() => '');
  await rm(measureFile, { force: true });
  // GNU time writes "Command exited with non-zero status N" before the figures when the command fails.
  const figures = measured.trim().split('\n').at(-1)?.split(/\s+/).map(Number) ?? [];
  if (figures.length === 4 && figures.every(Number.isFinite)) [peakRssKiB, , userCpuS, systemCpuS] = figures;
  return { command, args: fullArgs, exitCode, signal, timedOut, wallMs, peakRssKiB, userCpuS, systemCpuS, stdout, stderr };
}

export function describeRun(run: RunResult, label = run.command): string {
  const how = run.timedOut ? `timed out, killed after ${(run.wallMs / 1000).toFixed(0)} s` : `exit ${run.exitCode ?? run.signal}`;
  const tail = run.stderr.trim().split('\n').slice(-15).join('\n    ');
  return `${label} ${run.args.join(' ')}: ${how}${tail !== '' ? `\n    ${tail}` : ''}`;
}

export function cpuSeconds(run: Pick<RunResult, 'userCpuS' | 'systemCpuS'>): number | undefined {
  return run.userCpuS === undefined || run.systemCpuS === undefined ? undefined : Math.round((run.userCpuS + run.systemCpuS) * 100) / 100;
}

// ---------------------------------------------------------------------------------------------------
// git

export function git(repo: string, ...args: string[]): string {
  const result = spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  return result.status === 0 ? result.stdout.trim() : '';
}

/** Commits from `since` (exclusive; all when empty) to HEAD that record a document version (a Document-Id trailer). */
export function versionCommits(repo: string, since: string): number {
  if (git(repo, 'rev-parse', '--show-prefix') !== '') return 0;
  return Number(git(repo, 'rev-list', '--count', '--grep=^Document-Id: ', since === '' ? 'HEAD' : `${since}..HEAD`)) || 0;
}

export function headCommit(repo: string): string {
  return git(repo, 'rev-parse', '--verify', '-q', 'HEAD');
}

export function commitCount(repo: string): number {
  // Only the repository's own commits count (not those of one it might sit inside).
  if (git(repo, 'rev-parse', '--show-prefix') !== '') return 0;
  return Number(git(repo, 'rev-list', '--count', 'HEAD')) || 0;
}

/**
 * git commit starts `git gc --auto` when loose objects pile up, and that gc detaches into the
 * background. Wait for it (its .git/gc.pid) before the next step, so one step's housekeeping is not
 * billed to the next; returns the time waited.
 */
export async function waitForBackgroundGc(repo: string, timeoutMs: number): Promise<number> {
  const started = performance.now();
  const pidFile = join(repo, '.git', 'gc.pid');
  while (performance.now() - started < timeoutMs) {
    const running = await access(pidFile).then(
      () => true,
      () => false,
    );
    if (!running) break;
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
  return Math.round(performance.now() - started);
}

/** Loose and packed objects of a repository (git count-objects -v). */
export function objectCounts(repo: string): { loose: number; packed: number; packs: number } {
  const fields = new Map(
    git(repo, 'count-objects', '-v')
      .split('\n')
      .map((line) => line.split(': ') as [string, string]),
  );
  return { loose: Number(fields.get('count') ?? 0), packed: Number(fields.get('in-pack') ?? 0), packs: Number(fields.get('packs') ?? 0) };
}

export function diskUsageKiB(dir: string): number | undefined {
  const result = spawnSync('du', ['-sk', dir], { encoding: 'utf8', timeout: 120_000 });
  const kib = Number(result.stdout.split(/\s/)[0]);
  return result.status === 0 && Number.isFinite(kib) ? kib : undefined;
}
