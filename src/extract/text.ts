// Plain text and Markdown: decoded, otherwise passed through (normalization comes later).

import { decodeText } from './charset.js';
import { EXTRACTOR_VERSIONS } from './index.js';
import type { ExtractInput, Extraction } from './types.js';

export function extractText(input: ExtractInput, mediaType = 'text/plain'): Extraction {
  const { text, charset } = decodeText(input.bytes, input.contentType);
  return { kind: 'text', status: 'text', text, charset, extractor: EXTRACTOR_VERSIONS.text, mediaType };
}
