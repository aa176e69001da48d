// The extract stage's contract: raw bytes in, plain text (not yet normalized) and metadata out.

import type { OcrRecord } from './ocr.js';

export interface ExtractInput {
  /** The raw bytes as fetched. */
  bytes: Uint8Array;
  /** Content-Type header, if the server sent one (a hint: magic bytes win). */
  contentType?: string | undefined;
  /** The document's URL, for resolving links and for messages; never used to guess the type. */
  url: string;
  /** HTML: keep only the elements matching this CSS selector. */
  select?: string | undefined;
  /** HTML: drop the elements matching these CSS selectors before extraction. */
  remove?: string[] | undefined;
  /**
   * HTML without `select`: keep the page's main content only, leaving out navigation, site headers
   * and footers, cookie banners, share widgets, comments and the like (see main-content.ts).
   * Default true; false keeps the whole page.
   */
  mainContent?: boolean | undefined;
  /**
   * The caller no longer needs `bytes`: the PDF pool may hand their buffer to its worker instead of a
   * copy (the buffer is then detached). Saves a copy of a large PDF. Default false.
   */
  giveUpBytes?: boolean | undefined;
  /** PDF without a text layer: run OCR (tesseract) when the machine has it. Default false. */
  ocr?: boolean | undefined;
  /** Content that changes on every fetch without being an edit (src/config/schema.ts `volatile`). */
  volatile?: VolatileOptions | undefined;
  /**
   * sha256 (hex) of `bytes`, when the caller has it (the fetcher hashes every body). HTML: a page
   * with nothing volatile in its markup has this as its stable hash, not hashed a second time.
   */
  sha256?: string | undefined;
  /** HTML: larger bodies (bytes as fetched, after Content-Encoding) fail as bad content. Default 20 MiB. */
  maxHtmlBytes?: number | undefined;
  /** HTML: elements nested deeper than this fail as bad content. Default 2,000. */
  maxHtmlDepth?: number | undefined;
}

/** What volatile.ts filters (all kinds: relativeDates, dropLines; HTML: tokens). */
export interface VolatileOptions {
  /** "3 hours ago", "Updated yesterday" in the text become "(relative date)". Default true. */
  relativeDates?: boolean | undefined;
  /** HTML: Extraction.stableSha256 is computed (tokens, session ids, tracking parameters masked). Default true. */
  tokens?: boolean | undefined;
  /** Lines of the (normalized) text matching any of these regular expressions (`u` flag) are removed. */
  dropLines?: string[] | undefined;
}

export type DocumentKind = 'html' | 'pdf' | 'docx' | 'text' | 'unknown';

/** Contract values for `list --json`'s `extraction` (besides `failed`, which sync sets on error). */
export type ExtractionStatus = 'text' | 'needs-ocr' | 'unsupported-type';

export interface Extraction {
  kind: DocumentKind;
  status: ExtractionStatus;
  /** Extracted text, before normalization ('' when status is not `text`). */
  text: string;
  title?: string | undefined;
  /** The charset the bytes were decoded with (HTML and text). */
  charset?: string | undefined;
  /** PDF page count. */
  pages?: number | undefined;
  author?: string | undefined;
  /** ISO 8601 dates from the document's own metadata, when it has them. */
  created?: string | undefined;
  modified?: string | undefined;
  /**
   * PDF: running headers and footers (lines repeated at the top or bottom of most pages) removed
   * from `text`, each once; a number that changes from page to page is shown as `#` (`Page # of 4`).
   */
  runningHeaders?: string[] | undefined;
  /**
   * HTML: sha256 of the raw bytes with their volatile markup masked (CSRF tokens, nonces, session ids
   * and tracking parameters in URLs, cache-busters, relative dates, dropLines matches:
   * src/extract/volatile.ts). Two fetches with the same text and the same stableSha256 differ only in
   * such noise. Absent when every `volatile` filter is off.
   */
  stableSha256?: string | undefined;
  /** PDF read by OCR (a source with `ocr: true`, a PDF without a text layer): how it went. */
  ocr?: OcrRecord | undefined;
  /** `name@version` of the extractor, so a change of extractor can be told from a change of text. */
  extractor: string;
  /** The media type decided on, e.g. `application/pdf`. */
  mediaType: string;
}
