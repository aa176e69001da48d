// `reextract`: after an extractor or rule change, derive the text again from the raw bytes the
// mirror already holds, without fetching, and record the differences as technical changes (never
// content changes), so an upgrade does not read as an edit of the documents.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DocumentError, type FailureClass } from '../errors.js';
import type { Extractor } from '../extract/pool.js';
import { normalizeText } from '../extract/normalize.js';
import { commitSubject } from '../store/git.js';
import { lockTarget, tempDir } from '../store/layout.js';
import { acquireLock } from '../store/lock.js';
import { readAllMeta, type DocumentMeta } from '../store/metadata.js';
import { DocumentStore, sha256Hex } from '../store/store.js';
import { mapPool } from '../util/map-pool.js';
import { openMirror, selectSources } from './mirror.js';
import { extractOptionsFor, extractorFor } from './stages.js';
import { ocrRecordOf } from './versions.js';
import { recoverWorkTree, type SyncEvent } from './sync.js';

export interface ReextractOptions {
  mirrorDir: string;
  /** Only the documents of these sources (all by default). */
  sources?: string[] | undefined;
  /** Report what would change, write nothing. */
  dryRun?: boolean | undefined;
  onEvent?: ((event: SyncEvent) => void) | undefined;
}

export interface ReextractReport {
  id: string;
  /** changed: new text (or extractor) recorded; unchanged; skipped: no raw copy or removed; failed. */
  status: 'changed' | 'unchanged' | 'skipped' | 'failed';
  commit?: string;
  from?: string;
  to?: string;
  error?: string;
  errorClass?: FailureClass;
}

export interface ReextractResult {
  documents: ReextractReport[];
  summary: Record<ReextractReport['status'], number>;
  dryRun: boolean;
}

export async function reextract(options: ReextractOptions): Promise<ReextractResult> {
  const mirror = await openMirror(options.mirrorDir);
  const sources = selectSources(mirror.config, options.sources);
  const byName = new Map(sources.map((source) => [source.name, source]));
  const dryRun = options.dryRun ?? false;
  const emit = options.onEvent ?? (() => undefined);
  const lock = dryRun ? undefined : await acquireLock(lockTarget(mirror.dir), 'reextract');
  const extractor = extractorFor(mirror.config);
  const store = new DocumentStore(mirror.dir, mirror.repo);
  try {
    if (!dryRun) await recoverWorkTree(mirror, tempDir(mirror.dir), emit, lock?.tookOverFrom !== undefined);
    const wanted = (await readAllMeta(mirror.dir)).filter((meta) => options.sources === undefined || options.sources.length === 0 || byName.has(meta.source));
    if (!dryRun) await store.begin();
    let reports: ReextractReport[];
    try {
      reports = await mapPool(wanted, Math.max(2, mirror.config.extract.workers ?? 2), async (meta) => {
        return reextractOne(meta, mirror.dir, byName.get(meta.source), extractor, store, dryRun);
      });
    } catch (error) {
      await store.abort();
      throw error;
    }
    if (!dryRun) await store.end();
    const summary = { changed: 0, unchanged: 0, skipped: 0, failed: 0 };
    for (const report of reports) summary[report.status] += 1;
    return { documents: reports, summary, dryRun };
  } finally {
    await store.settled();
    await extractor.close();
    await lock?.release();
  }
}

async function reextractOne(
  meta: DocumentMeta,
  mirrorDir: string,
  source: ReturnType<typeof selectSources>[number] | undefined,
  extractor: Extractor,
  store: DocumentStore,
  dryRun: boolean,
): Promise<ReextractReport> {
  if (meta.raw === null || meta.status !== 'active') return { id: meta.id, status: 'skipped' };
  const bytes = await readFile(join(mirrorDir, meta.raw)).catch(() => undefined);
  if (bytes === undefined) return { id: meta.id, status: 'skipped', error: `no raw file at ${meta.raw}` };
  let extraction;
  try {
    extraction = await extractor.extract({
      bytes,
      contentType: meta.contentType ?? undefined,
      url: meta.finalUrl,
      ...extractOptionsFor(source),
    });
  } catch (error) {
    if (error instanceof DocumentError) return { id: meta.id, status: 'failed', error: error.message, errorClass: error.failure };
    throw error;
  }
  const text = normalizeText(extraction.text);
  const textSha256 = sha256Hex(text);
  const state = extraction.status;
  if (textSha256 === meta.textSha256 && extraction.extractor === meta.extractor && state === meta.extraction) {
    return { id: meta.id, status: 'unchanged' };
  }
  const report: ReextractReport = { id: meta.id, status: 'changed', from: meta.extractor, to: extraction.extractor };
  if (dryRun) return report;
  const next: DocumentMeta = {
    ...meta,
    extraction: state,
    error: null,
    textSha256,
    stableSha256: extraction.stableSha256 ?? meta.stableSha256 ?? null,
    extractor: extraction.extractor,
    pages: extraction.pages ?? meta.pages,
    runningHeaders: extraction.runningHeaders !== undefined && extraction.runningHeaders.length > 0 ? extraction.runningHeaders : null,
    ocr: ocrRecordOf(extraction),
  };
  const commit = await store.record({
    meta: next,
    text: textSha256 === meta.textSha256 ? undefined : text,
    rawTempFile: undefined,
    previousRaw: undefined,
    changeType: 'technical',
    subject: commitSubject('Re-extract', meta.title ?? meta.id),
    body: `Text derived again from the stored raw bytes with ${extraction.extractor} (was ${meta.extractor}); nothing was fetched.`,
    authorDate: new Date().toISOString(),
  });
  return { ...report, commit };
}
