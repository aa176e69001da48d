// The sync benchmark (issue 2): how long leakmirror takes, and how much memory it uses, to mirror N
// documents from a local web server: cold (empty mirror), warm (nothing changed), incremental (1% of
// the documents edited).
//
// The CLI runs as a child process exactly as a user would run it (node bin/leakmirror.js ...); the
// corpus (bench/corpus.ts) is served by bench/corpus-server.ts on 127.0.0.1 from this process.
// Nothing else is contacted.
//
//   npm run bench                                          # build, then N = 1,000, seed 1
//   node dist/bench/sync-bench.js --docs 200 --seed 3 --keep
//
// Options: --docs N (1000), --seed S (1), --keep (keep the mirror for inspection), --concurrency C (8),
// --timeout-min M (10, per step).
//
// Measured per step: wall time (from spawn to exit, in this process), documents per second (N / wall
// time), the child's peak RSS and CPU time (GNU time's %M/%U/%S: the largest resident set of the
// leakmirror process or of any process it waited for, e.g. git; CPU time includes those children),
// the summary counts of `sync --json`, the commits added to the mirror, and what the server answered.
// Results are printed as a table and written to bench/results/sync-<date>.json.

import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, tmpdir, totalmem, type as osType } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { hasValidators, startCorpusServer, type CorpusServer, type ServerStats } from './corpus-server.js';
import { ensureCorpus, type Corpus } from './corpus.js';

// This file compiles to dist/bench/sync-bench.js: the repository root is two levels up.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(REPO, 'bin', 'leakmirror.js');
const WORK = join(REPO, 'bench', 'work');
const RESULTS = join(REPO, 'bench', 'results');
const GNU_TIME = '/usr/bin/time';

interface Options {
  docs: number;
  seed: number;
  keep: boolean;
  concurrency: number;
  timeoutMs: number;
}

function parseOptions(args: readonly string[]): Options {
  const options: Options = { docs: 1000, seed: 1, keep: false, concurrency: 8, timeoutMs: 10 * 60_000 };
  const number = (name: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (value === undefined || !/^\d+$/.test(value) || n < min) throw new Error(`${name} expects a whole number >= ${min}, got ${value ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--docs') options.docs = number(arg, args[++i], 1);
    else if (arg === '--seed') options.seed = number(arg, args[++i], 0);
    else if (arg === '--concurrency') options.concurrency = number(arg, args[++i], 1);
    else if (arg === '--timeout-min') options.timeoutMs = number(arg, args[++i], 1) * 60_000;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node dist/bench/sync-bench.js [--docs N] [--seed S] [--keep] [--concurrency C] [--timeout-min M]');
      process.exit(0);
    } else throw new Error(`unknown option: ${arg}`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------------
// Running the CLI

interface RunResult {
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

type RssMethod = 'gnu-time' | 'resource-usage';

/**
 * Without GNU time, the child is node itself running a few lines that load bin/leakmirror.js with the
 * same arguments and report process.resourceUsage() at exit: the leakmirror process only (git children
 * not included).
 */
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

async function runCli(method: RssMethod, args: string[], timeoutMs: number): Promise<RunResult> {
  const measureFile = join(WORK, `.measure-${process.pid}-${Date.now()}`);
  const [command, commandArgs] =
    method === 'gnu-time'
      ? [GNU_TIME, ['-f', '%M %e %U %S', '-o', measureFile, process.execPath, BIN, ...args]]
      : [process.execPath, ['--input-type=module', '-e', RESOURCE_USAGE_WRAPPER, '--', BIN, measureFile, ...args]];
  const started = performance.now();
  // A process group of its own, so a timeout can stop leakmirror and whatever it started (git).
  const child = spawn(command, commandArgs, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NO_COLOR: '1' } });
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
  }, timeoutMs);
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
  // GNU time exits with the command's status; a signal shows as status 128+n.
  return { args, exitCode, signal, timedOut, wallMs, peakRssKiB, userCpuS, systemCpuS, stdout, stderr };
}

function describeRun(run: RunResult): string {
  const how = run.timedOut ? `timed out, killed after ${(run.wallMs / 1000).toFixed(0)} s` : `exit ${run.exitCode ?? run.signal}`;
  const tail = run.stderr.trim().split('\n').slice(-15).join('\n    ');
  return `leakmirror ${run.args.join(' ')}: ${how}${tail !== '' ? `\n    ${tail}` : ''}`;
}

function git(mirror: string, ...args: string[]): string {
  const result = spawnSync('git', ['-C', mirror, ...args], { encoding: 'utf8', timeout: 60_000 });
  return result.status === 0 ? result.stdout.trim() : '';
}

function commitCount(mirror: string): number {
  // Only the mirror's own repository counts (not one it might sit inside).
  if (git(mirror, 'rev-parse', '--show-prefix') !== '') return 0;
  return Number(git(mirror, 'rev-list', '--count', 'HEAD')) || 0;
}

function commitRate(mirror: string, added: number): { firstTenth: number; lastTenth: number } | undefined {
  if (added < 100) return undefined;
  // Newest first; committer dates in seconds.
  const times = git(mirror, 'log', `-${added}`, '--format=%ct').split('\n').map(Number).reverse();
  const tenth = Math.floor(added / 10);
  const rate = (slice: number[]): number => {
    const span = (slice.at(-1) ?? 0) - (slice[0] ?? 0);
    return Math.round((slice.length / Math.max(span, 1)) * 10) / 10;
  };
  return { firstTenth: rate(times.slice(0, tenth)), lastTenth: rate(times.slice(-tenth)) };
}

/**
 * git commit starts `git gc --auto` when loose objects pile up (about 6,700 by default, i.e. after
 * some 600 documents), and that gc detaches into the background. Wait for it (its .git/gc.pid) before
 * the next step, so one step's housekeeping is not billed to the next; returns the time waited.
 */
async function waitForBackgroundGc(mirror: string, timeoutMs: number): Promise<number> {
  const started = performance.now();
  const pidFile = join(mirror, '.git', 'gc.pid');
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

/** Loose and packed objects of the mirror's repository (git count-objects -v). */
function objectCounts(mirror: string): { loose: number; packed: number; packs: number } {
  const fields = new Map(
    git(mirror, 'count-objects', '-v')
      .split('\n')
      .map((line) => line.split(': ') as [string, string]),
  );
  return { loose: Number(fields.get('count') ?? 0), packed: Number(fields.get('in-pack') ?? 0), packs: Number(fields.get('packs') ?? 0) };
}

function diskUsageKiB(dir: string): number | undefined {
  const result = spawnSync('du', ['-sk', dir], { encoding: 'utf8', timeout: 60_000 });
  const kib = Number(result.stdout.split(/\s/)[0]);
  return result.status === 0 && Number.isFinite(kib) ? kib : undefined;
}

// ---------------------------------------------------------------------------------------------------
// The steps

type StepName = 'cold' | 'warm' | 'incremental';
type Summary = Record<'new' | 'changed' | 'unchanged' | 'removed' | 'failed', number>;

interface SyncJson {
  documents: Array<{ id: string; url: string; status: string; error?: string; errorClass?: string }>;
  summary: Summary;
}

interface StepResult {
  step: StepName;
  revision: string;
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  wallMs: number;
  docsPerSecond: number;
  peakRssKiB: number | undefined;
  userCpuS: number | undefined;
  systemCpuS: number | undefined;
  summary: Summary | undefined;
  expected: Partial<Summary>;
  commitsAdded: number;
  /** Time spent before the step waiting for a background `git gc --auto` left by the previous one. */
  gcWaitMs: number;
  /** The mirror's objects right after the step (a pack appearing during cold means an auto gc ran). */
  objects: { loose: number; packed: number; packs: number };
  /**
   * Commits per second over the first and the last tenth of the commits this step added (committer
   * dates, one-second resolution; only when it added at least 100): shows whether committing slows
   * down as the mirror grows.
   */
  commitRate: { firstTenth: number; lastTenth: number } | undefined;
  server: ServerStats;
  /** CPU time of this process (the corpus server) during the step, seconds. */
  serverCpuS: number;
  /** The most common failure messages, if any document failed. */
  failures: Array<{ error: string; count: number }>;
  warnings: string[];
  stderrLines: number;
}

function parseSyncJson(stdout: string): SyncJson | undefined {
  try {
    const parsed = JSON.parse(stdout) as Partial<SyncJson>;
    return parsed.summary !== undefined && Array.isArray(parsed.documents) ? (parsed as SyncJson) : undefined;
  } catch {
    return undefined;
  }
}

function topFailures(json: SyncJson | undefined): Array<{ error: string; count: number }> {
  const counts = new Map<string, number>();
  for (const doc of json?.documents ?? []) {
    if (doc.status !== 'failed') continue;
    // Group by message without the document-specific parts (URLs, numbers).
    const key = `${doc.errorClass ?? '?'}: ${(doc.error ?? '').replace(/https?:\/\/\S+/g, '<url>').replace(/\d+/g, 'N')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([error, count]) => ({ error, count }));
}

async function runSyncStep(
  step: StepName,
  context: { method: RssMethod; mirror: string; server: CorpusServer; options: Options; corpus: Corpus },
): Promise<StepResult> {
  const { method, mirror, server, options, corpus } = context;
  const n = corpus.manifest.docs;
  const edited = corpus.manifest.edited.length;
  const expected: Partial<Summary> =
    step === 'cold' ? { new: n, changed: 0, unchanged: 0, failed: 0 } : step === 'warm' ? { new: 0, changed: 0, unchanged: n, failed: 0 } : { new: 0, changed: edited, unchanged: n - edited, failed: 0 };
  const args = ['-C', mirror, 'sync', '--allow-private-network', '--delay', '0', '--concurrency', String(options.concurrency), '--json'];

  const gcWaitMs = await waitForBackgroundGc(mirror, 5 * 60_000);
  const commitsBefore = commitCount(mirror);
  server.resetStats();
  console.error(`${step}: leakmirror ${args.join(' ')}  (serving ${server.revision})`);
  const cpuBefore = process.cpuUsage();
  const run = await runCli(method, args, options.timeoutMs);
  const cpu = process.cpuUsage(cpuBefore);
  const serverStats = server.stats();
  const commitsAdded = commitCount(mirror) - commitsBefore;
  const json = parseSyncJson(run.stdout);

  const warnings: string[] = [];
  if (run.timedOut || run.exitCode !== 0) warnings.push(describeRun(run));
  if (json === undefined) {
    warnings.push(`no sync JSON on stdout (${run.stdout.length} bytes: ${JSON.stringify(run.stdout.slice(0, 200))})`);
  } else {
    for (const [key, want] of Object.entries(expected) as Array<[keyof Summary, number]>) {
      if (json.summary[key] !== want) warnings.push(`expected ${key} = ${want}, got ${json.summary[key]}`);
    }
    if (step === 'incremental') {
      const editedUrls = new Set(corpus.manifest.edited.map((path) => new URL(path, server.url).href));
      const changedUrls = new Set(json.documents.filter((d) => d.status === 'changed').map((d) => d.url));
      const missed = [...editedUrls].filter((url) => !changedUrls.has(url));
      const extra = [...changedUrls].filter((url) => !editedUrls.has(url));
      if (missed.length > 0) warnings.push(`edited but not reported changed: ${missed.join(', ')}`);
      if (extra.length > 0) warnings.push(`reported changed but not edited: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}`);
    }
  }
  const expectedCommits = step === 'cold' ? n : step === 'warm' ? 0 : edited;
  if (commitsAdded !== expectedCommits) warnings.push(`expected ${expectedCommits} commit(s), the mirror got ${commitsAdded}`);
  const documentRequests = serverStats.requests - 1 - serverStats.robots; // the index page, robots.txt
  if (documentRequests !== n) {
    const repeated = Object.entries(serverStats.repeated).map(([what, count]) => `${what} x${count}`);
    const detail = [...repeated.slice(0, 5), ...serverStats.notFound.slice(0, 5).map((what) => `${what} -> 404`)].join(', ');
    warnings.push(`expected ${n} document requests (besides the index page and robots.txt), the server got ${documentRequests}${detail !== '' ? `: ${detail}` : ''}`);
  }
  if (step !== 'cold') {
    const with304 = serverStats.byStatus['304'] ?? 0;
    const want304 = server.withValidators - (step === 'incremental' ? corpus.manifest.edited.filter((p) => hasValidators(p)).length : 0);
    if (with304 < want304) warnings.push(`expected about ${want304} 304 answers (documents with validators), the server sent ${with304}`);
  }

  return {
    step,
    revision: server.revision,
    command: `node bin/leakmirror.js ${args.join(' ')}`,
    exitCode: run.exitCode,
    timedOut: run.timedOut,
    wallMs: Math.round(run.wallMs),
    docsPerSecond: Math.round((n / (run.wallMs / 1000)) * 10) / 10,
    peakRssKiB: run.peakRssKiB,
    userCpuS: run.userCpuS,
    systemCpuS: run.systemCpuS,
    summary: json?.summary,
    expected,
    commitsAdded,
    gcWaitMs,
    objects: objectCounts(mirror),
    commitRate: commitRate(mirror, commitsAdded),
    server: serverStats,
    serverCpuS: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    failures: topFailures(json),
    warnings,
    stderrLines: run.stderr === '' ? 0 : run.stderr.trimEnd().split('\n').length,
  };
}

// ---------------------------------------------------------------------------------------------------
// Output

function mib(kib: number | undefined): string {
  return kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0))).join('  ')).join('\n');
}

function summaryText(summary: Summary | undefined): string {
  if (summary === undefined) return 'n/a';
  return `${summary.new}/${summary.changed}/${summary.unchanged}/${summary.removed}/${summary.failed}`;
}

function repoCommit(): { commit: string; dirty: boolean } {
  const head = spawnSync('git', ['-C', REPO, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  const status = spawnSync('git', ['-C', REPO, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' });
  return { commit: head.stdout.trim() || 'unknown', dirty: status.stdout.trim() !== '' };
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  await mkdir(WORK, { recursive: true });

  const method: RssMethod = await access(GNU_TIME, constants.X_OK).then(
    () => 'gnu-time',
    () => 'resource-usage',
  );
  if (method !== 'gnu-time') console.error(`note: ${GNU_TIME} not found; peak RSS from process.resourceUsage() of the leakmirror process only (git children not counted)`);

  // Other work on the machine skews the figures: recorded with them.
  const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
  const corpusStarted = performance.now();
  const corpus = await ensureCorpus({ seed: options.seed, docs: options.docs, onProgress: (m) => console.error(m) });
  const t = corpus.manifest.totals;
  console.error(
    `${corpus.generated ? 'generated' : 'reused'} corpus ${corpus.dir} in ${((performance.now() - corpusStarted) / 1000).toFixed(1)} s: ` +
      `${t.html} HTML + ${t.pdf} PDF (${t.pdfPages} pages), ${(t.bytes / 1048576).toFixed(1)} MiB, ${corpus.manifest.edited.length} edited in rev2`,
  );

  const server = await startCorpusServer({ dir: corpus.dir, manifest: corpus.manifest, revision: 'rev1' });
  // Outside the repository: a directory inside another git work tree would not be a repository of
  // its own (and bench/work is git-ignored by this one), which is not the situation measured here.
  const mirrorParent = await mkdtemp(join(tmpdir(), 'leakmirror-bench-'));
  const mirror = join(mirrorParent, 'bench-mirror');
  const setupWarnings: string[] = [];
  const steps: StepResult[] = [];
  let fatal: string | undefined;
  try {
    const setupTimeout = Math.min(options.timeoutMs, 120_000);
    // As a user would: init a mirror directory that does not exist yet.
    let init = await runCli(method, ['-C', mirror, 'init'], setupTimeout);
    if (init.exitCode !== 0) {
      setupWarnings.push(`init on a directory that does not exist failed, so it was created first and init run again: ${describeRun(init)}`);
      await mkdir(mirror, { recursive: true });
      init = await runCli(method, ['-C', mirror, 'init'], setupTimeout);
    }
    if (init.exitCode !== 0) throw new Error(describeRun(init));
    // Never let a sync commit anywhere but in the mirror's own repository.
    const top = git(mirror, 'rev-parse', '--show-toplevel');
    if (top !== (await realpath(mirror))) throw new Error(`${mirror} is not the top of its own git repository (git says: ${top || 'no repository'})`);
    const add = await runCli(method, ['-C', mirror, 'add', server.url, '--name', 'bench', '--links', 'main a'], setupTimeout);
    if (add.exitCode !== 0) throw new Error(describeRun(add));

    const context = { method, mirror, server, options, corpus };
    steps.push(await runSyncStep('cold', context));
    steps.push(await runSyncStep('warm', context));
    server.setRevision('rev2');
    steps.push(await runSyncStep('incremental', context));
  } catch (error) {
    fatal = error instanceof Error ? error.message : String(error);
  } finally {
    await server.close();
  }

  await waitForBackgroundGc(mirror, 5 * 60_000).catch(() => 0);
  const mirrorKiB = diskUsageKiB(mirror);
  const mirrorCommits = commitCount(mirror);
  if (options.keep) console.error(`mirror kept: ${mirror}`);
  else await rm(mirrorParent, { recursive: true, force: true });

  // The table.
  const rows = [['step', 'wall', 'docs/s', 'peak RSS', 'CPU user+sys', 'new/chg/unch/rm/fail', 'commits', 'HTTP 200/304', 'exit']];
  for (const s of steps) {
    rows.push([
      s.step,
      `${(s.wallMs / 1000).toFixed(1)} s`,
      s.docsPerSecond.toFixed(1),
      mib(s.peakRssKiB),
      s.userCpuS === undefined || s.systemCpuS === undefined ? 'n/a' : `${(s.userCpuS + s.systemCpuS).toFixed(1)} s`,
      summaryText(s.summary),
      String(s.commitsAdded),
      `${s.server.byStatus['200'] ?? 0}/${s.server.byStatus['304'] ?? 0}`,
      s.timedOut ? 'timeout' : String(s.exitCode),
    ]);
  }
  console.log(`\nleakmirror sync, N = ${options.docs} (seed ${options.seed}, concurrency ${options.concurrency}, delay 0), ${cpus().length} CPUs, node ${process.version}`);
  console.log(table(rows));
  if (mirrorKiB !== undefined) console.log(`mirror after the run: ${mirrorCommits} commits, ${(mirrorKiB / 1024).toFixed(1)} MiB on disk`);
  for (const warning of setupWarnings) console.log(`WARNING (setup): ${warning}`);
  for (const s of steps) {
    const rate = s.commitRate === undefined ? '' : `; commits/s first tenth ${s.commitRate.firstTenth}, last tenth ${s.commitRate.lastTenth}`;
    const gc = s.gcWaitMs >= 100 ? `; waited ${(s.gcWaitMs / 1000).toFixed(1)} s for a background git gc first` : '';
    const objects = `; git objects after: ${s.objects.loose} loose, ${s.objects.packed} in ${s.objects.packs} pack(s)`;
    const robots = s.server.robots > 0 ? ` (+${s.server.robots} robots.txt)` : '';
    console.log(`${s.step}: server CPU ${s.serverCpuS.toFixed(1)} s, ${s.server.requests} requests${robots} on ${s.server.connections} connection(s), ${(s.server.bytesSent / 1048576).toFixed(1)} MiB sent${rate}${gc}${objects}`);
  }
  for (const s of steps) {
    for (const warning of s.warnings) console.log(`WARNING (${s.step}): ${warning}`);
    for (const failure of s.failures) console.log(`  ${s.step}: ${failure.count} x ${failure.error}`);
  }
  if (fatal !== undefined) console.log(`FAILED: ${fatal}`);

  // The JSON record.
  const date = new Date();
  const record = {
    benchmark: 'sync',
    date: date.toISOString(),
    machine: {
      os: `${osType()} ${release()}`,
      platform: platform(),
      arch: process.arch,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 1073741824) * 10) / 10,
      node: process.version,
      /** 1, 5 and 15 minute load averages when the benchmark started. */
      loadAverage: loadAtStart,
    },
    git: repoCommit(),
    n: options.docs,
    seed: options.seed,
    concurrency: options.concurrency,
    delayMs: 0,
    rssMethod: method,
    corpus: {
      dir: corpus.dir,
      generated: corpus.generated,
      html: t.html,
      pdf: t.pdf,
      pdfPages: t.pdfPages,
      bytes: t.bytes,
      edited: corpus.manifest.edited.length,
      withValidators: server.withValidators,
    },
    setupWarnings,
    steps,
    mirror: { commits: mirrorCommits, diskKiB: mirrorKiB, kept: options.keep ? mirror : null },
    fatal: fatal ?? null,
  };
  await mkdir(RESULTS, { recursive: true });
  const file = join(RESULTS, `sync-${date.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`results: ${file}`);

  const ok = fatal === undefined && steps.every((s) => !s.timedOut && s.exitCode === 0);
  return ok ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
