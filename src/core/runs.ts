// The run log: one JSON line per sync run (time, duration, counts, failures by class and source).
//
// Where it lives. `runs.jsonl` at the root of the mirror is committed, so the log travels with the
// repository and `leakmirror runs` works in a fresh CI checkout. But a commit per run would add a
// commit to an unchanged mirror every six hours forever, so:
//   - a run that recorded something appends its line to runs.jsonl and commits it, in one small
//     commit of its own right after the run's versions (not folded into the run's last version:
//     the commit ids the run reported must stay the ones in history);
//   - a run that recorded nothing appends its line to `.leakmirror/runs.jsonl` (local, git-ignored);
//     those pending lines move into runs.jsonl with the next run that commits.
// So nothing is lost on a long-lived machine, and on CI (a fresh clone per run) the runs that
// changed nothing are only in that job's own checkout (keep .leakmirror/ in the CI cache if they
// matter). `runs.jsonl` is marked `merge=union` in .gitattributes so that two shards pushing to the
// same branch rebase without conflicts (each adds its own lines).
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FailureClass } from '../errors.js';
import { STATE_DIR } from '../store/layout.js';
import type { MirrorRepo } from '../store/git.js';
import type { DocumentStore } from '../store/store.js';

export const RUNS_FILE = 'runs.jsonl';
export const PENDING_RUNS_FILE = `${STATE_DIR}/runs.jsonl`;
const ATTRIBUTES_LINE = `/${RUNS_FILE} merge=union`;

export interface RunRecord {
  /** When the run started and ended (ISO 8601). */
  time: string;
  finishedAt: string;
  durationMs: number;
  /** Sources synced (all configured ones when none were named). */
  sources: string[];
  shard?: string | undefined;
  summary: { new: number; changed: number; unchanged: number; removed: number; failed: number };
  /** Commits (versions) the run recorded. */
  commits: number;
  interrupted: boolean;
  /** Failed documents by failure class, and by source then class. */
  failures: Partial<Record<FailureClass | 'other', number>>;
  failedSources: Record<string, Partial<Record<FailureClass | 'other', number>>>;
}

export interface RunInput {
  startedAt: string;
  finishedAt: string;
  sources: string[];
  shard?: string | undefined;
  interrupted: boolean;
  documents: ReadonlyArray<{ source: string; status: string; commit?: string | undefined; errorClass?: FailureClass | undefined }>;
}

export function runRecord(input: RunInput): RunRecord {
  const summary = { new: 0, changed: 0, unchanged: 0, removed: 0, failed: 0 };
  const failures: RunRecord['failures'] = {};
  const failedSources: RunRecord['failedSources'] = {};
  let commits = 0;
  for (const doc of input.documents) {
    if (doc.status in summary) summary[doc.status as keyof typeof summary] += 1;
    if (doc.commit !== undefined) commits += 1;
    if (doc.status === 'failed') {
      const failure = doc.errorClass ?? 'other';
      failures[failure] = (failures[failure] ?? 0) + 1;
      const bySource = (failedSources[doc.source] ??= {});
      bySource[failure] = (bySource[failure] ?? 0) + 1;
    }
  }
  return {
    time: input.startedAt,
    finishedAt: input.finishedAt,
    durationMs: Math.max(0, Date.parse(input.finishedAt) - Date.parse(input.startedAt)),
    sources: input.sources,
    ...(input.shard === undefined ? {} : { shard: input.shard }),
    summary,
    commits,
    interrupted: input.interrupted,
    failures,
    failedSources,
  };
}

/** Record a run (see the top of this file). Returns where it went. */
export async function appendRun(mirrorDir: string, repo: MirrorRepo, record: RunRecord, store?: Pick<DocumentStore, 'recordFiles'>): Promise<'committed' | 'local'> {
  const line = `${JSON.stringify(record)}\n`;
  const pendingPath = join(mirrorDir, PENDING_RUNS_FILE);
  if (record.commits === 0) {
    await appendFile(pendingPath, line);
    return 'local';
  }
  const pending = await readFile(pendingPath, 'utf8').catch(() => '');
  const attributesPath = join(mirrorDir, '.gitattributes');
  const attributes = await readFile(attributesPath, 'utf8').catch(() => '');
  const newAttributes = attributes.split('\n').includes(ATTRIBUTES_LINE)
    ? undefined
    : `${attributes}${attributes === '' || attributes.endsWith('\n') ? '' : '\n'}${ATTRIBUTES_LINE}\n`;
  const message = `Record sync run of ${record.time}\n\n${record.commits} version(s) recorded; ${record.summary.failed} failed.\n`;
  // Through the run's fast-import when one is open: the whole file, as it is about to be.
  const runs = store === undefined ? undefined : await readFile(join(mirrorDir, RUNS_FILE), 'utf8').catch(() => '');
  const files = [{ path: RUNS_FILE, data: `${runs ?? ''}${pending}${line}` }, ...(newAttributes === undefined ? [] : [{ path: '.gitattributes', data: newAttributes }])];
  if (store === undefined || (await store.recordFiles(files, message)) === undefined) {
    await appendFile(join(mirrorDir, RUNS_FILE), pending + line);
    if (newAttributes !== undefined) await writeFile(attributesPath, newAttributes);
    await repo.commitPaths(files.map((file) => file.path), message);
  }
  await rm(pendingPath, { force: true });
  return 'committed';
}

function parseLines(text: string): RunRecord[] {
  const records: RunRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as RunRecord;
      if (typeof value.time === 'string' && typeof value.summary === 'object') records.push(value);
    } catch {
      // A damaged line (a hand edit, a union merge of a half line) is skipped, not fatal.
    }
  }
  return records;
}

/** Every recorded run, committed and local, oldest first. */
export async function readRuns(mirrorDir: string): Promise<RunRecord[]> {
  const [committed, pending] = await Promise.all([
    readFile(join(mirrorDir, RUNS_FILE), 'utf8').catch(() => ''),
    readFile(join(mirrorDir, PENDING_RUNS_FILE), 'utf8').catch(() => ''),
  ]);
  return [...parseLines(committed), ...parseLines(pending)].sort((a, b) => a.time.localeCompare(b.time));
}

export interface FailingSource {
  source: string;
  /** Runs (among those looked at) in which the source had failures. */
  failedRuns: number;
  /** Consecutive failing runs up to the latest run that synced it. */
  streak: number;
  classes: Partial<Record<FailureClass | 'other', number>>;
}

/** Sources failing in two or more of these runs, worst first. */
export function failingSources(runs: readonly RunRecord[]): FailingSource[] {
  const bySource = new Map<string, FailingSource>();
  for (const run of runs) {
    for (const [source, classes] of Object.entries(run.failedSources ?? {})) {
      const entry = bySource.get(source) ?? { source, failedRuns: 0, streak: 0, classes: {} };
      entry.failedRuns += 1;
      for (const [failure, count] of Object.entries(classes)) {
        const key = failure as FailureClass;
        entry.classes[key] = (entry.classes[key] ?? 0) + (count ?? 0);
      }
      bySource.set(source, entry);
    }
  }
  for (const entry of bySource.values()) {
    for (const run of [...runs].reverse()) {
      const synced = run.sources.length === 0 || run.sources.includes(entry.source);
      if (!synced) continue;
      if (run.failedSources?.[entry.source] === undefined) break;
      entry.streak += 1;
    }
  }
  return [...bySource.values()].filter((entry) => entry.failedRuns >= 2).sort((a, b) => b.streak - a.streak || b.failedRuns - a.failedRuns || a.source.localeCompare(b.source));
}
