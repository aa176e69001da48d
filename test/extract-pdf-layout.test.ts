// Document-level PDF clean-up (pdf-layout.ts): running headers and footers, hyphenation at line
// ends, right-to-left lines; then the same on real PDFs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { normalizeText } from '../src/extract/normalize.js';
import { pageLines, rejoinHyphenation, removeRunningLines, withFormFieldValues, type PdfTextItem } from '../src/extract/pdf-layout.js';
import { extractPdf, formFieldValues } from '../src/extract/pdf.js';

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

describe('form fields: what was filled in is text', () => {
  const label = (str: string, x: number, y: number, hasEOL = false): PdfTextItem => ({ str, dir: 'ltr', transform: [11, 0, 0, 11, x, y], width: str.length * 5.5, height: 11, hasEOL });
  const cases: { name: string; items: PdfTextItem[]; fields: { value: string; rect: number[] }[]; expected: string[] }[] = [
    {
      name: 'a value goes after the label on its line',
      items: [label('Form', 50, 750, true), label('First Name', 57, 710), label('Last Name', 216, 710, true), label('Birthday', 57, 694, true)],
      fields: [{ value: 'Alice', rect: [120, 710, 204, 718] }],
      expected: ['Form', 'First Name Alice Last Name', 'Birthday'],
    },
    {
      name: 'two values on one line keep their left-to-right order, whichever comes first',
      items: [label('First Name', 57, 710), label('Last Name', 216, 710, true)],
      fields: [{ value: 'Smith', rect: [273, 710, 357, 718] }, { value: 'Alice', rect: [120, 710, 204, 718] }],
      expected: ['First Name Alice Last Name Smith'],
    },
    {
      name: 'a value with no printed text on its line ends the page, on a line of its own',
      items: [label('Form', 50, 750, true), label('Signature', 57, 600, true)],
      fields: [{ value: 'Bob', rect: [77, 491, 231, 499] }],
      expected: ['Form', 'Signature', 'Bob'],
    },
    {
      name: 'empty and blank values add nothing; inner whitespace is one space',
      items: [label('Name', 57, 710, true)],
      fields: [{ value: '', rect: [120, 710, 204, 718] }, { value: ' \n ', rect: [120, 690, 204, 698] }, { value: 'Ana\nMaria', rect: [120, 600, 204, 608] }],
      expected: ['Name', 'Ana Maria'],
    },
    {
      name: 'no fields: the items unchanged',
      items: [label('Name', 57, 710, true)],
      fields: [],
      expected: ['Name'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const lines = pageLines(withFormFieldValues(c.items, c.fields)).map((line) => line.replace(/ +/g, ' ').trim());
      assert.deepEqual(lines, c.expected);
    });
  }

  it('formFieldValues: visible text fields and chosen options (by their names); buttons, hidden and broken widgets left out', () => {
    const rect = [10, 10, 100, 20];
    const values = formFieldValues([
      { subtype: 'Widget', fieldType: 'Tx', fieldValue: 'Alice', rect },
      { subtype: 'Widget', fieldType: 'Tx', fieldValue: '', rect },
      { subtype: 'Widget', fieldType: 'Tx', fieldValue: 'Secret', rect, hidden: true },
      { subtype: 'Widget', fieldType: 'Btn', fieldValue: 'Yes', rect },
      { subtype: 'Widget', fieldType: 'Ch', fieldValue: ['de', 'fr'], rect, options: [{ exportValue: 'de', displayValue: 'German' }, { exportValue: 'fr', displayValue: 'French' }] },
      { subtype: 'Widget', fieldType: 'Ch', fieldValue: [''], rect, options: [] },
      { subtype: 'Widget', fieldType: 'Ch', fieldValue: 'xx', rect, options: [] },
      { subtype: 'Link', fieldType: 'Tx', fieldValue: 'not a widget', rect },
      { subtype: 'Widget', fieldType: 'Tx', fieldValue: 'no rect' },
      { subtype: 'Widget', fieldType: 'Tx', fieldValue: 'bell\u0007', rect },
    ]);
    assert.deepEqual(values, [
      { value: 'Alice', rect },
      { value: 'German, French', rect },
      { value: 'xx', rect },
      { value: 'bell ', rect },
    ]);
  });

  it('a real LibreOffice form: the filled-in names are in the text, where pdftotext prints them', async () => {
    const extraction = await extractPdf(read('test/fixtures/real/pdf/forms/libreoffice-form_acroform.pdf'));
    const text = normalizeText(extraction.text);
    assert.match(text, /^First Name Alice Last Name$/m);
    assert.match(text, /^Bob$/m);
    // The empty fields and unchecked boxes add nothing.
    assert.doesNotMatch(text, /\b(Off|Yes|Unknown)\b/);
  });
});
