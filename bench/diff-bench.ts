// Diff benchmark: leakmirror's diffTexts (word and line mode) against
// `git diff --no-index` (word-diff porcelain and plain line diff) and jsdiff (diffWordsWithSpace,
// diffLines) on three cases: 1 MB with 200 scattered word edits, 300 KB against its own lines
// reversed, 1 MB against an unrelated 1 MB. jsdiff runs with a timeout, since unbounded Myers
// takes seconds to minutes on the last two (FIELD-NOTES).
//
//   npx tsc -p tsconfig.json && node dist/bench/diff-bench.js [--quick]
//
// Prints a table and writes bench/results/diff-<date>.json.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { diffLines as jsDiffLines, diffWordsWithSpace } from 'diff';
import { diffTexts } from '../src/diff/index.js';
import { mulberry32 as prng } from '../test/helpers/random.js';

const quick = process.argv.includes('--quick');
const JSDIFF_TIMEOUT_MS = quick ? 1000 : 5000;


/** Prose-like text: ~10 words a line, blank lines, page markers and article headings. */
function makeText(bytes: number, seed: number, vocabSeed = 1): string {
  const vr = prng(vocabSeed);
  const vocab = Array.from({ length: 3000 }, () =>
    Array.from({ length: 2 + Math.floor(vr() * 8) }, () => String.fromCharCode(97 + Math.floor(vr() * 26))).join(''),
  );
  const rnd = prng(seed);
  const lines: string[] = [];
  let size = 0;
  let page = 1;
  let art = 1;
  while (size < bytes) {
    const r = rnd();
    let line: string;
    if (r < 0.01) line = `--- page ${page++} ---`;
    else if (r < 0.02) line = `Article ${art++}`;
    else if (r < 0.15) line = '';
    else line = Array.from({ length: 6 + Math.floor(rnd() * 10) }, () => vocab[Math.floor(rnd() * vocab.length)]).join(' ') + '.';
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n') + '\n';
}

interface Case {
  name: string;
  oldText: string;
  newText: string;
}

function buildCases(): Case[] {
  const big = makeText(1_000_000, 8);
  const rnd = prng(9);
  const words = big.split(' ');
  for (let e = 0; e < 200; e++) words[Math.floor(rnd() * words.length)] = `EDIT${e}`;
  const small = makeText(300_000, 3);
  const lines = small.split('\n');
  lines.pop();
  return [
    { name: '1MB-200-edits', oldText: big, newText: words.join(' ') },
    { name: '300KB-reversed', oldText: small, newText: lines.reverse().join('\n') + '\n' },
    { name: '1MB-unrelated', oldText: makeText(1_000_000, 5, 1), newText: makeText(1_000_000, 6, 2) },
  ];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function timeIt(runs: number, warmup: number, fn: () => void): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

interface Row {
  case: string;
  tool: string;
  ms: number | null;
  note?: string;
  /** This tool's time divided by leakmirror's time in the same mode. */
  ratio?: number;
}

async function main(): Promise<void> {
  const loadStart = loadavg()[0];
  const dir = await mkdtemp(join(tmpdir(), 'leakmirror-diff-bench-'));
  const rows: Row[] = [];
  try {
    for (const c of buildCases()) {
      const oldPath = join(dir, `${c.name}.old.txt`);
      const newPath = join(dir, `${c.name}.new.txt`);
      await writeFile(oldPath, c.oldText);
      await writeFile(newPath, c.newText);

      const runs = quick ? 3 : 9;
      let summary = '';
      const ours: Record<'word' | 'line', number> = { word: 0, line: 0 };
      for (const mode of ['word', 'line'] as const) {
        let degraded = false;
        ours[mode] = timeIt(runs, 3, () => {
          const r = diffTexts(c.oldText, c.newText, { mode });
          degraded = r.degraded;
          summary = `${r.hunks.length} hunks, -${r.stats.linesRemoved}/+${r.stats.linesAdded} lines`;
        });
        rows.push({ case: c.name, tool: `leakmirror diffTexts ${mode}`, ms: ours[mode], note: `${summary}${degraded ? ', degraded' : ''}` });
      }

      // git: a separate process each time (that is how a user would run it), so spawn cost is in.
      const git = (extra: string[]): number =>
        timeIt(quick ? 3 : 5, 1, () => {
          const r = spawnSync('git', ['diff', '--no-index', '--no-color', ...extra, oldPath, newPath], { maxBuffer: 1 << 30 });
          if (r.status !== 1) throw new Error(`git diff exited ${r.status}: ${r.stderr.toString()}`);
        });
      const gitWord = git(['--word-diff=porcelain']);
      rows.push({ case: c.name, tool: 'git diff --word-diff=porcelain', ms: gitWord, ratio: gitWord / ours.word });
      const gitLine = git([]);
      rows.push({ case: c.name, tool: 'git diff (lines)', ms: gitLine, ratio: gitLine / ours.line });

      // jsdiff, in process, with a timeout (it returns undefined when the timeout hits).
      const js = (name: string, mode: 'word' | 'line', fn: () => unknown): void => {
        let timedOut = false;
        const t = timeIt(1, 0, () => {
          timedOut = fn() === undefined;
        });
        if (timedOut) rows.push({ case: c.name, tool: name, ms: null, note: `timeout after ${JSDIFF_TIMEOUT_MS} ms` });
        else rows.push({ case: c.name, tool: name, ms: t, ratio: t / ours[mode] });
      };
      js('jsdiff diffWordsWithSpace', 'word', () => diffWordsWithSpace(c.oldText, c.newText, { timeout: JSDIFF_TIMEOUT_MS }));
      js('jsdiff diffLines', 'line', () => jsDiffLines(c.oldText, c.newText, { timeout: JSDIFF_TIMEOUT_MS }));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const fmt = (ms: number | null): string => (ms === null ? '-' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
  console.log(`${'case'.padEnd(16)} ${'tool'.padEnd(32)} ${'ms'.padStart(9)} ${'× ours'.padStart(8)}  note`);
  for (const r of rows) {
    console.log(
      `${r.case.padEnd(16)} ${r.tool.padEnd(32)} ${fmt(r.ms).padStart(9)} ${(r.ratio === undefined ? '' : r.ratio.toFixed(1)).padStart(8)}  ${r.note ?? ''}`,
    );
  }

  const gitVersion = spawnSync('git', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const date = new Date().toISOString().slice(0, 10);
  const outDir = new URL('../../bench/results/', import.meta.url);
  await mkdir(outDir, { recursive: true });
  const outFile = new URL(`diff-${date}.json`, outDir);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    git: gitVersion,
    cpus: cpus().length,
    // Other work on the machine skews the figures; the 1-minute load at the start and the end.
    loadavg: { start: loadStart, end: loadavg()[0] },
    quick,
    jsdiffTimeoutMs: JSDIFF_TIMEOUT_MS,
    notes: 'median ms; ratio = tool time / leakmirror time in the same mode (word or line); git times include process spawn',
    rows,
  };
  await writeFile(outFile, JSON.stringify(result, null, 2) + '\n');
  console.log(`\nwrote ${outFile.pathname}`);
}

await main();
