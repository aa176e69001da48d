// The extract stage: raw bytes in, text (not yet normalized) and metadata out.
// cheerio and pdf-parse cost tens of milliseconds to load, so the extractors that need them are
// imported only when a document of their kind turns up (`diff` and `list` never pay for them).

import { detectKind } from './detect.js';
import type { ExtractInput, Extraction } from './types.js';

/**
 * `name@version` per extractor, recorded in each Extraction. Bump the version whenever a change in
 * the code would change the text it gives for the same bytes.
 */
export const EXTRACTOR_VERSIONS = {
  html: 'html@2',
  docx: 'mammoth@1.13+html@2',
  pdf: 'pdf-parse@2.4.5+layout@2',
  text: 'text@1',
  unsupported: 'none@1',
} as const;

export async function extract(input: ExtractInput): Promise<Extraction> {
  const { kind, mediaType } = detectKind(input.bytes, input.contentType);
  switch (kind) {
    case 'html': {
      const { extractHtml } = await import('./html.js');
      return { ...extractHtml(input), mediaType };
    }
    case 'pdf': {
      const { extractPdf } = await import('./pdf.js');
      return extractPdf(input.bytes);
    }
    case 'docx': {
      const { extractDocx } = await import('./docx.js');
      return extractDocx(input);
    }
    case 'text': {
      const { extractText } = await import('./text.js');
      return extractText(input, mediaType);
    }
    case 'unknown':
      return { kind, status: 'unsupported-type', text: '', extractor: EXTRACTOR_VERSIONS.unsupported, mediaType };
  }
}

export { detectKind } from './detect.js';
export { createExtractor, ExtractorClosedError } from './pool.js';
export type { Extractor, ExtractorOptions } from './pool.js';
export { normalizeText } from './normalize.js';
export type { DocumentKind, ExtractInput, Extraction, ExtractionStatus } from './types.js';
