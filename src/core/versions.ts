// What sync, the Wayback importer and reextract share when they turn an extraction into a version.
import type { SourceConfig } from '../config/schema.js';
import { comparableText } from '../diff/ignore.js';
import type { Extraction } from '../extract/types.js';
import type { DocumentMeta } from '../store/metadata.js';

type ExtractionFields = Pick<DocumentMeta, 'pages' | 'author' | 'created' | 'modified' | 'charset' | 'runningHeaders' | 'extractor' | 'ocr'>;

/** The metadata an extraction provides (nulls when it failed; the extractor name carried over). */
export function extractionFields(extraction: Extraction | undefined, previous: DocumentMeta | undefined): ExtractionFields {
  return {
    pages: extraction?.pages ?? null,
    author: extraction?.author ?? null,
    created: extraction?.created ?? null,
    modified: extraction?.modified ?? null,
    charset: extraction?.charset ?? null,
    runningHeaders: extraction?.runningHeaders !== undefined && extraction.runningHeaders.length > 0 ? extraction.runningHeaders : null,
    extractor: extraction?.extractor ?? previous?.extractor ?? 'none',
    ocr: ocrRecordOf(extraction),
  };
}

/** What the metadata keeps of an OCR reading (its per-page warnings go to the run's report). */
export function ocrRecordOf(extraction: Extraction | undefined): DocumentMeta['ocr'] {
  const ocr = extraction?.ocr;
  return ocr === undefined ? null : { engine: ocr.engine, language: ocr.language, pages: ocr.pages, failedPages: ocr.failedPages };
}

/** True when the texts differ only in what the source's ignore rules call noise. */
export function onlyIgnoredChanges(previousText: string | undefined, text: string, rules: SourceConfig['ignore']): boolean {
  if (rules === undefined || previousText === undefined) return false;
  return comparableText(previousText, rules) === comparableText(text, rules);
}
