// Word-level refinement of one changed block (removed text vs added text). Pure.

import type { DiffPart } from './types.js';
import { diffSequences, type WorkBudget } from './line-diff.js';

// Scripts written without spaces: each character is its own token, so a changed Chinese or
// Japanese word shows as a few changed characters rather than a whole changed sentence.
const NO_SPACE_SCRIPTS = '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Thai}\\p{sc=Lao}\\p{sc=Khmer}\\p{sc=Myanmar}\\u30FC';

// Token kinds, in order of preference:
//   emoji sequence (ZWJ, skin tones, variation selectors kept together)
//   one no-space-script character (+ combining marks)
//   word: letters/numbers/marks (marks so accents, Arabic harakat and Indic vowel signs stay inside)
//   line break, horizontal whitespace run, any other single character (punctuation, symbols).
const TOKEN_SOURCE =
  '\\p{Extended_Pictographic}(?:\\uFE0F|\\p{Emoji_Modifier}|\\u200D\\p{Extended_Pictographic})*' +
  `|[${NO_SPACE_SCRIPTS}]\\p{M}*` +
  `|(?:(?![${NO_SPACE_SCRIPTS}])[\\p{L}\\p{N}])(?:(?![${NO_SPACE_SCRIPTS}])[\\p{L}\\p{M}\\p{N}])*` +
  '|\\r?\\n' +
  '|[^\\S\\r\\n]+' +
  '|[\\s\\S]\\p{M}*';

// One global regex: String#match with /g always starts from 0, so sharing it is safe.
const TOKEN_RE = new RegExp(TOKEN_SOURCE, 'gu');
const WORD_START = /^[\p{L}\p{N}]/u;

/** Split text into tokens; concatenating them gives the text back. */
export function tokenize(text: string): string[] {
  if (text === '') return [];
  return text.match(TOKEN_RE) ?? [];
}

/** True for tokens that count as words in the statistics (not whitespace, punctuation, emoji). */
export function isWordToken(token: string): boolean {
  return WORD_START.test(token);
}

// Just the word tokens of TOKEN_SOURCE: counting these skips building every token (5x faster).
const WORD_RE = new RegExp(
  `[${NO_SPACE_SCRIPTS}]|(?:(?![${NO_SPACE_SCRIPTS}])[\\p{L}\\p{N}])(?:(?![${NO_SPACE_SCRIPTS}])[\\p{L}\\p{M}\\p{N}])*`,
  'gu',
);

/** Number of word tokens in `text` (same as counting `tokenize(text)` with `isWordToken`). */
export function countWords(text: string): number {
  if (text === '') return 0;
  return text.match(WORD_RE)?.length ?? 0;
}

export interface WordDiffOptions {
  /** Shared work allowance (see line-diff.ts). */
  budget?: WorkBudget | undefined;
  /** More tokens than this on either side: show the block as one replace (default 1 000 000). */
  maxTokens?: number | undefined;
}

export interface WordDiff {
  parts: DiffPart[];
  /** Word tokens in the removed and added parts (whitespace and punctuation not counted). */
  wordsRemoved: number;
  wordsAdded: number;
  /** True when the block hit a bound (token count, work budget) and is shown coarser. */
  degraded: boolean;
}

const DEFAULT_MAX_TOKENS = 1_000_000;

/**
 * Word diff of `oldText` against `newText`. The parts satisfy:
 * equal + removed texts concatenate to oldText; equal + added texts concatenate to newText.
 * Within each change, the removed part comes before the added part.
 */
export function diffWords(oldText: string, newText: string, options: WordDiffOptions = {}): WordDiff {
  if (oldText === newText) {
    return { parts: oldText === '' ? [] : [{ op: 'equal', text: oldText }], wordsRemoved: 0, wordsAdded: 0, degraded: false };
  }
  if (oldText === '') return { parts: [{ op: 'added', text: newText }], wordsRemoved: 0, wordsAdded: countWords(newText), degraded: false };
  if (newText === '') return { parts: [{ op: 'removed', text: oldText }], wordsRemoved: countWords(oldText), wordsAdded: 0, degraded: false };

  // Words alone first (cheap): a block that shares almost none needs no token diff at all.
  const wordsA = oldText.match(WORD_RE) ?? [];
  const wordsB = newText.match(WORD_RE) ?? [];
  const replaceAll = (degraded: boolean): WordDiff => ({
    parts: [
      { op: 'removed', text: oldText },
      { op: 'added', text: newText },
    ],
    wordsRemoved: wordsA.length,
    wordsAdded: wordsB.length,
    degraded,
  });
  if (dissimilar(wordsA, wordsB)) return replaceAll(false);

  const ta = tokenize(oldText);
  const tb = tokenize(newText);
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  if (ta.length > maxTokens || tb.length > maxTokens) return replaceAll(true);
  const wa = wordFlags(ta);
  const wb = wordFlags(tb);

  const table = new Map<string, number>();
  const intern = (tokens: string[]): Int32Array => {
    const ids = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as string;
      let id = table.get(t);
      if (id === undefined) {
        id = table.size;
        table.set(t, id);
      }
      ids[i] = id;
    }
    return ids;
  };
  const ia = intern(ta);
  const ib = intern(tb);

  const r = diffSequences(ia, ib, table.size, { budget: options.budget });

  // Raw runs: equal text, or a change with removed and added text.
  const runs: Run[] = [];
  let i = 0;
  let j = 0;
  while (i < ta.length || j < tb.length) {
    if (i < ta.length && j < tb.length && r.matchA[i] === j) {
      const run = newRun('');
      while (i < ta.length && j < tb.length && r.matchA[i] === j) {
        run.equal += ta[i] as string;
        run.eqWords += wa[i] as number;
        i++;
        j++;
      }
      runs.push(run);
      continue;
    }
    const run = newRun(null);
    for (; i < ta.length && r.matchA[i] === -1; i++) {
      run.del += ta[i] as string;
      run.delWords += wa[i] as number;
    }
    for (; j < tb.length && r.matchB[j] === -1; j++) {
      run.ins += tb[j] as string;
      run.insWords += wb[j] as number;
    }
    runs.push(run);
  }

  const clean = cleanup(runs);
  let wordsRemoved = 0;
  let wordsAdded = 0;
  const parts: DiffPart[] = [];
  for (const run of clean) {
    if (run.equal !== null) {
      if (run.equal !== '') parts.push({ op: 'equal', text: run.equal });
      continue;
    }
    if (run.del !== '') parts.push({ op: 'removed', text: run.del });
    if (run.ins !== '') parts.push({ op: 'added', text: run.ins });
    wordsRemoved += run.delWords;
    wordsAdded += run.insWords;
  }
  return { parts, wordsRemoved, wordsAdded, degraded: r.degraded };
}

function wordFlags(tokens: string[]): Uint8Array {
  const flags = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) if (isWordToken(tokens[i] as string)) flags[i] = 1;
  return flags;
}

/** Below this share of shared words (of the smaller side), a block is shown as a plain replace. */
const MIN_SHARED_WORDS = 0.2;

/**
 * True when the two sides share almost no words (a rewritten paragraph): a word-level view of
 * that is noise (spaces and "the" matching up), and computing it is the expensive case, so the
 * block is shown as one replacement. This is a presentation choice, not a degraded result.
 */
function dissimilar(wordsA: readonly string[], wordsB: readonly string[]): boolean {
  const [small, large] = wordsA.length <= wordsB.length ? [wordsA, wordsB] : [wordsB, wordsA];
  if (small.length === 0) return false;
  // Multiset intersection on 32-bit word hashes in an open-addressing table (no Map, no strings
  // kept): cheap enough to run before tokenizing. A hash collision can only overcount shared
  // words, i.e. err towards running the real diff.
  let size = 16;
  while (size < 2 * small.length) size <<= 1;
  const mask = size - 1;
  const keys = new Int32Array(size);
  const used = new Uint8Array(size);
  const avail = new Int32Array(size);
  const slot = (h: number): number => {
    let p = h & mask;
    while (used[p] === 1 && keys[p] !== h) p = (p + 1) & mask;
    return p;
  };
  for (const w of small) {
    const h = hashWord(w);
    const p = slot(h);
    used[p] = 1;
    keys[p] = h;
    avail[p] = (avail[p] as number) + 1;
  }
  let shared = 0;
  for (const w of large) {
    const p = slot(hashWord(w));
    if ((avail[p] as number) > 0) {
      avail[p] = (avail[p] as number) - 1;
      shared++;
    }
  }
  return shared < MIN_SHARED_WORDS * small.length;
}

/** FNV-1a over UTF-16 code units. */
function hashWord(w: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
  return h;
}

interface Run {
  /** Non-null for an equal run. */
  equal: string | null;
  del: string;
  ins: string;
  eqWords: number;
  delWords: number;
  insWords: number;
}

function newRun(equal: string | null): Run {
  return { equal, del: '', ins: '', eqWords: 0, delWords: 0, insWords: 0 };
}

/** An equality with no word in it and at most this many characters is glue between changes. */
const GLUE_MAX = 4;

/**
 * Make the output readable: an equality squeezed between two changes is folded into them when
 * it carries no word ("[-a-]{+b+} [-c-]{+d+}" → "[-a c-]{+b d+}") or when it is no longer than
 * the changes on both sides (diff-match-patch's semantic rule), unless it holds a line break.
 * Repeats until stable.
 */
function cleanup(input: Run[]): Run[] {
  let runs = input;
  for (let pass = 0; pass < 16; pass++) {
    let changed = false;
    const out: Run[] = [];
    for (let k = 0; k < runs.length; k++) {
      const run = runs[k] as Run;
      const prev = out[out.length - 1];
      const next = runs[k + 1];
      if (run.equal !== null && prev !== undefined && prev.equal === null && next !== undefined && next.equal === null) {
        const e = run.equal;
        // Line breaks stay as they are: folding them would smear a change over several lines.
        const keep = e.includes('\n');
        const glue = e.length <= GLUE_MAX && run.eqWords === 0;
        const shortish = e.length <= Math.max(prev.del.length, prev.ins.length) && e.length <= Math.max(next.del.length, next.ins.length);
        if (!keep && (glue || shortish)) {
          prev.del += e + next.del;
          prev.ins += e + next.ins;
          prev.delWords += run.eqWords + next.delWords;
          prev.insWords += run.eqWords + next.insWords;
          k++;
          changed = true;
          continue;
        }
      }
      if (run.equal === null && prev !== undefined && prev.equal === null) {
        prev.del += run.del;
        prev.ins += run.ins;
        prev.delWords += run.delWords;
        prev.insWords += run.insWords;
        changed = true;
        continue;
      }
      out.push({ ...run });
    }
    runs = out;
    if (!changed) break;
  }
  return runs;
}
