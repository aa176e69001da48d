// Ignore rules: comparableText and the diff agree (table and seeded property test), hunks show the
// real text, invalid patterns are usage errors naming the pattern.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  comparableText,
  compileIgnoreRules,
  diffTexts,
  formatText,
  plainPainter,
  InvalidIgnorePatternError,
  type DiffMode,
  type IgnoreRules,
} from '../src/diff/index.js';
import { UsageError } from '../src/errors.js';
import { mulberry32 as prng } from './helpers/random.js';

const WS: IgnoreRules = { whitespace: true };
const CASE: IgnoreRules = { case: true };
const DATES: IgnoreRules = { patterns: ['Printed on \\d{4}-\\d{2}-\\d{2}'] };

describe('ignore rules: table', () => {
  // same: whether the two texts are the same under the rules (no hunks, equal comparable texts).
  const cases: Array<{ name: string; old: string; new: string; rules: IgnoreRules; same: boolean }> = [
    { name: 'no rule: a space is a change', old: 'a b\n', new: 'a  b\n', rules: {}, same: false },
    { name: 'whitespace: runs of spaces and tabs', old: 'a b\tc\n', new: 'a  b \t c\n', rules: WS, same: true },
    { name: 'whitespace: indentation and trailing spaces', old: '  a b\n', new: 'a b   \n', rules: WS, same: true },
    { name: 'whitespace: blank lines', old: 'a\nb\n', new: 'a\n\n\nb\n', rules: WS, same: true },
    { name: 'whitespace: re-wrapped lines', old: 'the text\nwraps here\n', new: 'the text wraps\nhere\n', rules: WS, same: true },
    { name: 'whitespace: CRLF vs LF', old: 'a\r\nb\r\n', new: 'a\nb\n', rules: WS, same: true },
    { name: 'whitespace: final newline', old: 'a\nb', new: 'a\nb\n', rules: WS, same: true },
    { name: 'whitespace: no-break and ideographic spaces', old: 'a\u00a0b\u3000c\n', new: 'a b c\n', rules: WS, same: true },
    { name: 'whitespace: words joined are a change', old: 'a b\n', new: 'ab\n', rules: WS, same: false },
    { name: 'whitespace: punctuation spacing is a change', old: 'a,\n', new: 'a ,\n', rules: WS, same: false },
    { name: 'whitespace: RTL text re-spaced', old: 'المادة  ١٢\nنص\n', new: 'المادة ١٢ نص\n', rules: WS, same: true },
    { name: 'no rule: CRLF vs LF is a change', old: 'a\r\nb\r\n', new: 'a\nb\n', rules: {}, same: false },
    { name: 'no rule: final newline is a change', old: 'a\nb', new: 'a\nb\n', rules: { case: true }, same: false },
    { name: 'case: ASCII', old: 'Article 12 SCOPE\n', new: 'article 12 scope\n', rules: CASE, same: true },
    { name: 'case: German sharp s', old: 'STRASSE\n', new: 'Straße\n', rules: CASE, same: true },
    { name: 'case: Greek final sigma', old: 'ΟΔΟΣ\n', new: 'οδος\n', rules: CASE, same: true },
    { name: 'case: accents still count', old: 'resume\n', new: 'Résumé\n', rules: CASE, same: false },
    { name: 'case: whitespace still counts', old: 'A b\n', new: 'a  b\n', rules: CASE, same: false },
    { name: 'pattern: a print date', old: 'Printed on 2012-12-10\nText\n', new: 'Printed on 2013-01-07\nText\n', rules: DATES, same: true },
    { name: 'pattern: a different line still counts', old: 'Printed on 2012-12-10\nText\n', new: 'Printed on 2013-01-07\nTexts\n', rules: DATES, same: false },
    { name: 'pattern: counters of different lengths', old: 'visits: 9\n', new: 'visits: 10\n', rules: { patterns: ['\\d+'] }, same: true },
    { name: 'pattern: several patterns', old: 'v1 at 10:00\n', new: 'v2 at 11:30\n', rules: { patterns: ['v\\d', '\\d\\d:\\d\\d'] }, same: true },
    { name: 'pattern: anchored to the line', old: 'Page 3\nPage 3 of the text\n', new: 'Page 4\nPage 4 of the text\n', rules: { patterns: ['^Page \\d+$'] }, same: false },
    { name: 'pattern: case-insensitive under the case rule', old: 'PRINTED ON 2012-12-10\n', new: 'printed on 2013-01-07\n', rules: { ...DATES, case: true }, same: true },
    { name: 'pattern: empty matches are ignored', old: 'a\n', new: 'b\n', rules: { patterns: ['x*'] }, same: false },
    { name: 'all rules together', old: 'Printed on 2012-12-10\n  TITLE\r\n', new: 'printed on 2013-01-07 title\n', rules: { ...DATES, whitespace: true, case: true }, same: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const equal = comparableText(c.old, c.rules) === comparableText(c.new, c.rules);
      assert.equal(equal, c.same, 'comparableText');
      for (const mode of ['line', 'word', 'char'] as const) {
        const r = diffTexts(c.old, c.new, { mode, ignore: c.rules });
        assert.equal(r.hunks.length === 0, c.same, `${mode}: ${JSON.stringify(r.hunks)}`);
      }
    });
  }
});

describe('ignore rules: hunks show the real text', () => {
  it('a pattern masks for comparison only', () => {
    const r = diffTexts('Printed on 2012-12-10\nThe fee is low.\n', 'Printed on 2013-01-07\nThe fee is high.\n', { mode: 'word', ignore: DATES });
    assert.equal(
      formatText(r, { painter: plainPainter }),
      ['@@ -1,2 +1,2 @@', 'Printed on 2012-12-10', 'The fee is [-low-]{+high+}.', ''].join('\n'),
    );
    assert.deepEqual(r.ignored, { whitespace: false, case: false, patterns: ['Printed on \\d{4}-\\d{2}-\\d{2}'] });
  });

  it('case differences inside a changed line are not marked', () => {
    const r = diffTexts('The STATE shall notify.\n', 'The state may notify.\n', { mode: 'word', ignore: CASE });
    assert.equal(formatText(r, { painter: plainPainter }), ['@@ -1 +1 @@', 'The STATE [-shall-]{+may+} notify.', ''].join('\n'));
    assert.equal(r.stats.wordsAdded, 1);
    assert.equal(r.stats.wordsRemoved, 1);
  });

  it('re-wrapped lines around a change are shown as context from the old text', () => {
    const r = diffTexts('Article 1\nthe text\nwraps here\nend.\n', 'Article 1\nthe text wraps\nhere\nEnd!\n', { mode: 'word', ignore: WS, context: 1 });
    assert.equal(r.hunks.length, 1);
    assert.equal(formatText(r, { painter: plainPainter }), ['@@ -1,4 +1,4 @@ Article 1', 'Article 1', 'the text', 'wraps here', '[-end.-]{+End!+}', ''].join('\n'));
  });

  it('hunk line counts stay consistent with the hunk body when ignored blocks differ in length', () => {
    const old = 'a\nb c\nd\ne\nf\ng\nh\n';
    const neu = 'a\nb\nc\nd\ne\nf\ng\nH\n';
    const r = diffTexts(old, neu, { mode: 'line', ignore: WS, context: 10 });
    const h = r.hunks[0];
    assert.ok(h);
    assert.equal(h.oldLines, h.lines.filter((l) => l.op !== 'added').length);
    assert.equal(h.newLines, h.lines.filter((l) => l.op !== 'removed').length);
    assert.deepEqual(
      h.lines.filter((l) => l.op !== 'context'),
      [
        { op: 'removed', text: 'h' },
        { op: 'added', text: 'H' },
      ],
    );
  });
});

describe('ignore rules: invalid patterns', () => {
  for (const pattern of ['(', '[a-', 'a{', '\\']) {
    it(`"${pattern}" is a usage error naming it`, () => {
      assert.throws(
        () => compileIgnoreRules({ patterns: ['ok', pattern] }),
        (error: unknown) => error instanceof InvalidIgnorePatternError && error instanceof UsageError && error.pattern === pattern && error.message.includes(JSON.stringify(pattern)),
      );
      assert.throws(() => comparableText('x', { patterns: [pattern] }), InvalidIgnorePatternError);
      assert.throws(() => diffTexts('x', 'y', { mode: 'word', ignore: { patterns: [pattern] } }), InvalidIgnorePatternError);
    });
  }
  it('no rule set: nothing to compile, the text is its own comparable form', () => {
    assert.equal(compileIgnoreRules({}), undefined);
    assert.equal(compileIgnoreRules({ whitespace: false, patterns: [] }), undefined);
    assert.equal(comparableText('A  b\r\n', {}), 'A  b\r\n');
  });
});


describe('ignore rules: comparableText equality ⇔ no hunks (seeded property)', () => {
  // Pieces that collide under the rules: spacing, line breaks, CR, case, digits, Unicode.
  const pieces = ['a', 'A', 'b', 'B', 'ß', 'SS', 'ss', ' ', '  ', '\t', '\n', '\n\n', '\r\n', '\u00a0', '1', '22', '-', ',', 'x9', 'X9', 'é', 'É', 'ع', ' Printed on 2012-12-10 ', 'Printed on 2013-01-07'];
  const ruleSets: IgnoreRules[] = [
    {},
    WS,
    CASE,
    { patterns: ['\\d+'] },
    { whitespace: true, case: true },
    { whitespace: true, patterns: ['\\d+'] },
    { case: true, patterns: ['Printed on \\S+', 'x\\d'] },
    { whitespace: true, case: true, patterns: ['\\d+', '^-'] },
  ];
  const rnd = prng(20121203);
  const pick = (): string => pieces[Math.floor(rnd() * pieces.length)] as string;
  const text = (): string => Array.from({ length: Math.floor(rnd() * 14) }, pick).join('');
  /** A variant of `t`: a few pieces replaced, inserted or deleted (often equal under some rule). */
  const mutate = (t: string): string => {
    let out = t;
    for (let e = Math.floor(rnd() * 3); e >= 0; e--) {
      const at = Math.floor(rnd() * (out.length + 1));
      const cut = Math.floor(rnd() * 3);
      out = out.slice(0, at) + (rnd() < 0.7 ? pick() : '') + out.slice(at + cut);
    }
    return out;
  };
  const modes: DiffMode[] = ['line', 'word', 'char'];
  for (const rules of ruleSets) {
    it(JSON.stringify(rules), () => {
      let sameSeen = 0;
      let differentSeen = 0;
      for (let k = 0; k < 1500; k++) {
        const a = text();
        const b = rnd() < 0.5 ? mutate(a) : text();
        const same = comparableText(a, rules) === comparableText(b, rules);
        if (same) sameSeen++;
        else differentSeen++;
        const mode = modes[k % 3] as DiffMode;
        const r = diffTexts(a, b, { mode, ignore: rules, context: k % 4 });
        assert.equal(r.hunks.length === 0, same, `${mode} ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
        for (const h of r.hunks) {
          assert.equal(h.oldLines, h.lines.filter((l) => l.op !== 'added').length);
          assert.equal(h.newLines, h.lines.filter((l) => l.op !== 'removed').length);
        }
      }
      // The generator exercises both sides of the equivalence.
      assert.ok(sameSeen > 20 && differentSeen > 20, `same ${sameSeen}, different ${differentSeen}`);
    });
  }
});
