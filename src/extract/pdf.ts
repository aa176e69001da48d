// PDF to text with pdf.js (the build pdf-parse 2 ships), page after page, each page under a
// `--- page N ---` marker line that the diff stage relies on. A PDF without a text layer is a scan:
// `needs-ocr`, or, when asked and tesseract is on the machine, its pages read by OCR (ocr.ts).

import { createRequire } from 'node:module';
import path from 'node:path';
import { errorMessage, ExtractError, LeakmirrorError } from '../errors.js';
import { EXTRACTOR_VERSIONS } from './index.js';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { findTesseract, ocrExtractorTag, ocrPages, type OcrOptions, type OcrRecord, type PageSize, type Tesseract } from './ocr.js';
import { pageLines, rejoinHyphenation, removeRunningLines, withFormFieldValues, type FormFieldValue, type PdfTextItem } from './pdf-layout.js';
import type { Extraction } from './types.js';

/** The exact marker line that opens page `n` (1-based). */
export function pageMarker(n: number): string {
  return `--- page ${n} ---`;
}

export interface PdfjsAssets {
  cMapUrl: string;
  standardFontDataUrl: string;
  /** OpenJPEG for JPX images: rendering only (OCR), text never needs it. */
  wasmUrl: string;
}

let assets: PdfjsAssets | undefined;

/** pdf.js can't find its character maps and standard fonts by itself in Node: CJK text comes out empty. */
export function pdfjsAssets(): PdfjsAssets {
  if (assets === undefined) {
    const root = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
    // Plain paths with a trailing separator: pdf.js's Node factories read them with fs.
    assets = {
      cMapUrl: path.join(root, 'cmaps') + path.sep,
      standardFontDataUrl: path.join(root, 'standard_fonts') + path.sep,
      wasmUrl: path.join(root, 'wasm') + path.sep,
    };
  }
  return assets;
}

// C0 controls other than tab and line feed are glyph codes leaking from fonts without a Unicode map
// (issue20453 gives U+0003 for its spaces): never text, and poison for diffs and terminals.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\0-\x08\x0B-\x1F\x7F]/g;

/** What extractPdf may do besides reading the text layer. */
export interface PdfOptions {
  /**
   * The caller gives `bytes` away (the pool's worker, which received them transferred): pdf.js takes
   * their buffer as it is (and detaches it) instead of a copy. Default false: the caller's bytes are
   * copied once and stay usable.
   */
  transfer?: boolean | undefined;
  /** Read a PDF without a text layer with tesseract, when the machine has it (ocr.ts). Default: no OCR. */
  ocr?: OcrOptions | undefined;
}

/** An Extraction, with how OCR went when the text came from it (or OCR was tried and found none). */
export type PdfExtraction = Extraction & { ocr?: OcrRecord | undefined };

/**
 * One pdf.js document per PDF serves the metadata and the text (and, for a scan, hands its bytes on
 * to OCR). The text comes from pdf.js's text items, not from pdf-parse's getText(): pdf-layout.ts
 * needs each item's position and end-of-line flag to rebuild lines, running headers and hyphenation,
 * and pdf-parse's document is private to it, so going through it (getInfo(), then getText()) meant
 * opening every PDF twice. pdf-parse still supplies the pdf.js build (its pinned pdfjs-dist, named in
 * the extractor version) and, for OCR, the page rendering (getScreenshot on @napi-rs/canvas).
 */
export async function extractPdf(bytes: Uint8Array, options: PdfOptions = {}): Promise<PdfExtraction> {
  if (bytes.length === 0) throw new ExtractError('bad-content', 'empty PDF (0 bytes)');
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const { cMapUrl, wasmUrl } = pdfjsAssets();
  const task = pdfjs.getDocument({
    // pdf.js detaches the buffer it is given: the caller's own bytes only when they are given away,
    // else one copy. (Bytes given away that are a view of part of a buffer, pdf.js copies itself.)
    data: options.transfer === true ? bytes : new Uint8Array(bytes),
    // No standard font data (standardFontDataUrl) for the text layer. For a font the PDF names but
    // does not embed (Helvetica, Arial, Times...), pdf.js would load a substitute font program from
    // its standard_fonts/ and convert it to OpenType, in every document again: drawing shapes the
    // text never needs. Its Unicode map and widths come from the PDF and pdf.js's own tables either
    // way. Measured (BENCHMARKS.md, 2026-12-03 late): a 1-page Helvetica PDF 5.3 -> 1.3 ms, the sync
    // bench's 3-10 page PDFs 23 -> 16 ms each; 432 of 433 test PDFs give the same bytes, and the
    // other (issue20453, a font with no Unicode map) was glyph garbage before and after.
    // Rendering for OCR (ocr.ts) still gets the fonts.
    cMapUrl,
    wasmUrl,
    cMapPacked: true,
    // Text extraction never needs pdf.js to compile font code with eval (CVE-2024-4367).
    isEvalSupported: false,
    // Already pdf.js's defaults in Node, spelled out: no font faces or system fonts to load for text.
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  let scan: { data: Uint8Array; sizes: PageSize[]; tesseract: Tesseract } | undefined;
  let base: Omit<PdfExtraction, 'status' | 'text'>;
  let pageLineLists: string[][];
  try {
    const document = await task.promise;
    const { info, metadata } = await document.getMetadata();
    base = {
      kind: 'pdf' as const,
      pages: document.numPages,
      ...metadataOf(pdfjs.PDFDateString, info, metadata),
      extractor: EXTRACTOR_VERSIONS.pdf,
      mediaType: 'application/pdf',
    };
    const read = await readPageLines(document);
    pageLineLists = read.lines;
    if (pageLineLists.every((lines) => lines.every((line) => line.trim() === ''))) {
      // No text on any page means a scan, unless pdf.js found no real page at all: with a broken page
      // tree it invents a blank page (with no object reference) rather than failing. That is a broken file.
      if (read.brokenPage !== undefined) {
        throw new ExtractError('bad-content', `broken PDF: page ${read.brokenPage} could not be read from the page tree`);
      }
      // OCR renders the pages from a document of its own (pdf-parse's): the bytes back from pdf.js, as
      // ours may be detached; this document is closed first.
      if (options.ocr !== undefined) {
        const tesseract = await findTesseract(options.ocr.command);
        if (tesseract !== undefined) scan = { data: await document.getData(), sizes: read.sizes, tesseract };
      }
    }
  } catch (error) {
    throw asExtractError(error);
  } finally {
    await task.destroy();
  }
  if (scan !== undefined) {
    let result;
    try {
      result = await ocrPages(scan.data, scan.sizes, scan.tesseract, options.ocr ?? {}, pdfjsAssets());
    } catch (error) {
      throw asExtractError(error);
    }
    // The extractor names tesseract's major version: reextract can tell OCR'd text from read text.
    const ocrBase = { ...base, extractor: `${EXTRACTOR_VERSIONS.pdf}+${ocrExtractorTag(scan.tesseract)}`, ocr: result.record };
    const lines = result.pages.map((page) => page.map(cleanLine));
    // OCR that recognised nothing (a blank scan, every page failed): still a scan waiting for text.
    if (lines.every((page) => page.every((line) => line.trim() === ''))) return { ...ocrBase, status: 'needs-ocr', text: '' };
    return { ...ocrBase, ...assemble(lines) };
  }
  if (pageLineLists.every((lines) => lines.every((line) => line.trim() === ''))) return { ...base, status: 'needs-ocr', text: '' };
  return { ...base, ...assemble(pageLineLists) };
}

/**
 * Document-level decisions, before normalization: running headers and footers out (into the
 * metadata), then words broken at line ends (page ends included) rejoined where the document says so;
 * each page under its marker.
 */
function assemble(pageLineLists: string[][]): Pick<Extraction, 'status' | 'text' | 'runningHeaders'> {
  const running = removeRunningLines(pageLineLists);
  const pages = rejoinHyphenation(running.pages).map((lines) => lines.join('\n').trim());
  const text = pages.map((page, index) => (page === '' ? pageMarker(index + 1) : `${pageMarker(index + 1)}\n${page}`)).join('\n\n');
  return {
    status: 'text',
    text: `${text}\n`,
    ...(running.removed.length > 0 ? { runningHeaders: running.removed } : {}),
  };
}

function cleanLine(line: string): string {
  return line.replace(/\r\n?/g, '\n').replace(CONTROL_CHARACTERS, ' ');
}

interface DateStrings {
  toDateObject(input: string): Date | null;
}

interface XmpMetadata {
  get(name: string): unknown;
}

const XMP_CREATE_DATE = 'xmp:createdate';
const XMP_MODIFY_DATE = 'xmp:modifydate';

/**
 * Title, author and dates from the Info dictionary, else from the XMP metadata: what pdf-parse's
 * getInfo() + InfoResult.getDateNode() gave, from pdf.js's getMetadata() and PDFDateString.
 */
function metadataOf(dates: DateStrings, rawInfo: unknown, metadata: XmpMetadata | null | undefined): Pick<Extraction, 'title' | 'author' | 'created' | 'modified'> {
  const dictionary = (typeof rawInfo === 'object' && rawInfo !== null ? rawInfo : {}) as Record<string, unknown>;
  const infoDate = (value: unknown): Date | null | undefined =>
    // getDateNode took any truthy value; toDateObject answers null for what it cannot read.
    typeof value === 'string' && value !== '' ? dates.toDateObject(value) : undefined;
  return {
    title: cleanString(dictionary['Title']) ?? cleanString(metadata?.get('dc:title')),
    author: cleanString(dictionary['Author']) ?? cleanString(metadata?.get('dc:creator')),
    created: isoDate(infoDate(dictionary['CreationDate'])) ?? isoDate(xmpDate(metadata, XMP_CREATE_DATE)),
    modified: isoDate(infoDate(dictionary['ModDate'])) ?? isoDate(xmpDate(metadata, XMP_MODIFY_DATE)),
  };
}

function xmpDate(metadata: XmpMetadata | null | undefined, name: string): Date | undefined {
  const value = metadata?.get(name);
  if (typeof value !== 'string' || value === '') return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
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

interface PageLines {
  /** Each page's text lines. */
  lines: string[][];
  /** Each page's size at scale 1 (rotation applied), for OCR's rendering. */
  sizes: PageSize[];
  /** The first page pdf.js made up (no object reference: the page tree is broken). */
  brokenPage: number | undefined;
}

/** Each page's text lines, from pdf.js's text items (pdf-layout.ts joins them). */
async function readPageLines(document: PDFDocumentProxy): Promise<PageLines> {
  const lines: string[][] = [];
  const sizes: PageSize[] = [];
  let brokenPage: number | undefined;
  for (let n = 1; n <= document.numPages; n++) {
    const page = await document.getPage(n);
    if (page.ref === null) brokenPage ??= n;
    const { width, height } = page.getViewport({ scale: 1 });
    sizes.push({ width, height });
    // Normalization off: pdf.js folds Arabic ligatures after reversing RTL words (see pageLines).
    const content = await page.getTextContent({ disableNormalization: true });
    const items: PdfTextItem[] = content.items.flatMap((item) => ('str' in item ? [item] : []));
    // Broken annotations cost the page its form values, never its text.
    const fields = formFieldValues(await page.getAnnotations({ intent: 'display' }).catch(() => []));
    lines.push(pageLines(fields.length > 0 ? withFormFieldValues(items, fields) : items).map(cleanLine));
    // Fonts, parsed operator lists and images of the page, released on both sides of pdf.js.
    page.cleanup();
  }
  return { lines, sizes, brokenPage };
}

/** What pdf.js says of a form field's widget (the fields this module reads). */
interface WidgetAnnotation {
  subtype?: unknown;
  fieldType?: unknown;
  fieldValue?: unknown;
  hidden?: unknown;
  rect?: unknown;
  options?: unknown;
}

/**
 * The values filled into the page's visible text and choice fields (choices by their display
 * names). Buttons are left out: a check box's state has no text of its own.
 */
export function formFieldValues(annotations: readonly unknown[]): FormFieldValue[] {
  const fields: FormFieldValue[] = [];
  for (const annotation of annotations as WidgetAnnotation[]) {
    if (annotation.subtype !== 'Widget' || annotation.hidden === true || !Array.isArray(annotation.rect)) continue;
    const rect = annotation.rect.filter((n): n is number => typeof n === 'number');
    if (rect.length !== 4) continue;
    let value: string | undefined;
    if (annotation.fieldType === 'Tx' && typeof annotation.fieldValue === 'string') value = annotation.fieldValue;
    if (annotation.fieldType === 'Ch') {
      const chosen = (Array.isArray(annotation.fieldValue) ? annotation.fieldValue : [annotation.fieldValue]).filter((v): v is string => typeof v === 'string' && v !== '');
      const options = Array.isArray(annotation.options) ? (annotation.options as Array<{ exportValue?: unknown; displayValue?: unknown }>) : [];
      value = chosen.map((v) => {
        const option = options.find((o) => o.exportValue === v);
        return typeof option?.displayValue === 'string' ? option.displayValue : v;
      }).join(', ');
    }
    if (value !== undefined && value.trim() !== '') fields.push({ value: value.replace(CONTROL_CHARACTERS, ' '), rect });
  }
  return fields;
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

