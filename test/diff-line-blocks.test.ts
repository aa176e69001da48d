// Line blocks given to the engine (git's own diff of stored texts): used when they are a correct
// line diff, ignored otherwise; and the new text's word count derived from the old one's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkedLineBlocks, diffTexts, splitLines } from '../src/diff/engine.js';
import { countWords } from '../src/diff/words.js';
import type { DiffMode, LineBlock } from '../src/diff/types.js';
import { mulberry32 } from './helpers/random.js';

const OLD = ['--- page 1 ---', 'Article 1', 'The parties agree.', 'Second line here.', '', 'Article 2', 'Member States shall report.', 'tail'].join('\n') + '\n';
const NEW = ['--- page 1 ---', 'Article 1', 'The parties disagree.', 'Second line here.', '', 'Article 2', 'Member States shall report yearly.', 'New line.', 'tail'].join('\n') + '\n';
// What git diff -U0 says for OLD -> NEW: line 3 changed, line 7 changed and one line inserted.
const GIT_BLOCKS: LineBlock[] = [
  { a0: 2, a1: 3, b0: 2, b1: 3 },
  { a0: 6, a1: 7, b0: 6, b1: 8 },
];

describe('checkedLineBlocks', () => {
  const a = splitLines(OLD).lines;
  const b = splitLines(NEW).lines;
  const cases: Array<[name: string, blocks: LineBlock[], ok: boolean]> = [
    ['the true blocks', GIT_BLOCKS, true],
    ['adjacent blocks are merged', [{ a0: 2, a1: 3, b0: 2, b1: 3 }, { a0: 6, a1: 6, b0: 6, b1: 7 }, { a0: 6, a1: 7, b0: 7, b1: 8 }], true],
    ['an empty block is dropped', [{ a0: 0, a1: 0, b0: 0, b1: 0 }, ...GIT_BLOCKS], true],
    ['a changed line left outside every block', [{ a0: 6, a1: 7, b0: 6, b1: 8 }], false],
    ['blocks out of order', [...GIT_BLOCKS].reverse(), false],
    ['a block past the end', [{ a0: 2, a1: 3, b0: 2, b1: 3 }, { a0: 6, a1: 99, b0: 6, b1: 8 }], false],
    ['unequal gaps before a block', [{ a0: 2, a1: 3, b0: 3, b1: 4 }], false],
    ['no blocks for different texts', [], false],
    ['not whole numbers', [{ a0: 2.5, a1: 3, b0: 2, b1: 3 }], false],
  ];
  for (const [name, blocks, ok] of cases) {
    it(`${name}: ${ok ? 'accepted' : 'refused'}`, () => {
      assert.equal(checkedLineBlocks(blocks, a, b) !== undefined, ok);
    });
  }
  it('merges adjacent blocks into one', () => {
    assert.deepEqual(checkedLineBlocks(cases[1]?.[1] ?? [], a, b), GIT_BLOCKS);
  });
});

describe('diffTexts with given line blocks', () => {
  for (const mode of ['line', 'word', 'char'] as DiffMode[]) {
    it(`${mode}: the same result as the engine's own line diff`, () => {
      assert.deepEqual(diffTexts(OLD, NEW, { mode, lineBlocks: GIT_BLOCKS }), diffTexts(OLD, NEW, { mode }));
    });
    it(`${mode}: wrong blocks are ignored (the engine diffs itself)`, () => {
      assert.deepEqual(diffTexts(OLD, NEW, { mode, lineBlocks: [{ a0: 0, a1: 1, b0: 0, b1: 1 }] }), diffTexts(OLD, NEW, { mode }));
    });
  }
  it('for a rewrite (most lines changed) the engine aligns the lines itself', () => {
    const rewritten = splitLines(OLD).lines.reverse().join('\n') + '\n';
    const n = splitLines(OLD).lines.length;
    // A correct but coarse alignment: every line replaced. The engine's own finds the equal ones.
    const everything: LineBlock[] = [{ a0: 0, a1: n, b0: 0, b1: n }];
    assert.deepEqual(diffTexts(OLD, rewritten, { mode: 'line', lineBlocks: everything }), diffTexts(OLD, rewritten, { mode: 'line' }));
  });
  it('under ignore rules the blocks are not used', () => {
    const ignore = { whitespace: false, case: true, patterns: [] };
    assert.deepEqual(diffTexts(OLD, NEW.replace('tail', 'TAIL'), { mode: 'word', ignore, lineBlocks: [] }), diffTexts(OLD, NEW.replace('tail', 'TAIL'), { mode: 'word', ignore }));
  });
});

describe('diffTexts: the new word count, derived from the old one', () => {
  const rnd = mulberry32(42);
  const vocabulary = ['treaty', 'article', '12', 'état', 'الاتحاد', '电信联盟', 'naïve', '', '—', 'x-y', 'e\u0301', '🙂'];
  const line = (): string => Array.from({ length: Math.floor(rnd() * 6) }, () => vocabulary[Math.floor(rnd() * vocabulary.length)]).join(rnd() < 0.5 ? ' ' : '');
  for (let round = 0; round < 40; round++) {
    const oldLines = Array.from({ length: 1 + Math.floor(rnd() * 12) }, line);
    const newLines = oldLines.map((text) => (rnd() < 0.3 ? line() : text));
    if (rnd() < 0.3) newLines.splice(Math.floor(rnd() * newLines.length), 0, line());
    const finalNewline = rnd() < 0.8;
    const oldText = oldLines.join('\n') + (finalNewline ? '\n' : '');
    const newText = newLines.join('\n') + (rnd() < 0.8 ? '\n' : '');
    for (const mode of ['line', 'word', 'char'] as DiffMode[]) {
      it(`round ${round}, ${mode}: newWords = countWords(new text)`, () => {
        const { stats } = diffTexts(oldText, newText, { mode });
        assert.equal(stats.newWords, countWords(newText));
        assert.equal(stats.oldWords, countWords(oldText));
      });
    }
  }
});
