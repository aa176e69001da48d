// Word (.docx) documents: mammoth turns the document's structure (headings, paragraphs, lists,
// tables) into plain HTML, which the HTML walker reads like any page, so a heading is a line and a
// list item is `- item` in both. Images, comments and footnote markers' styling are not text.
//
// mammoth (through JSZip) inflates every part it reads into memory, on the main thread, trusting the
// archive: a ZIP bomb of a few KB would take the process down. So the archive is checked first with
// yauzl: entry count, declared sizes and compression ratios against DOCX_LIMITS from the central
// directory, then every entry inflated once as a stream and thrown away, which proves the declared
// sizes (yauzl fails an entry that inflates to more than it declares) without holding any of it.

import { errorMessage, ExtractError } from '../errors.js';
import { DOCX_MEDIA_TYPE } from './detect.js';
import { extractHtml } from './html.js';
import { EXTRACTOR_VERSIONS } from './index.js';
import type { ExtractInput, Extraction } from './types.js';

export interface DocxLimits {
  /** All entries together, inflated. */
  maxUncompressedBytes: number;
  maxEntries: number;
  /** Inflated size over compressed size, for entries larger than `ratioAboveBytes`. */
  maxRatio: number;
  ratioAboveBytes: number;
}

/** Real documents stay far below: a 300-page report with images is a few MB, its XML compresses about 10:1. */
export const DOCX_LIMITS: DocxLimits = {
  maxUncompressedBytes: 100 * 1024 * 1024,
  maxEntries: 10_000,
  maxRatio: 200,
  ratioAboveBytes: 1024 * 1024,
};

const MIB = 1024 * 1024;
const bytesText = (bytes: number): string =>
  bytes >= MIB && bytes % MIB === 0 ? `${(bytes / MIB).toLocaleString('en-US')} MiB` : `${bytes.toLocaleString('en-US')} bytes`;

/**
 * Fails with ExtractError('bad-content') when the archive is not a readable ZIP or would unpack
 * beyond `limits`. Reads the central directory, then inflates each entry as a stream (nothing kept).
 */
export async function checkDocxArchive(bytes: Uint8Array, limits: DocxLimits = DOCX_LIMITS): Promise<void> {
  const { default: yauzl } = await import('yauzl');
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let zipfile: import('yauzl').ZipFile;
  try {
    // decodeStrings: false: names are not validated as paths (nothing is written to disk).
    zipfile = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true, decodeStrings: false });
  } catch (error) {
    throw new ExtractError('bad-content', `not a readable .docx document (${errorMessage(error)})`, { cause: error });
  }
  try {
    if (zipfile.entryCount > limits.maxEntries) {
      throw new ExtractError('bad-content', `.docx archive with ${zipfile.entryCount.toLocaleString('en-US')} entries (at most ${limits.maxEntries.toLocaleString('en-US')})`);
    }
    const entries: import('yauzl').Entry[] = [];
    let total = 0;
    try {
      for await (const entry of zipfile.eachEntry()) {
        total += entry.uncompressedSize;
        if (total > limits.maxUncompressedBytes) {
          throw new ExtractError('bad-content', `.docx archive unpacks to more than ${bytesText(limits.maxUncompressedBytes)}`);
        }
        if (entry.uncompressedSize > limits.ratioAboveBytes && entry.uncompressedSize > limits.maxRatio * Math.max(entry.compressedSize, 1)) {
          throw new ExtractError(
            'bad-content',
            `.docx archive entry compressed more than ${limits.maxRatio}:1 (${entry.compressedSize.toLocaleString('en-US')} bytes unpack to ${entry.uncompressedSize.toLocaleString('en-US')}): a ZIP bomb?`,
          );
        }
        entries.push(entry);
      }
      for (const entry of entries) {
        const stream = await zipfile.openReadStreamPromise(entry);
        for await (const chunk of stream) void chunk;
      }
    } catch (error) {
      if (error instanceof ExtractError) throw error;
      throw new ExtractError('bad-content', `not a readable .docx document (${errorMessage(error)})`, { cause: error });
    }
  } finally {
    zipfile.close();
  }
}

export async function extractDocx(input: ExtractInput): Promise<Extraction> {
  await checkDocxArchive(input.bytes);
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
