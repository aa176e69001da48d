// Wayback sources: the Internet Archive's captures of a URL (or of every URL under a prefix) become
// versions of documents. The CDX API lists the 200 captures, identical neighbours collapsed by
// digest; each capture's original bytes (the `id_` form) are fetched and recorded in capture order,
// the commit dated at the capture time and carrying a `Wayback-Capture: <timestamp> <original>`
// trailer. The last imported capture is kept in the document's metadata (`wayback`), so a re-run
// imports only later captures. Requests go through the per-host scheduler: the source's delay
// (default 1000 ms) keeps the archive at one request per second.
import { readFile, rm } from 'node:fs/promises';
import type { SourceConfig } from '../config/schema.js';
import { DocumentError } from '../errors.js';
import type { Extractor } from '../extract/pool.js';
import { normalizeText } from '../extract/normalize.js';
import type { Extraction } from '../extract/types.js';
import type { FetchedBody, Fetcher } from '../fetch/types.js';
import { fetchBytes, type Politely, type RequestFor } from '../sources/discover.js';
import { isExactPattern, waybackPattern } from '../sources/kinds.js';
import { urlFilter } from '../sources/url.js';
import { captureDate, captureKey, captureUrl, cdxQueryUrl, groupCaptures, parseCdx, waybackBase, type Capture } from '../sources/wayback.js';
import { commitSubject, type ChangeType } from '../store/git.js';
import { assignIds } from '../store/ids.js';
import type { DocumentMeta } from '../store/metadata.js';
import { sha256Hex, type DocumentStore } from '../store/store.js';
import type { SameBytesIndex } from './same-bytes.js';
import type { DocumentReport } from './sync.js';
import { extractOptionsFor } from './stages.js';
import { extractionFields, onlyIgnoredChanges } from './versions.js';

export interface WaybackDocument {
  id: string;
  /** The canonical URL of the document (of its first capture). */
  url: string;
  previous: DocumentMeta | undefined;
  /** Captures not imported yet, in capture order. */
  captures: Capture[];
}

export interface WaybackPlan {
  source: SourceConfig;
  base: string;
  documents: WaybackDocument[];
  /** Documents the archive has for the pattern (after match/exclude, before maxDocuments). */
  discovered: number;
  truncated: boolean;
}

export interface WaybackListContext {
  fetcher: Fetcher;
  politely: Politely;
  requestFor: RequestFor;
  env: Readonly<Record<string, string | undefined>>;
  /** Metadata of the source's documents already in the mirror. */
  known: readonly DocumentMeta[];
  /** Every id in use; the ids assigned here are added. */
  takenIds: Set<string>;
  warn?: ((message: string) => void) | undefined;
}

/** List the captures (one CDX request) and plan what is new. A failed listing is returned, not thrown. */
export async function listWayback(source: SourceConfig, context: WaybackListContext): Promise<{ plan: WaybackPlan } | { error: DocumentError }> {
  const pattern = waybackPattern(source.url);
  if (pattern === undefined) throw new Error(`source ${source.name} is not a wayback source`);
  const base = waybackBase(context.env);
  const cdxUrl = cdxQueryUrl(base, pattern);
  let captures: Capture[];
  try {
    const body = await fetchBytes(cdxUrl, source, context, "archive's capture list");
    captures = parseCdx(body.bytes.toString('utf8'), cdxUrl);
  } catch (error) {
    if (error instanceof DocumentError) return { error };
    throw error;
  }
  let groups = groupCaptures(captures, urlFilter(source), source);
  const discovered = groups.length;
  const truncated = source.maxDocuments !== undefined && groups.length > source.maxDocuments;
  if (truncated) {
    context.warn?.(`source ${source.name}: the archive has ${groups.length} documents, only the first ${source.maxDocuments} are imported (maxDocuments)`);
    groups = groups.slice(0, source.maxDocuments);
  }

  // A known document is found by the archive's notion of the same URL (scheme and www. aside).
  const knownByKey = new Map<string, DocumentMeta>();
  for (const meta of context.known) {
    const key = captureKey(meta.wayback?.original ?? meta.url, source) ?? captureKey(meta.url, source);
    if (key !== undefined) knownByKey.set(key, meta);
  }
  const existing = new Map<string, string>();
  for (const group of groups) {
    const meta = knownByKey.get(group.key);
    if (meta !== undefined) existing.set(group.url, meta.id);
  }
  const ids = assignIds(
    source.name,
    groups.map((group) => group.url),
    existing,
    context.takenIds,
    { single: isExactPattern(pattern) && groups.length === 1 && context.known.length === 0 },
  );

  const documents: WaybackDocument[] = [];
  for (const group of groups) {
    const id = ids.get(group.url) as string;
    context.takenIds.add(id);
    const previous = knownByKey.get(group.key);
    const last = previous?.wayback ?? undefined;
    let pending = last === undefined ? group.captures : group.captures.filter((capture) => capture.timestamp > last.timestamp);
    // The first new capture identical to the last imported one adds nothing.
    if (last !== undefined && pending[0] !== undefined && pending[0].digest !== '' && pending[0].digest === last.digest) pending = pending.slice(1);
    documents.push({ id, url: previous?.url ?? group.url, previous, captures: pending });
  }
  return { plan: { source, base, documents, discovered, truncated } };
}

export interface WaybackImportContext {
  fetcher: Fetcher;
  politely: Politely;
  requestFor: RequestFor;
  extractor: Pick<Extractor, 'extract'>;
  store: DocumentStore;
  dryRun: boolean;
  rawCopies: boolean;
  sameBytes?: SameBytesIndex | undefined;
  signal?: AbortSignal | undefined;
  /** Called with each document's report as soon as it is done. */
  onReport?: ((report: DocumentReport) => void) | undefined;
}

export interface WaybackImport {
  reports: DocumentReport[];
  /** Captures recorded (on a dry run: that would be fetched). */
  captures: number;
}

/**
 * Import the planned captures, one document after another and each document's captures in order.
 * A capture that cannot be fetched stops its document (the next run resumes there); one the archive
 * no longer serves (404/410) is skipped.
 */
export async function importWayback(plan: WaybackPlan, context: WaybackImportContext): Promise<WaybackImport> {
  const reports: DocumentReport[] = [];
  let captures = 0;
  for (const doc of plan.documents) {
    if (context.signal?.aborted === true) break;
    const base = { id: doc.id, url: doc.url, source: plan.source.name };
    let report: DocumentReport;
    if (doc.captures.length === 0) {
      report = { ...base, status: 'unchanged', title: doc.previous?.title ?? undefined };
    } else if (context.dryRun) {
      captures += doc.captures.length;
      report = { ...base, status: doc.previous === undefined ? 'new' : 'changed', title: doc.previous?.title ?? undefined };
    } else {
      const outcome = await importDocument(plan, doc, context);
      captures += outcome.recorded;
      report = { ...base, ...outcome.report };
    }
    reports.push(report);
    context.onReport?.(report);
  }
  return { reports, captures };
}

async function importDocument(
  plan: WaybackPlan,
  doc: WaybackDocument,
  context: WaybackImportContext,
): Promise<{ recorded: number; report: Omit<DocumentReport, 'id' | 'url' | 'source'> }> {
  let current = doc.previous;
  let recorded = 0;
  let commit: string | undefined;
  let changeType: ChangeType | undefined;
  let failure: DocumentError | undefined;
  let skipped: DocumentError | undefined;
  for (const capture of doc.captures) {
    if (context.signal?.aborted === true) break;
    const url = captureUrl(plan.base, capture);
    let fetched;
    try {
      fetched = await context.politely(plan.source, url, () => context.fetcher.fetch(context.requestFor(plan.source, url)));
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
      failure = new DocumentError(error.failure, `capture ${capture.timestamp}: ${error.message}`);
      break;
    }
    if (fetched.kind !== 'body') {
      skipped = new DocumentError(`http-${fetched.httpStatus}`, `the archive answered ${fetched.httpStatus} for capture ${capture.timestamp} (${url})`);
      continue;
    }
    try {
      const outcome = await recordCapture(plan, doc, capture, fetched, current, context);
      if (outcome === undefined) continue;
      current = outcome.meta;
      recorded += 1;
      commit = outcome.commit;
      // The report's change type is the strongest of the run's: content over technical.
      if (changeType !== 'content') changeType = outcome.changeType;
      if (outcome.failure !== undefined) failure = outcome.failure;
    } finally {
      await rm(fetched.filePath, { force: true });
    }
  }
  const title = current?.title ?? undefined;
  if (failure !== undefined) {
    return { recorded, report: { status: 'failed', changeType, commit, title, error: failure.message, errorClass: failure.failure } };
  }
  if (recorded === 0) {
    if (doc.previous === undefined && skipped !== undefined) return { recorded, report: { status: 'failed', title, error: skipped.message, errorClass: skipped.failure } };
    return { recorded, report: { status: 'unchanged', title } };
  }
  return { recorded, report: { status: doc.previous === undefined ? 'new' : 'changed', changeType, commit, title } };
}

async function recordCapture(
  plan: WaybackPlan,
  doc: WaybackDocument,
  capture: Capture,
  fetched: FetchedBody,
  previous: DocumentMeta | undefined,
  context: WaybackImportContext,
): Promise<{ meta: DocumentMeta; commit: string; changeType: ChangeType; failure: DocumentError | undefined } | undefined> {
  // Different digests, same bytes (the archive's digest is of the payload as it was transferred).
  if (previous !== undefined && previous.sha256 === fetched.sha256 && previous.extraction !== 'failed') return undefined;
  const source = plan.source;
  const capturedAt = captureDate(capture.timestamp);
  const contentType = fetched.contentType ?? (capture.mimetype === '' ? undefined : capture.mimetype);
  const bytes = await readFile(fetched.filePath);
  let extraction: Extraction | undefined;
  let failure: DocumentError | undefined;
  try {
    extraction = await context.extractor.extract({ bytes, contentType, url: capture.original, ...extractOptionsFor(source) });
  } catch (error) {
    if (!(error instanceof DocumentError)) throw error;
    failure = error;
  }
  // The same failing bytes as the last version: nothing new to record.
  if (failure !== undefined && previous?.sha256 === fetched.sha256) return undefined;

  const paths = context.store.layout.documentPaths(doc.id);
  const previousText = previous === undefined ? undefined : await context.store.readText(previous.text);
  const text = extraction !== undefined ? normalizeText(extraction.text) : (previousText ?? '');
  const textSha256 = sha256Hex(text);
  const mediaType = extraction?.mediaType ?? (contentType?.split(';')[0]?.trim().toLowerCase() || 'application/octet-stream');
  const title = extraction?.title?.trim() || previous?.title || titleFromUrl(doc.url);
  const meta: DocumentMeta = {
    id: doc.id,
    source: source.name,
    url: doc.url,
    finalUrl: fetched.finalUrl,
    title,
    status: 'active',
    extraction: failure !== undefined ? 'failed' : (extraction?.status ?? 'failed'),
    error: failure?.message ?? null,
    contentType: contentType ?? null,
    mediaType,
    sha256: fetched.sha256,
    stableSha256: extraction?.stableSha256 ?? null,
    size: fetched.size,
    textSha256,
    // The archive's validators say nothing about the original site.
    etag: null,
    lastModified: null,
    // The bytes are those the archive fetched at capture time.
    fetchedAt: capturedAt,
    removedAt: null,
    ...extractionFields(extraction, previous),
    text: paths.text,
    raw: context.rawCopies ? context.store.layout.rawPath(doc.id, mediaType) : null,
    sameAs: context.sameBytes?.claim(doc.id, fetched.sha256) ?? null,
    wayback: { timestamp: capture.timestamp, digest: capture.digest, original: capture.original },
  };
  // As in sync: a text that differs only where the source's ignore rules see noise is a technical change.
  const onlyNoise = onlyIgnoredChanges(previousText, text, source.ignore);
  const changeType: ChangeType = previous === undefined || (textSha256 !== previous.textSha256 && !onlyNoise) ? 'content' : 'technical';
  const verb = previous === undefined ? 'Add' : previous.status === 'removed' ? 'Restore' : 'Update';
  const viewUrl = `${plan.base}/web/${capture.timestamp}/${capture.original}`;
  const lines = [`Internet Archive capture of ${capture.original} taken ${capturedAt}: ${viewUrl}`];
  if (failure !== undefined) lines.push(`Extraction failed (${failure.failure}): ${failure.message}`, 'The raw bytes are recorded; the text is left as it was.');
  else if (changeType === 'technical') {
    lines.push(textSha256 === previous?.textSha256 ? 'The raw bytes changed; the extracted text did not.' : 'The text changed only where the ignore rules of this source say it is noise.');
  }
  const commit = await context.store.record({
    meta,
    text: text === previousText ? undefined : text,
    rawTempFile: context.rawCopies ? fetched.filePath : undefined,
    previousRaw: previous?.raw,
    changeType,
    subject: commitSubject(verb, title),
    body: lines.join('\n'),
    authorDate: capturedAt,
    extraTrailers: { 'Wayback-Capture': `${capture.timestamp} ${capture.original}` },
  });
  return { meta, commit, changeType, failure: failure === undefined ? undefined : new DocumentError(failure.failure, `capture ${capture.timestamp}: extraction failed: ${failure.message}`) };
}

function titleFromUrl(url: string): string {
  const path = new URL(url).pathname.split('/').filter(Boolean).at(-1);
  try {
    return decodeURIComponent(path ?? new URL(url).host);
  } catch {
    return path ?? url;
  }
}
