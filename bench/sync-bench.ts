// The sync benchmark: how long leakmirror takes, and how much memory it uses, to mirror N documents
// from a local web server, and how that compares, in the same run, with the tools a user would pick
// instead (bench/references.ts): a hand-written git-scraping pipeline (bench/reference/pipeline.sh) on
// the whole corpus, and urlwatch on its HTML pages.
//
// Scenarios, each for leakmirror and each reference:
//   cold         an empty mirror: every document is new
//   warm         again, nothing changed
//   incremental  the server switched to rev2: 1% of the documents edited
// and for leakmirror alone:
//   validators split: warm with validators on every path (all 304) and on none (all 200, same bytes),
//                     on a mirror of its own that was synced cold with validators on every path
//   profile:          one more cold sync under `node --cpu-prof`, summarised (bench/profile.ts)
//   scale (--scale):  cold, warm and incremental on a corpus of 20,000 documents; the warm and
//                     incremental cost per document is compared with the 2,000-document runs
//
// Every tool runs as a child process, as a user would run it; the corpus (bench/corpus.ts) is served by
// bench/corpus-server.ts on 127.0.0.1 from this process. Nothing else is contacted. Results: a table,
// the targets with PASS/MISS (bench/targets.ts), and bench/results/sync-<date>.json.
//
//   npm run bench                                   # build, then N = 2,000, seed 1, with the references
//   node dist/bench/sync-bench.js --scale           # also the 20,000-document scale runs (slow)
//   node dist/bench/sync-bench.js --docs 200 --no-references --no-profile --keep
//
// Options: --docs N (2000), --seed S (1), --scale, --scale-docs N (20000), --scale-distinct-pdfs D
// (400), --keep (keep the mirrors), --concurrency C (8), --timeout-min M (10, per step; the scale steps
// get ten times as long), --jobs J (pipeline conversions at once; default the number of cores),
// --no-references, --no-install (never apt-get), --no-profile, --no-validators-split, --no-big-pdf (a
// corpus without the 80 MiB PDF: the same bytes as the first version of the benchmark made),
// --no-settle (start at once even within 6 minutes of the last run's cleanup: see settle.ts).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, tmpdir, totalmem, type as osType } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { startCorpusServer, validatedIn, type CorpusServer, type ServerStats, type ValidatorMode } from './corpus-server.js';
import { benchDir, ensureCorpus, type Corpus, type CorpusDocument } from './corpus.js';
import { commitCount, cpuSeconds, describeRun, diskUsageKiB, git, GNU_TIME, headCommit, objectCounts, runTimed, versionCommits, waitForBackgroundGc, type RssMethod, type RunResult } from './measure.js';
import { summariseProfileDir, type ProfileSummary } from './profile.js';
import { ensureTools, runPipeline, runUrlwatch, setupUrlwatch, type ToolStatus } from './references.js';
import { readLastCleanup, recordCleanup, SETTLE_WINDOW_MS, settleWaitMs } from './settle.js';
import { evaluateTarget, formatLimit, formatTargetValue, statusWord, TARGETS, type TargetResult } from './targets.js';

// This file compiles to dist/bench/sync-bench.js: the repository root is two levels up.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The leakmirror launcher that is run: a snapshot's (see snapshotApp) once main() has made it. */
let BIN = join(REPO, 'bin', 'leakmirror.js');
const WORK = join(REPO, 'bench', 'work');
const RESULTS = join(REPO, 'bench', 'results');
const PIPELINE_SCRIPT = join(REPO, 'bench', 'reference', 'pipeline.sh');

interface Options {
  docs: number;
  seed: number;
  keep: boolean;
  concurrency: number;
  timeoutMs: number;
  scale: boolean;
  scaleDocs: number;
  scaleDistinctPdfs: number;
  references: boolean;
  install: boolean;
  /** Wait until 6 minutes have passed since the last run deleted its mirrors (settle.ts). */
  settle: boolean;
  profile: boolean;
  validatorsSplit: boolean;
  bigPdf: boolean;
  jobs: number;
}

const USAGE =
  'usage: node dist/bench/sync-bench.js [--docs N] [--seed S] [--scale] [--scale-docs N] [--scale-distinct-pdfs D] [--keep]\n' +
  '         [--concurrency C] [--timeout-min M] [--jobs J] [--no-references] [--no-install] [--no-profile] [--no-validators-split] [--no-big-pdf] [--no-settle]';

function parseOptions(args: readonly string[]): Options {
  const options: Options = {
    docs: 2000,
    seed: 1,
    keep: false,
    concurrency: 8,
    timeoutMs: 10 * 60_000,
    scale: false,
    scaleDocs: 20_000,
    scaleDistinctPdfs: 400,
    references: true,
    install: true,
    settle: true,
    profile: true,
    validatorsSplit: true,
    bigPdf: true,
    jobs: cpus().length,
  };
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
    else if (arg === '--scale-docs') options.scaleDocs = number(arg, args[++i], 1);
    else if (arg === '--scale-distinct-pdfs') options.scaleDistinctPdfs = number(arg, args[++i], 1);
    else if (arg === '--jobs') options.jobs = number(arg, args[++i], 1);
    else if (arg === '--scale') options.scale = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--no-references') options.references = false;
    else if (arg === '--no-install') options.install = false;
    else if (arg === '--no-settle') options.settle = false;
    else if (arg === '--no-profile') options.profile = false;
    else if (arg === '--no-validators-split') options.validatorsSplit = false;
    else if (arg === '--no-big-pdf') options.bigPdf = false;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option: ${arg}\n${USAGE}`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------------
// What is recorded per run

type Tool = 'leakmirror' | 'pipeline' | 'urlwatch';
/** 'all': every document; 'html': the HTML pages only (what urlwatch is compared on). */
type Part = 'all' | 'html';
type Scenario = 'cold' | 'warm' | 'incremental' | 'cold-validators-all' | 'warm-validators-all' | 'warm-validators-none' | 'cold-profiled';
type Summary = Record<'new' | 'changed' | 'unchanged' | 'removed' | 'failed', number>;

interface Measurement {
  tool: Tool;
  part: Part;
  scenario: Scenario;
  /** Documents in the corpus the run belongs to (2,000, or 20,000 for the scale runs). */
  corpusDocs: number;
  /** Documents the run had to look at (the corpus, or its HTML part). */
  docs: number;
  revision: string;
  validators: ValidatorMode;
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  wallMs: number;
  docsPerSecond: number;
  peakRssKiB: number | undefined;
  cpuS: number | undefined;
  /**
   * The part of cpuS spent in the kernel. It varies with the file system's recent history: on this
   * machine's ext4 (no journal) creating a file soon after many were deleted scans past the
   * recently deleted inodes, and a cold sync creates three files a document.
   */
  systemCpuS: number | undefined;
  /** 1-minute load average when the run started (other work on the machine). */
  load1: number;
  /** Time waited before the run for a background `git gc --auto` left by the previous one. */
  gcWaitMs: number;
  server: ServerStats;
  /** CPU time of this process (the corpus server) during the run, seconds. */
  serverCpuS: number;
  /** Tool-specific results: leakmirror's summary, commits, objects; the pipeline's commits; urlwatch's report. */
  details: Record<string, unknown>;
  warnings: string[];
}

interface SyncJson {
  documents: Array<{ id: string; url: string; status: string; error?: string; errorClass?: string }>;
  summary: Summary;
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
    const key = `${doc.errorClass ?? '?'}: ${(doc.error ?? '').replace(/https?:\/\/\S+/g, '<url>').replace(/\d+/g, 'N')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([error, count]) => ({ error, count }));
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

const round1 = (x: number): number => Math.round(x * 10) / 10;

// ---------------------------------------------------------------------------------------------------
// Running each tool

interface Context {
  method: RssMethod;
  server: CorpusServer;
  options: Options;
  corpus: Corpus;
  scratch: string;
  timeoutMs: number;
  log: (line: string) => void;
}

/** What a run is expected to see: the documents it visits, those changed since the last run. */
interface Expectation {
  part: Part;
  scenario: Scenario;
  docs: readonly CorpusDocument[];
  /** Paths edited since the previous run of this tool (rev2's edits, for incremental). */
  changed: ReadonlySet<string>;
  /** 304 answers expected (documents that carry validators now and whose validators the tool stored). */
  expected304: number;
}

function documentRequestWarning(server: ServerStats, docs: number, extra: number): string | undefined {
  const documentRequests = server.requests - extra - server.robots;
  if (documentRequests === docs) return undefined;
  const repeated = Object.entries(server.repeated).map(([what, count]) => `${what} x${count}`);
  const detail = [...repeated.slice(0, 5), ...server.notFound.slice(0, 5).map((what) => `${what} -> 404`)].join(', ');
  return `expected ${docs} document requests, the server got ${documentRequests}${detail !== '' ? `: ${detail}` : ''}`;
}

async function measured(
  context: Context,
  base: { tool: Tool; expect: Expectation; gcWaitMs?: number },
  run: () => Promise<RunResult>,
): Promise<{ run: RunResult; partial: Omit<Measurement, 'details' | 'warnings'> }> {
  const { server, corpus } = context;
  server.resetStats();
  const load1 = round1(loadavg()[0] ?? 0);
  const cpuBefore = process.cpuUsage();
  const result = await run();
  const cpu = process.cpuUsage(cpuBefore);
  const docs = base.expect.docs.length;
  return {
    run: result,
    partial: {
      tool: base.tool,
      part: base.expect.part,
      scenario: base.expect.scenario,
      corpusDocs: corpus.manifest.docs,
      docs,
      revision: server.revision,
      validators: server.validators,
      command: `${result.command === process.execPath ? 'node' : result.command} ${result.args.map((a) => a.replace(REPO + '/', '')).join(' ')}`.replace(BIN, 'bin/leakmirror.js'),
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      wallMs: Math.round(result.wallMs),
      docsPerSecond: round1(docs / (result.wallMs / 1000)),
      peakRssKiB: result.peakRssKiB,
      cpuS: cpuSeconds(result),
      systemCpuS: result.systemCpuS === undefined ? undefined : Math.round(result.systemCpuS * 100) / 100,
      load1,
      gcWaitMs: base.gcWaitMs ?? 0,
      server: server.stats(),
      serverCpuS: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    },
  };
}

interface CliExtras {
  nodeArgs?: string[];
  /** The launcher to run instead of BIN. */
  script?: string;
  env?: Record<string, string>;
  /** Run under `prlimit --nofile=N:N` (the open-file limit raised). */
  nofile?: number;
}

function runLeakmirrorCli(context: Context, args: string[], extras: CliExtras = {}, timeoutMs = context.timeoutMs): Promise<RunResult> {
  return runTimed(process.execPath, args, {
    method: context.method,
    timeoutMs,
    cwd: REPO,
    scratchDir: context.scratch,
    env: { ...process.env, NO_COLOR: '1', ...extras.env },
    nodeScript: { script: extras.script ?? BIN, nodeArgs: extras.nodeArgs ?? [] },
    ...(extras.nofile !== undefined ? { prefix: ['prlimit', `--nofile=${extras.nofile}:${extras.nofile}`, '--'] } : {}),
  });
}

/** init + add, as a user would; `html` adds the source with --match '\.html$' (the HTML pages only). */
async function setupMirror(context: Context, mirror: string, part: Part): Promise<string[]> {
  const warnings: string[] = [];
  const timeout = Math.min(context.timeoutMs, 120_000);
  let init = await runLeakmirrorCli(context, ['-C', mirror, 'init'], {}, timeout);
  if (init.exitCode !== 0) {
    warnings.push(`init on a directory that does not exist failed, so it was created first and init run again: ${describeRun(init, 'leakmirror')}`);
    await mkdir(mirror, { recursive: true });
    init = await runLeakmirrorCli(context, ['-C', mirror, 'init'], {}, timeout);
  }
  if (init.exitCode !== 0) throw new Error(describeRun(init, 'leakmirror'));
  // Never let a sync commit anywhere but in the mirror's own repository.
  const top = git(mirror, 'rev-parse', '--show-toplevel');
  if (top !== (await realpath(mirror))) throw new Error(`${mirror} is not the top of its own git repository (git says: ${top || 'no repository'})`);
  const match = part === 'html' ? ['--match', '\\.html$'] : [];
  const add = await runLeakmirrorCli(context, ['-C', mirror, 'add', context.server.url, '--name', 'bench', '--links', 'main a', ...match], {}, timeout);
  if (add.exitCode !== 0) throw new Error(describeRun(add, 'leakmirror'));
  return warnings;
}

async function leakmirrorSync(context: Context, mirror: string, expect: Expectation, extras: CliExtras = {}): Promise<Measurement> {
  const args = ['-C', mirror, 'sync', '--allow-private-network', '--delay', '0', '--concurrency', String(context.options.concurrency), '--json'];
  const gcWaitMs = await waitForBackgroundGc(mirror, 5 * 60_000);
  const commitsBefore = commitCount(mirror);
  const headBefore = headCommit(mirror);
  const limit = extras.nofile !== undefined ? `, open-file limit raised to ${extras.nofile}` : '';
  context.log(`leakmirror ${expect.scenario} (${expect.part}, ${expect.docs.length} documents, ${context.server.revision}, validators ${context.server.validators}${limit})`);
  const { run, partial } = await measured(context, { tool: 'leakmirror', expect, gcWaitMs }, () => runLeakmirrorCli(context, args, extras));
  const commitsAdded = commitCount(mirror) - commitsBefore;
  // leakmirror may add commits that are not document versions (run records, source state).
  const versionsAdded = versionCommits(mirror, headBefore);
  const json = parseSyncJson(run.stdout);
  const n = expect.docs.length;
  const changed = expect.changed.size;
  const cold = expect.scenario.startsWith('cold');
  const expectedSummary: Partial<Summary> = cold
    ? { new: n, changed: 0, unchanged: 0, failed: 0 }
    : { new: 0, changed, unchanged: n - changed, failed: 0 };
  const warnings: string[] = [];
  if (run.timedOut || run.exitCode !== 0) warnings.push(describeRun(run, 'leakmirror'));
  if (json === undefined) {
    warnings.push(`no sync JSON on stdout (${run.stdout.length} bytes: ${JSON.stringify(run.stdout.slice(0, 200))})`);
  } else {
    for (const [key, want] of Object.entries(expectedSummary) as Array<[keyof Summary, number]>) {
      if (json.summary[key] !== want) warnings.push(`expected ${key} = ${want}, got ${json.summary[key]}`);
    }
    if (!cold) {
      const editedUrls = new Set([...expect.changed].map((path) => new URL(path, context.server.url).href));
      const changedUrls = new Set(json.documents.filter((d) => d.status === 'changed').map((d) => d.url));
      const missed = [...editedUrls].filter((url) => !changedUrls.has(url));
      const extra = [...changedUrls].filter((url) => !editedUrls.has(url));
      if (missed.length > 0) warnings.push(`edited but not reported changed: ${missed.slice(0, 5).join(', ')}`);
      if (extra.length > 0) warnings.push(`reported changed but not edited: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}`);
    }
  }
  const expectedCommits = cold ? n : changed;
  if (versionsAdded !== expectedCommits) warnings.push(`expected ${expectedCommits} document version commit(s), the mirror got ${versionsAdded} (${commitsAdded} commits in all)`);
  // After a failure the server's counts say nothing new.
  const requests = run.exitCode === 0 ? documentRequestWarning(partial.server, n, 1) : undefined;
  if (requests !== undefined) warnings.push(requests);
  const with304 = partial.server.byStatus['304'] ?? 0;
  if (run.exitCode === 0 && !cold && with304 < expect.expected304) warnings.push(`expected ${expect.expected304} 304 answers, the server sent ${with304}`);
  return {
    ...partial,
    details: {
      summary: json?.summary,
      expected: expectedSummary,
      commitsAdded,
      versionsAdded,
      nofile: extras.nofile ?? null,
      objects: objectCounts(mirror),
      commitRate: commitRate(mirror, versionsAdded),
      failures: topFailures(json),
      stderrLines: run.stderr === '' ? 0 : run.stderr.trimEnd().split('\n').length,
    },
    warnings,
  };
}

async function pipelineRun(context: Context, dir: string, expect: Expectation): Promise<Measurement> {
  const repo = join(dir, 'repo');
  const gcWaitMs = await waitForBackgroundGc(repo, 5 * 60_000);
  context.log(`pipeline ${expect.scenario} (${expect.docs.length} documents, ${context.server.revision})`);
  let result: Awaited<ReturnType<typeof runPipeline>> | undefined;
  const { run, partial } = await measured(context, { tool: 'pipeline', expect, gcWaitMs }, async () => {
    result = await runPipeline({ script: PIPELINE_SCRIPT, indexUrl: context.server.url, dir, jobs: context.options.jobs, method: context.method, timeoutMs: context.timeoutMs, scratchDir: context.scratch });
    return result.run;
  });
  const r = result as NonNullable<typeof result>;
  const warnings: string[] = [];
  if (run.timedOut || run.exitCode !== 0) warnings.push(describeRun(run, 'pipeline.sh'));
  const n = expect.docs.length;
  const cold = expect.scenario === 'cold';
  if (r.textFiles !== n) warnings.push(`expected ${n} text files in the pipeline's repository, found ${r.textFiles}`);
  const wantCommits = cold || expect.changed.size > 0 ? 1 : 0;
  if (r.commitsAdded !== wantCommits) warnings.push(`expected ${wantCommits} commit(s), the pipeline made ${r.commitsAdded}`);
  // Cold: raw + text of every document; incremental: raw + text of each edited one.
  const wantFiles = cold ? 2 * n : 2 * expect.changed.size;
  if (r.filesChanged !== wantFiles) warnings.push(`expected ${wantFiles} files in the run's commit, got ${r.filesChanged}`);
  const requests = documentRequestWarning(partial.server, n, 1);
  if (requests !== undefined) warnings.push(requests);
  return { ...partial, details: { commitsAdded: r.commitsAdded, filesChanged: r.filesChanged, textFiles: r.textFiles, jobs: context.options.jobs }, warnings };
}

async function urlwatchRun(context: Context, dir: string, expect: Expectation): Promise<Measurement> {
  context.log(`urlwatch ${expect.scenario} (${expect.docs.length} HTML pages, ${context.server.revision})`);
  let result: Awaited<ReturnType<typeof runUrlwatch>> | undefined;
  const { run, partial } = await measured(context, { tool: 'urlwatch', expect }, async () => {
    result = await runUrlwatch({ dir, method: context.method, timeoutMs: context.timeoutMs, scratchDir: context.scratch });
    return result.run;
  });
  const r = result as NonNullable<typeof result>;
  const warnings: string[] = [];
  if (run.timedOut || run.exitCode !== 0) warnings.push(describeRun(run, 'urlwatch'));
  const n = expect.docs.length;
  const want = expect.scenario === 'cold' ? { new: n, changed: 0, error: 0 } : { new: 0, changed: expect.changed.size, error: 0 };
  for (const key of ['new', 'changed', 'error'] as const) {
    if (r.counts[key] !== want[key]) warnings.push(`expected ${want[key]} ${key.toUpperCase()} in urlwatch's report, got ${r.counts[key]}`);
  }
  const requests = documentRequestWarning(partial.server, n, 0);
  if (requests !== undefined) warnings.push(requests);
  const with304 = partial.server.byStatus['304'] ?? 0;
  if (expect.scenario !== 'cold' && with304 < expect.expected304) warnings.push(`expected ${expect.expected304} 304 answers, the server sent ${with304}`);
  return { ...partial, details: { report: r.counts, stdoutBytes: run.stdout.length }, warnings };
}

// ---------------------------------------------------------------------------------------------------
// Output helpers

function mib(kib: number | undefined): string {
  return kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0))).join('  ')).join('\n');
}

function resultText(m: Measurement): string {
  const d = m.details;
  if (m.tool === 'leakmirror') {
    const s = d.summary as Summary | undefined;
    return s === undefined ? 'n/a' : `${s.new}/${s.changed}/${s.unchanged}/${s.failed} ${String(d.versionsAdded)}v ${String(d.commitsAdded)}c`;
  }
  if (m.tool === 'pipeline') return `${String(d.commitsAdded)}c ${String(d.filesChanged)}f`;
  const r = d.report as { new: number; changed: number; error: number };
  return `${r.new}N ${r.changed}C ${r.error}E`;
}

function repoCommit(): { commit: string; dirty: boolean } {
  const head = spawnSync('git', ['-C', REPO, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  const status = spawnSync('git', ['-C', REPO, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' });
  return { commit: head.stdout.trim() || 'unknown', dirty: status.stdout.trim() !== '' };
}

interface Ratio {
  id: string;
  label: string;
  leakmirror: Measurement;
  reference: Measurement;
  timeRatio: number;
  rssRatio: number | undefined;
}

function ratioOf(id: string, label: string, leakmirror: Measurement | undefined, reference: Measurement | undefined): Ratio | undefined {
  if (leakmirror === undefined || reference === undefined) return undefined;
  if (leakmirror.exitCode !== 0 || reference.exitCode !== 0 || leakmirror.timedOut || reference.timedOut) return undefined;
  const rssRatio = leakmirror.peakRssKiB !== undefined && reference.peakRssKiB !== undefined ? Math.round((leakmirror.peakRssKiB / reference.peakRssKiB) * 100) / 100 : undefined;
  return { id, label, leakmirror, reference, timeRatio: Math.round((leakmirror.wallMs / reference.wallMs) * 1000) / 1000, rssRatio };
}

function describeProfile(summary: ProfileSummary, run: Measurement, nodeCpuS: number | undefined): string[] {
  const lines: string[] = [];
  let busyMs = 0;
  for (const t of summary.threads) {
    busyMs += t.busyMs;
    lines.push(`${t.thread === 0 ? 'main thread' : `worker thread ${t.thread} (PDFs)`}: ${(t.durationMs / 1000).toFixed(1)} s profiled, ${(t.busyMs / 1000).toFixed(1)} s not idle (sampled wall time: includes time descheduled under load)`);
    lines.push(`  time by area: ${t.areas.map((a) => `${a.area} ${a.share}%`).join(', ')}`);
    lines.push(`  top modules (self): ${t.topModules.slice(0, 8).map((m) => `${m.module} ${m.share}%`).join(', ')}`);
    lines.push(`  top functions (self): ${t.topFunctions.slice(0, 8).map((f) => `${f.name} (${f.where}) ${f.share}%`).join(', ')}`);
  }
  if (run.cpuS !== undefined) {
    const node = nodeCpuS === undefined ? `node threads busy (sampled) ${(busyMs / 1000).toFixed(1)} s` : `node process ${nodeCpuS.toFixed(1)} s`;
    lines.push(`CPU of the run (GNU time: node and its children): ${run.cpuS.toFixed(1)} s; ${node}; so git and other child processes about ${Math.max(0, run.cpuS - (nodeCpuS ?? busyMs / 1000)).toFixed(1)} s`);
  }
  return lines;
}

/**
 * A copy of the built program (bin/, dist/src/, dist/cli/, package.json; node_modules linked) under `dir`, run
 * instead of the work tree's: other people build dist/ in this work tree while the benchmark runs,
 * and every run of one benchmark must measure the same code.
 */
async function snapshotApp(dir: string): Promise<string> {
  await mkdir(join(dir, 'dist'), { recursive: true });
  await cp(join(REPO, 'bin'), join(dir, 'bin'), { recursive: true });
  await cp(join(REPO, 'dist', 'src'), join(dir, 'dist', 'src'), { recursive: true });
  // The bundled CLI that bin/leakmirror.js runs, where the build makes one (scripts/bundle.ts).
  if (existsSync(join(REPO, 'dist', 'cli'))) await cp(join(REPO, 'dist', 'cli'), join(dir, 'dist', 'cli'), { recursive: true });
  await cp(join(REPO, 'package.json'), join(dir, 'package.json'));
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // The same program from the unbundled modules, for the profiled run: a profile of the bundle's
  // chunks cannot be told apart by leakmirror source file (bench/profile.ts reads dist/src/ paths).
  await writeFile(join(dir, 'bin', UNBUNDLED), "import { main } from '../dist/src/cli/main.js';\n\nprocess.exitCode = await main(process.argv.slice(2));\n");
  return join(dir, 'bin', 'leakmirror.js');
}

const UNBUNDLED = 'leakmirror-unbundled.js';

/** Uncommitted changes under src/ when the benchmark started (dist/ is built from the work tree). */
function uncommittedSources(): string[] {
  const status = spawnSync('git', ['-C', REPO, 'status', '--porcelain', '--', 'src'], { encoding: 'utf8' });
  return status.stdout.split('\n').filter((line) => line.trim() !== '');
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  await mkdir(WORK, { recursive: true });
  const log = (line: string): void => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
  const openFileLimit = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim();
  const openFileHardLimit = spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim();

  // The reference tools (installed when missing, unless --no-install or CI).
  let tools: ToolStatus | undefined;
  if (options.references) {
    tools = ensureTools({ install: options.install, log });
    for (const note of tools.notes) log(note);
  }
  const method: RssMethod = spawnSync('test', ['-x', GNU_TIME]).status === 0 ? 'gnu-time' : 'resource-usage';
  if (method !== 'gnu-time') log(`note: ${GNU_TIME} not found; peak RSS of leakmirror from process.resourceUsage() (git children not counted), none for the references`);

  const corpusStarted = performance.now();
  const corpus = await ensureCorpus({ seed: options.seed, docs: options.docs, bigPdf: options.bigPdf, onProgress: log });
  const t = corpus.manifest.totals;
  log(
    `${corpus.generated ? 'generated' : 'reused'} corpus ${corpus.dir} in ${((performance.now() - corpusStarted) / 1000).toFixed(1)} s: ` +
      `${t.html} HTML + ${t.pdf} PDF (${t.pdfPages} pages${options.bigPdf ? ', one of 80 MiB' : ''}), ${(t.bytes / 1048576).toFixed(1)} MiB, ${corpus.manifest.edited.length} edited in rev2`,
  );
  const all = corpus.manifest.documents;
  const html = all.filter((d) => d.kind === 'html');
  const edited = new Set(corpus.manifest.edited);
  const none = new Set<string>();
  const editedHtml = new Set([...edited].filter((p) => p.endsWith('.html')));
  const count304 = (docs: readonly CorpusDocument[], stored: ValidatorMode, now: ValidatorMode, changed: ReadonlySet<string>): number =>
    docs.filter((d) => validatedIn(stored, d) && validatedIn(now, d) && !changed.has(d.path)).length;

  const cleanupMarker = join(benchDir(), 'work', 'last-cleanup.json');
  const lastCleanup = await readLastCleanup(cleanupMarker);
  const settleMs = settleWaitMs(lastCleanup, Date.now());
  if (settleMs > 0 && options.settle) {
    log(`waiting ${Math.ceil(settleMs / 1000)} s: the last run deleted its mirrors at ${lastCleanup}, and file creation on this disk stays slower for up to 6 minutes after (settle.ts; --no-settle to skip)`);
    await delay(settleMs);
  } else if (settleMs > 0) log(`note: started ${Math.round((SETTLE_WINDOW_MS - settleMs) / 1000)} s after the last run deleted its mirrors (--no-settle): file creation may be slower`);

  const server = await startCorpusServer({ dir: corpus.dir, manifest: corpus.manifest, revision: 'rev1', validators: 'half' });
  // Outside the repository: a directory inside another git work tree is not what is measured.
  const parent = await mkdtemp(join(tmpdir(), 'leakmirror-bench-'));
  // The commit and uncommitted changes when the program is copied (the work tree may move on during the run).
  const sourceChanges = uncommittedSources();
  const commitAtStart = repoCommit();
  BIN = await snapshotApp(join(parent, 'app'));
  log(`running a snapshot of the built program: ${BIN}${sourceChanges.length > 0 ? ` (built from a work tree with ${sourceChanges.length} uncommitted change(s) under src/)` : ''}`);
  const scratch = join(parent, 'scratch');
  await mkdir(scratch, { recursive: true });
  const context: Context = { method, server, options, corpus, scratch, timeoutMs: options.timeoutMs, log };
  const mirrors = { full: join(parent, 'lm-full'), html: join(parent, 'lm-html'), split: join(parent, 'lm-validators-all'), profile: join(parent, 'lm-profile'), scale: join(parent, 'lm-scale') };
  const pipelineDir = join(parent, 'pipeline');
  const urlwatchDir = join(parent, 'urlwatch');
  const usePipeline = tools?.available.pipeline === true;
  const useUrlwatch = tools?.available.urlwatch === true;

  const runs: Measurement[] = [];
  const setupWarnings: string[] = [];
  let profile: (ProfileSummary & { run: Measurement; nodeCpuS: number | undefined }) | undefined;
  let fatal: string | undefined;
  const ex = (part: Part, scenario: Scenario, docs: readonly CorpusDocument[], changed: ReadonlySet<string>, expected304: number): Expectation => ({ part, scenario, docs, changed, expected304 });
  try {
    setupWarnings.push(...(await setupMirror(context, mirrors.full, 'all')));
    setupWarnings.push(...(await setupMirror(context, mirrors.html, 'html')));
    if (useUrlwatch) await setupUrlwatch(urlwatchDir, html.map((d) => ({ name: d.path, url: new URL(d.path, server.url).href })));

    // rev1, validators on half of the paths: cold, then warm, for every tool.
    runs.push(await leakmirrorSync(context, mirrors.full, ex('all', 'cold', all, none, 0)));
    runs.push(await leakmirrorSync(context, mirrors.full, ex('all', 'warm', all, none, count304(all, 'half', 'half', none))));
    runs.push(await leakmirrorSync(context, mirrors.html, ex('html', 'cold', html, none, 0)));
    runs.push(await leakmirrorSync(context, mirrors.html, ex('html', 'warm', html, none, count304(html, 'half', 'half', none))));
    if (usePipeline) {
      runs.push(await pipelineRun(context, pipelineDir, ex('all', 'cold', all, none, 0)));
      runs.push(await pipelineRun(context, pipelineDir, ex('all', 'warm', all, none, 0)));
    }
    if (useUrlwatch) {
      runs.push(await urlwatchRun(context, urlwatchDir, ex('html', 'cold', html, none, 0)));
      runs.push(await urlwatchRun(context, urlwatchDir, ex('html', 'warm', html, none, count304(html, 'half', 'half', none))));
    }

    // The validators split: a mirror synced cold with validators on every path, then warm with them
    // (all 304) and without any (all 200, the same bytes).
    if (options.validatorsSplit) {
      setupWarnings.push(...(await setupMirror(context, mirrors.split, 'all')));
      server.setValidators('all');
      runs.push(await leakmirrorSync(context, mirrors.split, ex('all', 'cold-validators-all', all, none, 0)));
      runs.push(await leakmirrorSync(context, mirrors.split, ex('all', 'warm-validators-all', all, none, all.length)));
      server.setValidators('none');
      runs.push(await leakmirrorSync(context, mirrors.split, ex('all', 'warm-validators-none', all, none, 0)));
      server.setValidators('half');
      if (!options.keep) await rm(mirrors.split, { recursive: true, force: true });
    }

    // A cold run under the CPU profiler (not one of the timed scenarios: profiling costs time).
    if (options.profile) {
      setupWarnings.push(...(await setupMirror(context, mirrors.profile, 'all')));
      const profileDir = join(parent, 'cpu-profile');
      await mkdir(profileDir, { recursive: true });
      const usageFile = join(parent, 'cpu-profile-usage.json');
      const preload = pathToFileURL(join(REPO, 'dist', 'bench', 'profile-preload.js')).href;
      const run = await leakmirrorSync(context, mirrors.profile, ex('all', 'cold-profiled', all, none, 0), {
        nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--import', preload],
        script: join(dirname(BIN), UNBUNDLED),
        env: { LEAKMIRROR_BENCH_USAGE: usageFile, LEAKMIRROR_BENCH_PROFILE_DIR: profileDir },
      });
      runs.push(run);
      const usage = await readFile(usageFile, 'utf8').then(
        (text) => JSON.parse(text) as { userCPUTime: number; systemCPUTime: number },
        () => undefined,
      );
      profile = { ...(await summariseProfileDir(profileDir)), run, nodeCpuS: usage === undefined ? undefined : (usage.userCPUTime + usage.systemCPUTime) / 1e6 };
      if (!options.keep) await rm(mirrors.profile, { recursive: true, force: true });
    }

    // rev2: 1% of the documents edited.
    server.setRevision('rev2');
    runs.push(await leakmirrorSync(context, mirrors.full, ex('all', 'incremental', all, edited, count304(all, 'half', 'half', edited))));
    runs.push(await leakmirrorSync(context, mirrors.html, ex('html', 'incremental', html, editedHtml, count304(html, 'half', 'half', editedHtml))));
    if (usePipeline) runs.push(await pipelineRun(context, pipelineDir, ex('all', 'incremental', all, edited, 0)));
    if (useUrlwatch) runs.push(await urlwatchRun(context, urlwatchDir, ex('html', 'incremental', html, editedHtml, count304(html, 'half', 'half', editedHtml))));
  } catch (error) {
    fatal = error instanceof Error ? error.message : String(error);
  } finally {
    await server.close();
  }

  // Scale: the same scenarios on a corpus ten times as large.
  let scale: { corpus: Record<string, unknown>; runs: Measurement[] } | undefined;
  if (options.scale && fatal === undefined) {
    let scaleServer: CorpusServer | undefined;
    try {
      const started = performance.now();
      const big = await ensureCorpus({ seed: options.seed, docs: options.scaleDocs, bigPdf: options.bigPdf, distinctPdfs: options.scaleDistinctPdfs, onProgress: log });
      const bt = big.manifest.totals;
      log(`${big.generated ? 'generated' : 'reused'} scale corpus ${big.dir} in ${((performance.now() - started) / 1000).toFixed(1)} s: ${bt.html} HTML + ${bt.pdf} PDF (${bt.distinctPdfFiles} distinct PDF files)`);
      scaleServer = await startCorpusServer({ dir: big.dir, manifest: big.manifest, revision: 'rev1', validators: 'half' });
      const scaleContext: Context = { ...context, server: scaleServer, corpus: big, timeoutMs: options.timeoutMs * 10 };
      setupWarnings.push(...(await setupMirror(scaleContext, mirrors.scale, 'all')));
      const docs = big.manifest.documents;
      const changed = new Set(big.manifest.edited);
      const scaleRuns: Measurement[] = [];
      scaleRuns.push(await leakmirrorSync(scaleContext, mirrors.scale, ex('all', 'cold', docs, none, 0)));
      // A run that fails for want of file descriptors (EMFILE) is recorded as it is, then made again
      // with the open-file limit raised to the hard limit (prlimit), when that is higher, so the
      // per-document cost can still be measured.
      const withRetry = async (expect: Expectation): Promise<void> => {
        const first = await leakmirrorSync(scaleContext, mirrors.scale, expect);
        scaleRuns.push(first);
        if (first.exitCode !== 0 && first.warnings.some((w) => w.includes('EMFILE'))) {
          const soft = Number(openFileLimit);
          const hard = openFileHardLimit === 'unlimited' ? 1_048_576 : Number(openFileHardLimit);
          if (Number.isFinite(soft) && Number.isFinite(hard) && hard > soft) {
            scaleRuns.push(await leakmirrorSync(scaleContext, mirrors.scale, expect, { nofile: hard }));
          } else {
            log(`not running it again with a higher open-file limit: the hard limit (${openFileHardLimit}) is the soft one`);
          }
        }
      };
      await withRetry(ex('all', 'warm', docs, none, count304(docs, 'half', 'half', none)));
      scaleServer.setRevision('rev2');
      await withRetry(ex('all', 'incremental', docs, changed, count304(docs, 'half', 'half', changed)));
      scale = {
        corpus: { dir: big.dir, generated: big.generated, docs: big.manifest.docs, html: bt.html, pdf: bt.pdf, distinctPdfFiles: bt.distinctPdfFiles, bytes: bt.bytes, edited: big.manifest.edited.length, withValidators: scaleServer.withValidators },
        runs: scaleRuns,
      };
    } catch (error) {
      fatal = `scale: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      await scaleServer?.close();
    }
  }

  const fullMirrorKiB = diskUsageKiB(mirrors.full);
  const fullMirrorCommits = commitCount(mirrors.full);
  if (options.keep) log(`mirrors kept under ${parent}`);
  else {
    await rm(parent, { recursive: true, force: true });
    await recordCleanup(cleanupMarker, new Date(), parent);
  }
  const loadAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);

  // -------------------------------------------------------------------------------------------------
  // Ratios and targets

  const find = (tool: Tool, part: Part, scenario: Scenario): Measurement | undefined => runs.find((m) => m.tool === tool && m.part === part && m.scenario === scenario);
  const ratios = [
    ratioOf('cold-vs-pipeline', 'cold: leakmirror / pipeline', find('leakmirror', 'all', 'cold'), find('pipeline', 'all', 'cold')),
    ratioOf('warm-vs-pipeline', 'warm: leakmirror / pipeline re-run', find('leakmirror', 'all', 'warm'), find('pipeline', 'all', 'warm')),
    ratioOf('incremental-vs-pipeline', 'incremental: leakmirror / pipeline re-run', find('leakmirror', 'all', 'incremental'), find('pipeline', 'all', 'incremental')),
    ratioOf('html-cold-vs-urlwatch', 'HTML cold: leakmirror / urlwatch', find('leakmirror', 'html', 'cold'), find('urlwatch', 'html', 'cold')),
    ratioOf('html-warm-vs-urlwatch', 'HTML warm: leakmirror / urlwatch', find('leakmirror', 'html', 'warm'), find('urlwatch', 'html', 'warm')),
    ratioOf('html-incremental-vs-urlwatch', 'HTML incremental: leakmirror / urlwatch', find('leakmirror', 'html', 'incremental'), find('urlwatch', 'html', 'incremental')),
  ].filter((r): r is Ratio => r !== undefined);

  const ok = (m: Measurement | undefined): m is Measurement => m !== undefined && m.exitCode === 0 && !m.timedOut;
  const perDoc = (m: Measurement | undefined): number | undefined => (ok(m) ? m.wallMs / m.docs : undefined);
  const failureOf = (m: Measurement): string => (m.timedOut ? 'timed out' : `exit ${m.exitCode ?? '?'}: ${(m.warnings[0] ?? '').split('\n').slice(1, 2).join('').trim()}`);
  const scaleRatio = (scenario: 'warm' | 'incremental') => {
    const small = perDoc(find('leakmirror', 'all', scenario));
    const atLimit = scale?.runs.find((m) => m.scenario === scenario && m.details.nofile === null);
    const raised = scale?.runs.find((m) => m.scenario === scenario && m.details.nofile !== null);
    const large = perDoc(ok(atLimit) ? atLimit : raised);
    return {
      small,
      large,
      ratio: small !== undefined && large !== undefined ? large / small : undefined,
      /** Set when the run at the machine's open-file limit failed (the figure then comes from the raised one, if any). */
      failedAtLimit: atLimit !== undefined && !ok(atLimit) ? failureOf(atLimit) : undefined,
      raisedLimit: !ok(atLimit) && ok(raised) ? (raised.details.nofile as number) : undefined,
    };
  };
  const scaleFigures = { warm: scaleRatio('warm'), incremental: scaleRatio('incremental') };

  const refSkip = (name: 'pipeline' | 'urlwatch'): string =>
    !options.references ? 'references not run (--no-references)' : tools?.available[name] === false ? `${name} not installed` : 'a run failed';
  const comparedRuns: Record<string, [Tool, Part, Scenario]> = {
    'cold-vs-pipeline': ['leakmirror', 'all', 'cold'],
    'warm-vs-pipeline': ['leakmirror', 'all', 'warm'],
    'incremental-vs-pipeline': ['leakmirror', 'all', 'incremental'],
    'html-cold-vs-urlwatch': ['leakmirror', 'html', 'cold'],
    'html-warm-vs-urlwatch': ['leakmirror', 'html', 'warm'],
  };
  const targetFor = (id: string): TargetResult => {
    const spec = TARGETS.find((s) => s.id === id);
    if (spec === undefined) throw new Error(`no target ${id}`);
    const compared = comparedRuns[id];
    const own = compared === undefined ? undefined : find(...compared);
    if (own !== undefined && !ok(own)) return evaluateTarget(spec, null, `leakmirror's run failed (${failureOf(own)})`, true);
    const ratio = ratios.find((r) => r.id === id);
    if (ratio !== undefined) {
      return evaluateTarget(spec, ratio.timeRatio, `${(ratio.leakmirror.wallMs / 1000).toFixed(2)} s vs ${(ratio.reference.wallMs / 1000).toFixed(2)} s`);
    }
    if (id.endsWith('-vs-pipeline')) return evaluateTarget(spec, null, refSkip('pipeline'));
    if (id.endsWith('-vs-urlwatch')) return evaluateTarget(spec, null, refSkip('urlwatch'));
    if (id === 'scale-warm' || id === 'scale-incremental') {
      const f = id === 'scale-warm' ? scaleFigures.warm : scaleFigures.incremental;
      if (!options.scale) return evaluateTarget(spec, null, 'scale runs not made (run with --scale)');
      const figures = f.ratio === undefined ? '' : `${f.large?.toFixed(3)} ms vs ${f.small?.toFixed(3)} ms per document`;
      if (f.failedAtLimit !== undefined) {
        const limit = `leakmirror fails at ${options.scaleDocs} documents under the machine's open-file limit (${openFileLimit}): ${f.failedAtLimit}`;
        return evaluateTarget(spec, f.ratio, f.raisedLimit !== undefined ? `${limit}; with the limit raised to ${f.raisedLimit}: ${figures}` : limit, true);
      }
      return evaluateTarget(spec, f.ratio, f.ratio === undefined ? 'a run failed' : figures);
    }
    // cold-peak-rss
    if (!options.bigPdf) return evaluateTarget(spec, null, 'no 80 MiB PDF in the corpus (--no-big-pdf)');
    const cold = find('leakmirror', 'all', 'cold');
    if (cold !== undefined && !ok(cold)) return evaluateTarget(spec, null, `leakmirror's cold run failed (${failureOf(cold)})`, true);
    const mb = cold?.peakRssKiB === undefined ? undefined : (cold.peakRssKiB * 1024) / 1e6;
    return evaluateTarget(spec, mb, mb === undefined ? 'not measured' : `${mib(cold?.peakRssKiB)}, ${method}`);
  };
  const targets = TARGETS.map((spec) => targetFor(spec.id));

  // -------------------------------------------------------------------------------------------------
  // Tables

  const allRuns = [...runs, ...(scale?.runs ?? [])];
  const rows = [['tool', 'part', 'scenario', 'N', 'wall', 'docs/s', 'peak RSS', 'CPU (sys)', 'HTTP 200/304', 'result', 'load', 'exit']];
  for (const m of allRuns) {
    rows.push([
      m.tool,
      m.part,
      m.scenario,
      String(m.docs),
      `${(m.wallMs / 1000).toFixed(2)} s`,
      m.docsPerSecond.toFixed(0),
      mib(m.peakRssKiB),
      m.cpuS === undefined ? 'n/a' : `${m.cpuS.toFixed(1)} s${m.systemCpuS === undefined ? '' : ` (${m.systemCpuS.toFixed(1)})`}`,
      `${m.server.byStatus['200'] ?? 0}/${m.server.byStatus['304'] ?? 0}`,
      resultText(m),
      m.load1.toFixed(1),
      m.timedOut ? 'timeout' : String(m.exitCode),
    ]);
  }
  console.log(`\nsync benchmark, N = ${options.docs} (seed ${options.seed}; leakmirror --concurrency ${options.concurrency} --delay 0; pipeline JOBS=${options.jobs}), ${cpus().length} CPUs, node ${process.version}`);
  console.log(`load average at start ${loadAtStart.join(' ')}, at end ${loadAtEnd.join(' ')}`);
  console.log(table(rows));
  console.log('result: leakmirror new/changed/unchanged/failed, version commits (v) and all commits (c); pipeline commits + files in the commit; urlwatch NEW/CHANGED/ERROR in its report');

  const ratioRows = [['comparison', 'leakmirror', 'reference', 'time ratio', 'RSS ratio', 'target', '']];
  for (const r of ratios) {
    const target = targets.find((tg) => tg.id === r.id);
    ratioRows.push([
      r.label,
      `${(r.leakmirror.wallMs / 1000).toFixed(2)} s, ${mib(r.leakmirror.peakRssKiB)}`,
      `${(r.reference.wallMs / 1000).toFixed(2)} s, ${mib(r.reference.peakRssKiB)}`,
      `${r.timeRatio.toFixed(2)}x`,
      r.rssRatio === undefined ? 'n/a' : `${r.rssRatio.toFixed(2)}x`,
      target === undefined ? '-' : formatLimit(target),
      target === undefined ? '' : statusWord(target.status),
    ]);
  }
  for (const id of ['scale-warm', 'scale-incremental'] as const) {
    const f = id === 'scale-warm' ? scaleFigures.warm : scaleFigures.incremental;
    const target = targets.find((tg) => tg.id === id);
    if (f.ratio === undefined || target === undefined) continue;
    const raised = f.raisedLimit !== undefined ? ` (limit ${f.raisedLimit})` : '';
    ratioRows.push([`${id === 'scale-warm' ? 'warm' : 'incremental'} per document: ${options.scaleDocs} / ${options.docs}${raised}`, `${f.large?.toFixed(3)} ms/doc`, `${f.small?.toFixed(3)} ms/doc`, `${f.ratio.toFixed(2)}x`, '', formatLimit(target), statusWord(target.status)]);
  }
  console.log(`\n${table(ratioRows)}`);
  console.log('\ntargets:');
  for (const target of targets) console.log(`  ${statusWord(target.status).padEnd(7)} ${target.id}: ${formatTargetValue(target)} (target ${formatLimit(target)}) ${target.detail}`);

  const split = ['warm', 'warm-validators-all', 'warm-validators-none'].map((s) => find('leakmirror', 'all', s as Scenario)).filter((m): m is Measurement => m !== undefined);
  if (split.length > 1) {
    console.log('\nwarm sync, validators split (leakmirror, every document):');
    for (const m of split) {
      const what = m.scenario === 'warm' ? 'half with validators' : m.scenario === 'warm-validators-all' ? 'all with validators (all 304)' : 'none with validators (all 200, same bytes)';
      console.log(`  ${what.padEnd(42)} ${(m.wallMs / 1000).toFixed(2)} s, ${m.docsPerSecond.toFixed(0)} docs/s, HTTP 200/304 ${m.server.byStatus['200'] ?? 0}/${m.server.byStatus['304'] ?? 0}, ${(m.server.bytesSent / 1048576).toFixed(1)} MiB sent`);
    }
  }
  if (profile !== undefined) {
    console.log(`\ncold-run CPU profile (node --cpu-prof; the profiled run took ${(profile.run.wallMs / 1000).toFixed(1)} s):`);
    for (const line of describeProfile(profile, profile.run, profile.nodeCpuS)) console.log(`  ${line}`);
  }
  if (tools !== undefined) for (const note of tools.notes) console.log(`note: ${note}`);
  for (const warning of setupWarnings) console.log(`WARNING (setup): ${warning}`);
  for (const m of allRuns) for (const warning of m.warnings) console.log(`WARNING (${m.tool} ${m.part} ${m.scenario}${m.corpusDocs !== options.docs ? ` N=${m.corpusDocs}` : ''}): ${warning}`);
  if (fatal !== undefined) console.log(`FAILED: ${fatal}`);

  // -------------------------------------------------------------------------------------------------
  // The JSON record

  const date = new Date();
  const legacyStep = (scenario: Scenario) => find('leakmirror', 'all', scenario);
  const record = {
    benchmark: 'sync',
    schema: 2,
    date: date.toISOString(),
    machine: {
      os: `${osType()} ${release()}`,
      platform: platform(),
      arch: process.arch,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 1073741824) * 10) / 10,
      node: process.version,
      /** 1, 5 and 15 minute load averages when the benchmark started, and when it ended. */
      loadAverage: loadAtStart,
      loadAverageEnd: loadAtEnd,
      /** `ulimit -n` and `ulimit -Hn` of the benchmark's children. */
      openFileLimit,
      openFileHardLimit,
    },
    /** HEAD and uncommitted changes under src/ when the built program was copied, at the start. */
    git: { ...commitAtStart, uncommittedSources: sourceChanges },
    n: options.docs,
    seed: options.seed,
    concurrency: options.concurrency,
    delayMs: 0,
    pipelineJobs: options.jobs,
    rssMethod: method,
    tools: tools ?? null,
    corpus: {
      dir: corpus.dir,
      generated: corpus.generated,
      html: t.html,
      pdf: t.pdf,
      pdfPages: t.pdfPages,
      bytes: t.bytes,
      bigPdfBytes: all.find((d) => d.big === true)?.bytes ?? null,
      edited: corpus.manifest.edited.length,
      editedHtml: editedHtml.size,
      withValidators: all.filter((d) => validatedIn('half', d)).length,
    },
    setupWarnings,
    runs,
    /** leakmirror on every document, cold / warm / incremental (the shape of the first benchmark's steps). */
    steps: (['cold', 'warm', 'incremental'] as const).map(legacyStep).filter((m) => m !== undefined),
    ratios: ratios.map((r) => ({ id: r.id, label: r.label, leakmirrorMs: r.leakmirror.wallMs, referenceMs: r.reference.wallMs, reference: r.reference.tool, timeRatio: r.timeRatio, rssRatio: r.rssRatio ?? null })),
    validatorsSplit: split.map((m) => ({ scenario: m.scenario, wallMs: m.wallMs, docsPerSecond: m.docsPerSecond, http200: m.server.byStatus['200'] ?? 0, http304: m.server.byStatus['304'] ?? 0, bytesSent: m.server.bytesSent })),
    scale: scale === undefined ? null : { ...scale, perDocument: scaleFigures },
    profile:
      profile === undefined
        ? null
        : {
            wallMs: profile.run.wallMs,
            /** GNU time: node and its child processes (git). */
            cpuS: profile.run.cpuS ?? null,
            /** process.resourceUsage() at exit: every thread of the node process, no children. */
            nodeCpuS: profile.nodeCpuS ?? null,
            threads: profile.threads,
          },
    targets,
    mirror: { commits: fullMirrorCommits, diskKiB: fullMirrorKiB, kept: options.keep ? parent : null },
    fatal: fatal ?? null,
  };
  await mkdir(RESULTS, { recursive: true });
  const file = join(RESULTS, `sync-${date.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`results: ${file}`);

  // A leakmirror failure that the benchmark reports as a finding (EMFILE at scale) is not a failure of the benchmark.
  const completed = fatal === undefined && allRuns.every((m) => (m.exitCode === 0 && !m.timedOut) || (m.corpusDocs !== options.docs && m.warnings.some((w) => w.includes('EMFILE'))));
  return completed ? 0 : 1;
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
