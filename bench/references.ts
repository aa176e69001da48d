// The tools leakmirror's sync is measured against, as a user would run them on the same corpus:
//
// - pipeline: bench/reference/pipeline.sh, a hand-written git-scraping script (wget -N, pdftotext,
//   html2text, git add -A && git commit), on every document;
// - urlwatch (the Debian package) with its html2text filter, on the HTML pages only: its pdf2text
//   filter needs the Python `pdftotext` module, which Debian does not package.
//
// Missing tools are installed with apt-get (`apt-get update` once, then `apt-get install -y ...`) when
// the benchmark is allowed to (never under CI); a tool that still cannot be found skips its reference
// with a line saying why.

import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { commitCount, git, runTimed, type RssMethod, type RunResult } from './measure.js';

export type ReferenceName = 'pipeline' | 'urlwatch';

export interface ToolStatus {
  /** Binaries that are needed and were found (after any install). */
  found: string[];
  missing: string[];
  available: Record<ReferenceName, boolean>;
  /** GNU time (peak RSS and CPU of a command and its children). */
  gnuTime: boolean;
  /** What was installed, what failed, and why a reference is skipped. */
  notes: string[];
  /** Versions of the reference tools, for the record. */
  versions: Record<string, string>;
}

/** Binary -> Debian package. */
const PACKAGES: Readonly<Record<string, string>> = {
  wget: 'wget',
  pdftotext: 'poppler-utils',
  html2text: 'html2text',
  urlwatch: 'urlwatch',
  '/usr/bin/time': 'time',
};
const NEEDS: Readonly<Record<ReferenceName, readonly string[]>> = {
  pipeline: ['wget', 'pdftotext', 'html2text', 'git', 'bash', 'xargs'],
  urlwatch: ['urlwatch'],
};

function has(binary: string): boolean {
  if (binary.startsWith('/')) return spawnSync('test', ['-x', binary]).status === 0;
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

function firstLine(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0] ?? '';
}

export function toolVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  if (has('wget')) versions.wget = firstLine('wget', ['--version']);
  if (has('pdftotext')) versions.pdftotext = firstLine('pdftotext', ['-v']);
  if (has('html2text')) versions.html2text = firstLine('html2text', ['-version']);
  if (has('urlwatch')) versions.urlwatch = firstLine('urlwatch', ['--version']);
  versions.git = firstLine('git', ['--version']);
  return versions;
}

/**
 * Finds the tools, installing the missing ones with apt-get when `install` is true (the default of
 * the benchmark, off under CI or with --no-install): `apt-get update` once, then one
 * `apt-get install -y` of every missing package.
 */
export function ensureTools(options: { install: boolean; log: (line: string) => void }): ToolStatus {
  const notes: string[] = [];
  const wanted = [...new Set([...NEEDS.pipeline, ...NEEDS.urlwatch, '/usr/bin/time'])];
  let missing = wanted.filter((binary) => !has(binary));
  const installable = missing.filter((binary) => PACKAGES[binary] !== undefined);
  if (installable.length > 0) {
    const packages = [...new Set(installable.map((binary) => PACKAGES[binary] as string))];
    if (!options.install) {
      notes.push(`not installing ${packages.join(' ')} (--no-install or CI)`);
    } else if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') {
      notes.push(`not installing ${packages.join(' ')}: CI is set (the benchmark never installs packages in CI)`);
    } else if (typeof process.getuid === 'function' && process.getuid() !== 0) {
      notes.push(`not installing ${packages.join(' ')}: apt-get needs root (run: apt-get update && apt-get install -y ${packages.join(' ')})`);
    } else {
      options.log(`installing the reference tools: apt-get update, then apt-get install -y ${packages.join(' ')}`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const update = spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8', timeout: 5 * 60_000, env });
      if (update.status !== 0) notes.push(`apt-get update failed (${update.error?.message ?? `exit ${update.status}`}): ${(update.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`);
      const install = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { encoding: 'utf8', timeout: 10 * 60_000, env });
      if (install.status !== 0) notes.push(`apt-get install -y ${packages.join(' ')} failed (${install.error?.message ?? `exit ${install.status}`}): ${(install.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`);
      else notes.push(`installed with apt-get: ${packages.join(' ')}`);
    }
    missing = wanted.filter((binary) => !has(binary));
  }
  const available = {
    pipeline: NEEDS.pipeline.every((binary) => !missing.includes(binary)),
    urlwatch: NEEDS.urlwatch.every((binary) => !missing.includes(binary)),
  };
  for (const name of ['pipeline', 'urlwatch'] as const) {
    if (!available[name]) notes.push(`SKIPPED reference ${name}: ${NEEDS[name].filter((b) => missing.includes(b)).join(', ')} not installed`);
  }
  if (available.urlwatch) {
    const pdf = spawnSync('/usr/bin/python3', ['-c', 'import pdftotext'], { stdio: 'ignore', timeout: 30_000 });
    notes.push(
      pdf.status === 0
        ? 'urlwatch: the Python pdftotext module is installed, but urlwatch is still run on the HTML pages only, as the issue asks'
        : "urlwatch runs on the HTML pages only: its pdf2text filter needs the Python pdftotext module, which Debian does not package (no python3-pdftotext)",
    );
  }
  return { found: wanted.filter((binary) => !missing.includes(binary)), missing, available, gnuTime: !missing.includes('/usr/bin/time'), notes, versions: toolVersions() };
}

// ---------------------------------------------------------------------------------------------------
// The pipeline

export interface PipelineRun {
  run: RunResult;
  /** Commits the run added to the pipeline's repository (one per run when anything changed). */
  commitsAdded: number;
  /** Files the run's commit changed (raw + text), or in the repository after the first run. */
  filesChanged: number;
  /** Text files in the repository after the run. */
  textFiles: number;
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).length;
}

export async function runPipeline(options: {
  script: string;
  indexUrl: string;
  dir: string;
  jobs: number;
  method: RssMethod;
  timeoutMs: number;
  scratchDir: string;
}): Promise<PipelineRun> {
  const repo = join(options.dir, 'repo');
  const before = git(repo, 'rev-parse', '--verify', '-q', 'HEAD');
  const commitsBefore = before === '' ? 0 : commitCount(repo);
  const run = await runTimed('bash', [options.script, options.indexUrl, options.dir], {
    method: options.method,
    timeoutMs: options.timeoutMs,
    cwd: options.scratchDir,
    scratchDir: options.scratchDir,
    env: { ...process.env, JOBS: String(options.jobs), LC_ALL: 'C.UTF-8' },
  });
  const after = git(repo, 'rev-parse', '--verify', '-q', 'HEAD');
  const commitsAdded = after === '' ? 0 : commitCount(repo) - commitsBefore;
  let filesChanged = 0;
  if (after !== '' && after !== before) {
    const names = before === '' ? git(repo, 'ls-tree', '-r', '--name-only', after) : git(repo, 'diff', '--name-only', before, after);
    filesChanged = names === '' ? 0 : names.split('\n').length;
  }
  return { run, commitsAdded, filesChanged, textFiles: await countFiles(join(repo, 'text')) };
}

// ---------------------------------------------------------------------------------------------------
// urlwatch

export interface UrlwatchRun {
  run: RunResult;
  /** From its report: jobs reported NEW, CHANGED, ERROR. */
  counts: { new: number; changed: number; error: number };
}

/**
 * A urlwatch home of its own in `dir`: the jobs file (one `url` job per page, with the html2text
 * filter), a config (plain stdout report; new, changed and errors shown), the cache database.
 */
export async function setupUrlwatch(dir: string, pages: ReadonlyArray<{ name: string; url: string }>): Promise<void> {
  await mkdir(join(dir, 'home'), { recursive: true });
  const jobs = pages.map((page) => `name: ${JSON.stringify(page.name)}\nurl: ${JSON.stringify(page.url)}\nfilter:\n  - html2text\n`).join('---\n');
  await writeFile(join(dir, 'urls.yaml'), jobs);
  await writeFile(
    join(dir, 'urlwatch.yaml'),
    'display:\n  new: true\n  error: true\n  unchanged: false\nreport:\n  stdout:\n    enabled: true\n    color: false\n  email:\n    enabled: false\n',
  );
}

export async function runUrlwatch(options: { dir: string; method: RssMethod; timeoutMs: number; scratchDir: string }): Promise<UrlwatchRun> {
  const { dir } = options;
  const home = join(dir, 'home');
  const run = await runTimed(
    'urlwatch',
    ['--urls', join(dir, 'urls.yaml'), '--config', join(dir, 'urlwatch.yaml'), '--cache', join(dir, 'cache.db'), '--hooks', join(dir, 'hooks.py')],
    {
      method: options.method,
      timeoutMs: options.timeoutMs,
      cwd: dir,
      scratchDir: options.scratchDir,
      // Never the user's home: urlwatch falls back on ~/.config and ~/.cache for anything not given.
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), NO_COLOR: '1', LC_ALL: 'C.UTF-8' },
    },
  );
  const count = (word: string): number => (run.stdout.match(new RegExp(`^\\d+\\. ${word}: `, 'gm')) ?? []).length;
  return { run, counts: { new: count('NEW'), changed: count('CHANGED'), error: count('ERROR') } };
}
