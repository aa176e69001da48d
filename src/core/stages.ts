// The fetch and extract stages as a mirror's configuration sets them up, for every command that
// runs them (sync, check, reextract).
import type { MirrorConfig, SourceConfig } from '../config/schema.js';
import { createExtractor, type Extractor } from '../extract/pool.js';
import type { ExtractInput } from '../extract/types.js';
import type { FetcherOptions } from '../fetch/types.js';
import { userAgent } from '../version.js';

/** Fetcher options from the configuration; the caller adds what it decides per run. */
export function fetcherOptionsFor(config: MirrorConfig, tempDir: string): Omit<FetcherOptions, 'allowPrivateNetwork'> {
  return {
    tempDir,
    userAgent: userAgent(config.contact),
    maxBytes: config.fetch.maxBytes,
    timeoutMs: config.fetch.timeoutMs,
    connectTimeoutMs: config.fetch.connectTimeoutMs,
    maxRedirects: config.fetch.maxRedirects,
    retries: config.fetch.retries,
  };
}

/** The PDF worker pool (and in-thread HTML/text extraction) the configuration asks for. */
export function extractorFor(config: MirrorConfig): Extractor {
  return createExtractor({
    workers: config.extract.workers,
    timeoutMs: config.extract.pdfTimeoutMs,
    ocrPageTimeoutMs: config.extract.ocrPageTimeoutMs,
    ocrLanguage: config.extract.ocrLanguage,
  });
}

/** What a source's configuration asks of the extract stage, besides the bytes themselves. */
export function extractOptionsFor(source: SourceConfig | undefined): Omit<ExtractInput, 'bytes' | 'contentType' | 'url'> {
  if (source === undefined) return {};
  return {
    select: source.select,
    remove: source.remove,
    mainContent: source.mainContent,
    ocr: source.ocr,
    volatile: source.volatile,
  };
}
