// Unit tests of diffTexts: hunks, line numbers, parts, page/heading, stats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { countWords, diffTexts, headingOf, pageMarkerOf, splitLines } from '../src/diff/index.js';
import { mayBeHeading } from '../src/diff/engine.js';
import { mulberry32 } from './helpers/random.js';
import type { DiffHunk, DiffMode, DiffResult } from '../src/diff/index.js';

/** The hunk's old text and new text, rebuilt from its lines. */
function hunkTexts(h: DiffHunk): { oldText: string; newText: string } {
  let oldText = '';
  let newText = '';
  for (const l of h.lines) {
    const t = l.text + (l.noNewline ? '' : '\n');
    if (l.op !== 'added') oldText += t;
    if (l.op !== 'removed') newText += t;
  }
  return { oldText, newText };
}

/** Invariants every result must satisfy, whatever the input. */
function checkInvariants(oldText: string, newText: string, r: DiffResult): void {
  const oldLines = splitLines(oldText).lines;
  const newLines = splitLines(newText).lines;
  let linesAdded = 0;
  let linesRemoved = 0;
  let prevOldEnd = 0;
  for (const h of r.hunks) {
    const counts = { context: 0, added: 0, removed: 0 };
    for (const l of h.lines) counts[l.op]++;
    assert.equal(counts.context + counts.removed, h.oldLines, 'old line count');
    assert.equal(counts.context + counts.added, h.newLines, 'new line count');
    linesAdded += counts.added;
    linesRemoved += counts.removed;
    // Hunk text matches the input at the stated position.
    const oStart = h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
    const nStart = h.newLines === 0 ? h.newStart : h.newStart - 1;
    assert.ok(oStart >= prevOldEnd, 'hunks ordered and disjoint');
    prevOldEnd = oStart + h.oldLines;
    assert.deepEqual(
      h.lines.filter((l) => l.op !== 'added').map((l) => l.text),
      oldLines.slice(oStart, oStart + h.oldLines),
    );
    assert.deepEqual(
      h.lines.filter((l) => l.op !== 'removed').map((l) => l.text),
      newLines.slice(nStart, nStart + h.newLines),
    );
    // Parts rebuild both sides of the hunk.
    const { oldText: ho, newText: hn } = hunkTexts(h);
    assert.equal(h.parts.filter((p) => p.op !== 'added').map((p) => p.text).join(''), ho, 'equal+removed = old hunk');
    assert.equal(h.parts.filter((p) => p.op !== 'removed').map((p) => p.text).join(''), hn, 'equal+added = new hunk');
    for (const p of h.parts) assert.notEqual(p.text, '', 'no empty parts');
  }
  assert.equal(r.stats.linesAdded, linesAdded);
  assert.equal(r.stats.linesRemoved, linesRemoved);
  const addedText = r.hunks.flatMap((h) => h.parts.filter((p) => p.op === 'added').map((p) => p.text)).join(' ');
  const removedText = r.hunks.flatMap((h) => h.parts.filter((p) => p.op === 'removed').map((p) => p.text)).join(' ');
  if (r.mode === 'word') {
    assert.equal(r.stats.wordsAdded, countWords(addedText));
    assert.equal(r.stats.wordsRemoved, countWords(removedText));
    assert.equal(r.stats.added, r.stats.wordsAdded);
    assert.equal(r.stats.removed, r.stats.wordsRemoved);
  } else {
    assert.equal(r.stats.added, r.stats.linesAdded);
    assert.equal(r.stats.removed, r.stats.linesRemoved);
  }
  if (oldText === newText) assert.equal(r.hunks.length, 0);
  else assert.ok(r.hunks.length > 0);
}

const L = (...lines: string[]): string => lines.map((l) => l + '\n').join('');

interface Case {
  name: string;
  old: string;
  new: string;
  /** Expected hunk headers as "-os,ol +ns,nl" (line mode, context 3). */
  headers: string[];
  linesAdded: number;
  linesRemoved: number;
}

const ten = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`);

const cases: Case[] = [
  { name: 'empty vs empty', old: '', new: '', headers: [], linesAdded: 0, linesRemoved: 0 },
  { name: 'empty vs text', old: '', new: L('a', 'b'), headers: ['-0,0 +1,2'], linesAdded: 2, linesRemoved: 0 },
  { name: 'text vs empty', old: L('a', 'b'), new: '', headers: ['-1,2 +0,0'], linesAdded: 0, linesRemoved: 2 },
  { name: 'identical', old: L(...ten), new: L(...ten), headers: [], linesAdded: 0, linesRemoved: 0 },
  { name: 'insert at start', old: L(...ten), new: L('new', ...ten), headers: ['-1,3 +1,4'], linesAdded: 1, linesRemoved: 0 },
  { name: 'insert at end', old: L(...ten), new: L(...ten, 'new'), headers: ['-8,3 +8,4'], linesAdded: 1, linesRemoved: 0 },
  {
    name: 'insert in middle',
    old: L(...ten),
    new: L(...ten.slice(0, 5), 'new', ...ten.slice(5)),
    headers: ['-3,6 +3,7'],
    linesAdded: 1,
    linesRemoved: 0,
  },
  {
    name: 'delete in middle',
    old: L(...ten),
    new: L(...ten.slice(0, 4), ...ten.slice(6)),
    headers: ['-2,8 +2,6'],
    linesAdded: 0,
    linesRemoved: 2,
  },
  {
    name: 'two far changes make two hunks',
    old: L(...ten, ...ten),
    new: L('X', ...ten.slice(1), ...ten.slice(0, 9), 'Y'),
    headers: ['-1,4 +1,4', '-17,4 +17,4'],
    linesAdded: 2,
    linesRemoved: 2,
  },
  {
    name: 'changes 6 lines apart merge (contexts touch)',
    old: L(...ten),
    new: L('line 1', 'X', ...ten.slice(2, 8), 'Y', 'line 10'),
    headers: ['-1,10 +1,10'],
    linesAdded: 2,
    linesRemoved: 2,
  },
  {
    name: 'reorder (swap two blocks)',
    old: L('a', 'b', 'c', 'd', 'e', 'f'),
    new: L('d', 'e', 'f', 'a', 'b', 'c'),
    headers: ['-1,6 +1,6'],
    linesAdded: 3,
    linesRemoved: 3,
  },
  {
    name: 'no trailing newline added',
    old: 'a\nb',
    new: 'a\nb\n',
    headers: ['-1,2 +1,2'],
    linesAdded: 1,
    linesRemoved: 1,
  },
  {
    name: 'no trailing newline on both, last line changed',
    old: 'a\nb',
    new: 'a\nc',
    headers: ['-1,2 +1,2'],
    linesAdded: 1,
    linesRemoved: 1,
  },
  {
    name: 'no trailing newline on both, earlier change',
    old: 'x\na\nb',
    new: 'y\na\nb',
    headers: ['-1,3 +1,3'],
    linesAdded: 1,
    linesRemoved: 1,
  },
  { name: 'blank lines only', old: '\n\n', new: '\n\n\n', headers: ['-1,2 +1,3'], linesAdded: 1, linesRemoved: 0 },
  {
    name: 'CRLF content passed through',
    old: 'one\r\ntwo\r\nthree\r\n',
    new: 'one\r\n2\r\nthree\r\n',
    headers: ['-1,3 +1,3'],
    linesAdded: 1,
    linesRemoved: 1,
  },
  {
    name: 'accents and emoji',
    old: L('Le café est fermé 😀', 'Ça va'),
    new: L('Le café est ouvert 😀👍🏽', 'Ça va'),
    headers: ['-1,2 +1,2'],
    linesAdded: 1,
    linesRemoved: 1,
  },
];

const headerOf = (h: DiffHunk): string => `-${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines}`;

describe('diffTexts: table', () => {
  for (const c of cases) {
    for (const mode of ['line', 'word'] as DiffMode[]) {
      it(`${c.name} (${mode})`, () => {
        const r = diffTexts(c.old, c.new, { mode });
        assert.equal(r.mode, mode);
        assert.deepEqual(r.hunks.map(headerOf), c.headers);
        assert.equal(r.stats.linesAdded, c.linesAdded);
        assert.equal(r.stats.linesRemoved, c.linesRemoved);
        assert.equal(r.degraded, false);
        checkInvariants(c.old, c.new, r);
      });
    }
  }

  it('identical texts: no hunks, zero stats', () => {
    const r = diffTexts(L(...ten), L(...ten), { mode: 'word' });
    assert.deepEqual(r, {
      mode: 'word',
      hunks: [],
      stats: { added: 0, removed: 0, linesAdded: 0, linesRemoved: 0, wordsAdded: 0, wordsRemoved: 0, charsAdded: 0, charsRemoved: 0, oldWords: 20, newWords: 20, share: 0 },
      degraded: false,
    });
  });

  it('context option: 0 and 1', () => {
    const old = L(...ten);
    const neu = L(...ten.slice(0, 5), 'new', ...ten.slice(5));
    assert.deepEqual(diffTexts(old, neu, { mode: 'line', context: 0 }).hunks.map(headerOf), ['-5,0 +6,1']);
    assert.deepEqual(diffTexts(old, neu, { mode: 'line', context: 1 }).hunks.map(headerOf), ['-5,2 +5,3']);
    assert.deepEqual(diffTexts(old, neu, { mode: 'line', context: Infinity }).hunks.map(headerOf), ['-1,10 +1,11']);
    assert.deepEqual(diffTexts(old, neu, { mode: 'line', context: NaN }).hunks.map(headerOf), ['-3,6 +3,7']);
    assert.deepEqual(diffTexts(old, neu, { mode: 'line', context: -2 }).hunks.map(headerOf), ['-5,0 +6,1']);
    // Deletion with no context: the new side is empty and starts at the line before.
    assert.deepEqual(diffTexts(old, L(...ten.slice(0, 4), ...ten.slice(5)), { mode: 'line', context: 0 }).hunks.map(headerOf), [
      '-5,1 +4,0',
    ]);
  });

  it('noNewline is flagged on the right lines', () => {
    const r = diffTexts('a\nb', 'a\nb\n', { mode: 'line' });
    const lines = r.hunks[0]?.lines ?? [];
    assert.deepEqual(lines, [
      { op: 'context', text: 'a' },
      { op: 'removed', text: 'b', noNewline: true },
      { op: 'added', text: 'b' },
    ]);
    const same = diffTexts('x\na\nb', 'y\na\nb', { mode: 'line' });
    assert.deepEqual(same.hunks[0]?.lines.at(-1), { op: 'context', text: 'b', noNewline: true });
  });

  it('CRLF: the \\r stays in the line text', () => {
    const r = diffTexts('one\r\ntwo\r\n', 'one\r\nTWO\r\n', { mode: 'line' });
    assert.deepEqual(r.hunks[0]?.lines, [
      { op: 'context', text: 'one\r' },
      { op: 'removed', text: 'two\r' },
      { op: 'added', text: 'TWO\r' },
    ]);
  });
});

describe('diffTexts: word mode parts', () => {
  it('refines a changed line word by word, context as equal text', () => {
    const r = diffTexts(L('intro', 'The quick brown fox jumps.', 'outro'), L('intro', 'The slow brown fox leaps.', 'outro'), { mode: 'word' });
    assert.deepEqual(r.hunks[0]?.parts, [
      { op: 'equal', text: 'intro\nThe ' },
      { op: 'removed', text: 'quick' },
      { op: 'added', text: 'slow' },
      { op: 'equal', text: ' brown fox ' },
      { op: 'removed', text: 'jumps' },
      { op: 'added', text: 'leaps' },
      { op: 'equal', text: '.\noutro\n' },
    ]);
    assert.equal(r.stats.wordsAdded, 2);
    assert.equal(r.stats.wordsRemoved, 2);
    assert.equal(r.stats.added, 2);
    assert.equal(r.stats.linesAdded, 1);
  });

  it('a single space between two changed words joins them', () => {
    const r = diffTexts(L('we will not sign this'), L('we may perhaps sign this'), { mode: 'word' });
    assert.deepEqual(r.hunks[0]?.parts, [
      { op: 'equal', text: 'we ' },
      { op: 'removed', text: 'will not' },
      { op: 'added', text: 'may perhaps' },
      { op: 'equal', text: ' sign this\n' },
    ]);
  });

  it('line mode parts are whole lines', () => {
    const r = diffTexts(L('a', 'b b', 'c'), L('a', 'b x', 'c'), { mode: 'line' });
    assert.deepEqual(r.hunks[0]?.parts, [
      { op: 'equal', text: 'a\n' },
      { op: 'removed', text: 'b b\n' },
      { op: 'added', text: 'b x\n' },
      { op: 'equal', text: 'c\n' },
    ]);
    // Line mode still counts words of the changed lines.
    assert.equal(r.stats.wordsRemoved, 2);
    assert.equal(r.stats.wordsAdded, 2);
    assert.equal(r.stats.added, 1);
  });

  it('Arabic (RTL) text diffs by words', () => {
    const r = diffTexts(L('مرحبا بالعالم الجميل'), L('مرحبا بالعالم الكبير'), { mode: 'word' });
    assert.deepEqual(r.hunks[0]?.parts, [
      { op: 'equal', text: 'مرحبا بالعالم ' },
      { op: 'removed', text: 'الجميل' },
      { op: 'added', text: 'الكبير' },
      { op: 'equal', text: '\n' },
    ]);
    checkInvariants(L('مرحبا بالعالم الجميل'), L('مرحبا بالعالم الكبير'), r);
  });

  it('Arabic harakat stay inside their word', () => {
    const r = diffTexts(L('كَتَبَ الوَلَدُ'), L('كَتَبَ البِنْتُ'), { mode: 'word' });
    assert.deepEqual(r.hunks[0]?.parts.slice(0, 3), [
      { op: 'equal', text: 'كَتَبَ ' },
      { op: 'removed', text: 'الوَلَدُ' },
      { op: 'added', text: 'البِنْتُ' },
    ]);
  });

  it('Chinese: only the changed characters change', () => {
    const r = diffTexts(L('成员国应当遵守本条例。'), L('成员国必须遵守本条例。'), { mode: 'word' });
    assert.deepEqual(r.hunks[0]?.parts, [
      { op: 'equal', text: '成员国' },
      { op: 'removed', text: '应当' },
      { op: 'added', text: '必须' },
      { op: 'equal', text: '遵守本条例。\n' },
    ]);
    assert.equal(r.stats.wordsAdded, 2);
  });

  it('Japanese mixed scripts', () => {
    const old = L('この規則は2024年に施行される。');
    const neu = L('この規則は2025年に施行された。');
    const r = diffTexts(old, neu, { mode: 'word' });
    checkInvariants(old, neu, r);
    const removed = r.hunks[0]?.parts.filter((p) => p.op === 'removed').map((p) => p.text);
    assert.deepEqual(removed, ['2024', 'る']);
  });

  it('emoji sequences are not split', () => {
    const r = diffTexts(L('ok 👨‍👩‍👧 done'), L('ok 👍🏽 done'), { mode: 'word' });
    assert.deepEqual(r.hunks[0]?.parts, [
      { op: 'equal', text: 'ok ' },
      { op: 'removed', text: '👨‍👩‍👧' },
      { op: 'added', text: '👍🏽' },
      { op: 'equal', text: ' done\n' },
    ]);
    assert.equal(r.stats.wordsAdded, 0, 'emoji are not words');
  });

  it('a rewritten paragraph is one replacement, not word soup', () => {
    const old = L('Alpha beta gamma delta epsilon zeta eta theta.');
    const neu = L('Completely different sentence about other things here now.');
    const r = diffTexts(old, neu, { mode: 'word' });
    assert.deepEqual(
      r.hunks[0]?.parts.map((p) => p.op),
      ['removed', 'added'],
    );
    assert.equal(r.stats.wordsRemoved, 8);
    assert.equal(r.stats.wordsAdded, 8);
  });

  it('merged hunks: context lines between changes are equal parts', () => {
    const old = L('a x', 'k1', 'k2', 'b x');
    const neu = L('a y', 'k1', 'k2', 'b y');
    const r = diffTexts(old, neu, { mode: 'word' });
    assert.equal(r.hunks.length, 1);
    assert.deepEqual(r.hunks[0]?.parts, [
      { op: 'equal', text: 'a ' },
      { op: 'removed', text: 'x' },
      { op: 'added', text: 'y' },
      { op: 'equal', text: '\nk1\nk2\nb ' },
      { op: 'removed', text: 'x' },
      { op: 'added', text: 'y' },
      { op: 'equal', text: '\n' },
    ]);
  });
});

describe('diffTexts: page and heading', () => {
  const doc = L(
    '--- page 1 ---',
    'Preamble text.',
    'Article 1',
    'Scope is wide.',
    '--- page 2 ---',
    'More scope text.',
    'Article 2 – Definitions',
    'A term means a thing.',
    'Another term.',
    'Yet another.',
    'Final words.',
  );

  it('finds the page marker and the heading above the first change', () => {
    const neu = doc.replace('A term means a thing.', 'A term means two things.');
    const r = diffTexts(doc, neu, { mode: 'word' });
    assert.equal(r.hunks.length, 1);
    assert.equal(r.hunks[0]?.page, 2);
    assert.equal(r.hunks[0]?.heading, 'Article 2 – Definitions');
  });

  it('heading is looked up beyond the hunk context; page marker at the change counts', () => {
    const neu = doc.replace('Final words.', 'Last words.');
    const r = diffTexts(doc, neu, { mode: 'line', context: 0 });
    assert.equal(r.hunks[0]?.heading, 'Article 2 – Definitions');
    assert.equal(r.hunks[0]?.page, 2);
    const inserted = diffTexts('a\n', 'a\n--- page 7 ---\nb\n', { mode: 'line' });
    assert.equal(inserted.hunks[0]?.page, 7, 'an inserted marker is the page of the insertion');
  });

  it('before any marker or heading: undefined', () => {
    const r = diffTexts(doc, doc.replace('--- page 1 ---\n', 'Cover\n--- page 1 ---\n'), { mode: 'line' });
    assert.equal(r.hunks[0]?.page, undefined);
    assert.equal(r.hunks[0]?.heading, undefined);
    assert.ok(!('page' in (r.hunks[0] ?? {})), 'absent rather than undefined-valued');
  });

  it('a pure deletion uses the old side', () => {
    const neu = doc.replace('Scope is wide.\n', '');
    const r = diffTexts(doc, neu, { mode: 'line' });
    assert.equal(r.hunks[0]?.page, 1);
    assert.equal(r.hunks[0]?.heading, 'Article 1');
  });

  it('headingOf rule', () => {
    const yes = ['Article 12', 'ARTICLE 5 – Scope', 'Art. 3', 'Section 2.', 'Part IV', 'Annex B', 'Chapter 3: General', 'Resolution 73 (Rev. Dubai, 2012)', 'Recommendation 4', '12.', '12 Title', '3.2 Definitions', '§ 4', '  Article 7  ', '4. 定义'];
    const no = ['Section civil', 'Particle 5', 'Chapter one', '12', '2024', '1. The member states shall comply.', 'Article', 'The article 5 says', 'x'.repeat(90), '12 January 2024 was a Monday, they said.'];
    for (const s of yes) assert.ok(headingOf(s) !== undefined, `heading: ${s}`);
    for (const s of no) assert.equal(headingOf(s), undefined, `not a heading: ${s}`);
    assert.equal(headingOf('  Article 7  '), 'Article 7');
  });

  it('the heading pre-check never turns away a line headingOf takes', () => {
    const lines: string[] = [];
    const keywords = ['Article', 'Art.', 'Section', 'Chapter', 'Part', 'Annex', 'Appendix', 'Resolution', 'Recommendation'];
    // Every keyword in three cases, after no, ASCII and non-ASCII blanks, with each kind of numeral.
    for (const keyword of keywords) {
      for (const cased of [keyword, keyword.toUpperCase(), keyword.toLowerCase()]) {
        for (const lead of ['', ' ', '\t', '  ', '\u00a0', '\u3000']) for (const numeral of ['12', '5a', 'IV', 'B']) lines.push(`${lead}${cased} ${numeral}`);
      }
    }
    for (const lead of ['', ' ', '\u2003']) lines.push(`${lead}§ 4`, `${lead}§12`, `${lead}12.`, `${lead}3.2 Definitions`, `${lead}4. 定义`);
    // Seeded random lines from the letters and signs headings are made of.
    const random = mulberry32(2026_12_03);
    const alphabet = 'aArRtTsScCpPnNxXeEiIoOlLmMdD .§0123456789\t\u00a0';
    for (let k = 0; k < 20_000; k++) {
      let line = random() < 0.5 ? (keywords[Math.floor(random() * keywords.length)] as string) : '';
      const extra = Math.floor(random() * 12);
      for (let c = 0; c < extra; c++) line = random() < 0.3 ? alphabet[Math.floor(random() * alphabet.length)] + line : line + alphabet[Math.floor(random() * alphabet.length)];
      lines.push(line);
    }
    // Every line of the real documents' reference texts.
    const references = new URL('./fixtures/real/reference/', new URL('../../test/', import.meta.url));
    for (const name of readdirSync(references)) lines.push(...readFileSync(new URL(name, references), 'utf8').split('\n'));
    let headings = 0;
    for (const line of lines) {
      if (headingOf(line) === undefined) continue;
      headings++;
      assert.ok(mayBeHeading(line), `pre-check turned away the heading ${JSON.stringify(line)}`);
    }
    assert.ok(headings > 1_000, `only ${headings} headings among the lines`);
  });

  it('pageMarkerOf', () => {
    assert.equal(pageMarkerOf('--- page 12 ---'), 12);
    assert.equal(pageMarkerOf('--- page 12 ---\r'), 12);
    assert.equal(pageMarkerOf('--- page 12 --- '), undefined);
    assert.equal(pageMarkerOf('--- page x ---'), undefined);
  });
});

describe('diffTexts: stats', () => {
  it('counts words, not whitespace or punctuation', () => {
    const r = diffTexts(L('a, b; c'), L('a, b; c', 'new words here, and more!'), { mode: 'word' });
    assert.equal(r.stats.wordsAdded, 5);
    assert.equal(r.stats.wordsRemoved, 0);
    assert.equal(r.stats.linesAdded, 1);
    const line = diffTexts(L('a, b; c'), L('a, b; c', 'new words here, and more!'), { mode: 'line' });
    // 'new words here, and more!' is 25 characters; 5 of the 3 + 8 words changed.
    assert.deepEqual(line.stats, { added: 1, removed: 0, linesAdded: 1, linesRemoved: 0, wordsAdded: 5, wordsRemoved: 0, charsAdded: 25, charsRemoved: 0, oldWords: 3, newWords: 8, share: 0.4545 });
  });

  it('splitLines', () => {
    assert.deepEqual(splitLines(''), { lines: [], finalNewline: true });
    assert.deepEqual(splitLines('\n'), { lines: [''], finalNewline: true });
    assert.deepEqual(splitLines('a'), { lines: ['a'], finalNewline: false });
    assert.deepEqual(splitLines('a\n\nb'), { lines: ['a', '', 'b'], finalNewline: false });
  });
});

