// The extract stage: raw bytes in, text (not yet normalized) and metadata out.
// cheerio and pdf-parse cost tens of milliseconds to load, so the extractors that need them are
// imported only when a document of their kind turns up (`diff` and `list` never pay for them).

import { detectKind } from './detect.js';
import type { ExtractInput, Extraction, VolatileOptions } from './types.js';
import { applyVolatileText } from './volatile.js';

/**
 * `name@version` per extractor, recorded in each Extraction. Bump the version whenever a change in
 * the code would change the text it gives for the same bytes.
 * html@3, docx html@3, text@2: relative dates ("3 hours ago") become "(relative date)" by default
 * (volatile.ts). layout@4: PDFs are read without pdf.js's substitute font programs (pdf.ts); only a
 * font without a Unicode map can give other (garbage) characters than layout@3 did.
 */
export const EXTRACTOR_VERSIONS = {
  html: 'html@3',
  docx: 'mammoth@1.13+html@3',
  pdf: 'pdf-parse@2.4.5+layout@4',
  text: 'text@2',
  unsupported: 'none@1',
} as const;

/**
 * The text and metadata of a document, with the source's volatile text filters applied (relative
 * dates, dropLines: volatile.ts), whatever its kind.
 */
export async function extract(input: ExtractInput): Promise<Extraction> {
  return withVolatileFiltered(await extractByKind(input), input.volatile);
}

/**
 * The volatile text filters of a source applied to an extraction made elsewhere (the PDF worker pool
 * hands PDFs to pdf.ts directly). Idempotent: applying it twice is applying it once.
 */
export function withVolatileFiltered(extraction: Extraction, options: VolatileOptions | undefined): Extraction {
  if (extraction.status !== 'text' || extraction.text === '') return extraction;
  const text = applyVolatileText(extraction.text, options);
  return text === extraction.text ? extraction : { ...extraction, text };
}

async function extractByKind(input: ExtractInput): Promise<Extraction> {
  const { kind, mediaType } = detectKind(input.bytes, input.contentType);
  switch (kind) {
    case 'html': {
      const { extractHtml } = await import('./html.js');
      return { ...extractHtml(input), mediaType };
    }
    case 'pdf': {
      const { extractPdf } = await import('./pdf.js');
      return extractPdf(input.bytes, { ocr: input.ocr === true ? {} : undefined });
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
export type { DocumentKind, ExtractInput, Extraction, ExtractionStatus, VolatileOptions } from './types.js';
