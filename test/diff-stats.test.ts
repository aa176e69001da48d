// diffStats (the counts log and changes show) agrees with diffTexts; countWords agrees with the
// word regex it replaces; share.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countWords, diffStats, diffTexts, shareOf, tokenize, isWordToken } from '../src/diff/index.js';
import { mulberry32 as prng } from './helpers/random.js';


describe('diffStats', () => {
  it('counts what diffTexts counts (seeded random edits)', () => {
    const rnd = prng(42);
    const pieces = ['a', 'b', 'c', 'd\n', 'e ', '\n', 'ff', '\n\n', 'Article 1\n', 'x y z', '12'];
    const pick = (): string => pieces[Math.floor(rnd() * pieces.length)] as string;
    for (let k = 0; k < 3000; k++) {
      const a = Array.from({ length: Math.floor(rnd() * 40) }, pick).join('');
      const edits = a.split('');
      for (let e = Math.floor(rnd() * 4); e > 0; e--) edits.splice(Math.floor(rnd() * (edits.length + 1)), Math.floor(rnd() * 3), pick());
      const b = edits.join('');
      const fast = diffStats(a, b);
      const full = diffTexts(a, b, { mode: 'word', context: 0 }).stats;
      assert.deepEqual(fast, { wordsAdded: full.wordsAdded, wordsRemoved: full.wordsRemoved, linesAdded: full.linesAdded, linesRemoved: full.linesRemoved }, `${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
    }
  });

  it('cuts the common head and tail: a one-word edit in a large text', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `line ${i} of the text.`);
    const edited = [...lines];
    edited[25_000] = 'line 25000 of the revised text.';
    assert.deepEqual(diffStats(`${lines.join('\n')}\n`, `${edited.join('\n')}\n`), { wordsAdded: 1, wordsRemoved: 0, linesAdded: 1, linesRemoved: 1 });
    assert.deepEqual(diffStats('same', 'same'), { wordsAdded: 0, wordsRemoved: 0, linesAdded: 0, linesRemoved: 0 });
    assert.deepEqual(diffStats('', 'two words\n'), { wordsAdded: 2, wordsRemoved: 0, linesAdded: 1, linesRemoved: 0 });
  });
});

describe('countWords', () => {
  it('agrees with counting word tokens (seeded, mixed scripts)', () => {
    const rnd = prng(7);
    const alphabet = ['a', 'Z', '9', ' ', '-', 'é', '\u0301', '東', 'ー', 'ไ', '𝐀', '🎉', '\ud800', '\udc00', '\n', 'ß', '١', 'ँ', 'क', 'ع', '\u00a0', "'"];
    for (let k = 0; k < 5000; k++) {
      const text = Array.from({ length: Math.floor(rnd() * 16) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      assert.equal(countWords(text), tokenize(text).filter(isWordToken).length, JSON.stringify(text));
    }
  });
});

describe('share', () => {
  it('is the share of words changed, rounded, 0 for empty texts', () => {
    assert.equal(shareOf({ wordsAdded: 1, wordsRemoved: 1, oldWords: 50, newWords: 50 }), 0.02);
    assert.equal(shareOf({ wordsAdded: 0, wordsRemoved: 0, oldWords: 0, newWords: 0 }), 0);
    assert.equal(shareOf({ wordsAdded: 3, wordsRemoved: 0, oldWords: 0, newWords: 3 }), 1);
    const r = diffTexts('one two three four\n', 'one two three five\n', { mode: 'word' });
    assert.equal(r.stats.oldWords, 4);
    assert.equal(r.stats.newWords, 4);
    assert.equal(r.stats.share, 0.25);
    assert.equal(diffTexts('a b\n', 'a b\n', { mode: 'line' }).stats.share, 0);
  });
});
