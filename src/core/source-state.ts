// What a run learns about its sources and must remember: how many runs in a row each document has
// been missing from its listing (the removal rule), and each source's last outcome (reports).
//
// Where it lives, and why:
// - The missing-run counters must survive from one run to the next on CI, where every run starts
//   from a fresh clone: `.leakmirror/` is git-ignored and would start empty each time, so they are
//   in the repository. Not in each document's metadata: bumping a counter there would make a commit
//   per missing document per run. They are in one small tracked file, `state/sources.json`,
//   rewritten at the end of a run only when its content changed and then committed on its own
//   ("Update source state"). It holds only what changes when something happens (a document goes
//   missing or comes back, a source starts or stops failing, the number of documents it lists
//   changes), so a quiet run changes nothing and commits nothing.
// - The time of the last run changes on every run, so it is not committed: it is in the local,
//   git-ignored `.leakmirror/last-run.json`, with that run's counts per source. `sources --json`
//   shows it where the mirror was synced (on CI: later in the same job), and the committed part
//   (status, documents discovered) everywhere.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceConfig } from '../config/schema.js';
import { StoreError, type FailureClass } from '../errors.js';
import type { SourceKind } from '../sources/kinds.js';
import { writeFileAtomic } from '../store/atomic.js';
import type { MirrorRepo } from '../store/git.js';
import type { DocumentStore } from '../store/store.js';
import { STATE_DIR, tempDir } from '../store/layout.js';
import type { DocumentMeta } from '../store/metadata.js';

/** Tracked: the state the removal rule needs (see above). */
export const SOURCE_STATE_FILE = 'state/sources.json';
/** Local, git-ignored: the last run of each source. */
export const LAST_RUN_FILE = `${STATE_DIR}/last-run.json`;

/** ok: the listing was read; partial: only part of it (nothing counts as missing); failed: not at all. */
export type SourceRunStatus = 'ok' | 'partial' | 'failed';

export interface SourceState {
  kind: SourceKind;
  status: SourceRunStatus;
  /** Documents the listing had on the last run that read it. */
  discovered: number;
  errorClass?: FailureClass | undefined;
  /** Document id -> consecutive runs it has been missing from the listing (active documents only). */
  missing: Record<string, number>;
}

export interface SourceStateFile {
  version: 1;
  sources: Record<string, SourceState>;
}

/** A source's part of a run: `SyncResult.sources`. */
export interface SourceSummary {
  name: string;
  kind: SourceKind;
  status: SourceRunStatus;
  /** Documents the listing has (all of them, also beyond maxDocuments). */
  discovered: number;
  new: number;
  changed: number;
  unchanged: number;
  removed: number;
  failed: number;
  /** Documents no longer listed but not (yet) recorded as removed (see removeAfterMissingRuns). */
  missing: number;
  /** maxDocuments left documents out of this run. */
  truncated?: boolean | undefined;
  /** Wayback sources: captures recorded this run (or, on a dry run, waiting to be). */
  captures?: number | undefined;
  error?: string | undefined;
  errorClass?: FailureClass | undefined;
}

/** The local record of the last run of each source. */
export interface LastRun extends SourceSummary {
  /** When the run that looked at this source finished (ISO 8601). */
  at: string;
}

export async function readSourceState(mirrorDir: string): Promise<{ state: SourceStateFile; text: string | undefined }> {
  const path = join(mirrorDir, SOURCE_STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: { version: 1, sources: {} }, text: undefined };
    throw new StoreError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const data = JSON.parse(text) as SourceStateFile;
    if (data === null || typeof data !== 'object' || typeof data.sources !== 'object' || data.sources === null) throw new Error('no "sources" object');
    return { state: { version: 1, sources: data.sources }, text };
  } catch (error) {
    // A hand-damaged state file costs the counters, never the mirror: start them again.
    return { state: { version: 1, sources: {} }, text: `corrupt: ${(error as Error).message}` };
  }
}

/** Stable text: sources and documents sorted, so the file's diffs show only what changed. */
export function serializeSourceState(state: SourceStateFile): string {
  const sources: Record<string, SourceState> = {};
  for (const name of Object.keys(state.sources).sort()) {
    const source = state.sources[name] as SourceState;
    const missing: Record<string, number> = {};
    for (const id of Object.keys(source.missing).sort()) missing[id] = source.missing[id] as number;
    sources[name] = {
      kind: source.kind,
      status: source.status,
      discovered: source.discovered,
      ...(source.errorClass === undefined ? {} : { errorClass: source.errorClass }),
      missing,
    };
  }
  return `${JSON.stringify({ version: 1, sources }, null, 2)}\n`;
}

const SOURCE_STATE_MESSAGE =
  'Update source state\n\nWhat leakmirror remembers between runs: how many runs in a row each document has been\nmissing from its source\'s listing, and each source\'s last status.\n';

/**
 * Write the state when it changed and commit it alone: through the run's fast-import (`store`) when
 * one is open, else with git. Also commits a state file a killed run wrote but did not commit (its
 * content is what that run learned). Returns the commit, if one was made.
 */
export async function saveSourceState(
  mirrorDir: string,
  repo: MirrorRepo,
  state: SourceStateFile,
  previousText: string | undefined,
  store?: Pick<DocumentStore, 'recordFiles'>,
): Promise<string | undefined> {
  const text = serializeSourceState(state);
  if (text !== previousText) {
    const commit = await store?.recordFiles([{ path: SOURCE_STATE_FILE, data: text }], SOURCE_STATE_MESSAGE);
    if (commit !== undefined) return commit;
    try {
      await writeFileAtomic(join(mirrorDir, SOURCE_STATE_FILE), text, tempDir(mirrorDir));
    } catch (error) {
      throw new StoreError(`cannot write ${SOURCE_STATE_FILE}: ${(error as Error).message}`, { cause: error });
    }
  }
  if ((await repo.dirtyPaths([SOURCE_STATE_FILE])).length === 0) return undefined;
  // The file as it is (a killed run's, when unchanged since): through fast-import too when it is open,
  // never `git add` beside the index refresh it may be running.
  return (await store?.recordFiles([{ path: SOURCE_STATE_FILE, data: text }], SOURCE_STATE_MESSAGE)) ?? repo.commitPaths([SOURCE_STATE_FILE], SOURCE_STATE_MESSAGE);
}

export async function readLastRuns(mirrorDir: string): Promise<Record<string, LastRun>> {
  try {
    const data = JSON.parse(await readFile(join(mirrorDir, LAST_RUN_FILE), 'utf8')) as { sources?: Record<string, LastRun> };
    return data.sources !== null && typeof data.sources === 'object' ? data.sources : {};
  } catch {
    // Absent (a fresh clone) or damaged: it is only a report.
    return {};
  }
}

/** Record this run's summaries locally, keeping the entries of sources it did not look at. */
export async function saveLastRuns(mirrorDir: string, summaries: readonly SourceSummary[], at: string, configured: readonly string[]): Promise<void> {
  const previous = await readLastRuns(mirrorDir);
  const sources: Record<string, LastRun> = {};
  for (const name of configured) {
    const summary = summaries.find((candidate) => candidate.name === name);
    if (summary !== undefined) sources[name] = { ...summary, at };
    else if (previous[name] !== undefined) sources[name] = previous[name];
  }
  await writeFileAtomic(join(mirrorDir, LAST_RUN_FILE), `${JSON.stringify({ at, sources }, null, 2)}\n`, tempDir(mirrorDir));
}

export interface MissingDecision {
  meta: DocumentMeta;
  /** Consecutive runs missing, this one included. */
  runs: number;
  /** Record the removal now (without fetching); otherwise fetch it directly (a 404/410 removes it). */
  remove: boolean;
}

/**
 * The removal rule for the active documents a listing no longer has. With a threshold N > 0, a
 * missing document is fetched directly (gone upstream: removed at once) until it has been missing
 * N runs in a row, then recorded as removed. With 0 it is left as it is (a feed dropping old items).
 * An incomplete listing counts nobody as missing and keeps the counters as they were.
 */
export function planMissing(input: {
  known: readonly DocumentMeta[];
  listed: ReadonlySet<string>;
  canonical: (url: string) => string;
  previous: Readonly<Record<string, number>>;
  threshold: number;
  complete: boolean;
}): { decisions: MissingDecision[]; counters: Record<string, number> } {
  const active = input.known.filter((meta) => meta.status === 'active');
  const counters: Record<string, number> = {};
  const decisions: MissingDecision[] = [];
  if (!input.complete) {
    for (const meta of active) {
      const runs = input.previous[meta.id];
      if (runs !== undefined && !input.listed.has(input.canonical(meta.url))) counters[meta.id] = runs;
    }
    return { decisions, counters };
  }
  if (input.threshold === 0) return { decisions, counters };
  for (const meta of active) {
    if (input.listed.has(input.canonical(meta.url))) continue;
    const runs = (input.previous[meta.id] ?? 0) + 1;
    const remove = runs >= input.threshold;
    if (!remove) counters[meta.id] = runs;
    decisions.push({ meta, runs, remove });
  }
  return { decisions, counters };
}

/** Threshold of the removal rule for a source (a page or an unset value: the first missing run). */
export function missingThreshold(source: SourceConfig): number {
  return source.removeAfterMissingRuns ?? 1;
}

/** What a source's listing gave this run (sync fills it in during discovery). */
export interface ListingOutcome {
  status: SourceRunStatus;
  discovered: number;
  /** Counters of the documents missing from the listing after this run (before removals). */
  missing: Record<string, number>;
  truncated?: boolean | undefined;
  captures?: number | undefined;
  error?: string | undefined;
  errorClass?: FailureClass | undefined;
}

interface ReportLike {
  id: string;
  source: string;
  status: 'new' | 'changed' | 'unchanged' | 'removed' | 'failed';
}

/** Missing counters without the documents this run recorded as removed. */
function stillMissing(outcome: ListingOutcome, removed: ReadonlySet<string>): Record<string, number> {
  return Object.fromEntries(Object.entries(outcome.missing).filter(([id]) => !removed.has(id)));
}

/** `SyncResult.sources`: per source looked at, its listing and the outcome of its documents. */
export function summarizeSources(sources: readonly SourceConfig[], reports: readonly ReportLike[], listings: ReadonlyMap<string, ListingOutcome>): SourceSummary[] {
  const summaries: SourceSummary[] = [];
  for (const source of sources) {
    const outcome = listings.get(source.name);
    if (outcome === undefined) continue;
    const mine = reports.filter((report) => report.source === source.name);
    const count = (status: ReportLike['status']) => mine.filter((report) => report.status === status).length;
    const removed = new Set(mine.filter((report) => report.status === 'removed').map((report) => report.id));
    summaries.push({
      name: source.name,
      kind: source.kind,
      status: outcome.status,
      discovered: outcome.discovered,
      new: count('new'),
      changed: count('changed'),
      unchanged: count('unchanged'),
      removed: count('removed'),
      failed: count('failed'),
      missing: Object.keys(stillMissing(outcome, removed)).length,
      ...(outcome.truncated === true ? { truncated: true } : {}),
      ...(outcome.captures === undefined ? {} : { captures: outcome.captures }),
      ...(outcome.error === undefined ? {} : { error: outcome.error, errorClass: outcome.errorClass }),
    });
  }
  return summaries;
}

/** The state to commit after a run: the sources it looked at updated, the others kept, the unconfigured dropped. */
export function nextSourceState(
  previous: SourceStateFile,
  configured: readonly SourceConfig[],
  listings: ReadonlyMap<string, ListingOutcome>,
  reports: readonly ReportLike[],
): SourceStateFile {
  const removed = new Set(reports.filter((report) => report.status === 'removed').map((report) => report.id));
  const sources: Record<string, SourceState> = {};
  for (const source of configured) {
    const before = previous.sources[source.name];
    const outcome = listings.get(source.name);
    if (outcome === undefined) {
      if (before !== undefined) sources[source.name] = before;
      continue;
    }
    sources[source.name] = {
      kind: source.kind,
      status: outcome.status,
      // A listing that failed says nothing about how many documents there are: keep the last count.
      discovered: outcome.status === 'failed' ? (before?.discovered ?? 0) : outcome.discovered,
      ...(outcome.errorClass === undefined ? {} : { errorClass: outcome.errorClass }),
      missing: stillMissing(outcome, removed),
    };
  }
  return { version: 1, sources };
}

/** What `sources` shows of a source's last run: local last-run first, else the committed state. */
export interface SourceStatus {
  /** Documents its listing had on the last run (null: never synced here or in the repository). */
  discovered: number | null;
  /** When the last run that looked at it finished (null on a fresh clone: only local state has it). */
  lastRun: string | null;
  status: SourceRunStatus | null;
  /** Documents no longer listed, waiting for removeAfterMissingRuns or a 404. */
  missing: number;
  /** The last run's counts of its documents (local state only). */
  lastResult: Pick<SourceSummary, 'new' | 'changed' | 'unchanged' | 'removed' | 'failed'> | null;
  error?: string | undefined;
  errorClass?: FailureClass | undefined;
}

export async function sourceStatuses(mirrorDir: string, sources: readonly SourceConfig[]): Promise<Map<string, SourceStatus>> {
  const { state } = await readSourceState(mirrorDir);
  const local = await readLastRuns(mirrorDir);
  const statuses = new Map<string, SourceStatus>();
  for (const source of sources) {
    const run = local[source.name];
    const committed = state.sources[source.name];
    statuses.set(source.name, {
      discovered: run?.discovered ?? committed?.discovered ?? null,
      lastRun: run?.at ?? null,
      status: run?.status ?? committed?.status ?? null,
      missing: committed !== undefined ? Object.keys(committed.missing).length : (run?.missing ?? 0),
      lastResult: run === undefined ? null : { new: run.new, changed: run.changed, unchanged: run.unchanged, removed: run.removed, failed: run.failed },
      ...(run?.error !== undefined ? { error: run.error, errorClass: run.errorClass } : committed?.errorClass !== undefined ? { errorClass: committed.errorClass } : {}),
    });
  }
  return statuses;
}
