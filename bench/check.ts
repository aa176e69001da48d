// `npm run bench:check`: reads the newest bench/results/sync-*.json and exits 1 when one of its targets
// was missed, naming each; 0 when every target measured passed (skipped ones are listed, not failed);
// 2 when there is no result with targets to check. Not part of `npm test`: it checks a benchmark run,
// it does not run one.
//
//   node dist/bench/check.js [results-file]

import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { formatLimit, formatTargetValue, statusWord, type TargetResult } from './targets.js';

// This file compiles to dist/bench/check.js: the repository root is two levels up.
const RESULTS = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');

interface Record {
  date?: string;
  n?: number;
  git?: { commit?: string; dirty?: boolean };
  targets?: TargetResult[];
}

/** The newest sync result: file names carry the ISO date, so the last in name order is the newest. */
export async function newestResult(dir = RESULTS): Promise<string | undefined> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => /^sync-.*\.json$/.test(name)).sort();
  const last = names.at(-1);
  return last === undefined ? undefined : join(dir, last);
}

/** The lines to print and the exit code for one result record. */
export function check(record: Record, file: string): { lines: string[]; code: number } {
  const lines = [`${file}: ${record.date ?? 'undated'}, N = ${record.n ?? '?'}, commit ${record.git?.commit?.slice(0, 12) ?? '?'}${record.git?.dirty === true ? ' (dirty)' : ''}`];
  const targets = record.targets;
  if (!Array.isArray(targets) || targets.length === 0) {
    lines.push('no targets in this result (written by an older sync-bench.js?): run `npm run bench` first');
    return { lines, code: 2 };
  }
  for (const t of targets) {
    lines.push(`${statusWord(t.status).padEnd(7)} ${t.id}: ${formatTargetValue(t)} (target ${formatLimit(t)}) - ${t.label}${t.detail !== '' ? `; ${t.detail}` : ''}`);
  }
  const missed = targets.filter((t) => t.status === 'miss');
  const skipped = targets.filter((t) => t.status === 'skipped');
  lines.push(
    missed.length === 0
      ? `all ${targets.length - skipped.length} measured targets pass${skipped.length > 0 ? ` (${skipped.length} skipped: ${skipped.map((t) => t.id).join(', ')})` : ''}`
      : `${missed.length} target(s) missed: ${missed.map((t) => t.id).join(', ')}`,
  );
  return { lines, code: missed.length === 0 ? 0 : 1 };
}

async function main(args: readonly string[]): Promise<number> {
  const file = args[0] ?? (await newestResult());
  if (file === undefined) {
    console.error(`no sync-*.json in ${RESULTS}: run \`npm run bench\` first`);
    return 2;
  }
  let record: Record;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as Record;
  } catch (error) {
    console.error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const { lines, code } = check(record, file);
  for (const line of lines) console.log(line);
  return code;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 2;
    },
  );
}
