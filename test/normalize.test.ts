import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeText } from '../src/extract/normalize.js';

const cases: Array<[name: string, input: string, expected: string]> = [
  ['empty input gives empty output', '', ''],
  ['only whitespace gives empty output', ' \n\t\n\u00A0\r\n', ''],
  ['adds exactly one final newline', 'a', 'a\n'],
  ['drops trailing blank lines', 'a\n\n\n', 'a\n'],
  ['drops leading blank lines', '\n\n \na', 'a\n'],
  ['CRLF and lone CR become LF', 'a\r\nb\rc', 'a\nb\nc\n'],
  ['NFC composes decomposed accents', 'Cafe\u0301 re\u0301sume\u0301', 'Caf\u00E9 r\u00E9sum\u00E9\n'],
  ['unfolds ligatures', '\uFB00 \uFB01 \uFB02 \uFB03 \uFB04 \uFB05 \uFB06', 'ff fi fl ffi ffl st st\n'],
  ['ligatures inside words', 'e\uFB03cient o\uFB00er \uFB01nal', 'efficient offer final\n'],
  ['removes soft hyphens inside words', 'regu\u00ADla\u00ADtions', 'regulations\n'],
  ['removes zero-width characters', 'a\u200Bb\u200Cc\u200Dd\u2060e\uFEFFf', 'abcdef\n'],
  ['keeps ZWJ inside an emoji sequence', 'dev: \u{1F469}\u200D\u{1F4BB}!', 'dev: \u{1F469}\u200D\u{1F4BB}!\n'],
  ['keeps ZWJ after an emoji with a variation selector', '\u{1F3F3}\uFE0F\u200D\u{1F308}', '\u{1F3F3}\uFE0F\u200D\u{1F308}\n'],
  ['removes ZWJ between letters', 'a\u200Db', 'ab\n'],
  ['NBSP and other Unicode spaces become spaces', 'a\u00A0b\u2002c\u2009d\u202Fe\u3000f', 'a b c d e f\n'],
  ['tabs become spaces', 'a\tb\t\tc', 'a b c\n'],
  ['collapses runs of spaces', 'a    b  c', 'a b c\n'],
  ['trims each line', '  a  \n\t b \t', 'a\nb\n'],
  ['keeps the indentation of nested list items', '- a\n  - b\n\t- c\n  -d', '- a\n  - b\n  - c\n-d\n'],
  ['at most one blank line in a row', 'a\n\n\n\nb\n \n\t\n\nc', 'a\n\nb\n\nc\n'],
  ['form feed and Unicode line separators break lines', 'a\fb\u2028c\u2029d\u0085e', 'a\nb\nc\nd\ne\n'],
  ['rejoins a lowercase word broken by a hyphen', 'the regu-\nlations apply\nhere', 'the regulations apply\nhere\n'],
  ['rejoins across trailing and leading spaces', 'regu- \n  lations', 'regulations\n'],
  ['rejoins with U+2010 HYPHEN', 'regu\u2010\nlations', 'regulations\n'],
  ['rejoins a word broken twice', 'extra-\nordi-\nnary', 'extraordinary\n'],
  ['does not rejoin when the next line starts uppercase', 'the regu-\nLations', 'the regu-\nLations\n'],
  ['does not rejoin when the fragment has an uppercase letter', 'Self-\ncontained', 'Self-\ncontained\n'],
  ['does not rejoin compounds', 'state-of-the-\nart', 'state-of-the-\nart\n'],
  ['does not rejoin after a digit', 'COVID19-\nrelated', 'COVID19-\nrelated\n'],
  ['does not rejoin across a blank line', 'regu-\n\nlations', 'regu-\n\nlations\n'],
  ['does not rejoin a lone dash', 'a -\nb', 'a -\nb\n'],
  ['rejoins a soft hyphen at a line end whatever the case', 'Regu\u00AD\nLations', 'ReguLations\n'],
  ['rejoins non-Latin lowercase', 'регу-\nлирование', 'регулирование\n'],
  ['page markers survive unchanged', '--- page 1 ---\nHello\n\n\n--- page 2 ---\nWorld', '--- page 1 ---\nHello\n\n--- page 2 ---\nWorld\n'],
  ['no rejoin into a page marker', 'regu-\n--- page 2 ---\nlations', 'regu-\n--- page 2 ---\nlations\n'],
  ['a hyphenated word across a page marker stays split', 'regu-\n\n--- page 2 ---\n\nlations', 'regu-\n\n--- page 2 ---\n\nlations\n'],
  ['Arabic presentation forms are left as they are (NFC, not NFKC)', '\uFEDF\uFECC', '\uFEDF\uFECC\n'],
  ['removes ZWNJ even in Persian (the spec asks for it)', 'می\u200Cخواهم', 'میخواهم\n'],
];

describe('normalizeText', () => {
  for (const [name, input, expected] of cases) {
    it(name, () => {
      assert.equal(normalizeText(input), expected);
    });
  }

  it('is idempotent on every case', () => {
    for (const [name, input] of cases) {
      const once = normalizeText(input);
      assert.equal(normalizeText(once), once, name);
    }
  });

  it('is idempotent on tricky mixes', () => {
    const samples = [
      'a-\n-\nb',
      'x\u200D\u200D\u{1F600}\u200D\u{1F600}',
      ' \u0301a\nregu-\n\u0301lations',
      'a\u00AD \n\u00ADb',
      '--- page 1 ---\n\n\n\n--- page 2 ---',
      'foo-\nbar-\nBaz-\nqux',
      '\uFB01-\nne \r\n\r\n\r\n e\u0301-\nf',
    ];
    for (const sample of samples) {
      const once = normalizeText(sample);
      assert.equal(normalizeText(once), once, JSON.stringify(sample));
    }
  });

  it('output never has trailing spaces, double spaces, tabs or two blank lines in a row', () => {
    const out = normalizeText('a \t b  \n\n\n\n c\u00A0\u00A0d \n');
    assert.doesNotMatch(out, / \n| {2}|\t|\n\n\n/);
  });
});
