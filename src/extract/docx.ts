// Word (.docx) documents: mammoth turns the document's structure (headings, paragraphs, lists,
// tables) into plain HTML, which the HTML walker reads like any page, so a heading is a line and a
// list item is `- item` in both. Images, comments and footnote markers' styling are not text.

import { errorMessage, ExtractError } from '../errors.js';
import { DOCX_MEDIA_TYPE } from './detect.js';
import { extractHtml } from './html.js';
import { EXTRACTOR_VERSIONS } from './index.js';
import type { ExtractInput, Extraction } from './types.js';

export async function extractDocx(input: ExtractInput): Promise<Extraction> {
  const { default: mammoth } = await import('mammoth');
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength) },
      // Images would come out as base64 data URIs in <img> tags: text is all we keep.
      { convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })), externalFileAccess: false },
    );
    html = result.value;
  } catch (error) {
    throw new ExtractError('bad-content', `not a readable .docx document (${errorMessage(error)})`, { cause: error });
  }
  // mammoth's HTML is the document itself: nothing in it is page furniture.
  const extraction = extractHtml({
    bytes: new Uint8Array(Buffer.from(html, 'utf8')),
    contentType: 'text/html; charset=utf-8',
    url: input.url,
    mainContent: false,
    maxHtmlBytes: Number.MAX_SAFE_INTEGER,
    maxHtmlDepth: input.maxHtmlDepth,
    // No fingerprint of mammoth's HTML; relative dates and dropLines are applied by extract() (index.ts).
    volatile: { tokens: false, relativeDates: false, dropLines: [] },
  });
  return {
    kind: 'docx',
    status: 'text',
    text: extraction.text,
    title: extraction.title,
    extractor: EXTRACTOR_VERSIONS.docx,
    mediaType: DOCX_MEDIA_TYPE,
  };
}
