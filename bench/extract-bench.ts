// PDF extraction speed on the real corpus PDFs: leakmirror's worker pool (2 workers, all PDFs
// submitted at once) against `pdftotext`, one process per file, sequentially, in the same run; then
// each PDF alone on one worker, for where the time goes.
//   npx tsc -p tsconfig.json && node dist/bench/extract-bench.js [corpus dir]
// Needs poppler-utils. Prints a table and writes bench/results/extract-<date>.json.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExtractor } from '../src/extract/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = process.argv[2] ?? '/work/shared/corpus/pdf';

function pdfsUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? pdfsUnder(full) : name.endsWith('.pdf') ? [full] : [];
  }).sort();
}

const files = pdfsUnder(corpus).map((file) => ({ file, bytes: new Uint8Array(readFileSync(file)) }));
const pdftotextVersion = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' });
if (pdftotextVersion.error !== undefined) {
  // Without it every "run" below would fail in a millisecond and the ratio would mean nothing.
  console.error(`pdftotext not found (${pdftotextVersion.error.message}): install poppler-utils`);
  process.exit(1);
}
const loadBefore = os.loadavg();

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

// pdftotext: one process per file, one after the other (what a shell loop does).
const popplerMs = new Map<string, number>();
const popplerCpuStart = childrenCpuMs();
const popplerStart = performance.now();
for (const { file } of files) {
  const start = performance.now();
  try {
    execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { stdio: ['ignore', 'ignore', 'ignore'] });
  } catch {
    // broken and encrypted files fail; their time still counts
  }
  popplerMs.set(file, performance.now() - start);
}
const popplerTotal = performance.now() - popplerStart;
const popplerCpu = childrenCpuMs() - popplerCpuStart;

// leakmirror: the pool with 2 workers, both started and warm before the clock (as in a sync run past
// its first PDFs). The pool starts its second worker only for a queue (SPAWN_AT_QUEUE waiting PDFs)
// or a long wait, so the warm-up submits small PDFs together until both workers have started and
// read one (until 2026-12-03 it submitted two, which started one worker: the second was started,
// and pdf.js loaded on it, inside the measured time).
let spawned = 0;
const extractor = createExtractor({ workers: 2, __testHooks: { onEvent: (event) => void (event.type === 'spawn' && spawned++) } });
const warmUp = [...files].sort((a, b) => a.bytes.byteLength - b.bytes.byteLength).find(({ bytes }) => bytes.byteLength > 0)?.bytes ?? new Uint8Array();
for (let round = 0; round < 5 && spawned < 2; round++) {
  await Promise.allSettled(Array.from({ length: 8 }, () => extractor.extract({ bytes: warmUp, url: 'warm-up', contentType: 'application/pdf' })));
}
if (spawned !== 2) throw new Error(`the warm-up started ${spawned} workers, not 2`);
const oursMs = new Map<string, { ms: number; status: string }>();
const oursCpuStart = ownCpuMs(); // all threads of this process: the workers, and the main thread's share
const oursStart = performance.now();
await Promise.all(files.map(async ({ file, bytes }) => {
  const start = performance.now();
  let status: string;
  try {
    status = (await extractor.extract({ bytes, url: `file://${file}`, contentType: 'application/pdf' })).status;
  } catch (error) {
    status = `failed: ${(error as Error).name}`;
  }
  oursMs.set(file, { ms: performance.now() - start, status });
}));
const oursTotal = performance.now() - oursStart;
const oursCpu = ownCpuMs() - oursCpuStart;
await extractor.close();

// Where the time goes: each PDF alone, one after the other, on one warm worker (no queue, no other
// PDF on the other core): its cost in the pool against pdftotext's for the same file.
const single = createExtractor({ workers: 1 });
await Promise.allSettled([single.extract({ bytes: warmUp, url: 'warm-up', contentType: 'application/pdf' })]);
const aloneMs = new Map<string, number>();
for (const { file, bytes } of files) {
  const start = performance.now();
  await single.extract({ bytes, url: `file://${file}`, contentType: 'application/pdf' }).catch(() => undefined);
  aloneMs.set(file, performance.now() - start);
}
await single.close();
const aloneTotal = [...aloneMs.values()].reduce((sum, ms) => sum + ms, 0);

const rows = files.map(({ file, bytes }) => ({
  file: path.relative(corpus, file),
  bytes: bytes.byteLength,
  leakmirrorMs: Math.round(oursMs.get(file)?.ms ?? NaN),
  leakmirrorStatus: oursMs.get(file)?.status ?? '',
  leakmirrorAloneMs: Math.round(aloneMs.get(file) ?? NaN),
  pdftotextMs: Math.round(popplerMs.get(file) ?? NaN),
}));
console.log('| file | KB | leakmirror ms (all submitted at once: includes queue wait) | status | leakmirror ms alone (1 worker) | pdftotext ms |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.file} | ${(row.bytes / 1024).toFixed(1)} | ${row.leakmirrorMs} | ${row.leakmirrorStatus} | ${row.leakmirrorAloneMs} | ${row.pdftotextMs} |`);
const ratio = oursTotal / popplerTotal;
const loadAfter = os.loadavg();
console.log(`\nwall clock: leakmirror (2 workers) ${Math.round(oursTotal)} ms, pdftotext (sequential) ${Math.round(popplerTotal)} ms, ratio ${ratio.toFixed(2)}`);
console.log(`CPU time: leakmirror (all threads) ${Math.round(oursCpu)} ms, pdftotext (its processes) ${Math.round(popplerCpu)} ms, ratio ${(oursCpu / popplerCpu).toFixed(2)}`);
console.log(`one PDF at a time on 1 worker: ${Math.round(aloneTotal)} ms in all (${(aloneTotal / popplerTotal).toFixed(2)}x pdftotext's sequential time)`);
console.log(`load average (1 min) before ${loadBefore[0]?.toFixed(2)}, after ${loadAfter[0]?.toFixed(2)}`);

const date = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
const outDir = path.join(root, 'bench/results');
mkdirSync(outDir, { recursive: true });
const out = path.join(outDir, `extract-${date}.json`);
writeFileSync(out, `${JSON.stringify({
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.availableParallelism(),
  pdftotext: pdftotextVersion.stderr.split('\n')[0] ?? '', // -v prints on stderr
  workers: 2,
  loadAverage1m: { before: loadBefore[0], after: loadAfter[0] },
  totals: { leakmirrorMs: Math.round(oursTotal), pdftotextMs: Math.round(popplerTotal), ratio: Number(ratio.toFixed(3)), leakmirrorAloneMs: Math.round(aloneTotal) },
  cpu: { leakmirrorMs: Math.round(oursCpu), pdftotextMs: Math.round(popplerCpu), ratio: Number((oursCpu / popplerCpu).toFixed(3)) },
  files: rows,
}, null, 2)}\n`);
console.log(`written ${path.relative(root, out)}`);
