// PDF to text with pdf-parse 2 (pdf.js underneath), page after page, each page under a
// `--- page N ---` marker line that the diff stage relies on.

import { createRequire } from 'node:module';
import path from 'node:path';
import { errorMessage, ExtractError, LeakmirrorError } from '../errors.js';
import { EXTRACTOR_VERSIONS } from './index.js';
import { pageLines, rejoinHyphenation, removeRunningLines, type PdfTextItem } from './pdf-layout.js';
import type { Extraction } from './types.js';

/** The exact marker line that opens page `n` (1-based). */
export function pageMarker(n: number): string {
  return `--- page ${n} ---`;
}

interface PdfjsAssets {
  cMapUrl: string;
  standardFontDataUrl: string;
}

let assets: PdfjsAssets | undefined;

/** pdf.js can't find its character maps and standard fonts by itself in Node: CJK text comes out empty. */
function pdfjsAssets(): PdfjsAssets {
  if (assets === undefined) {
    const root = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
    // Plain paths with a trailing separator: pdf.js's Node factories read them with fs.
    assets = {
      cMapUrl: path.join(root, 'cmaps') + path.sep,
      standardFontDataUrl: path.join(root, 'standard_fonts') + path.sep,
    };
  }
  return assets;
}

// C0 controls other than tab and line feed are glyph codes leaking from fonts without a Unicode map
// (issue20453 gives U+0003 for its spaces): never text, and poison for diffs and terminals.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\0-\x08\x0B-\x1F\x7F]/g;

export async function extractPdf(bytes: Uint8Array): Promise<Extraction> {
  if (bytes.length === 0) throw new ExtractError('bad-content', 'empty PDF (0 bytes)');
  const { PDFParse } = await import('pdf-parse');
  const parser = new PDFParse({
    // A copy: pdf.js transfers (detaches) the buffer it is given, and the caller still needs the bytes.
    data: new Uint8Array(bytes),
    ...pdfjsAssets(),
    cMapPacked: true,
    // Text extraction never needs pdf.js to compile font code with eval (CVE-2024-4367).
    isEvalSupported: false,
  });
  try {
    const info = await parser.getInfo();
    const pageLineLists = await readPageLines(bytes);
    const base = {
      kind: 'pdf' as const,
      pages: info.total,
      ...metadataOf(info),
      extractor: EXTRACTOR_VERSIONS.pdf,
      mediaType: 'application/pdf',
    };
    if (pageLineLists.every((lines) => lines.every((line) => line.trim() === ''))) {
      await assertPagesAreReal(bytes);
      return { ...base, status: 'needs-ocr', text: '' };
    }
    // Document-level decisions, before normalization: running headers and footers out (into the
    // metadata), then words broken at line ends (page ends included) rejoined where the document says so.
    const running = removeRunningLines(pageLineLists);
    const pages = rejoinHyphenation(running.pages).map((lines) => lines.join('\n').trim());
    const text = pages.map((page, index) => (page === '' ? pageMarker(index + 1) : `${pageMarker(index + 1)}\n${page}`)).join('\n\n');
    return {
      ...base,
      status: 'text',
      text: `${text}\n`,
      ...(running.removed.length > 0 ? { runningHeaders: running.removed } : {}),
    };
  } catch (error) {
    throw asExtractError(error);
  } finally {
    await parser.destroy();
  }
}

interface InfoLike {
  info?: unknown;
  metadata?: { get(name: string): unknown } | undefined;
  getDateNode(): { CreationDate?: Date | null; ModDate?: Date | null; XmpCreateDate?: Date | null; XmpModifyDate?: Date | null };
}

function metadataOf(info: InfoLike): Pick<Extraction, 'title' | 'author' | 'created' | 'modified'> {
  const dictionary = (typeof info.info === 'object' && info.info !== null ? info.info : {}) as Record<string, unknown>;
  const dates = info.getDateNode();
  return {
    title: cleanString(dictionary['Title']) ?? cleanString(info.metadata?.get('dc:title')),
    author: cleanString(dictionary['Author']) ?? cleanString(info.metadata?.get('dc:creator')),
    created: isoDate(dates.CreationDate) ?? isoDate(dates.XmpCreateDate),
    modified: isoDate(dates.ModDate) ?? isoDate(dates.XmpModifyDate),
  };
}

function cleanString(value: unknown): string | undefined {
  const text = Array.isArray(value) ? value.filter((item) => typeof item === 'string').join(', ') : value;
  if (typeof text !== 'string') return undefined;
  const cleaned = text.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return cleaned === '' ? undefined : cleaned;
}

function isoDate(date: Date | null | undefined): string | undefined {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

/**
 * Each page's text lines, from pdf.js's text items (pdf-layout.ts joins them). Its own document: the
 * same pdf.js build pdf-parse runs on, with the same character maps and fonts.
 */
async function readPageLines(bytes: Uint8Array): Promise<string[][]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    ...pdfjsAssets(),
    cMapPacked: true,
    isEvalSupported: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    const document = await task.promise;
    const pages: string[][] = [];
    for (let n = 1; n <= document.numPages; n++) {
      const page = await document.getPage(n);
      // Normalization off: pdf.js folds Arabic ligatures after reversing RTL words (see pageLines).
      const content = await page.getTextContent({ disableNormalization: true });
      const items: PdfTextItem[] = content.items.flatMap((item) => ('str' in item ? [item] : []));
      pages.push(pageLines(items).map((line) => line.replace(/\r\n?/g, '\n').replace(CONTROL_CHARACTERS, ' ')));
      page.cleanup();
    }
    return pages;
  } finally {
    await task.destroy();
  }
}

/**
 * No text on any page means a scan, unless pdf.js found no real page at all: with a broken page tree
 * it invents a blank page (with no object reference) rather than failing. That is a broken file.
 */
async function assertPagesAreReal(bytes: Uint8Array): Promise<void> {
  // The same pdf.js build pdf-parse runs on; loaded only for text-less PDFs.
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: pdfjs.VerbosityLevel.ERRORS });
  try {
    const document = await task.promise;
    for (let n = 1; n <= document.numPages; n++) {
      const page = await document.getPage(n);
      if (page.ref === null) {
        throw new ExtractError('bad-content', `broken PDF: page ${n} could not be read from the page tree`);
      }
    }
  } finally {
    await task.destroy();
  }
}

function asExtractError(error: unknown): LeakmirrorError {
  if (error instanceof LeakmirrorError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') {
    return new ExtractError('encrypted', 'PDF is encrypted and needs a password to open', {
      cause: error,
      hint: 'leakmirror keeps the raw file; it cannot extract text without the password',
    });
  }
  const what = name === 'InvalidPDFException' || name === 'FormatError' ? 'not a readable PDF' : 'PDF could not be parsed';
  return new ExtractError('bad-content', `${what}: ${errorMessage(error)}`, { cause: error });
}

