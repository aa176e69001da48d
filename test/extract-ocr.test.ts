// OCR of PDFs without a text layer (src/extract/ocr.ts). The scans are made here: a text PDF written
// with pdf-lib, each page rendered to a PNG by pdf-parse (the renderer OCR itself uses) and put back
// into an image-only PDF, so the words tesseract should find are known exactly. Tests that need the
// real tesseract skip when it is not installed (Debian: tesseract-ocr); the paths without it, and the
// failure and time-limit paths, run everywhere with fake commands.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { EXTRACTOR_VERSIONS } from '../src/extract/index.js';
import { normalizeText } from '../src/extract/normalize.js';
import { findTesseract, ocrLines, renderScale } from '../src/extract/ocr.js';
import { extractPdf, pageMarker, pdfjsAssets } from '../src/extract/pdf.js';
import { createExtractor, type PoolEvent } from '../src/extract/pool.js';
import { bagF1, pagesOfExtraction, words } from './quality-metrics.js';

const url = 'https://example.org/scan.pdf';

const PAGES = [
  [
    'The committee met on the fourth of March to review the annual budget.',
    'Members agreed that the library should stay open later on weekdays,',
    'and that the garden behind the town hall needs new benches and lamps.',
    'A full report will be published before the summer holidays begin.',
  ],
  [
    'Second page: the treasurer presented the accounts for the last year.',
    'Income from rents rose slightly while the cost of heating went down.',
    'The members thanked the volunteers who repaired the old school roof.',
    'The next meeting is planned for the first Monday of the autumn term.',
  ],
];

/** The text PDF (Helvetica, 14 pt, US Letter). */
async function textPdf(pages: readonly (readonly string[])[]): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = document.addPage([612, 792]);
    lines.forEach((line, index) => page.drawText(line, { x: 54, y: 700 - index * 24, size: 14, font }));
  }
  return document.save();
}

/** A scan of `pdf`: each page rendered at 200 dpi and placed as the only content of a page. */
async function scanOf(pdf: Uint8Array): Promise<Uint8Array> {
  const { PDFParse } = await import('pdf-parse');
  const parser = new PDFParse({ data: pdf, ...pdfjsAssets(), cMapPacked: true, isEvalSupported: false });
  try {
    const shots = await parser.getScreenshot({ scale: 200 / 72, imageBuffer: true, imageDataUrl: false });
    const scan = await PDFDocument.create();
    for (const shot of shots.pages) {
      const image = await scan.embedPng(shot.data);
      scan.addPage([612, 792]).drawImage(image, { x: 0, y: 0, width: 612, height: 792 });
    }
    return scan.save();
  } finally {
    await parser.destroy();
  }
}

const tesseract = await findTesseract();
const noTesseract = tesseract === undefined ? 'tesseract is not installed (apt-get install tesseract-ocr)' : false;

let scan: Uint8Array;
let fakes: string;
/** A stand-in for tesseract: answers --version, then runs `body` for each page. */
function fake(name: string, body: string): string {
  const file = path.join(fakes, name);
  // Its own PATH for cat, touch and sleep: the test may run with a PATH that leaves tesseract out.
  writeFileSync(file, [
    '#!/bin/sh',
    'PATH=/usr/bin:/bin',
    'if [ "$1" = "--version" ]; then echo "tesseract 9.1.0"; exit 0; fi',
    'if [ "$1" = "--list-langs" ]; then printf \'List of available languages in "/fake/tessdata/" (2):\\neng\\nosd\\n\'; exit 0; fi',
    body,
    '',
  ].join('\n'));
  chmodSync(file, 0o755);
  return file;
}

before(async () => {
  scan = await scanOf(await textPdf(PAGES));
  fakes = mkdtempSync(path.join(os.tmpdir(), 'leakmirror-ocr-'));
});

after(() => {
  rmSync(fakes, { recursive: true, force: true });
});

describe('a scan without OCR, or without tesseract', () => {
  it('the generated scan has no text layer: needs-ocr, no OCR record, the plain extractor', async () => {
    const extraction = await extractPdf(scan);
    assert.equal(extraction.status, 'needs-ocr');
    assert.equal(extraction.text, '');
    assert.equal(extraction.pages, 2);
    assert.equal(extraction.ocr, undefined);
    assert.equal(extraction.extractor, EXTRACTOR_VERSIONS.pdf);
  });

  it('asked for OCR on a machine without tesseract: still needs-ocr, nothing fails', async () => {
    for (const command of [null, path.join(fakes, 'no-such-tesseract')]) {
      const extraction = await extractPdf(scan, { ocr: { command } });
      assert.equal(extraction.status, 'needs-ocr', String(command));
      assert.equal(extraction.ocr, undefined);
      assert.equal(extraction.extractor, EXTRACTOR_VERSIONS.pdf);
    }
  });

  it('a command that is not tesseract (its --version fails) counts as no tesseract', async () => {
    assert.equal(await findTesseract('/bin/false'), undefined);
    assert.equal(await findTesseract(null), undefined);
    const extraction = await extractPdf(scan, { ocr: { command: '/bin/false' } });
    assert.equal(extraction.status, 'needs-ocr');
  });

  it('a PDF with a text layer is never OCR\'d, even when asked', async () => {
    const bytes = await textPdf(PAGES);
    const extraction = await extractPdf(bytes, { ocr: { command: fake('unused', 'echo never; exit 1') } });
    assert.equal(extraction.status, 'text');
    assert.equal(extraction.ocr, undefined);
    assert.equal(extraction.extractor, EXTRACTOR_VERSIONS.pdf);
    assert.ok(extraction.text.includes('treasurer presented the accounts'));
  });
});

describe('OCR failures stay per page', () => {
  it('a page over the time limit is killed and left empty with a warning; the others go on', async () => {
    const slow = fake('slow', 'exec sleep 30');
    const extraction = await extractPdf(scan, { ocr: { command: slow, pageTimeoutMs: 1 } });
    assert.equal(extraction.status, 'needs-ocr', 'no page gave text');
    assert.equal(extraction.text, '');
    assert.deepEqual(extraction.ocr?.failedPages, [1, 2]);
    assert.equal(extraction.ocr?.warnings.length, 2);
    assert.match(extraction.ocr?.warnings[0] ?? '', /^page 1: OCR took longer than the limit of 1 ms; the page is left empty$/);
    assert.equal(extraction.ocr?.engine, 'tesseract 9.1.0');
    assert.equal(extraction.extractor, `${EXTRACTOR_VERSIONS.pdf}+tesseract@9`);
  });

  it('a failing tesseract gives its error as the warning; a page it reads keeps its text', async () => {
    // Fails on the first page only (a file in the fakes directory counts the calls).
    const counter = path.join(fakes, 'calls');
    const flaky = fake('flaky', `if [ -e "${counter}" ]; then cat >/dev/null; echo "page two words"; exit 0; fi\ntouch "${counter}"; echo "Error: cannot read image" >&2; exit 1`);
    const extraction = await extractPdf(scan, { ocr: { command: flaky } });
    assert.equal(extraction.status, 'text');
    assert.equal(extraction.text, `${pageMarker(1)}\n\n${pageMarker(2)}\npage two words\n`);
    assert.deepEqual(extraction.ocr?.failedPages, [1]);
    assert.deepEqual(extraction.ocr?.warnings, ['page 1: tesseract failed (exit code 1: Error: cannot read image); the page is left empty']);
  });
});

describe('OCR with the real tesseract', { skip: noTesseract }, () => {
  it('reads the generated scan page by page: word recall >= 0.9 on each page, markers, OCR recorded', { timeout: 120_000 }, async () => {
    const extraction = await extractPdf(scan, { ocr: {} });
    assert.equal(extraction.status, 'text');
    assert.equal(extraction.pages, 2);
    const pages = pagesOfExtraction(extraction.text);
    assert.equal(pages.length, 2);
    PAGES.forEach((lines, index) => {
      const score = bagF1(pages[index] ?? [], words(lines.join('\n')));
      assert.ok(score.recall >= 0.9, `page ${index + 1}: recall ${score.recall.toFixed(3)}`);
      assert.ok(score.precision >= 0.9, `page ${index + 1}: precision ${score.precision.toFixed(3)}`);
      console.log(`generated scan, page ${index + 1}: word recall ${score.recall.toFixed(3)}, precision ${score.precision.toFixed(3)}`);
    });
    // The pipeline's normalization keeps OCR'd pages under their markers, as for a text layer.
    assert.equal([...normalizeText(extraction.text).matchAll(/^--- page \d+ ---$/gm)].length, 2);
    assert.match(extraction.extractor, new RegExp(`^${EXTRACTOR_VERSIONS.pdf.replace(/[.+]/g, '\\$&')}\\+tesseract@\\d+$`));
    assert.match(extraction.ocr?.engine ?? '', /^tesseract \d+\.\d+/);
    assert.equal(extraction.ocr?.language, 'eng');
    assert.equal(extraction.ocr?.pages, 2);
    assert.deepEqual(extraction.ocr?.failedPages, []);
  });

  it('a real scan from the corpus (pdfminer\'s JBIG2 sample): the words in its speech bubble', { timeout: 60_000 }, async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../../test/fixtures/real/pdf/scanned/scan_1p_jbig2_no-text-layer.pdf', import.meta.url)));
    const extraction = await extractPdf(bytes, { ocr: {} });
    assert.equal(extraction.status, 'text');
    assert.ok(extraction.text.startsWith(`${pageMarker(1)}\n`));
    assert.match(extraction.text, /\bDoesn't\b/);
  });

  it('through the pool: the source\'s `ocr` decides, progress restarts the clock per page', { timeout: 120_000 }, async () => {
    const events: PoolEvent[] = [];
    const extractor = createExtractor({ workers: 1, ocrPageTimeoutMs: 60_000, __testHooks: { onEvent: (event) => events.push(event) } });
    try {
      const plain = await extractor.extract({ bytes: scan, url });
      assert.equal(plain.status, 'needs-ocr');
      const read = await extractor.extract({ bytes: scan, url, ocr: true });
      assert.equal(read.status, 'text');
      assert.deepEqual(pagesOfExtraction(read.text).length, 2);
      assert.match(read.text, /treasurer/);
      assert.deepEqual(events.flatMap((event) => (event.type === 'progress' ? [event.page] : [])), [1, 2]);
    } finally {
      await extractor.close();
    }
  });
});

describe('OCR languages', () => {
  it('the languages tesseract has data for are known; a missing one is said once, and no page is read', async () => {
    const reader = fake('reader', 'cat >/dev/null; echo "read anyway"');
    const found = await findTesseract(reader);
    assert.deepEqual([...(found?.languages ?? [])], ['eng', 'osd']);
    const extraction = await extractPdf(scan, { ocr: { command: reader, language: 'eng+chi_sim' } });
    assert.equal(extraction.status, 'needs-ocr');
    assert.deepEqual(extraction.ocr?.failedPages, [1, 2]);
    assert.deepEqual(extraction.ocr?.warnings, ["tesseract has no data for 'chi_sim' (Debian: apt-get install tesseract-ocr-chi-sim); no page was read"]);
    const english = await extractPdf(scan, { ocr: { command: reader, language: 'eng' } });
    assert.equal(english.text, `${pageMarker(1)}\nread anyway\n\n${pageMarker(2)}\nread anyway\n`);
  });

  it('the real tesseract lists its languages', { skip: noTesseract }, () => {
    assert.ok(tesseract?.languages?.has('eng'), 'eng is installed with tesseract-ocr');
  });
});

describe('OCR through the pool, with a fake tesseract', () => {
  it('the clock restarts at each page: two pages of 1.5 s each pass a 1 s document limit', { timeout: 60_000 }, async () => {
    const slow = fake('slow-reader', 'cat >/dev/null; sleep 1.5; echo "slow words"');
    const events: PoolEvent[] = [];
    const extractor = createExtractor({ workers: 1, timeoutMs: 1_000, ocrPageTimeoutMs: 10_000, ocrCommand: slow, __testHooks: { onEvent: (event) => events.push(event) } });
    try {
      const extraction = await extractor.extract({ bytes: scan, url, ocr: true });
      assert.equal(extraction.status, 'text');
      assert.equal(extraction.text, `${pageMarker(1)}\nslow words\n\n${pageMarker(2)}\nslow words\n`);
      assert.equal(extraction.extractor, `${EXTRACTOR_VERSIONS.pdf}+tesseract@9`);
      assert.deepEqual(events.flatMap((event) => (event.type === 'progress' ? [event.page] : [])), [1, 2]);
      assert.equal(events.filter((event) => event.type === 'retire').length, 0, 'no worker was stopped');
    } finally {
      await extractor.close();
    }
  });
});

describe('OCR when the pool ends the worker', () => {
  it('closing the pool mid-page kills tesseract, which would otherwise outlive the worker', { timeout: 60_000 }, async () => {
    const pidFile = path.join(fakes, 'stuck.pid');
    // exec: the process the worker started becomes the sleep, with the same id.
    const stuck = fake('stuck-reader', `cat >/dev/null; echo $$ > '${pidFile}'; exec sleep 30`);
    const extractor = createExtractor({ workers: 1, timeoutMs: 20_000, ocrPageTimeoutMs: 20_000, ocrCommand: stuck });
    const running = extractor.extract({ bytes: scan, url, ocr: true }).catch((error: unknown) => error);
    const started = Date.now();
    while (!existsSync(pidFile) && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 50));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(Number.isInteger(pid) && pid > 0);
    await extractor.close();
    assert.ok((await running) instanceof Error, 'the extraction ends with the pool');
    // Gone, or a zombie (killed; its parent thread, which would reap it, is gone too).
    const state = (): string | undefined => {
      try {
        return /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      } catch {
        return undefined;
      }
    };
    const deadline = Date.now() + 5_000;
    while (state() !== undefined && state() !== 'Z' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(state() === undefined || state() === 'Z', `tesseract (pid ${pid}) still running: state ${state() ?? 'gone'}`);
  });
});

describe('OCR through the pool without tesseract', () => {
  it('ocrCommand null: needs-ocr; nonsense options are refused', async () => {
    const extractor = createExtractor({ workers: 1, ocrCommand: null });
    try {
      const extraction = await extractor.extract({ bytes: scan, url, ocr: true });
      assert.equal(extraction.status, 'needs-ocr');
    } finally {
      await extractor.close();
    }
    assert.throws(() => createExtractor({ ocrPageTimeoutMs: 0 }), /ocrPageTimeoutMs/);
    assert.throws(() => createExtractor({ ocrLanguage: 'eng; rm -rf /' }), /ocrLanguage/);
  });
});

describe('OCR helpers', () => {
  it('ocrLines drops the form feed and blank edges, keeps blank lines inside', () => {
    assert.deepEqual(ocrLines('\nFirst line  \n\nSecond\n\f'), ['First line', '', 'Second']);
    assert.deepEqual(ocrLines('\f'), []);
  });

  it('renderScale: 300 dpi, bounded for huge pages', () => {
    assert.equal(renderScale({ width: 612, height: 792 }), 300 / 72);
    const poster = renderScale({ width: 2384, height: 3370 }); // A0 in points
    assert.ok(poster < 300 / 72);
    assert.ok(2384 * 3370 * poster * poster <= 25_000_000 + 1);
    assert.ok(3370 * poster <= 6000 + 1e-6);
  });
});
