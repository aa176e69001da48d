// The PDFs whose extraction is measured against pdftotext (test/quality-pdf.test.ts, the extract
// bench, scripts/make-pdf-references.ts), with the floors the test enforces. Paths from the repo root.

export interface QualityPdf {
  /** Reference file name: test/fixtures/real/reference/<name>.pdftotext.txt */
  name: string;
  path: string;
  /** Bag-of-words F1 against pdftotext (running headers removed from both sides). */
  minF1: number;
  /** Order score (per-page LCS of the shared words). */
  minOrder: number;
  /** Why pdftotext is not a yardstick for this file, if it is not (the file is then only reported). */
  garbageReference?: string;
}

export const QUALITY_PDFS: readonly QualityPdf[] = [
  { name: 'tracemonkey_2col_14p', path: 'test/fixtures/real/pdf/multicolumn/tracemonkey_2col_14p.pdf', minF1: 0.99, minOrder: 0.95 },
  { name: 'pride-and-prejudice_pdftex_273p', path: 'test/fixtures/real/pdf/multipage/pride-and-prejudice_pdftex_273p.pdf', minF1: 0.995, minOrder: 0.995 },
  { name: 'multilang_en-ar-ru-zh-th-ja', path: 'test/fixtures/real/pdf/nonlatin/multilang_en-ar-ru-zh-th-ja.pdf', minF1: 1, minOrder: 1 },
  { name: 'arabic_cid-truetype', path: 'test/fixtures/real/pdf/nonlatin/arabic_cid-truetype.pdf', minF1: 1, minOrder: 1 },
  { name: 'aes128_empty-user-password_form_issue9972', path: 'test/fixtures/real/pdf/encrypted/aes128_empty-user-password_form_issue9972.pdf', minF1: 0.97, minOrder: 0.9 },
  { name: 'xfa-form_placeholder-text_issue14315', path: 'test/fixtures/real/pdf/forms/xfa-form_placeholder-text_issue14315.pdf', minF1: 1, minOrder: 1 },
  { name: 'libreoffice-form_acroform', path: 'test/fixtures/real/pdf/forms/libreoffice-form_acroform.pdf', minF1: 0.99, minOrder: 0.78 },
  { name: 'bad-xref-offsets_recoverable_helloworld', path: 'test/fixtures/real/pdf/broken/bad-xref-offsets_recoverable_helloworld.pdf', minF1: 1, minOrder: 1 },
  { name: 'russian_tax-form_scanned-jbig2_garbage-ocr_8p', path: 'test/fixtures/real/pdf/scanned/russian_tax-form_scanned-jbig2_garbage-ocr_8p.pdf', minF1: 0.97, minOrder: 0.85 },
  { name: 'draft-itrs-td64_rev1', path: 'mirror/sample-site/rev1/docs/draft-itrs-td64.pdf', minF1: 1, minOrder: 1 },
  { name: 'draft-itrs-td64_rev2', path: 'mirror/sample-site/rev2/docs/draft-itrs-td64.pdf', minF1: 1, minOrder: 1 },
  {
    name: 'russian_font-without-tounicode_issue20453',
    path: 'test/fixtures/real/pdf/nonlatin/russian_font-without-tounicode_issue20453.pdf',
    minF1: 0,
    minOrder: 0,
    garbageReference: 'font without a Unicode map: pdftotext gives glyph garbage (ɍɝɥɨɜɚɹ…) with no spaces',
  },
  {
    name: 'chinese_gbk-font-no-tounicode_XiaoBiaoSong',
    path: 'test/fixtures/real/pdf/nonlatin/chinese_gbk-font-no-tounicode_XiaoBiaoSong.pdf',
    minF1: 0,
    minOrder: 0,
    garbageReference: 'non-embedded GBK font without ToUnicode: pdftotext (and pdf.js) give Latin-1 mojibake (Ä¿¡¡)',
  },
];
