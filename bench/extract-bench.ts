// PDF extraction speed on the real corpus PDFs: leakmirror's worker pool (2 workers, all PDFs
// submitted at once) against `pdftotext`, one process per file, sequentially, in the same run.
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

// pdftotext: one process per file, one after the other (what a shell loop does).
const popplerMs = new Map<string, number>();
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

// leakmirror: the pool with 2 workers, workers started before the clock (as in a sync run).
const extractor = createExtractor({ workers: 2 });
await Promise.allSettled([extractor.extract({ bytes: files[0]?.bytes ?? new Uint8Array(), url: 'warm-up', contentType: 'application/pdf' })]);
const oursMs = new Map<string, { ms: number; status: string }>();
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
await extractor.close();

const rows = files.map(({ file, bytes }) => ({
  file: path.relative(corpus, file),
  bytes: bytes.byteLength,
  leakmirrorMs: Math.round(oursMs.get(file)?.ms ?? NaN),
  leakmirrorStatus: oursMs.get(file)?.status ?? '',
  pdftotextMs: Math.round(popplerMs.get(file) ?? NaN),
}));
console.log('| file | KB | leakmirror ms (all submitted at once: includes queue wait) | status | pdftotext ms |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.file} | ${(row.bytes / 1024).toFixed(1)} | ${row.leakmirrorMs} | ${row.leakmirrorStatus} | ${row.pdftotextMs} |`);
const ratio = oursTotal / popplerTotal;
console.log(`\nwall clock: leakmirror (2 workers) ${Math.round(oursTotal)} ms, pdftotext (sequential) ${Math.round(popplerTotal)} ms, ratio ${ratio.toFixed(2)}`);

const date = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
const outDir = path.join(root, 'bench/results');
mkdirSync(outDir, { recursive: true });
const out = path.join(outDir, `extract-${date}.json`);
writeFileSync(out, `${JSON.stringify({
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.availableParallelism(),
  pdftotext: spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).stderr.split('\n')[0] ?? '', // -v prints on stderr
  workers: 2,
  totals: { leakmirrorMs: Math.round(oursTotal), pdftotextMs: Math.round(popplerTotal), ratio: Number(ratio.toFixed(3)) },
  files: rows,
}, null, 2)}\n`);
console.log(`written ${path.relative(root, out)}`);
