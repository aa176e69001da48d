// Decides what a document is from its bytes first and its Content-Type second, never from its URL:
// servers mislabel often (PDFs as application/octet-stream, HTML as text/plain), bytes don't lie.

import type { DocumentKind } from './types.js';

export interface DetectedKind {
  kind: DocumentKind;
  /** The media type decided on, lower case, without parameters. */
  mediaType: string;
}

const SNIFF_WINDOW = 1024;

// Each opener must be followed by whitespace, `>` or `/` to count (so `<pre` is not `<p`).
// Tags only a whole HTML document starts with:
const DOCUMENT_OPENERS = ['!doctype html', 'html', 'head', 'body'];
// Tags that also open fragments (Open Terms Archive-like captures are bare `<div>`s), but that Markdown
// may start with too (`<p align="center">` READMEs): a declared Markdown type beats these.
const FRAGMENT_OPENERS = [
  'div', 'p', 'span', 'a', 'b', 'br', 'table', 'title', 'meta', 'link', 'script', 'style', 'iframe',
  'font', 'section', 'article', 'main', 'header', 'footer', 'nav', 'ul', 'ol', 'form', 'img', 'h1', 'h2',
  'h3', 'h4', 'h5', 'h6', 'center', 'pre', 'blockquote',
];
const MARKDOWN_MEDIA_TYPES = new Set(['text/markdown', 'text/x-markdown']);

export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const DOCX_MAIN_PART = 'word/document.xml';
/** How far into the file the local file headers are followed, and how much of its end is searched for the central directory. */
const ZIP_SCAN_BYTES = 256 * 1024;

const HTML_MEDIA_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const PDF_MEDIA_TYPES = new Set(['application/pdf', 'application/x-pdf', 'application/acrobat']);
// Types that say "the server does not know": worth sniffing for plain text.
const UNLABELLED_MEDIA_TYPES = new Set(['', 'application/octet-stream', 'unknown/unknown', 'application/unknown', '*/*']);

/** The lower-case `type/subtype` of a Content-Type value, '' when absent or malformed. */
export function mediaTypeEssence(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const essence = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+*-]+$/.test(essence) ? essence : '';
}

export function detectKind(bytes: Uint8Array, contentType?: string): DetectedKind {
  const declared = mediaTypeEssence(contentType);
  const head = bytes.subarray(0, SNIFF_WINDOW);

  if (hasZipSignature(bytes)) {
    if (declared === DOCX_MEDIA_TYPE || zipHasEntry(bytes, DOCX_MAIN_PART)) return { kind: 'docx', mediaType: DOCX_MEDIA_TYPE };
    return { kind: 'unknown', mediaType: declared === '' || UNLABELLED_MEDIA_TYPES.has(declared) ? 'application/zip' : declared };
  }
  if (hasPdfSignature(head)) return { kind: 'pdf', mediaType: 'application/pdf' };
  const opener = htmlOpener(head);
  if (opener === 'document' || (opener === 'fragment' && !MARKDOWN_MEDIA_TYPES.has(declared))) {
    return { kind: 'html', mediaType: declared === 'application/xhtml+xml' ? declared : 'text/html' };
  }

  if (HTML_MEDIA_TYPES.has(declared)) return { kind: 'html', mediaType: declared };
  // Declared PDF without the signature: let the PDF extractor say what is wrong with it.
  if (PDF_MEDIA_TYPES.has(declared)) return { kind: 'pdf', mediaType: 'application/pdf' };
  if (declared.startsWith('text/')) return { kind: 'text', mediaType: declared };
  if (UNLABELLED_MEDIA_TYPES.has(declared) && looksLikeText(head)) return { kind: 'text', mediaType: 'text/plain' };
  return { kind: 'unknown', mediaType: declared === '' ? 'application/octet-stream' : declared };
}

function hasZipSignature(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * Whether a ZIP archive names `entry`: its local file headers are followed from the start (as far
 * as their sizes are known: a header with a data descriptor stops the walk), then the central
 * directory near the end is searched for the name. Word writes `word/document.xml` among the first
 * entries; other producers put it after the media, where the central directory still lists it.
 */
function zipHasEntry(bytes: Uint8Array, entry: string): boolean {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const limit = Math.min(view.length, ZIP_SCAN_BYTES);
  let offset = 0;
  while (offset + 30 <= limit && view.readUInt32LE(offset) === 0x04034b50) {
    const flags = view.readUInt16LE(offset + 6);
    const compressedSize = view.readUInt32LE(offset + 18);
    const nameLength = view.readUInt16LE(offset + 26);
    const extraLength = view.readUInt16LE(offset + 28);
    if (offset + 30 + nameLength > view.length) break;
    if (view.toString('latin1', offset + 30, offset + 30 + nameLength) === entry) return true;
    if ((flags & 0x08) !== 0 || compressedSize === 0xffffffff) break; // size unknown here (data descriptor, ZIP64)
    offset += 30 + nameLength + extraLength + compressedSize;
  }
  // Central directory file headers (PK\x01\x02) carry the name 46 bytes in.
  const tailStart = Math.max(0, view.length - ZIP_SCAN_BYTES);
  const needle = Buffer.from(entry, 'latin1');
  for (let at = view.indexOf(needle, tailStart); at !== -1; at = view.indexOf(needle, at + 1)) {
    const header = at - 46;
    if (header >= 0 && view.readUInt32LE(header) === 0x02014b50 && view.readUInt16LE(header + 28) === needle.length) return true;
  }
  return false;
}

function hasPdfSignature(head: Uint8Array): boolean {
  // Some producers put junk (or a MacBinary header) before `%PDF-`; readers accept it within 1 KB.
  return Buffer.from(head.buffer, head.byteOffset, head.byteLength).indexOf('%PDF-', 0, 'latin1') !== -1;
}

/** The first 1024 bytes as a string good enough for ASCII markers, whatever the BOM says. */
function headAsText(head: Uint8Array): string {
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le').decode(head.subarray(2));
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be').decode(head.subarray(2));
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  return Buffer.from(head.buffer, head.byteOffset + start, head.byteLength - start).toString('latin1');
}

/** Whether the bytes open with an HTML tag (after a BOM, whitespace, comments and `<?xml …?>`). */
function htmlOpener(head: Uint8Array): 'document' | 'fragment' | undefined {
  const text = headAsText(head);
  let position = 0;
  // Skip whitespace, comments, XML declarations and processing instructions before the first tag.
  for (;;) {
    while (position < text.length && isHtmlWhitespace(text.charCodeAt(position))) position++;
    if (text.startsWith('<!--', position)) {
      const end = text.indexOf('-->', position + 4);
      if (end === -1) return undefined;
      position = end + 3;
    } else if (text.startsWith('<?', position)) {
      const end = text.indexOf('>', position + 2);
      if (end === -1) return undefined;
      position = end + 1;
    } else {
      break;
    }
  }
  if (text.charCodeAt(position) !== 0x3c /* < */) return undefined;
  const rest = text.slice(position + 1, position + 1 + 20).toLowerCase();
  const opens = (tag: string): boolean => {
    if (!rest.startsWith(tag)) return false;
    const after = rest.charCodeAt(tag.length);
    return Number.isNaN(after) || after === 0x3e /* > */ || after === 0x2f /* / */ || isHtmlWhitespace(after);
  };
  if (DOCUMENT_OPENERS.some(opens)) return 'document';
  if (FRAGMENT_OPENERS.some(opens)) return 'fragment';
  return undefined;
}

function isHtmlWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

/** WHATWG MIME sniffing's "binary data byte" test: control bytes other than whitespace and ESC mean binary. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return true;
  for (const byte of head) {
    if (byte <= 0x08 || byte === 0x0b || (byte >= 0x0e && byte <= 0x1a) || (byte >= 0x1c && byte <= 0x1f)) return false;
  }
  return true;
}
