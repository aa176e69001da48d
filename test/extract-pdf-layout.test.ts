// Document-level PDF clean-up (pdf-layout.ts): running headers and footers, hyphenation at line
// ends, right-to-left lines; then the same on real PDFs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { normalizeText } from '../src/extract/normalize.js';
import { pageLines, rejoinHyphenation, removeRunningLines, type PdfTextItem } from '../src/extract/pdf-layout.js';
import { extractPdf } from '../src/extract/pdf.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(path, root)));

describe('rejoinHyphenation: the document decides', () => {
  const cases: { name: string; pages: string[][]; expected: string[][] }[] = [
    {
      name: 'a word the document uses whole is rejoined',
      pages: [['the regu-', 'lations apply', 'these regulations']],
      expected: [['the regulations', 'apply', 'these regulations']],
    },
    {
      name: 'a fragment that is no word of the document is rejoined',
      pages: [['the regu-', 'lations apply']],
      expected: [['the regulations', 'apply']],
    },
    {
      name: 'a compound the document writes with its hyphen keeps it',
      pages: [['a multi-stakeholder model', 'the well-', 'known rule', 'a well-known fact']],
      expected: [['a multi-stakeholder model', 'the well-known', 'rule', 'a well-known fact']],
    },
    {
      name: 'a compound prefix keeps its hyphen even used once',
      pages: [['a multi-', 'stakeholder model']],
      expected: [['a multi-stakeholder', 'model']],
    },
    {
      name: 'two words of the document make a compound',
      pages: [['trace-', 'based compilation of a trace', 'is based on']],
      expected: [['trace-based', 'compilation of a trace', 'is based on']],
    },
    {
      name: 'across a page break, the rest of the word moves up with its punctuation',
      pages: [['the telecommu-'], ['nication, services']],
      expected: [['the telecommunication,'], ['services']],
    },
    {
      name: 'a capitalized name is rejoined; a capital next line and numbers are left alone',
      pages: [['Mr. Bin-', 'gley came', 'see Article-', 'Three', 'page 12-', '14', 'Bingley']],
      expected: [['Mr. Bingley', 'came', 'see Article-', 'Three', 'page 12-', '14', 'Bingley']],
    },
    {
      name: 'a chained compound keeps all its hyphens',
      pages: [['my sister-in-', 'law was sure']],
      expected: [['my sister-in-law', 'was sure']],
    },
  ];
  for (const { name, pages, expected } of cases) {
    it(name, () => assert.deepEqual(rejoinHyphenation(pages), expected));
  }

  it('normalizeText makes the same decision on plain text', () => {
    assert.equal(normalizeText('a multi-\nstakeholder model\n'), 'a multi-stakeholder model\n');
    assert.equal(normalizeText('the regu-\nlations apply\n'), 'the regulations apply\n');
    assert.equal(normalizeText('the well-\nknown rule, a well-known fact\n'), 'the well-known rule, a well-known fact\n');
  });
});

describe('removeRunningLines', () => {
  const page = (n: number, body: string): string[] => ['Draft ITRs (sample)', body, `Page ${n} of 4`];
  const cases: { name: string; pages: string[][]; expected: string[][]; removed: string[] }[] = [
    {
      name: 'the same header and a footer with a changing page number',
      pages: [1, 2, 3, 4].map((n) => page(n, `body ${n}`)),
      expected: [1, 2, 3, 4].map((n) => [`body ${n}`]),
      removed: ['Draft ITRs (sample)', 'Page # of 4'],
    },
    {
      name: 'bare page numbers at the bottom',
      pages: [['alpha', '1'], ['beta', '2'], ['gamma', '3']],
      expected: [['alpha'], ['beta'], ['gamma']],
      removed: ['#'],
    },
    {
      name: 'numbered lines below the outermost one are not masked; a repeated middle line stays',
      pages: [1, 2, 3].map((n) => [`Title ${n}a`, `Item ${n}`, 'Section', 'Body text', `Note ${n}`, `End ${n}b`]),
      expected: [1, 2, 3].map((n) => [`Title ${n}a`, `Item ${n}`, 'Section', 'Body text', `Note ${n}`, `End ${n}b`]).map((lines) => lines.slice(1, -1)),
      removed: ['Title #a', 'End #b'],
    },
    {
      name: 'two pages are too few to tell',
      pages: [['Header', 'a'], ['Header', 'b']],
      expected: [['Header', 'a'], ['Header', 'b']],
      removed: [],
    },
    {
      name: 'a line on under half of the pages stays',
      pages: [['Header', 'a'], ['b', 'x'], ['c', 'y'], ['Header', 'd'], ['e', 'z'], ['f', 'w'], ['Header', 'g']],
      expected: [['Header', 'a'], ['b', 'x'], ['c', 'y'], ['Header', 'd'], ['e', 'z'], ['f', 'w'], ['Header', 'g']],
      removed: [],
    },
  ];
  for (const { name, pages, expected, removed } of cases) {
    it(name, () => {
      const result = removeRunningLines(pages);
      assert.deepEqual(result.pages, expected);
      assert.deepEqual(result.removed, removed);
    });
  }
});

describe('pageLines: right-to-left', () => {
  const item = (str: string, x: number, width: number, dir = 'rtl'): PdfTextItem => ({ str, dir, transform: [1, 0, 0, 1, x, 700], width, height: 12, hasEOL: false });
  it('puts the words of an Arabic line in logical order and folds presentation forms', () => {
    // Visual order left to right, as pdf.js gives them: العربية الخطوط انواع
    const lines = pageLines([item('اﻟﻌﺮﺑﻴﺔ', 160, 117), item(' ', 277, 0.3, 'ltr'), item('اﳋﻄﻮط', 288, 121), item(' ', 409, 0.3, 'ltr'), item('اﻧﻮاع', 420, 82)]);
    assert.deepEqual(lines.map((line) => line.replace(/\s+/g, ' ')), ['انواع الخطوط العربية']);
  });
  it('leaves a left-to-right line with an Arabic word in it alone', () => {
    assert.deepEqual(pageLines([item('Arabic: ', 50, 40, 'ltr'), item('مرحبا', 90, 30)]), ['Arabic: مرحبا']);
  });
});

describe('real PDFs', () => {
  it('draft-itrs-td64 (rev1, rev2): running header and page footer removed, kept in the metadata', async () => {
    for (const rev of ['rev1', 'rev2']) {
      const extraction = await extractPdf(read(`mirror/sample-site/${rev}/docs/draft-itrs-td64.pdf`));
      assert.deepEqual(extraction.runningHeaders, ['WCIT-12 Temporary Document 64 — Draft revised ITRs (sample)', 'Page # of 4']);
      assert.doesNotMatch(extraction.text, /Page \d of 4/);
      assert.doesNotMatch(extraction.text, /Temporary Document 64 — Draft revised ITRs \(sample\)/);
      assert.match(extraction.text, /^--- page 2 ---\nPreamble$/m);
    }
  });

  it('Pride and Prejudice (273 pages): page numbers out, hyphenated words whole, same bytes twice', async () => {
    const bytes = read('test/fixtures/real/pdf/multipage/pride-and-prejudice_pdftex_273p.pdf');
    const extraction = await extractPdf(bytes);
    assert.deepEqual(extraction.runningHeaders, ['#']);
    assert.doesNotMatch(extraction.text, /^\d+$/m);
    const text = normalizeText(extraction.text);
    assert.doesNotMatch(text, /\bposses- ?sion\b/);
    assert.doesNotMatch(text, /\p{Ll}-\n\p{Ll}/u, 'no line ends in a broken word');
    assert.equal((await extractPdf(bytes)).text, extraction.text);
  });

  it('tracemonkey: no running lines invented, compounds kept', async () => {
    const extraction = await extractPdf(read('test/fixtures/real/pdf/multicolumn/tracemonkey_2col_14p.pdf'));
    assert.equal(extraction.runningHeaders, undefined);
    const text = normalizeText(extraction.text);
    assert.match(text, /trace-based/i);
    assert.match(text, /\bJust-in-Time\b/);
  });

  it('Arabic CID TrueType: logical order, no presentation forms', async () => {
    const extraction = await extractPdf(read('test/fixtures/real/pdf/nonlatin/arabic_cid-truetype.pdf'));
    assert.match(extraction.text, /^انواع الخطوط العربية$/m);
    assert.doesNotMatch(extraction.text, /[\uFB50-\uFDFF\uFE70-\uFEFE]/);
  });
});
