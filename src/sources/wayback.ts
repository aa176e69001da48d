// The Internet Archive's Wayback Machine as a source: its CDX API lists the captures of a URL (or of
// every URL under a prefix), and each capture's original bytes are at `<base>/web/<timestamp>id_/<url>`.
// Pure: URLs in, URLs out; CDX text in, captures out.
import { ConfigError, DocumentError } from '../errors.js';
import { canonicalUrl, type CanonicalOptions } from './url.js';

export { isExactPattern, WAYBACK_DELAY_MS, WAYBACK_PREFIX, waybackPattern, waybackPatternProblem } from './kinds.js';

export const DEFAULT_WAYBACK_BASE = 'https://web.archive.org';
/** The environment variable naming another archive (a local fake in tests, a pywb instance). */
export const WAYBACK_URL_ENV = 'LEAKMIRROR_WAYBACK_URL';

export interface Capture {
  /** 14 digits, UTC: YYYYMMDDhhmmss. */
  timestamp: string;
  /** The URL as the archive captured it. */
  original: string;
  mimetype: string;
  statuscode: string;
  /** The archive's digest of the payload (base32 SHA-1): equal digests, equal bytes. */
  digest: string;
}

/** The archive's base URL: https://web.archive.org unless LEAKMIRROR_WAYBACK_URL names another. */
export function waybackBase(env: Readonly<Record<string, string | undefined>>): string {
  const value = env[WAYBACK_URL_ENV]?.trim();
  if (value === undefined || value === '') return DEFAULT_WAYBACK_BASE;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${WAYBACK_URL_ENV} must be an http(s) URL, not "${value}"`, {}, { hint: `unset it to use ${DEFAULT_WAYBACK_BASE}` });
  }
  return url.toString().replace(/\/+$/, '');
}

const CDX_FIELDS = ['timestamp', 'original', 'mimetype', 'statuscode', 'digest'] as const;

/** The CDX query for every 200 capture of the pattern, identical neighbours collapsed by digest. */
export function cdxQueryUrl(base: string, pattern: string): string {
  return `${base}/cdx/search/cdx?url=${encodeURIComponent(pattern)}&output=json&fl=${CDX_FIELDS.join(',')}&filter=statuscode:200&collapse=digest`;
}

/** Where the archive serves a capture's original bytes (the `id_` form: no archive banner, no rewriting). */
export function captureUrl(base: string, capture: Pick<Capture, 'timestamp' | 'original'>): string {
  return `${base}/web/${capture.timestamp}id_/${capture.original}`;
}

/** `20121203101500` -> `2012-12-03T10:15:00.000Z`. */
export function captureDate(timestamp: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(timestamp);
  if (match === null) throw new DocumentError('bad-content', `not a capture timestamp: ${timestamp}`);
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second)).toISOString();
}

/**
 * Captures from a CDX JSON answer (`[[header...], [row...], ...]`, or `[]` when there are none),
 * columns found by the header row. Rows without a usable timestamp or URL are skipped.
 */
export function parseCdx(text: string, url: string): Capture[] {
  let data: unknown;
  try {
    data = text.trim() === '' ? [] : JSON.parse(text);
  } catch (error) {
    throw new DocumentError('bad-content', `the archive's capture list (${url}) is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data) || !data.every((row) => Array.isArray(row) && row.every((cell) => typeof cell === 'string'))) {
    throw new DocumentError('bad-content', `the archive's capture list (${url}) is not a CDX JSON table (an array of arrays of strings)`);
  }
  const rows = data as string[][];
  if (rows.length === 0) return [];
  const header = rows[0] as string[];
  const hasHeader = header.includes('timestamp') && header.includes('original');
  const column = (name: (typeof CDX_FIELDS)[number]): number => (hasHeader ? header.indexOf(name) : CDX_FIELDS.indexOf(name));
  const at = (row: string[], name: (typeof CDX_FIELDS)[number]): string => {
    const index = column(name);
    return index === -1 ? '' : (row[index] ?? '');
  };
  const captures: Capture[] = [];
  for (const row of hasHeader ? rows.slice(1) : rows) {
    const capture: Capture = {
      timestamp: at(row, 'timestamp'),
      original: at(row, 'original'),
      mimetype: at(row, 'mimetype'),
      statuscode: at(row, 'statuscode'),
      digest: at(row, 'digest'),
    };
    if (!/^\d{14}$/.test(capture.timestamp) || canonicalUrl(capture.original) === undefined) continue;
    if (capture.statuscode !== '' && capture.statuscode !== '200') continue;
    captures.push(capture);
  }
  return captures;
}

/**
 * The archive files `http://www.example.org/x` and `https://example.org/x` under one key (its SURT
 * ignores the scheme and `www.`): they are one document with one history here too.
 */
export function captureKey(original: string, options: CanonicalOptions = {}): string | undefined {
  const canonical = canonicalUrl(original, undefined, options);
  if (canonical === undefined) return undefined;
  const url = new URL(canonical);
  return `${url.hostname.replace(/^www\./, '')}${url.port === '' ? '' : `:${url.port}`}${url.pathname}${url.search}`;
}

export interface CaptureGroup {
  key: string;
  /** The canonical URL of the first capture: the document's URL. */
  url: string;
  /** In capture order, a capture identical (same digest) to the one before it left out. */
  captures: Capture[];
}

/**
 * Captures grouped into documents, each in capture order, consecutive identical captures counted
 * once (the archive collapses adjacent duplicates by digest; this repeats it in case it did not, or
 * when the variants of one URL were listed apart). `keep` filters by the canonical URL.
 */
export function groupCaptures(captures: readonly Capture[], keep: (url: string) => boolean, options: CanonicalOptions = {}): CaptureGroup[] {
  const groups = new Map<string, CaptureGroup>();
  for (const capture of [...captures].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0))) {
    const key = captureKey(capture.original, options);
    const url = canonicalUrl(capture.original, undefined, options);
    if (key === undefined || url === undefined || !keep(url)) continue;
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, url, captures: [] };
      groups.set(key, group);
    }
    const last = group.captures.at(-1);
    if (last !== undefined && capture.digest !== '' && last.digest === capture.digest) continue;
    if (last !== undefined && last.timestamp === capture.timestamp) continue;
    group.captures.push(capture);
  }
  return [...groups.values()].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}
