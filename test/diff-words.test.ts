// Unit tests of the tokenizer and the word-level refinement.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countWords, diffWords, isWordToken, tokenize, type DiffPart } from '../src/diff/index.js';
import { mulberry32 } from './helpers/random.js';

const rebuild = (parts: DiffPart[], skip: DiffPart['op']): string =>
  parts
    .filter((p) => p.op !== skip)
    .map((p) => p.text)
    .join('');

describe('tokenize', () => {
  const cases: [string, string[]][] = [
    ['', []],
    ['Hello, world!', ['Hello', ',', ' ', 'world', '!']],
    ['Héllo wörld', ['Héllo', ' ', 'wörld']],
    // Decomposed accent (e + U+0301) stays in its word.
    ['cafe\u0301 ok', ['cafe\u0301', ' ', 'ok']],
    ['a  \t b\n\nc\r\nd', ['a', '  \t ', 'b', '\n', '\n', 'c', '\r\n', 'd']],
    ['中文字', ['中', '文', '字']],
    ['日本語のテキスト', ['日', '本', '語', 'の', 'テ', 'キ', 'ス', 'ト']],
    ['abc漢字def', ['abc', '漢', '字', 'def']],
    ['한국어 문장', ['한국어', ' ', '문장']],
    ['مرحبا بالعالم', ['مرحبا', ' ', 'بالعالم']],
    ['👍🏽👨‍👩‍👧!', ['👍🏽', '👨‍👩‍👧', '!']],
    ['art. 5a, §12', ['art', '.', ' ', '5a', ',', ' ', '§', '12']],
  ];
  for (const [text, tokens] of cases) {
    it(JSON.stringify(text), () => {
      assert.deepEqual(tokenize(text), tokens);
      assert.equal(tokenize(text).join(''), text);
    });
  }

  it('isWordToken / countWords', () => {
    assert.equal(isWordToken('abc'), true);
    assert.equal(isWordToken('12'), true);
    assert.equal(isWordToken('中'), true);
    assert.equal(isWordToken(' '), false);
    assert.equal(isWordToken(','), false);
    assert.equal(isWordToken('👍'), false);
    assert.equal(countWords('The cat, the hat — and 2 dogs.'), 7);
    assert.equal(countWords('成员国'), 3);
    // countWords takes a shortcut; it must agree with the tokenizer.
    const mixed = 'Héllo, wörld! cafe\u0301 中文字 日本語のテキスト 👍🏽 1\uFE0F\u20E3 👨‍👩‍👧 مرحبا بالعالم كَتَبَ 5a ﷺ ー abc漢字def \u0301x ไทย';
    assert.equal(countWords(mixed), tokenize(mixed).filter(isWordToken).length);
  });
});

describe('diffWords', () => {
  it('identical, empty sides', () => {
    assert.deepEqual(diffWords('same', 'same').parts, [{ op: 'equal', text: 'same' }]);
    assert.deepEqual(diffWords('', 'new words').parts, [{ op: 'added', text: 'new words' }]);
    assert.equal(diffWords('', 'new words').wordsAdded, 2);
    assert.deepEqual(diffWords('old', '').parts, [{ op: 'removed', text: 'old' }]);
  });

  it('glue: a space between two changes joins them', () => {
    const r = diffWords('one two three four', 'one TWO THREE four');
    assert.deepEqual(r.parts, [
      { op: 'equal', text: 'one ' },
      { op: 'removed', text: 'two three' },
      { op: 'added', text: 'TWO THREE' },
      { op: 'equal', text: ' four' },
    ]);
    assert.equal(r.wordsRemoved, 2);
    assert.equal(r.wordsAdded, 2);
  });

  it('a kept word between changes is not swallowed', () => {
    const r = diffWords('the red house stands here', 'the blue house stood here');
    assert.deepEqual(r.parts, [
      { op: 'equal', text: 'the ' },
      { op: 'removed', text: 'red' },
      { op: 'added', text: 'blue' },
      { op: 'equal', text: ' house ' },
      { op: 'removed', text: 'stands' },
      { op: 'added', text: 'stood' },
      { op: 'equal', text: ' here' },
    ]);
  });

  it('line breaks between changes are kept as equal', () => {
    const r = diffWords('keep a\nb keep\n', 'keep x\ny keep\n');
    assert.deepEqual(r.parts, [
      { op: 'equal', text: 'keep ' },
      { op: 'removed', text: 'a' },
      { op: 'added', text: 'x' },
      { op: 'equal', text: '\n' },
      { op: 'removed', text: 'b' },
      { op: 'added', text: 'y' },
      { op: 'equal', text: ' keep\n' },
    ]);
  });

  it('sides sharing almost no words: one replacement, not degraded', () => {
    const r = diffWords('a\nb\n', 'x\ny\n');
    assert.deepEqual(r.parts, [
      { op: 'removed', text: 'a\nb\n' },
      { op: 'added', text: 'x\ny\n' },
    ]);
    assert.equal(r.degraded, false);
  });

  it('token bound: whole-block replace, degraded', () => {
    const r = diffWords('a b c d e f', 'a b c d e g', { maxTokens: 5 });
    assert.equal(r.degraded, true);
    assert.deepEqual(r.parts, [
      { op: 'removed', text: 'a b c d e f' },
      { op: 'added', text: 'a b c d e g' },
    ]);
    assert.equal(r.wordsRemoved, 6);
  });

  it('exhausted work budget: still correct, degraded', () => {
    const old = Array.from({ length: 300 }, (_, i) => `w${i % 13}`).join(' ');
    const neu = Array.from({ length: 300 }, (_, i) => `w${(i * 5) % 13}`).join(' ');
    const r = diffWords(old, neu, { budget: { remaining: 0 } });
    assert.equal(r.degraded, true);
    assert.equal(rebuild(r.parts, 'added'), old);
    assert.equal(rebuild(r.parts, 'removed'), neu);
  });

  it('random edits keep the rebuild invariants', () => {
    let s = 99;
    const rnd = (): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 4294967296;
    };
    const vocab = ['the', 'a', 'state', 'shall', ',', '.', ' ', '  ', '\n', 'état', '成员', '国', 'مرحبا', '😀', 'x1', 'Art'];
    const pick = (): string => vocab[Math.floor(rnd() * vocab.length)] as string;
    for (let c = 0; c < 500; c++) {
      const a = Array.from({ length: Math.floor(rnd() * 40) }, () => pick() + (rnd() < 0.6 ? ' ' : ''));
      const b = a.slice();
      for (let e = Math.floor(rnd() * 6); e > 0; e--) b.splice(Math.floor(rnd() * (b.length + 1)), Math.floor(rnd() * 3), ...Array.from({ length: Math.floor(rnd() * 3) }, pick));
      const old = a.join('');
      const neu = b.join('');
      const r = diffWords(old, neu);
      assert.equal(rebuild(r.parts, 'added'), old, `case ${c}`);
      assert.equal(rebuild(r.parts, 'removed'), neu, `case ${c}`);
      for (let k = 1; k < r.parts.length; k++) {
        const prev = r.parts[k - 1] as DiffPart;
        const cur = r.parts[k] as DiffPart;
        assert.ok(!(prev.op === cur.op), 'adjacent parts differ in op');
        assert.ok(!(prev.op === 'added' && cur.op === 'removed'), 'removed before added');
      }
      const count = (op: DiffPart['op']): number => countWords(r.parts.filter((p) => p.op === op).map((p) => p.text).join(' '));
      assert.equal(r.wordsAdded, count('added'));
      assert.equal(r.wordsRemoved, count('removed'));
    }
  });

  it('setting the common beginning and end aside gives the same diff as diffing the whole', () => {
    // diffWords cuts two texts where a token boundary is certain on both sides and diffs only the
    // middle. Seeded random pairs, built from what makes token boundaries tricky: runs of spaces and
    // tabs, other blanks (no-break space, ideographic space), line breaks (CR LF, lone CR),
    // combining marks after a space, scripts without spaces, emoji sequences, punctuation.
    const random = mulberry32(31_12_2026);
    const pieces = ['the', 'state', 'shall', 'a', 'Art', '5a', ',', '.', ' ', ' ', ' ', '  ', '\t', ' \t ', '\u00a0', '\u3000', '\n', '\r\n', '\r',
      '\u0301', 'e\u0301', 'état', '成员', '国', 'مرحبا', '😀', '👍🏽', '👨‍👩‍👧', '\uFE0F', 'x1', '§', '—'];
    const pick = (): string => pieces[Math.floor(random() * pieces.length)] as string;
    let trimmed = 0;
    for (let c = 0; c < 4_000; c++) {
      const a = Array.from({ length: Math.floor(random() * 50) }, pick);
      const b = a.slice();
      for (let e = 1 + Math.floor(random() * 4); e > 0; e--) b.splice(Math.floor(random() * (b.length + 1)), Math.floor(random() * 3), ...Array.from({ length: Math.floor(random() * 3) }, pick));
      const old = a.join('');
      const neu = b.join('');
      const whole = diffWords(old, neu, { trimCommonEnds: false });
      const cut = diffWords(old, neu);
      assert.deepEqual(cut, whole, `case ${c}: ${JSON.stringify(old)} -> ${JSON.stringify(neu)}`);
      if (old !== neu && old.length > 0 && neu.length > 0 && old[0] === neu[0]) trimmed++;
    }
    assert.ok(trimmed > 1_000, `only ${trimmed} pairs with a common beginning`);
  });
});
