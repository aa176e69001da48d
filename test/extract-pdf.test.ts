import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ExtractError, type FailureClass } from '../src/errors.js';
import { extract, EXTRACTOR_VERSIONS } from '../src/extract/index.js';
import { normalizeText } from '../src/extract/normalize.js';
import { extractPdf, pageMarker } from '../src/extract/pdf.js';

function fixture(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../test/fixtures/real/pdf/${relativePath}`, import.meta.url)));
}

function failsWith(failure: FailureClass, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ExtractError, `expected an ExtractError, got ${String(error)}`);
    assert.equal(error.failure, failure);
    assert.match(error.message, pattern);
    return true;
  };
}

const MARKER_LINE = /^--- page (\d+) ---$/gm;

describe('extractPdf on the real corpus', () => {
  it('tracemonkey (14 pages, two columns): one marker per page, in order, and its words', async () => {
    const extraction = await extractPdf(fixture('multicolumn/tracemonkey_2col_14p.pdf'));
    assert.equal(extraction.kind, 'pdf');
    assert.equal(extraction.status, 'text');
    assert.equal(extraction.pages, 14);
    assert.equal(extraction.mediaType, 'application/pdf');
    assert.equal(extraction.extractor, EXTRACTOR_VERSIONS.pdf);
    assert.equal(extraction.created, '2009-04-01T23:39:25.000Z');
    const markers = [...extraction.text.matchAll(MARKER_LINE)].map((match) => Number(match[1]));
    assert.deepEqual(markers, Array.from({ length: 14 }, (_, i) => i + 1));
    assert.ok(extraction.text.startsWith(`${pageMarker(1)}\nTrace-based Just-in-Time Type Specialization for Dynamic\n`));
    for (const word of ['TraceMonkey', 'SpiderMonkey', 'Brendan Eich', 'trace trees', 'References']) {
      assert.ok(extraction.text.includes(word), `missing ${word}`);
    }
    // No control characters leak into the text.
    assert.doesNotMatch(extraction.text, /[\0-\x08\x0B-\x1F]/); // eslint-disable-line no-control-regex
  });

  it('tracemonkey twice gives the very same extraction, and normalization keeps the markers', async () => {
    const bytes = fixture('multicolumn/tracemonkey_2col_14p.pdf');
    const first = await extractPdf(bytes);
    const second = await extractPdf(bytes);
    assert.deepEqual(second, first);
    assert.equal(bytes.byteLength, readFileSync(new URL('../../test/fixtures/real/pdf/multicolumn/tracemonkey_2col_14p.pdf', import.meta.url)).byteLength, 'the caller\'s bytes are not detached');
    const normalized = normalizeText(first.text);
    assert.equal([...normalized.matchAll(MARKER_LINE)].length, 14);
    assert.ok(normalized.includes('\n\n--- page 2 ---\n'));
  });

  it('bytes given away (transfer) are read without a copy and give the same extraction', async () => {
    const kept = await extractPdf(fixture('multicolumn/tracemonkey_2col_14p.pdf'));
    const given = fixture('multicolumn/tracemonkey_2col_14p.pdf');
    assert.deepEqual(await extractPdf(given, { transfer: true }), kept);
    assert.equal(given.byteLength, 0, 'pdf.js took the buffer itself (detached), so no copy was made');
  });

  it('multilang: English, Arabic, Russian, Chinese, Thai and Japanese', async () => {
    const extraction = await extractPdf(fixture('nonlatin/multilang_en-ar-ru-zh-th-ja.pdf'));
    assert.equal(extraction.pages, 1);
    for (const phrase of ['Hello World', 'مرحبا بالعالم', 'Привет, мир', '你好世界', 'สวัสดีชาวโลก', 'こんにちは世界']) {
      assert.ok(extraction.text.includes(phrase), `missing ${phrase}`);
    }
  });

  it('a font without a Unicode map gives stable garbage, with its U+0003 spaces made spaces', async () => {
    const extraction = await extractPdf(fixture('nonlatin/russian_font-without-tounicode_issue20453.pdf'));
    // The real title is 'Угловая шлифовальная машина'. pdftotext and pypdf give 'ɍɝɥɨɜɚɹ…'; so did
    // layout@3, with pdf.js's substitute font program loaded. Without it (layout@4) the first glyph
    // happens to come out right: still garbage, the same garbage every time.
    assert.equal(extraction.text, `${pageMarker(1)}\nУɝɥɨɜɚɹ ɲɥɢɮɨɜɚɥɶɧɚɹ ɦɚɲɢɧɚ\n`);
    assert.equal((await extractPdf(fixture('nonlatin/russian_font-without-tounicode_issue20453.pdf'))).text, extraction.text);
  });

  it('a scan without a text layer needs OCR', async () => {
    const extraction = await extractPdf(fixture('scanned/scan_1p_jbig2_no-text-layer.pdf'));
    assert.equal(extraction.status, 'needs-ocr');
    assert.equal(extraction.text, '');
    assert.equal(extraction.pages, 1);
    assert.equal(extraction.created, '2011-07-13T20:09:43.000Z');
  });

  it('AES-256 with a user password is an encrypted failure', async () => {
    await assert.rejects(extractPdf(fixture('encrypted/aes256-r6_needs-password-1234.pdf')), failsWith('encrypted', /password/));
  });

  it('AES-128 with an empty user password opens, with its metadata', async () => {
    const extraction = await extractPdf(fixture('encrypted/aes128_empty-user-password_form_issue9972.pdf'));
    assert.equal(extraction.status, 'text');
    assert.match(extraction.text, /^Personal Sleep Study$/m);
    assert.equal(extraction.title, 'IBM-PDFs.graffle');
    assert.equal(extraction.author, 'Frank Voci');
    assert.equal(extraction.created, '2009-12-07T21:51:00.000Z');
    assert.equal(extraction.modified, '2018-08-10T09:25:42.000Z');
  });

  it('a zero-byte file is bad content', async () => {
    await assert.rejects(extractPdf(fixture('broken/empty_0-bytes.pdf')), failsWith('bad-content', /empty/));
  });

  it('a truncated PDF with no readable page is bad content, not a scan', async () => {
    await assert.rejects(extractPdf(fixture('broken/truncated_no-startxref_issue15590.pdf')), failsWith('bad-content', /page tree/));
  });

  it('wrong xref offsets are recovered: "Hello, world!"', async () => {
    const extraction = await extractPdf(fixture('broken/bad-xref-offsets_recoverable_helloworld.pdf'));
    assert.equal(extraction.text, `${pageMarker(1)}\nHello, world!\n`);
  });

  it('bytes that are not a PDF at all are bad content', async () => {
    await assert.rejects(extractPdf(new Uint8Array(Buffer.from('<html>not a pdf</html>'))), failsWith('bad-content', /PDF/));
    await assert.rejects(extractPdf(new Uint8Array(Buffer.from('%PDF-1.7\n1 0 obj <<'))), failsWith('bad-content', /PDF/));
  });
});

describe('extract() routes PDFs by their bytes', () => {
  it('a PDF served as application/octet-stream is still a PDF', async () => {
    const extraction = await extract({ bytes: fixture('broken/bad-xref-offsets_recoverable_helloworld.pdf'), contentType: 'application/octet-stream', url: 'https://example.org/download?id=7' });
    assert.equal(extraction.kind, 'pdf');
    assert.match(extraction.text, /Hello, world!/);
  });

  it('a zero-byte body served as application/pdf is bad content', async () => {
    await assert.rejects(extract({ bytes: new Uint8Array(0), contentType: 'application/pdf', url: 'https://example.org/a.pdf' }), failsWith('bad-content', /empty/));
  });
});

describe('extractPdf: fonts a PDF names without embedding them', () => {
  // extractPdf gives pdf.js no standard font data (its substitute font programs): the text comes from
  // the PDF's encodings and pdf.js's own tables. Every one of the 14 standard fonts' families here,
  // Symbol's Greek and mathematics included, as a PDF maker writes them (pdf-lib: not embedded).
  it('Helvetica, Times, Courier and Symbol give their text, accents, ligatures and Greek included', async () => {
    const { PDFDocument, StandardFonts } = await import('pdf-lib');
    const document = await PDFDocument.create();
    const page = document.addPage([600, 400]);
    const lines: Array<[(typeof StandardFonts)[keyof typeof StandardFonts], string]> = [
      [StandardFonts.Helvetica, 'Helvetica: naïve café – “quotes” €100 fiancée'],
      [StandardFonts.TimesRoman, 'Times: Article 12, § 3 — œuvre'],
      [StandardFonts.CourierBold, 'Courier-Bold: ½ of the draft'],
      [StandardFonts.HelveticaBoldOblique, 'Bold oblique: Zürich Ærø'],
      [StandardFonts.Symbol, 'αβγδ ∑∫≤≥ πΩ'],
    ];
    let y = 360;
    for (const [name, text] of lines) {
      page.drawText(text, { x: 40, y, size: 14, font: await document.embedFont(name) });
      y -= 30;
    }
    const extraction = await extractPdf(await document.save());
    assert.equal(extraction.status, 'text');
    assert.equal(extraction.text, `${pageMarker(1)}\n${lines.map(([, text]) => text).join('\n')}\n`);
  });
});

describe('extractPdf determinism and versioning', () => {
  it('parallel extractions give the same results as sequential ones', async () => {
    const files = ['multicolumn/tracemonkey_2col_14p.pdf', 'nonlatin/multilang_en-ar-ru-zh-th-ja.pdf', 'scanned/scan_1p_jbig2_no-text-layer.pdf'].map(fixture);
    const sequential = [];
    for (const bytes of files) sequential.push(await extractPdf(bytes));
    assert.deepEqual(await Promise.all(files.map((bytes) => extractPdf(bytes))), sequential);
  });

  it('the extractor string names the installed pdf-parse (bump it with the dependency)', () => {
    let directory = path.dirname(createRequire(import.meta.url).resolve('pdf-parse'));
    while (!existsSync(path.join(directory, 'package.json')) || !/"name":\s*"pdf-parse"/.test(readFileSync(path.join(directory, 'package.json'), 'utf8'))) {
      const parent = path.dirname(directory);
      assert.notEqual(parent, directory, 'pdf-parse package.json not found');
      directory = parent;
    }
    const { version } = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as { version: string };
    // `pdf-parse@<version>+layout@<n>`: leakmirror's own line assembly has a version of its own.
    assert.equal(EXTRACTOR_VERSIONS.pdf.split('+')[0], `pdf-parse@${version}`);
    assert.match(EXTRACTOR_VERSIONS.pdf, /^pdf-parse@[^+]+\+layout@\d+$/);
  });
});
