// OCR for PDFs without a text layer (scans), optional: only for a source with `ocr: true`, and only
// when the `tesseract` command (Debian's tesseract-ocr) is on the machine; without it the document
// stays `needs-ocr` and nothing fails. Each page is rendered to a PNG by pdf-parse's getScreenshot
// (pdf.js drawing on @napi-rs/canvas) and piped into `tesseract stdin stdout`, one process per page
// under a time limit: a page that takes longer is killed and comes out empty, with a warning.
// tesseract is run directly (never through a shell), with one thread: the pool runs one per core.

import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../errors.js';

export interface OcrOptions {
  /** Per page, for tesseract; the process is killed beyond it and the page left empty. Default 60,000. */
  pageTimeoutMs?: number | undefined;
  /** tesseract's `-l` (e.g. `eng`, `deu+fra`); the traineddata must be installed. Default `eng`. */
  language?: string | undefined;
  /**
   * The tesseract executable. Default: `tesseract` looked up on PATH (once). A path is used as given;
   * `null` means none, as on a machine without tesseract (tests).
   */
  command?: string | null | undefined;
  /** Called before each page is rendered (the pool restarts its clock there). */
  onPage?: ((page: number) => void) | undefined;
  /**
   * Called with tesseract's process id when it starts and with undefined when it has ended: a worker
   * thread ended from outside (time limit, pool closed) runs no more code, so the pool kills the
   * process itself.
   */
  onProcess?: ((pid: number | undefined) => void) | undefined;
}

/** How OCR went, recorded with the extraction. */
export interface OcrRecord {
  /** `tesseract 5.3.0`. */
  engine: string;
  language: string;
  /** Pages read. */
  pages: number;
  /** Pages (1-based) that gave no text because rendering or tesseract failed or took too long. */
  failedPages: number[];
  /** One line per failed page. */
  warnings: string[];
}

export interface Tesseract {
  path: string;
  /** `5.3.0`. */
  version: string;
  /** The languages it has data for (`--list-langs`); undefined when it would not say. */
  languages: ReadonlySet<string> | undefined;
}

export interface PageSize {
  width: number;
  height: number;
}

export const DEFAULT_OCR_PAGE_TIMEOUT_MS = 60_000;
export const DEFAULT_OCR_LANGUAGE = 'eng';
/** tesseract is tuned for about 300 dpi scans; PDF units are 1/72 inch. */
const RENDER_DPI = 300;
/** Bounds of one rendered page (RGBA: 4 bytes a pixel), for posters and other huge pages. */
const MAX_SIDE_PX = 6000;
const MAX_PIXELS = 25_000_000;
/** tesseract's `--version` answers at once; this only guards against a broken binary. */
const VERSION_TIMEOUT_MS = 10_000;

const found = new Map<string, Promise<Tesseract | undefined>>();

/**
 * The tesseract to use, or undefined when there is none (not on PATH, not executable, or its
 * `--version` fails). Looked up once per command (and PATH), then cached.
 */
export function findTesseract(command?: string | null): Promise<Tesseract | undefined> {
  if (command === null) return Promise.resolve(undefined);
  const searchPath = process.env['PATH'] ?? '';
  const key = command ?? `PATH=${searchPath}`;
  let result = found.get(key);
  if (result === undefined) {
    const file = command ?? onPath('tesseract', searchPath);
    result = file === undefined ? Promise.resolve(undefined) : versionOf(file);
    found.set(key, result);
  }
  return result;
}

function onPath(name: string, searchPath: string): string | undefined {
  for (const directory of searchPath.split(path.delimiter)) {
    if (directory === '' || !path.isAbsolute(directory)) continue;
    const candidate = path.join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function versionOf(file: string): Promise<Tesseract | undefined> {
  const answer = await run(file, ['--version']);
  // tesseract 4 printed its version on stderr, 5 on stdout.
  const version = answer === undefined ? undefined : /tesseract v?(\d+(?:\.\d+)*)/i.exec(answer)?.[1];
  if (version === undefined) return undefined;
  // `List of available languages in "…" (2):` then one per line.
  const list = await run(file, ['--list-langs']);
  const languages = list === undefined ? undefined : new Set(list.split('\n').slice(1).map((line) => line.trim()).filter((line) => line !== ''));
  return { path: file, version, languages };
}

/** stdout and stderr of a short command, or undefined if it fails. */
function run(file: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: VERSION_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve(error === null ? `${stdout}\n${stderr}` : undefined);
    });
  });
}

/** What goes into the extractor version: `tesseract@5` (the major version changes the text). */
export function ocrExtractorTag(tesseract: Tesseract): string {
  return `tesseract@${tesseract.version.split('.')[0]}`;
}

/**
 * Reads every page of `data` (a PDF) with tesseract, one page at a time: the lines of each page
 * (empty for a page that failed), and the record of the run. `sizes` are the pages' sizes at scale 1.
 */
export async function ocrPages(
  data: Uint8Array,
  sizes: readonly PageSize[],
  tesseract: Tesseract,
  options: OcrOptions,
  assets: { cMapUrl: string; standardFontDataUrl: string; wasmUrl: string },
): Promise<{ pages: string[][]; record: OcrRecord }> {
  const language = options.language ?? DEFAULT_OCR_LANGUAGE;
  const timeoutMs = options.pageTimeoutMs ?? DEFAULT_OCR_PAGE_TIMEOUT_MS;
  const record: OcrRecord = { engine: `tesseract ${tesseract.version}`, language, pages: sizes.length, failedPages: [], warnings: [] };
  const fail = (page: number, why: string): void => {
    record.failedPages.push(page);
    record.warnings.push(`page ${page}: ${why}; the page is left empty`);
  };
  const missing = tesseract.languages === undefined ? [] : language.split('+').filter((code) => !tesseract.languages?.has(code));
  if (missing.length > 0) {
    // Every page would fail the same way: said once, and no page rendered for nothing.
    record.failedPages = sizes.map((_, index) => index + 1);
    const packages = missing.filter((code) => !code.includes('/')).map((code) => `tesseract-ocr-${code.toLowerCase().replace(/_/g, '-')}`);
    const hint = packages.length === 0 ? '' : ` (Debian: apt-get install ${packages.join(' ')})`;
    record.warnings.push(`tesseract has no data for ${missing.map((code) => `'${code}'`).join(', ')}${hint}; no page was read`);
    return { pages: sizes.map(() => []), record };
  }
  const { PDFParse } = await import('pdf-parse');
  const parser = new PDFParse({ data, ...assets, cMapPacked: true, isEvalSupported: false });
  const pages: string[][] = [];
  try {
    for (let n = 1; n <= sizes.length; n++) {
      options.onPage?.(n);
      let png: Uint8Array | undefined;
      try {
        const shot = await parser.getScreenshot({ partial: [n], scale: renderScale(sizes[n - 1]), imageBuffer: true, imageDataUrl: false });
        png = shot.pages[0]?.data;
      } catch (error) {
        fail(n, `could not be rendered (${errorMessage(error)})`);
        pages.push([]);
        continue;
      }
      if (png === undefined || png.byteLength === 0) {
        fail(n, 'could not be rendered');
        pages.push([]);
        continue;
      }
      const result = await runTesseract(tesseract.path, png, language, timeoutMs, options.onProcess);
      if ('error' in result) {
        fail(n, result.error);
        pages.push([]);
      } else {
        pages.push(ocrLines(result.text));
      }
    }
  } finally {
    await parser.destroy();
  }
  return { pages, record };
}

/** 300 dpi, unless the page would be larger than the bounds. */
export function renderScale(size: PageSize | undefined): number {
  const scale = RENDER_DPI / 72;
  if (size === undefined || !(size.width > 0) || !(size.height > 0)) return scale;
  return Math.min(scale, MAX_SIDE_PX / Math.max(size.width, size.height), Math.sqrt(MAX_PIXELS / (size.width * size.height)));
}

/** tesseract's text as lines: the form feed that ends its page dropped, trailing blanks trimmed. */
export function ocrLines(text: string): string[] {
  const lines = text.replace(/\f/g, '\n').split(/\r\n?|\n/).map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  while (lines.length > 0 && lines[0] === '') lines.shift();
  return lines;
}

/** One page through `tesseract stdin stdout`: its text, or why there is none. Never rejects. */
export function runTesseract(
  command: string,
  png: Uint8Array,
  language: string,
  timeoutMs: number,
  onProcess?: (pid: number | undefined) => void,
): Promise<{ text: string } | { error: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: { text: string } | { error: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const child = spawn(command, ['stdin', 'stdout', '-l', language, '--dpi', String(RENDER_DPI)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // One thread per tesseract: the pool already runs one extraction per core. A copy of the
      // environment for the child; ours is never changed.
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    });
    if (child.pid !== undefined) onProcess?.(child.pid);
    child.on('exit', () => onProcess?.(undefined));
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (err.length < 4096) err += chunk;
    });
    // A tesseract killed or failing before it read the image closes its stdin: EPIPE, not our error.
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle({ error: `OCR took longer than the limit of ${timeoutMs.toLocaleString('en-US')} ms` });
    }, timeoutMs);
    child.on('error', (error) => settle({ error: `tesseract could not run (${errorMessage(error)})` }));
    child.on('close', (code, signal) => {
      if (code === 0) {
        settle({ text: Buffer.concat(out).toString('utf8') });
        return;
      }
      const why = lastLine(err);
      settle({ error: `tesseract failed (${signal ?? `exit code ${code}`}${why === '' ? '' : `: ${why}`})` });
    });
    child.stdin.end(png);
  });
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines[lines.length - 1] ?? '';
}
