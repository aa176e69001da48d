// The metadata file of a document: what was fetched, from where, when, and how it was extracted.
// Written with a fixed key order so that its git diffs show only what changed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { META_DIR } from './layout.js';

export type DocumentStatus = 'active' | 'removed';
export type ExtractionState = 'text' | 'needs-ocr' | 'unsupported-type' | 'failed';

export interface DocumentMeta {
  id: string;
  source: string;
  url: string;
  finalUrl: string;
  title: string | null;
  status: DocumentStatus;
  extraction: ExtractionState;
  /** Why extraction failed, when it did. */
  error: string | null;
  contentType: string | null;
  mediaType: string;
  /** sha256 of the raw bytes. */
  sha256: string;
  /**
   * HTML: sha256 of the raw bytes with their volatile markup masked (src/extract/volatile.ts): the
   * same text and the same stableSha256 as the last version is no new version. Absent before it existed.
   */
  stableSha256?: string | null;
  size: number;
  /** sha256 of the normalized text file. */
  textSha256: string;
  etag: string | null;
  lastModified: string | null;
  /** When the recorded bytes were fetched (ISO 8601). */
  fetchedAt: string;
  /** When the document was found gone, if it was. */
  removedAt: string | null;
  pages: number | null;
  author: string | null;
  created: string | null;
  modified: string | null;
  charset: string | null;
  extractor: string;
  /** Paths relative to the mirror root; raw is null when raw copies are off. */
  text: string;
  raw: string | null;
  /** Ids of other documents whose raw bytes had the same sha256 when this version was recorded. */
  sameAs?: string[] | null;
  /** Wayback sources: the last capture imported (re-runs import only later ones). */
  wayback?: { timestamp: string; digest: string; original: string } | null;
  /** PDF lines repeated at the top or bottom of most pages, removed from the text (`#` = a number). */
  runningHeaders?: string[] | null;
  /** A PDF read by OCR: the engine, language, pages read and pages that failed. Absent otherwise. */
  ocr?: { engine: string; language: string; pages: number; failedPages: number[] } | null;
}

const KEY_ORDER: Array<keyof DocumentMeta> = [
  'id', 'source', 'url', 'finalUrl', 'title', 'status', 'extraction', 'error', 'contentType', 'mediaType',
  'sha256', 'stableSha256', 'size', 'textSha256', 'etag', 'lastModified', 'fetchedAt', 'removedAt', 'pages', 'author',
  'created', 'modified', 'charset', 'extractor', 'text', 'raw', 'sameAs', 'wayback', 'runningHeaders', 'ocr',
];

export function serializeMeta(meta: DocumentMeta): string {
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) ordered[key] = meta[key] ?? null;
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export function parseMeta(text: string, path: string): DocumentMeta {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StoreError(`corrupt metadata file ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (data === null || typeof data !== 'object' || typeof (data as DocumentMeta).id !== 'string' || typeof (data as DocumentMeta).url !== 'string') {
    throw new StoreError(`corrupt metadata file ${path}: missing id or url`);
  }
  return data as DocumentMeta;
}

export async function writeMeta(mirrorDir: string, relativePath: string, meta: DocumentMeta, tempDir: string): Promise<void> {
  await writeFileAtomic(join(mirrorDir, relativePath), serializeMeta(meta), tempDir);
}

/**
 * Every document's metadata in the mirror's work tree, sorted by id. Read with synchronous calls, one
 * file after another: callers read them before anything else is under way, and thousands of small
 * reads cost far less this way than as promises through libuv's thread pool (four calls each, and
 * a thread wake-up per call); one file open at a time, whatever the mirror's size (no EMFILE).
 */
export async function readAllMeta(mirrorDir: string): Promise<DocumentMeta[]> {
  const root = join(mirrorDir, META_DIR);
  let entries: string[];
  try {
    entries = readdirSync(root, { recursive: true, encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new StoreError(`cannot read ${root}: ${(error as Error).message}`, { cause: error });
  }
  const files = entries.filter((entry) => entry.endsWith('.json')).sort();
  const metas: DocumentMeta[] = [];
  for (const file of files) {
    const path = join(root, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new StoreError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
    metas.push(parseMeta(text, path));
  }
  return metas.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
