// PDF extraction speed: leakmirror's worker pool (2 workers, warm, all PDFs submitted at once)
// against `pdftotext`, one process per file, sequentially, in the same run (what a shell loop does).
// Two sets of PDFs, as issue "Text you can trust" names them:
// - the real corpus: the third-party PDFs of ../shared/corpus/pdf (broken, encrypted, scanned,
//   two-column, a 273-page novel...);
// - the bench corpus: the PDFs of the sync benchmark's generated corpus (bench/corpus.ts, seed 1,
//   2,000 documents: 400 PDFs of 3-10 pages and the 80 MiB one), generated if not cached.
// Each set is measured on its own, then both together ("all": the target's total wall time), and
// each PDF of the real corpus alone on one worker, for where the time goes.
//
//   npm run bench -- extract [--real-only] [--corpus <dir>] [--docs N]
//   (= npx tsc -p tsconfig.json && node dist/bench/extract-bench.js ...)
// Needs poppler-utils. Prints a table and writes bench/results/extract-<date>.json.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExtractor, type Extractor } from '../src/extract/index.js';
import { ensureCorpus } from './corpus.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Options {
  corpus: string;
  benchCorpus: boolean;
  docs: number;
}

function parseOptions(args: readonly string[]): Options {
  const options: Options = { corpus: '/work/shared/corpus/pdf', benchCorpus: true, docs: 2000 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--real-only') options.benchCorpus = false;
    else if (arg === '--corpus') {
      const dir = args[++i];
      if (dir === undefined) throw new Error('--corpus expects a directory');
      options.corpus = dir;
    }
    else if (arg === '--docs') {
      const value = args[++i] ?? '';
      if (!/^[1-9]\d*$/.test(value)) throw new Error(`--docs expects a positive whole number, got ${value === '' ? 'nothing' : value}`);
      options.docs = Number(value);
    }
    else if (!arg.startsWith('-')) options.corpus = arg; // the old positional form: the real corpus' directory
    else throw new Error(`unknown option ${arg}\nusage: node dist/bench/extract-bench.js [--real-only] [--corpus <dir>] [--docs N]`);
  }
  return options;
}

function pdfsUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? pdfsUnder(full) : name.endsWith('.pdf') ? [full] : [];
  }).sort();
}

interface Pdf {
  set: 'real' | 'bench';
  file: string;
  /** Relative to its set's directory, for the table. */
  name: string;
  bytes: Uint8Array;
}

/**
 * CPU time (user + system, ms) of the children this process has waited for, from /proc (Linux):
 * pdftotext's CPU, which unlike wall time hardly depends on what else the machine is running.
 */
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
function childrenCpuMs(): number {
  // Fields after the command name (which may hold spaces): cutime and cstime are fields 16 and 17.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicks;
}
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** pdftotext: one process per file, one after the other. */
function runPdftotext(pdfs: readonly Pdf[], perFile: Map<string, number>): Timing {
  const cpuStart = childrenCpuMs();
  const start = performance.now();
  for (const { file } of pdfs) {
    const fileStart = performance.now();
    try {
      execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { stdio: ['ignore', 'ignore', 'ignore'] });
    } catch {
      // broken and encrypted files fail; their time still counts
    }
    perFile.set(file, performance.now() - fileStart);
  }
  return { wallMs: performance.now() - start, cpuMs: childrenCpuMs() - cpuStart };
}

/**
 * A pool of 2 workers, both started and warm before any clock (as in a sync run past its first
 * PDFs). The pool starts its second worker only for a queue (SPAWN_AT_QUEUE waiting PDFs) or a long
 * wait, so the warm-up submits small PDFs together until both workers have started and read one
 * (until 2026-12-03 it submitted two, which started one worker: the second was started, and pdf.js
 * loaded on it, inside the measured time).
 */
async function warmPool(warmUp: Uint8Array): Promise<Extractor> {
  let spawned = 0;
  const extractor = createExtractor({ workers: 2, __testHooks: { onEvent: (event) => void (event.type === 'spawn' && spawned++) } });
  for (let round = 0; round < 5 && spawned < 2; round++) {
    await Promise.allSettled(Array.from({ length: 8 }, () => extractor.extract({ bytes: warmUp, url: 'warm-up', contentType: 'application/pdf' })));
  }
  if (spawned !== 2) throw new Error(`the warm-up started ${spawned} workers, not 2`);
  return extractor;
}

/** leakmirror: every PDF of the set submitted at once to a warm pool of 2 workers. */
async function runPool(pdfs: readonly Pdf[], warmUp: Uint8Array, perFile?: Map<string, { ms: number; status: string }>): Promise<Timing> {
  const extractor = await warmPool(warmUp);
  const cpuStart = ownCpuMs(); // all threads of this process: the workers, and the main thread's share
  const start = performance.now();
  await Promise.all(pdfs.map(async ({ file, bytes }) => {
    const fileStart = performance.now();
    let status: string;
    try {
      status = (await extractor.extract({ bytes, url: `file://${file}`, contentType: 'application/pdf' })).status;
    } catch (error) {
      status = `failed: ${(error as Error).name}`;
    }
    perFile?.set(file, { ms: performance.now() - fileStart, status });
  }));
  const timing = { wallMs: performance.now() - start, cpuMs: ownCpuMs() - cpuStart };
  await extractor.close();
  return timing;
}

let options: Options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const pdftotextVersion = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' });
if (pdftotextVersion.error !== undefined) {
  // Without it every "run" below would fail in a millisecond and the ratio would mean nothing.
  console.error(`pdftotext not found (${pdftotextVersion.error.message}): install poppler-utils`);
  process.exit(1);
}

const real: Pdf[] = pdfsUnder(options.corpus).map((file) => ({ set: 'real', file, name: path.relative(options.corpus, file), bytes: new Uint8Array(readFileSync(file)) }));
let bench: Pdf[] = [];
let benchCorpusDir: string | undefined;
if (options.benchCorpus) {
  const corpus = await ensureCorpus({ seed: 1, docs: options.docs, onProgress: (message) => console.error(message) });
  benchCorpusDir = path.join(corpus.dir, 'rev1');
  bench = corpus.manifest.documents
    .filter((doc) => doc.kind === 'pdf')
    .map((doc) => {
      const file = path.join(benchCorpusDir as string, ...doc.path.split('/'));
      return { set: 'bench' as const, file, name: doc.path, bytes: new Uint8Array(readFileSync(file)) };
    });
}
const all = [...real, ...bench];
const warmUp = [...real].sort((a, b) => a.bytes.byteLength - b.bytes.byteLength).find(({ bytes }) => bytes.byteLength > 0)?.bytes;
if (warmUp === undefined) throw new Error(`no PDF to warm up with under ${options.corpus}`);
const loadBefore = os.loadavg();

const popplerMs = new Map<string, number>();
const oursMs = new Map<string, { ms: number; status: string }>();
const sets = { real, bench };
const results: Record<string, { files: number; pdftotext: Timing; leakmirror: Timing }> = {};
for (const [name, pdfs] of Object.entries(sets)) {
  if (pdfs.length === 0) continue;
  const pdftotext = runPdftotext(pdfs, popplerMs);
  const leakmirror = await runPool(pdfs, warmUp, oursMs);
  results[name] = { files: pdfs.length, pdftotext, leakmirror };
}
if (bench.length > 0) {
  // Both sets as one batch: pdftotext's sequential time is the sum of its two runs above (one file
  // after the other either way); the pool gets all of them at once, as a first sync would.
  const pdftotext = { wallMs: (results.real?.pdftotext.wallMs ?? 0) + (results.bench?.pdftotext.wallMs ?? 0), cpuMs: (results.real?.pdftotext.cpuMs ?? 0) + (results.bench?.pdftotext.cpuMs ?? 0) };
  results.all = { files: all.length, pdftotext, leakmirror: await runPool(all, warmUp) };
}

// Where the time goes: each PDF of the real corpus alone, one after the other, on one warm worker
// (no queue, no other PDF on the other core): its cost in the pool against pdftotext's.
const single = createExtractor({ workers: 1 });
await Promise.allSettled([single.extract({ bytes: warmUp, url: 'warm-up', contentType: 'application/pdf' })]);
const aloneMs = new Map<string, number>();
for (const { file, bytes } of real) {
  const start = performance.now();
  await single.extract({ bytes, url: `file://${file}`, contentType: 'application/pdf' }).catch(() => undefined);
  aloneMs.set(file, performance.now() - start);
}
await single.close();
const aloneTotal = [...aloneMs.values()].reduce((sum, ms) => sum + ms, 0);
const loadAfter = os.loadavg();

const rows = all.map(({ set, file, name, bytes }) => ({
  set,
  file: name,
  bytes: bytes.byteLength,
  leakmirrorMs: Math.round(oursMs.get(file)?.ms ?? NaN),
  leakmirrorStatus: oursMs.get(file)?.status ?? '',
  ...(aloneMs.has(file) ? { leakmirrorAloneMs: Math.round(aloneMs.get(file) as number) } : {}),
  pdftotextMs: Math.round(popplerMs.get(file) ?? NaN),
}));
console.log('Real corpus, each PDF:\n');
console.log('| file | KB | leakmirror ms (all submitted at once: includes queue wait) | status | leakmirror ms alone (1 worker) | pdftotext ms |');
console.log('|---|---|---|---|---|---|');
for (const row of rows.filter((r) => r.set === 'real')) {
  console.log(`| ${row.file} | ${(row.bytes / 1024).toFixed(1)} | ${row.leakmirrorMs} | ${row.leakmirrorStatus} | ${row.leakmirrorAloneMs ?? ''} | ${row.pdftotextMs} |`);
}
const benchRows = rows.filter((r) => r.set === 'bench');
if (benchRows.length > 0) {
  const statuses = new Map<string, number>();
  for (const row of benchRows) statuses.set(row.leakmirrorStatus, (statuses.get(row.leakmirrorStatus) ?? 0) + 1);
  console.log(`\nBench corpus (${benchCorpusDir}): ${benchRows.length} PDFs, ${(benchRows.reduce((sum, r) => sum + r.bytes, 0) / 1048576).toFixed(1)} MiB; status: ${[...statuses].map(([s, n]) => `${s} ${n}`).join(', ')}`);
}
const ratio = (t: { pdftotext: Timing; leakmirror: Timing }, key: keyof Timing): number => t.leakmirror[key] / t.pdftotext[key];
console.log('\n| set | PDFs | leakmirror wall (2 workers) | pdftotext wall (sequential) | ratio | leakmirror CPU (all threads) | pdftotext CPU | CPU ratio |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, t] of Object.entries(results)) {
  console.log(`| ${name} | ${t.files} | ${Math.round(t.leakmirror.wallMs)} ms | ${Math.round(t.pdftotext.wallMs)} ms | ${ratio(t, 'wallMs').toFixed(2)} | ${Math.round(t.leakmirror.cpuMs)} ms | ${Math.round(t.pdftotext.cpuMs)} ms | ${ratio(t, 'cpuMs').toFixed(2)} |`);
}
const headline = results.all ?? results.real;
if (headline !== undefined) console.log(`\ntarget: leakmirror's wall time at most 1.0x pdftotext's on ${results.all ? 'both sets' : 'the real corpus'}: ${ratio(headline, 'wallMs').toFixed(2)}x, ${ratio(headline, 'wallMs') <= 1 ? 'PASS' : 'MISS'}`);
if (results.real !== undefined) console.log(`real corpus, one PDF at a time on 1 worker: ${Math.round(aloneTotal)} ms in all (${(aloneTotal / results.real.pdftotext.wallMs).toFixed(2)}x pdftotext's sequential time)`);
console.log(`load average (1 min) before ${loadBefore[0]?.toFixed(2)}, after ${loadAfter[0]?.toFixed(2)}`);

const date = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
const outDir = path.join(root, 'bench/results');
mkdirSync(outDir, { recursive: true });
const out = path.join(outDir, `extract-${date}.json`);
const rounded = (t: Timing): Timing => ({ wallMs: Math.round(t.wallMs), cpuMs: Math.round(t.cpuMs) });
writeFileSync(out, `${JSON.stringify({
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.availableParallelism(),
  pdftotext: pdftotextVersion.stderr.split('\n')[0] ?? '', // -v prints on stderr
  workers: 2,
  loadAverage1m: { before: loadBefore[0], after: loadAfter[0] },
  sets: Object.fromEntries(Object.entries(results).map(([name, t]) => [name, {
    files: t.files,
    leakmirror: rounded(t.leakmirror),
    pdftotext: rounded(t.pdftotext),
    wallRatio: Number(ratio(t, 'wallMs').toFixed(3)),
    cpuRatio: Number(ratio(t, 'cpuMs').toFixed(3)),
  }])),
  // Until 2026-12-03 (late) the bench measured the real corpus alone, and `totals` and `cpu` were its figures.
  totals: results.real === undefined ? undefined : {
    leakmirrorMs: Math.round(results.real.leakmirror.wallMs),
    pdftotextMs: Math.round(results.real.pdftotext.wallMs),
    ratio: Number(ratio(results.real, 'wallMs').toFixed(3)),
    leakmirrorAloneMs: Math.round(aloneTotal),
  },
  cpu: results.real === undefined ? undefined : { leakmirrorMs: Math.round(results.real.leakmirror.cpuMs), pdftotextMs: Math.round(results.real.pdftotext.cpuMs), ratio: Number(ratio(results.real, 'cpuMs').toFixed(3)) },
  benchCorpus: benchCorpusDir === undefined ? null : path.relative(root, benchCorpusDir),
  files: rows,
}, null, 2)}\n`);
console.log(`written ${path.relative(root, out)}`);
