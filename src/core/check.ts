// `check <source>`: fetch every document of a source twice, a few seconds apart, and report those
// whose text differs between the two fetches, with the differing lines and a suggested ignore rule:
// the noise is found before it pollutes the history. Writes nothing.
import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceConfig } from '../config/schema.js';
import { diffTexts } from '../diff/engine.js';
import { DocumentError, UsageError } from '../errors.js';
import type { Extractor } from '../extract/pool.js';
import { normalizeText } from '../extract/normalize.js';
import { createFetcher } from '../fetch/fetcher.js';
import { HostScheduler } from '../fetch/host-scheduler.js';
import type { Fetcher } from '../fetch/types.js';
import { discoverDocuments } from '../sources/discover.js';
import { readAllMeta } from '../store/metadata.js';
import { mapPool } from '../util/map-pool.js';
import { openMirror, selectSources } from './mirror.js';
import { extractOptionsFor, extractorFor, fetcherOptionsFor } from './stages.js';
import { resolveHeaders } from './sync.js';

export interface CheckOptions {
  mirrorDir: string;
  source: string;
  /** Time between the two fetches of each document (ms). */
  intervalMs?: number | undefined;
  allowPrivateNetwork?: boolean | undefined;
  delayMs?: number | undefined;
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

export interface NoisyLine {
  before: string;
  after: string;
}

export interface CheckReport {
  id: string;
  url: string;
  status: 'stable' | 'noisy' | 'failed';
  lines?: NoisyLine[];
  /** Regular expressions that would make these differences noise (for `ignore.patterns`). */
  suggestedPatterns?: string[];
  /**
   * For differing lines that look like a stamp ("Last updated: ...", "Printed on ...", "Generated at
   * ..."): rules for `volatile.dropLines`, which keep such a line out of the text altogether.
   */
  suggestedDropLines?: string[];
  error?: string;
}

export interface CheckResult {
  source: string;
  documents: CheckReport[];
  noisy: number;
}

/**
 * A pattern for a line that changed between fetches: the parts both versions share are kept
 * literally, digits (dates, counters, times) become \d+. "Printed on 2012-12-10" -> "Printed on \d+-\d+-\d+".
 */
export function suggestPattern(before: string, after: string): string {
  const shape = (line: string) => line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\d+/g, '\\d+');
  const a = shape(before);
  return a === shape(after) ? a : `${commonPrefix(a, shape(after)).replace(/\\$/, '')}.*`;
}

// A line that says when the page was made or printed, not what it says: "Last updated: 3 Dec 2026",
// "Printed on 2012-12-10", "Page generated at 10:32", "As of 3 December", "Stand: 03.12.2026".
const STAMP = /\b(?:last[\s-]+(?:updated|modified|changed|edited|reviewed|revised|refreshed|generated)|(?:page\s+)?(?:updated|modified|generated|printed|retrieved|accessed|fetched|rendered|refreshed|cached|built|created)|as\s+(?:of|at)|mis\s+à\s+jour|stand)(?:\s+(?:on|at|le))?(?![\p{L}\p{N}])\s*:?/iu;
const MAX_STAMP_LINE = 160;

/**
 * A `volatile.dropLines` rule for a line that changed between fetches and looks like a date stamp:
 * `^` and the line up to the end of its stamp words, so "Last updated: 3 Dec 2026" gives
 * `^Last updated:`. Undefined for other lines (long ones, lines without a digit, a rule that would
 * not match the other version).
 */
export function suggestDropLine(before: string, after: string): string | undefined {
  const line = before !== '' ? before : after;
  if (line.length > MAX_STAMP_LINE || !/\d/u.test(line)) return undefined;
  const match = STAMP.exec(line);
  if (match === null) return undefined;
  const prefix = line.slice(0, match.index + match[0].length).trimEnd();
  const rule = `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\d+/g, '\\d+')}`;
  const regex = new RegExp(rule, 'u');
  return [before, after].every((version) => version === '' || regex.test(version)) ? rule : undefined;
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i += 1;
  return a.slice(0, i);
}

export async function check(options: CheckOptions): Promise<CheckResult> {
  const mirror = await openMirror(options.mirrorDir);
  const [source] = selectSources(mirror.config, [options.source]);
  if (source === undefined) throw new UsageError(`unknown source: ${options.source}`);
  if (source.kind === 'wayback') throw new UsageError('check compares live fetches; a wayback source has fixed captures');
  const headers = resolveHeaders(source, options.env ?? {});
  const scratch = await mkdtemp(join(tmpdir(), 'leakmirror-check-'));
  const fetcher = createFetcher({
    ...fetcherOptionsFor(mirror.config, scratch),
    allowPrivateNetwork: options.allowPrivateNetwork ?? source.allowPrivateNetwork === true,
  });
  const extractor = extractorFor(mirror.config);
  const scheduler = new HostScheduler(mirror.config.fetch.perHostConcurrency);
  const delay = options.delayMs ?? source.delayMs ?? mirror.config.fetch.delayMs;
  const politely = <T>(_source: SourceConfig, url: string, task: () => Promise<T>): Promise<T> => scheduler.run(new URL(url).host, delay, task);
  const requestFor = (_source: SourceConfig, url: string) => ({ url, headers, ignoreRobots: source.ignoreRobots, allowCrossSiteRedirects: source.allowCrossSiteRedirects });
  try {
    const discovery = await discoverDocuments(source, { fetcher, politely, requestFor });
    if (discovery.error !== undefined) throw discovery.error;
    const fetchText = (url: string) => textOf(url, source, { fetcher, extractor, politely, requestFor });
    const first = await mapPool(discovery.urls, mirror.config.fetch.concurrency, (url) => fetchText(url).catch((error: unknown) => error));
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 5000));
    // Documents already in the mirror are named by their id; new ones by their URL.
    const ids = new Map((await readAllMeta(mirror.dir)).filter((meta) => meta.source === source.name).map((meta) => [meta.url, meta.id]));
    const documents = await mapPool(discovery.urls, mirror.config.fetch.concurrency, async (url, index): Promise<CheckReport> => {
      const id = ids.get(url) ?? url;
      const before = first[index];
      const after = await fetchText(url).catch((error: unknown) => error);
      if (typeof before !== 'string' || typeof after !== 'string') {
        const error = typeof before !== 'string' ? before : after;
        if (error instanceof DocumentError) return { id, url, status: 'failed', error: error.message };
        throw error;
      }
      if (before === after) return { id, url, status: 'stable' };
      const lines: NoisyLine[] = [];
      for (const hunk of diffTexts(before, after, { mode: 'line', context: 0 }).hunks) {
        const removed = hunk.lines.filter((line) => line.op === 'removed').map((line) => line.text);
        const added = hunk.lines.filter((line) => line.op === 'added').map((line) => line.text);
        for (let i = 0; i < Math.max(removed.length, added.length); i += 1) lines.push({ before: removed[i] ?? '', after: added[i] ?? '' });
      }
      const suggestedPatterns = [...new Set(lines.filter((line) => line.before !== '' && line.after !== '').map((line) => suggestPattern(line.before, line.after)))];
      const suggestedDropLines = [...new Set(lines.flatMap((line) => suggestDropLine(line.before, line.after) ?? []))];
      return { id, url, status: 'noisy', lines, suggestedPatterns, ...(suggestedDropLines.length > 0 ? { suggestedDropLines } : {}) };
    });
    return { source: source.name, documents, noisy: documents.filter((doc) => doc.status === 'noisy').length };
  } finally {
    await extractor.close();
    await fetcher.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

interface TextContext {
  fetcher: Fetcher;
  extractor: Extractor;
  politely: <T>(source: SourceConfig, url: string, task: () => Promise<T>) => Promise<T>;
  requestFor: (source: SourceConfig, url: string) => { url: string };
}

async function textOf(url: string, source: SourceConfig, context: TextContext): Promise<string> {
  const result = await context.politely(source, url, () => context.fetcher.fetch(context.requestFor(source, url)));
  if (result.kind !== 'body') throw new DocumentError(`http-${result.httpStatus}`, `the server answered ${result.httpStatus}`);
  try {
    const bytes = await readFile(result.filePath);
    const extraction = await context.extractor.extract({ bytes, contentType: result.contentType, url: result.finalUrl, ...extractOptionsFor(source) });
    return normalizeText(extraction.text);
  } finally {
    await rm(result.filePath, { force: true });
  }
}
