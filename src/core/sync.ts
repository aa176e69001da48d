// The sync pipeline: sources -> fetch -> extract/normalize -> store. Per-document failures are
// recorded in the report and the run goes on; store failures (StoreError) stop the run. Never prints:
// progress goes out as events, the outcome as a SyncResult.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceConfig } from '../config/schema.js';
import { ConfigError, DocumentError, type FailureClass } from '../errors.js';
import type { Extractor } from '../extract/pool.js';
import { diffStats } from '../diff/stats.js';
import { normalizeText } from '../extract/normalize.js';
import type { Extraction } from '../extract/types.js';
import { createFetcher } from '../fetch/fetcher.js';
import { HostScheduler } from '../fetch/host-scheduler.js';
import { mapPool } from '../util/map-pool.js';
import type { FetchedBody, FetchedBytes, Fetcher, LookupFunction } from '../fetch/types.js';
import { discoverDocuments, type Politely, type RequestFor } from '../sources/discover.js';
import type { SourceKind } from '../sources/kinds.js';
import { canonicalUrl } from '../sources/url.js';
import { commitSubject, type ChangeType } from '../store/git.js';
import { assignIds } from '../store/ids.js';
import { RAW_DIR, META_DIR, TEXT_DIR, tempDir as mirrorTempDir, lockTarget } from '../store/layout.js';
import { acquireLock } from '../store/lock.js';
import { readAllMeta, type DocumentMeta } from '../store/metadata.js';
import { DocumentStore, IN_MEMORY_RAW_MAX, sha256Hex } from '../store/store.js';
import { appendRun, runRecord } from './runs.js';
import { formatShard, inShard, type Shard } from './shard.js';
import { openMirror, selectSources, type Mirror } from './mirror.js';
import { extractOptionsFor, extractorFor, fetcherOptionsFor } from './stages.js';
import { extractionFields, onlyIgnoredChanges } from './versions.js';
import { SameBytesIndex } from './same-bytes.js';
import {
  missingThreshold,
  nextSourceState,
  planMissing,
  readSourceState,
  saveLastRuns,
  saveSourceState,
  summarizeSources,
  type ListingOutcome,
  type SourceSummary,
} from './source-state.js';
import { importWayback, listWayback, type WaybackPlan } from './wayback.js';

export type DocumentOutcome = 'new' | 'changed' | 'unchanged' | 'removed' | 'failed';

export interface DocumentReport {
  id: string;
  url: string;
  source: string;
  status: DocumentOutcome;
  /** For recorded versions: what kind of change the commit is. */
  changeType?: ChangeType;
  commit?: string;
  title?: string;
  error?: string;
  errorClass?: FailureClass;
  /** Content changes of a recorded document: words added and removed against the last version. */
  wordsAdded?: number;
  wordsRemoved?: number;
  /** A recorded PDF without a text layer, left unread (no OCR asked, or no tesseract): `needs-ocr`. */
  extraction?: 'needs-ocr';
  /** Things the reader should know about this version (pages OCR could not read). */
  warnings?: string[];
}

export type SyncSummary = Record<DocumentOutcome, number>;

export interface SyncResult {
  documents: DocumentReport[];
  summary: SyncSummary;
  dryRun: boolean;
  /** The run was stopped by its signal: the documents not reported were not looked at. */
  interrupted: boolean;
  startedAt: string;
  finishedAt: string;
  /** Per source looked at: its listing (status, documents discovered, missing) and its documents' outcomes. */
  sources: SourceSummary[];
}

export type SyncEvent =
  | { type: 'warning'; message: string }
  | {
      type: 'source';
      source: string;
      /** Documents the listing has (also those beyond maxDocuments). */
      discovered: number;
      error?: string;
      kind?: SourceKind;
      /** Documents no longer listed, waiting for removeAfterMissingRuns or a 404. */
      missing?: number;
      /** maxDocuments left documents out of this run. */
      truncated?: boolean;
      /** Listing pages or files fetched. */
      pages?: number;
    }
  | { type: 'document'; report: DocumentReport; done: number; total: number };

export interface SyncOptions {
  mirrorDir: string;
  /** Source names to sync; all by default. */
  sources?: string[] | undefined;
  /** Fetch and extract, report what would change, write nothing. */
  dryRun?: boolean | undefined;
  /** Overrides fetch.concurrency. */
  concurrency?: number | undefined;
  /** Overrides every per-host delay (ms). */
  delayMs?: number | undefined;
  /** Permit loopback and private addresses for every source. */
  allowPrivateNetwork?: boolean | undefined;
  onEvent?: ((event: SyncEvent) => void) | undefined;
  /** Injected DNS resolution (tests). */
  lookup?: LookupFunction | undefined;
  /** Stop starting documents once aborted; those in progress finish and are recorded. */
  signal?: AbortSignal | undefined;
  /** Where `headers: { X: { env: NAME } }` values are read from (the CLI passes the process's). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Overrides fetch.retries. */
  retries?: number | undefined;
  /** Only the documents of shard `index` (1-based) of `count`, split by a hash of the id (core/shard.ts). */
  shard?: Shard | undefined;
}

interface PlannedDocument {
  id: string;
  url: string;
  source: SourceConfig;
  previous: DocumentMeta | undefined;
  /** Listed no more by its index page: record the removal without fetching. */
  unlisted: boolean;
  /** Why it is unlisted, for the removal's commit message. */
  why?: string;
}

const MAX_CRAWL_DELAY_MS = 60_000;

/** A source's request headers with `{ env: NAME }` values read from the environment. */
export function resolveHeaders(source: SourceConfig, env: Readonly<Record<string, string | undefined>>): Record<string, string> | undefined {
  if (source.headers === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(source.headers)) {
    if (typeof value === 'string') {
      headers[name] = value;
      continue;
    }
    const secret = env[value.env];
    if (secret === undefined || secret === '') {
      throw new ConfigError(`sources.${source.name}.headers.${name}: the environment variable ${value.env} is not set`, { key: `sources.${source.name}.headers.${name}` }, {
        hint: `export ${value.env}=... before running sync (it is never written to the mirror)`,
      });
    }
    headers[name] = `${value.prefix ?? ''}${secret}`;
  }
  return headers;
}

export async function sync(options: SyncOptions): Promise<SyncResult> {
  const mirror = await openMirror(options.mirrorDir);
  const sources = selectSources(mirror.config, options.sources);
  const dryRun = options.dryRun ?? false;
  const emit = options.onEvent ?? (() => undefined);
  const startedAt = new Date().toISOString();

  // Secrets are read before anything is locked or fetched, so a missing one is a clear usage error.
  const secretHeaders = new Map(sources.map((source) => [source.name, resolveHeaders(source, options.env ?? {})]));
  const lock = dryRun ? undefined : await acquireLock(lockTarget(mirror.dir), `sync ${(options.sources ?? []).join(' ')}`.trim());
  // A dry run must not touch the mirror, not even its temporary directory.
  const scratch = dryRun ? await mkdtemp(join(tmpdir(), 'leakmirror-dry-')) : mirrorTempDir(mirror.dir);
  try {
    if (lock?.tookOverFrom !== undefined) {
      emit({ type: 'warning', message: `took over a stale lock left by process ${lock.tookOverFrom.pid} (${lock.tookOverFrom.command})` });
    }
    if (!dryRun) await recoverWorkTree(mirror, scratch, emit, lock?.tookOverFrom !== undefined);

    const fetcherOptions = {
      ...fetcherOptionsFor(mirror.config, scratch),
      retries: options.retries ?? mirror.config.fetch.retries,
      lookup: options.lookup,
    };
    const fetcher = createFetcher({
      ...fetcherOptions,
      allowPrivateNetwork: options.allowPrivateNetwork ?? sources.every((source) => source.allowPrivateNetwork === true),
    });
    // Sources that allow private networks while others don't get a fetcher of their own.
    const privateFetcher =
      options.allowPrivateNetwork === true || !sources.some((source) => source.allowPrivateNetwork === true)
        ? fetcher
        : createFetcher({ ...fetcherOptions, allowPrivateNetwork: true });
    const fetcherFor = (source: SourceConfig): Fetcher => (source.allowPrivateNetwork === true ? privateFetcher : fetcher);
    // PDFs are extracted in worker threads (both cores, a time limit per document); HTML and text
    // stay on this thread.
    const extractor = extractorFor(mirror.config);
    const scheduler = new HostScheduler(mirror.config.fetch.perHostConcurrency);
    // The site's own Crawl-delay (known once its robots.txt was read) wins over a shorter setting.
    const delayFor = (source: SourceConfig, url: string): number =>
      Math.max(options.delayMs ?? source.delayMs ?? mirror.config.fetch.delayMs, Math.min(fetcherFor(source).crawlDelayMs?.(url) ?? 0, MAX_CRAWL_DELAY_MS));
    const politely = <T>(source: SourceConfig, url: string, task: () => Promise<T>): Promise<T> =>
      scheduler.run(new URL(url).host, delayFor(source, url), task);
    const requestFor = (source: SourceConfig, url: string) => ({
      url,
      headers: secretHeaders.get(source.name),
      ignoreRobots: source.ignoreRobots,
      allowCrossSiteRedirects: source.allowCrossSiteRedirects,
    });
    for (const source of sources) {
      if (source.ignoreRobots === true) emit({ type: 'warning', message: `source ${source.name}: ignoring robots.txt (ignoreRobots: true)` });
    }

    // Its background work (the commit-graph write) ends before the lock is released.
    let openedStore: DocumentStore | undefined;
    try {
      const existing = await readAllMeta(mirror.dir);
      const reports: DocumentReport[] = [];
      const planned: PlannedDocument[] = [];
      const takenIds = new Set(existing.map((meta) => meta.id));

      // Per-source state (src/core/source-state.ts: the missing-run counters of the removal rule,
      // committed once per run when it changes) and what each listing gave this run.
      const stateFile = await readSourceState(mirror.dir);
      const listings = new Map<string, ListingOutcome>();
      const waybackPlans: WaybackPlan[] = [];
      const sameBytes = new SameBytesIndex(existing);
      const warn = (message: string) => emit({ type: 'warning', message });
      const listingFailed = (source: SourceConfig, error: DocumentError): void => {
        emit({ type: 'source', source: source.name, kind: source.kind, discovered: 0, error: error.message });
        const what = ({ feed: 'feed', sitemap: 'sitemap', wayback: 'capture list' } as Record<string, string>)[source.kind] ?? 'index page';
        reports.push({ id: source.name, url: source.url, source: source.name, status: 'failed', error: `${what}: ${error.message}`, errorClass: error.failure });
        listings.set(source.name, { status: 'failed', discovered: 0, missing: stateFile.state.sources[source.name]?.missing ?? {}, error: error.message, errorClass: error.failure });
      };

      for (const source of sources) {
        if (options.signal?.aborted === true) break;
        const known = existing.filter((meta) => meta.source === source.name);
        // Wayback sources: listed now (one request to the archive), imported after the other documents.
        if (source.kind === 'wayback') {
          const listed = await listWayback(source, { fetcher: fetcherFor(source), politely, requestFor, env: options.env ?? {}, known, takenIds, warn });
          if ('error' in listed) {
            listingFailed(source, listed.error);
            continue;
          }
          waybackPlans.push(listed.plan);
          listings.set(source.name, { status: 'ok', discovered: listed.plan.discovered, missing: {}, truncated: listed.plan.truncated });
          emit({ type: 'source', source: source.name, kind: source.kind, discovered: listed.plan.discovered, truncated: listed.plan.truncated, pages: 1 });
          continue;
        }
        const discovery = await discoverDocuments(source, { fetcher: fetcherFor(source), politely, requestFor, warn });
        if (discovery.error !== undefined) {
          listingFailed(source, discovery.error);
          continue;
        }
        // A later page of the listing that failed: reported; the listing counts as incomplete.
        for (const failure of discovery.failures ?? []) {
          reports.push({ id: source.name, url: failure.url, source: source.name, status: 'failed', error: `listing page: ${failure.error.message}`, errorClass: failure.error.failure });
        }
        // Recorded URLs in today's canonical form: one recorded with a tracking parameter is found again.
        const canonical = (url: string): string => canonicalUrl(url, undefined, source) ?? url;
        const byUrl = new Map(known.map((meta) => [canonical(meta.url), meta]));
        const ids = assignIds(source.name, discovery.urls, new Map(known.map((meta) => [canonical(meta.url), meta.id])), takenIds, {
          single: source.kind === 'page',
        });
        for (const url of discovery.urls) {
          const id = ids.get(url) as string;
          takenIds.add(id);
          planned.push({ id, url, source, previous: byUrl.get(url), unlisted: false });
        }
        // The removal rule: a document the listing no longer has is fetched directly (404/410:
        // removed) until it has been missing removeAfterMissingRuns runs in a row, then removed.
        const listed = discovery.listed ?? discovery.urls;
        const complete = discovery.complete !== false;
        const missing = planMissing({
          known,
          listed: new Set(listed),
          canonical,
          previous: stateFile.state.sources[source.name]?.missing ?? {},
          threshold: missingThreshold(source),
          complete,
        });
        for (const decision of missing.decisions) {
          const why = `no longer listed by its source (${decision.runs} run${decision.runs === 1 ? '' : 's'} in a row)`;
          planned.push({ id: decision.meta.id, url: decision.meta.url, source, previous: decision.meta, unlisted: decision.remove, why });
        }
        listings.set(source.name, { status: complete ? 'ok' : 'partial', discovered: listed.length, missing: missing.counters, truncated: discovery.truncated });
        emit({
          type: 'source',
          source: source.name,
          kind: source.kind,
          discovered: listed.length,
          missing: Object.keys(missing.counters).length,
          truncated: discovery.truncated,
          pages: discovery.pages,
        });
      }

      // Listings are read by every shard; each document is fetched by exactly one.
      if (options.shard !== undefined) {
        const shard = options.shard;
        planned.splice(0, planned.length, ...planned.filter((doc) => inShard(doc.id, shard)));
      }

      const store = new DocumentStore(mirror.dir, mirror.repo);
      openedStore = store;
      const concurrency = options.concurrency ?? mirror.config.fetch.concurrency;
      let done = 0;
      const total = planned.length + waybackPlans.reduce((sum, plan) => sum + plan.documents.length, 0);
      // What recording one document needs; the same for page, listing and wayback documents.
      const contextFor = (source: SourceConfig) => ({
        fetcher: fetcherFor(source),
        politely,
        requestFor,
        extractor,
        store,
        dryRun,
        rawCopies: mirror.config.rawCopies,
        sameBytes,
      });
      if (!dryRun) await store.begin();
      try {
        await mapPool(planned, concurrency, async (doc) => {
          if (options.signal?.aborted === true) return;
          const report = await processDocument(doc, contextFor(doc.source));
          reports.push(report);
          done += 1;
          emit({ type: 'document', report, done, total });
        });
        // Wayback sources: each document's new captures, in capture order (src/core/wayback.ts).
        for (const plan of waybackPlans) {
          if (options.signal?.aborted === true) break;
          const imported = await importWayback(plan, {
            ...contextFor(plan.source),
            signal: options.signal,
            onReport: (report) => {
              reports.push(report);
              done += 1;
              emit({ type: 'document', report, done, total });
            },
          });
          const listing = listings.get(plan.source.name);
          if (listing !== undefined) listing.captures = imported.captures;
        }
      } catch (error) {
        await store.abort();
        throw error;
      }

      const interrupted = options.signal?.aborted === true;
      const finishedAt = new Date().toISOString();
      const sourceSummaries = summarizeSources(sources, reports, listings);
      // The source state and the run log are the run's last commits, made through its fast-import
      // before it ends when one is open (else with git). A failure here still ends the store, so the
      // versions already queued are kept.
      let closingError: unknown;
      try {
        // An interrupted run did not look at every document: it leaves the counters as they were.
        if (!dryRun && !interrupted) {
          await saveSourceState(mirror.dir, mirror.repo, nextSourceState(stateFile.state, mirror.config.sources, listings, reports), stateFile.text, store);
          await saveLastRuns(mirror.dir, sourceSummaries, finishedAt, mirror.config.sources.map((source) => source.name));
        }
        if (!dryRun) {
          // The run log (core/runs.ts). Failing to write it does not undo the versions recorded.
          const record = runRecord({
            startedAt,
            finishedAt: new Date().toISOString(),
            sources: sources.map((source) => source.name),
            shard: options.shard === undefined ? undefined : formatShard(options.shard),
            interrupted: options.signal?.aborted === true,
            documents: reports,
          });
          await appendRun(mirror.dir, mirror.repo, record, store).catch((error: unknown) =>
            emit({ type: 'warning', message: `could not record the run in runs.jsonl: ${error instanceof Error ? error.message : String(error)}` }),
          );
        }
      } catch (error) {
        closingError = error;
      }
      if (!dryRun) await store.end();
      if (closingError !== undefined) throw closingError;
      if (mirror.repo.signingFailure !== undefined) {
        emit({ type: 'warning', message: `git is configured to sign commits (commit.gpgsign) but could not, so this run's commits are unsigned: ${mirror.repo.signingFailure}` });
      }
      reports.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return {
        documents: reports,
        summary: summarize(reports),
        dryRun,
        interrupted,
        startedAt,
        finishedAt,
        sources: sourceSummaries,
      };
    } finally {
      await openedStore?.settled();
      await extractor.close();
      await fetcher.close();
      if (privateFetcher !== fetcher) await privateFetcher.close();
    }
  } finally {
    if (dryRun) await rm(scratch, { recursive: true, force: true });
    await lock?.release();
  }
}

export function summarize(reports: readonly DocumentReport[]): SyncSummary {
  const summary: SyncSummary = { new: 0, changed: 0, unchanged: 0, removed: 0, failed: 0 };
  for (const report of reports) summary[report.status] += 1;
  return summary;
}

/**
 * Undo what a crashed run left: uncommitted changes under the document trees (complete files, since
 * writes are atomic, but not recorded) and temporary files. The next fetch records them properly.
 */
export async function recoverWorkTree(mirror: Mirror, scratch: string, emit: (event: SyncEvent) => void, previousRunDied: boolean): Promise<void> {
  await rm(scratch, { recursive: true, force: true });
  for (const path of await mirror.repo.removeStaleGitLocks(previousRunDied)) {
    emit({ type: 'warning', message: `removed a stale git lock left by an interrupted git process: ${path}` });
  }
  const dirty = await mirror.repo.dirtyPaths([TEXT_DIR, RAW_DIR, META_DIR]);
  if (dirty.length > 0) {
    emit({ type: 'warning', message: `discarding ${dirty.length} uncommitted file(s) left by an interrupted run (e.g. ${dirty[0]}); they will be fetched again` });
    await mirror.repo.restore([TEXT_DIR, RAW_DIR, META_DIR]);
  }
}

interface ProcessContext {
  fetcher: Fetcher;
  politely: Politely;
  requestFor: RequestFor;
  extractor: Extractor;
  store: DocumentStore;
  dryRun: boolean;
  rawCopies: boolean;
  /** Documents by raw sha256, for the metadata's `sameAs`. */
  sameBytes?: SameBytesIndex | undefined;
}

async function processDocument(doc: PlannedDocument, context: ProcessContext): Promise<DocumentReport> {
  const base = { id: doc.id, url: doc.url, source: doc.source.name };
  const previous = doc.previous;
  if (doc.unlisted && previous !== undefined) {
    return recordRemoval(previous, doc.why ?? 'no longer listed by its index page', context, base);
  }
  let fetched;
  try {
    const validators = previous?.status === 'active' && previous.extraction !== 'failed' ? { etag: previous.etag ?? undefined, lastModified: previous.lastModified ?? undefined } : undefined;
    // Small bodies stay in memory: an unchanged one costs no file at all, a new one is written once, in place.
    fetched = await context.politely(doc.source, doc.url, () => context.fetcher.fetch({ ...context.requestFor(doc.source, doc.url), validators, inMemoryUpTo: IN_MEMORY_RAW_MAX }));
  } catch (error) {
    if (error instanceof DocumentError) return { ...base, status: 'failed', error: error.message, errorClass: error.failure };
    throw error;
  }
  if (fetched.kind === 'not-modified') return { ...base, status: 'unchanged', title: previous?.title ?? undefined };
  if (fetched.kind === 'gone') {
    if (previous?.status === 'active') return recordRemoval(previous, `the server answered ${fetched.httpStatus}`, context, base);
    if (previous?.status === 'removed') return { ...base, status: 'unchanged', title: previous.title ?? undefined };
    return { ...base, status: 'failed', error: `the server answered ${fetched.httpStatus} (not found)`, errorClass: `http-${fetched.httpStatus}` };
  }
  if (fetched.kind === 'bytes') return recordBody(doc, fetched, context, base);
  const inFile = fetched;
  try {
    return await recordBody(doc, inFile, context, base);
  } finally {
    await rm(inFile.filePath, { force: true });
  }
}

async function recordBody(
  doc: PlannedDocument,
  fetched: FetchedBody | FetchedBytes,
  context: ProcessContext,
  base: Pick<DocumentReport, 'id' | 'url' | 'source'>,
): Promise<DocumentReport> {
  const previous = doc.previous;
  // Same bytes as recorded: nothing to extract, nothing to commit.
  if (previous?.status === 'active' && previous.sha256 === fetched.sha256 && previous.extraction !== 'failed') {
    return { ...base, status: 'unchanged', title: previous.title ?? undefined };
  }

  const { extraction, failure, rawBytes } = await extractFetched(doc, fetched, context);

  const paths = context.store.layout.documentPaths(doc.id);
  const previousText = previous === undefined ? undefined : await context.store.readText(previous.text);
  // On failure keep the last good text; a new document gets an empty text file beside its raw bytes.
  const text = extraction !== undefined ? normalizeText(extraction.text) : (previousText ?? '');
  const textSha256 = sha256Hex(text);
  const mediaType = extraction?.mediaType ?? guessMediaType(fetched.contentType);
  const title = extraction?.title?.trim() || previous?.title || titleFromUrl(doc.url);
  const meta: DocumentMeta = {
    id: doc.id,
    source: doc.source.name,
    url: doc.url,
    finalUrl: fetched.finalUrl,
    title,
    status: 'active',
    extraction: failure !== undefined ? 'failed' : (extraction?.status ?? 'failed'),
    error: failure?.message ?? null,
    contentType: fetched.contentType ?? null,
    mediaType,
    sha256: fetched.sha256,
    stableSha256: extraction?.stableSha256 ?? null,
    size: fetched.size,
    textSha256,
    etag: fetched.validators.etag ?? null,
    lastModified: fetched.validators.lastModified ?? null,
    fetchedAt: fetched.fetchedAt,
    removedAt: null,
    ...extractionFields(extraction, previous),
    text: paths.text,
    raw: context.rawCopies ? context.store.layout.rawPath(doc.id, mediaType) : null,
    // The same bytes under another document's URL: noted, still stored (git keeps one blob).
    sameAs: context.sameBytes?.claim(doc.id, fetched.sha256) ?? null,
  };

  const failed = failure === undefined ? {} : { error: `extraction failed: ${failure.message}`, errorClass: failure.failure };
  const notes = {
    ...(extraction?.status === 'needs-ocr' ? { extraction: 'needs-ocr' as const } : {}),
    ...(extraction?.ocr !== undefined && extraction.ocr.warnings.length > 0 ? { warnings: extraction.ocr.warnings } : {}),
  };
  // A failure on the same bytes as last time has nothing new to record.
  if (failure !== undefined && previous?.sha256 === fetched.sha256) {
    return { ...base, status: 'failed', title, ...failed };
  }

  // Only volatile markup changed (CSRF tokens, session ids, tracking parameters, relative dates:
  // src/extract/volatile.ts): same text, same masked bytes, no version. Like a 304, nothing is written,
  // so the stored validators stay those of the recorded version (the page's changing bytes would not
  // match them anyway; updating them would take a commit).
  if (
    previous?.status === 'active' &&
    previous.extraction !== 'failed' &&
    failure === undefined &&
    textSha256 === previous.textSha256 &&
    extraction?.stableSha256 !== undefined &&
    extraction.stableSha256 === previous.stableSha256
  ) {
    return { ...base, status: 'unchanged', title: previous.title ?? undefined };
  }

  let changeType: ChangeType;
  let verb: string;
  let status: DocumentOutcome;
  if (previous === undefined) {
    [changeType, verb, status] = ['content', 'Add', 'new'];
  } else if (previous.status === 'removed') {
    [changeType, verb, status] = [textSha256 === previous.textSha256 ? 'technical' : 'content', 'Restore', 'changed'];
  } else if (textSha256 !== previous.textSha256 && !onlyIgnoredChanges(previousText, text, doc.source.ignore)) {
    [changeType, verb, status] = ['content', 'Update', 'changed'];
  } else {
    [changeType, verb, status] = ['technical', 'Update', 'changed'];
  }
  if (failure !== undefined) status = 'failed';

  if (context.dryRun) return { ...base, status, changeType, title, ...failed, ...notes };

  const body =
    failure !== undefined
      ? `Extraction failed (${failure.failure}): ${failure.message}\nThe raw bytes are recorded; the text is left as it was.`
      : changeType === 'technical'
        ? textSha256 === previous?.textSha256
          ? 'The raw bytes changed; the extracted text did not.'
          : 'The text changed only where the ignore rules of this source say it is noise.'
        : undefined;
  const commit = await context.store.record({
    meta,
    text: text === previousText ? undefined : text,
    rawTempFile: context.rawCopies && fetched.kind === 'body' ? fetched.filePath : undefined,
    rawBytes: context.rawCopies ? rawBytes : undefined,
    previousRaw: previous?.raw,
    changeType,
    subject: commitSubject(verb, title),
    body,
    authorDate: fetched.fetchedAt,
  });
  // What a reader wants from a summary: how much changed (only the changed middle is diffed).
  const words = changeType === 'content' && previousText !== undefined && status === 'changed' ? diffStats(previousText, text) : undefined;
  return {
    ...base,
    status,
    changeType,
    commit,
    title,
    ...failed,
    ...notes,
    ...(words === undefined ? {} : { wordsAdded: words.wordsAdded, wordsRemoved: words.wordsRemoved }),
  };
}

/**
 * Extract the fetched body. Its bytes are kept for the store only when they are small: a large body
 * is streamed to git from its file, and its buffer can be let go as soon as it is extracted.
 */
async function extractFetched(
  doc: PlannedDocument,
  fetched: FetchedBody | FetchedBytes,
  context: ProcessContext,
): Promise<{ extraction?: Extraction | undefined; failure?: DocumentError | undefined; rawBytes?: Uint8Array | undefined }> {
  const bytes = fetched.kind === 'bytes' ? fetched.bytes : await readFile(fetched.filePath);
  const rawBytes = bytes.byteLength <= IN_MEMORY_RAW_MAX ? bytes : undefined;
  try {
    // Bytes the store will not use (a large body, streamed to git from its file) go to the PDF worker
    // without a copy.
    const giveUpBytes = rawBytes === undefined;
    return { extraction: await context.extractor.extract({ bytes, contentType: fetched.contentType, url: fetched.finalUrl, ...extractOptionsFor(doc.source), giveUpBytes, sha256: fetched.sha256 }), rawBytes };
  } catch (error) {
    if (!(error instanceof DocumentError)) throw error;
    return { failure: error, rawBytes };
  }
}

async function recordRemoval(
  previous: DocumentMeta,
  why: string,
  context: ProcessContext,
  base: Pick<DocumentReport, 'id' | 'url' | 'source'>,
): Promise<DocumentReport> {
  const title = previous.title ?? previous.id;
  if (context.dryRun) return { ...base, status: 'removed', changeType: 'removed', title };
  const removedAt = new Date().toISOString();
  const commit = await context.store.record({
    meta: { ...previous, status: 'removed', removedAt },
    text: undefined,
    rawTempFile: undefined,
    previousRaw: undefined,
    changeType: 'removed',
    subject: commitSubject('Remove', title),
    body: `Gone upstream: ${why}. The last version stays in the mirror's history.`,
    authorDate: removedAt,
  });
  return { ...base, status: 'removed', changeType: 'removed', commit, title };
}

function guessMediaType(contentType: string | undefined): string {
  return contentType?.split(';')[0]?.trim().toLowerCase() || 'application/octet-stream';
}

function titleFromUrl(url: string): string {
  const path = new URL(url).pathname.split('/').filter(Boolean).at(-1);
  try {
    return decodeURIComponent(path ?? new URL(url).host);
  } catch {
    return path ?? url;
  }
}
