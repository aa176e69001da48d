// PDF extraction measured against pdftotext (poppler) on real PDFs: word-level F1 and reading order,
// with a floor per file. The references are stored fixtures (scripts/make-pdf-references.ts), so the
// test needs no poppler. Prints the figures (they go into BENCHMARKS.md).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { extractPdf } from '../src/extract/pdf.js';
import { normalizeText } from '../src/extract/normalize.js';
import { bagF1, orderScore, pagesOfExtraction, pagesOfPdftotext } from './quality-metrics.js';
import { QUALITY_PDFS } from './quality-pdfs.js';

const root = new URL('../../', import.meta.url);
const rows: string[] = [];

describe('PDF text against pdftotext, per file', () => {
  for (const pdf of QUALITY_PDFS) {
    it(`${pdf.name}: F1 >= ${pdf.minF1}, order >= ${pdf.minOrder}${pdf.garbageReference === undefined ? '' : ' (reported only)'}`, async () => {
      const bytes = new Uint8Array(readFileSync(new URL(pdf.path, root)));
      const reference = readFileSync(new URL(`test/fixtures/real/reference/${pdf.name}.pdftotext.txt`, root), 'utf8');
      const extraction = await extractPdf(bytes);
      const text = normalizeText(extraction.text);
      const ours = pagesOfExtraction(text);
      const raw = bagF1(ours.flat(), pagesOfPdftotext(reference).flat());
      const theirs = pagesOfPdftotext(reference, true);
      const score = bagF1(ours.flat(), theirs.flat());
      const order = orderScore(ours, theirs);
      rows.push(
        `| ${pdf.name} | ${theirs.flat().length} | ${score.precision.toFixed(4)} | ${score.recall.toFixed(4)} | ` +
          `${score.f1.toFixed(4)} | ${raw.f1.toFixed(4)} | ${order.toFixed(4)} | ${pdf.garbageReference ?? ''} |`,
      );
      if (pdf.garbageReference !== undefined) return;
      assert.ok(score.f1 >= pdf.minF1, `F1 ${score.f1.toFixed(4)} below the floor ${pdf.minF1}`);
      assert.ok(order >= pdf.minOrder, `order ${order.toFixed(4)} below the floor ${pdf.minOrder}`);
      // The same bytes give the same text, byte for byte.
      const again = await extractPdf(bytes);
      assert.equal(again.text, extraction.text);
    });
  }

  it('prints the table', () => {
    console.log('| file | words (pdftotext) | precision | recall | F1 | F1 vs full pdftotext | order | note |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
  });
});
