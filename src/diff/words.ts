// Word-level refinement of one changed block (removed text vs added text). Pure.

import type { DiffPart } from './types.js';
import { foldCase, maskSpans, MASK, type CompiledIgnoreRules } from './ignore.js';
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
  return countWordsScan(text);
}

// Character kinds for the scanner below: 0 not part of a word, 1 letter or number, 2 mark (continues
// a word, never starts one), 3 no-space-script character (a word by itself); BMP kinds are learnt on
// first sight (UNKNOWN until then), surrogates always take the slow path.
const NO_SPACE_CHAR = new RegExp(`^[${NO_SPACE_SCRIPTS}]$`, 'u');
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;
const MARK = /^\p{M}$/u;
const UNKNOWN = 255;
const SURROGATE = 254;
const KIND = new Uint8Array(0x10000).fill(UNKNOWN);
for (let c = 0; c < 128; c++) KIND[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 0;
KIND.fill(SURROGATE, 0xd800, 0xe000);
const astralKind = new Map<number, number>();

function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  return NO_SPACE_CHAR.test(ch) ? 3 : LETTER_OR_NUMBER.test(ch) ? 1 : MARK.test(ch) ? 2 : 0;
}

/**
 * WORD_RE's count without building a match array: one pass over the UTF-16 units with a table of
 * character kinds (a word is a letter or number followed by letters, marks and numbers, no-space
 * scripts excepted; each no-space-script character is a word of its own). About 10x faster than
 * matching the regex, which matters on megabyte documents.
 */
function countWordsScan(text: string): number {
  let count = 0;
  let inWord = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const kind = KIND[text.charCodeAt(i)] as number;
    if (kind <= 1) {
      // The common case, without branches: a letter or number starts a word unless inside one.
      // (The rest lives in slowStep: a small loop body is what keeps this at ~1 ns a character.)
      count += kind & (inWord ^ 1);
      inWord = kind;
      continue;
    }
    const step = slowStep(text, i, inWord);
    inWord = step & 1;
    count += (step >> 1) & 1;
    i += step >> 2;
  }
  return count;
}

/** One character outside the table's 0/1 kinds: bit 0 in a word after it, bit 1 a word counted,
 * bits 2+ extra UTF-16 units consumed (a surrogate pair). */
function slowStep(text: string, i: number, inWord: number): number {
  const c = text.charCodeAt(i);
  let kind = KIND[c] as number;
  let extra = 0;
  if (kind === UNKNOWN) {
    kind = classify(c);
    KIND[c] = kind;
  } else if (kind === SURROGATE) {
    const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
      const cp = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
      let k = astralKind.get(cp);
      if (k === undefined) {
        k = classify(cp);
        astralKind.set(cp, k);
      }
      kind = k;
      extra = 1;
    } else kind = 0; // a lone surrogate is not a letter
  }
  if (kind === 1) return (extra << 2) | ((inWord ^ 1) << 1) | 1;
  if (kind === 3) return (extra << 2) | 2;
  if (kind === 2) return (extra << 2) | inWord; // a mark continues a word, never starts one
  return extra << 2;
}

export interface WordDiffOptions {
  /** Shared work allowance (see line-diff.ts). */
  budget?: WorkBudget | undefined;
  /** Compare tokens under these rules (compiled with compileIgnoreRules). */
  ignore?: CompiledIgnoreRules | undefined;
  /** More tokens than this on either side: show the block as one replace (default 1 000 000). */
  maxTokens?: number | undefined;
  /**
   * Tokenize and diff only what lies between the two texts' common beginning and end (cut where a
   * token boundary is certain on both sides), which gives the same result (default true; false
   * exists for the test that proves it).
   */
  trimCommonEnds?: boolean | undefined;
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

  const rules = options.ignore;
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  // A changed line usually differs in a word or two: the text around them is equal on both sides,
  // and tokenizing, interning and diffing it is most of the work. It is set aside when the cut
  // provably changes nothing (see commonEnds); under ignore rules (whose matches may span a cut)
  // and for texts that might exceed maxTokens (which counts all tokens), never.
  const trim =
    rules === undefined && options.trimCommonEnds !== false && oldText.length <= maxTokens && newText.length <= maxTokens
      ? commonEnds(oldText, newText)
      : undefined;
  const midA = trim === undefined ? oldText : oldText.slice(trim.head, trim.endA);
  const midB = trim === undefined ? newText : newText.slice(trim.head, trim.endB);
  // Words of the common beginning and end: on both sides, so shared by both.
  const headWords = trim === undefined ? 0 : countWords(oldText.slice(0, trim.head));
  const tailWords = trim === undefined ? 0 : countWords(oldText.slice(trim.endA));
  const commonWords = headWords + tailWords;

  // Words alone first (cheap): a block that shares almost none needs no token diff at all.
  const fold = rules?.case === true;
  const wordsA = (fold ? foldCase(midA) : midA).match(WORD_RE) ?? [];
  const wordsB = (fold ? foldCase(midB) : midB).match(WORD_RE) ?? [];
  const replaceAll = (degraded: boolean): WordDiff => ({
    parts: [
      { op: 'removed', text: oldText },
      { op: 'added', text: newText },
    ],
    wordsRemoved: wordsA.length + commonWords,
    wordsAdded: wordsB.length + commonWords,
    degraded,
  });
  if (dissimilar(wordsA, wordsB, commonWords)) return replaceAll(false);

  const A = keyedTokens(midA, rules);
  const B = keyedTokens(midB, rules);
  const ta = A.tokens;
  const tb = B.tokens;
  if (ta.length > maxTokens || tb.length > maxTokens) return replaceAll(true);
  const wa = A.words;
  const wb = B.words;

  // Tokens are compared by key: the token itself, or its comparable form under ignore rules.
  const table = new Map<string, number>();
  const intern = (keys: readonly string[]): Int32Array => {
    const ids = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const t = keys[i] as string;
      let id = table.get(t);
      if (id === undefined) {
        id = table.size;
        table.set(t, id);
      }
      ids[i] = id;
    }
    return ids;
  };
  const ia = intern(A.keys);
  const ib = intern(B.keys);

  const r = diffSequences(ia, ib, table.size, { budget: options.budget });

  // Raw runs: equal text, or a change with removed and added text.
  let runs: Run[] = [];
  let i = 0;
  let j = 0;
  while (i < ta.length || j < tb.length) {
    if (i < ta.length && j < tb.length && r.matchA[i] === j) {
      const run = newRun('');
      run.firstKey = A.keys[i] as string;
      while (i < ta.length && j < tb.length && r.matchA[i] === j) {
        run.equal += ta[i] as string;
        run.eqWords += wa[i] as number;
        i++;
        j++;
      }
      run.lastKey = A.keys[i - 1] as string;
      runs.push(run);
      continue;
    }
    const run = newRun(null);
    for (; i < ta.length && r.matchA[i] === -1; i++) {
      run.del += ta[i] as string;
      run.delWords += wa[i] as number;
      if (rules) run.delKey += A.keys[i] as string;
    }
    for (; j < tb.length && r.matchB[j] === -1; j++) {
      run.ins += tb[j] as string;
      run.insWords += wb[j] as number;
      if (rules) run.insKey += B.keys[j] as string;
    }
    runs.push(run);
  }
  if (rules) runs = foldIgnored(runs, rules);
  if (trim !== undefined) withCommonEnds(runs, oldText, trim, headWords, tailWords);

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

function wordFlags(tokens: string[]): Uint32Array {
  const flags = new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) if (isWordToken(tokens[i] as string)) flags[i] = 1;
  return flags;
}

interface KeyedTokens {
  /** The text's tokens (concatenating them gives the text back). */
  tokens: string[];
  /** What each token is compared by. */
  keys: string[];
  /** Words in each token (0 or 1, more for a masked group). */
  words: Uint32Array;
}

const WHITESPACE_TOKEN = /^\s+$/u;

/**
 * Tokens and their comparison keys. Without rules the key is the token. Under ignore rules:
 * consecutive whitespace tokens merge into one (whitespace rule) whose key is ' '; tokens touched by
 * a pattern match merge into one token whose key has the match masked; keys are case folded.
 */
function keyedTokens(text: string, rules: CompiledIgnoreRules | undefined): KeyedTokens {
  const raw = tokenize(text);
  if (rules === undefined) return { tokens: raw, keys: raw, words: wordFlags(raw) };
  let tokens = raw;
  if (rules.whitespace) {
    tokens = [];
    for (const token of raw) {
      const last = tokens.length - 1;
      if (last >= 0 && WHITESPACE_TOKEN.test(token) && WHITESPACE_TOKEN.test(tokens[last] as string)) tokens[last] += token;
      else tokens.push(token);
    }
  }
  const spans = rules.regexes.length > 0 ? textMaskSpans(text, rules) : [];
  const outTokens: string[] = [];
  const keys: string[] = [];
  const words: number[] = [];
  const keyOf = (token: string): string =>
    rules.whitespace && WHITESPACE_TOKEN.test(token) ? ' ' : rules.case ? foldCase(token) : token;
  let offset = 0;
  let k = 0;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t] as string;
    const start = offset;
    const end = start + token.length;
    while (k < spans.length && (spans[k + 1] as number) <= start) k += 2;
    if (k < spans.length && (spans[k] as number) < end) {
      // A pattern match touches this token: one token from here to the end of every match that
      // overlaps it, compared with the matched text masked.
      let groupEnd = end;
      let last = t;
      let kk = k;
      let spanEnd = spans[k + 1] as number;
      for (;;) {
        while (kk < spans.length && (spans[kk] as number) < groupEnd) {
          spanEnd = Math.max(spanEnd, spans[kk + 1] as number);
          kk += 2;
        }
        if (groupEnd >= spanEnd || last + 1 >= tokens.length) break;
        last++;
        groupEnd += (tokens[last] as string).length;
      }
      const group = text.slice(start, groupEnd);
      let key = '';
      let at = start;
      for (let q = k; q < kk; q += 2) {
        const s0 = Math.max(spans[q] as number, start);
        key += text.slice(at, s0) + MASK;
        at = Math.max(at, spans[q + 1] as number);
      }
      key += text.slice(at, groupEnd);
      outTokens.push(group);
      keys.push(rules.case ? foldCase(key) : key);
      words.push(countWords(group));
      offset = groupEnd;
      t = last;
      k = kk;
      continue;
    }
    outTokens.push(token);
    keys.push(keyOf(token));
    words.push(isWordToken(token) ? 1 : 0);
    offset = end;
  }
  return { tokens: outTokens, keys, words: Uint32Array.from(words) };
}

/** Pattern matches of a multi-line text, found line by line, as absolute [start, end) pairs. */
function textMaskSpans(text: string, rules: CompiledIgnoreRules): number[] {
  const out: number[] = [];
  let at = 0;
  for (const line of text.split('\n')) {
    const spans = maskSpans(line, rules);
    for (const x of spans) out.push(x + at);
    at += line.length + 1;
  }
  return out;
}

/**
 * Under ignore rules, a change whose two sides compare equal is no change: it becomes equal text
 * (shown as in the old text). Under the whitespace rule, whitespace next to other whitespace or at
 * either end of the block (which starts and ends at a line break) does not count either.
 */
function foldIgnored(runs: Run[], rules: CompiledIgnoreRules): Run[] {
  const out: Run[] = [];
  for (let k = 0; k < runs.length; k++) {
    const run = runs[k] as Run;
    if (run.equal === null) {
      let del = run.delKey;
      let ins = run.insKey;
      if (rules.whitespace) {
        const prev = out[out.length - 1];
        const next = runs[k + 1];
        const wsBefore = prev === undefined || prev.lastKey === ' ';
        const wsAfter = next === undefined || next.firstKey === ' ';
        if (wsBefore) {
          del = del.replace(/^ /, '');
          ins = ins.replace(/^ /, '');
        }
        if (wsAfter) {
          del = del.replace(/ $/, '');
          ins = ins.replace(/ $/, '');
        }
      }
      if (del === ins) {
        const folded = newRun(run.del);
        folded.eqWords = run.delWords;
        folded.firstKey = run.delKey.startsWith(' ') ? ' ' : 'x';
        folded.lastKey = run.delKey.endsWith(' ') ? ' ' : 'x';
        const prev = out[out.length - 1];
        if (prev !== undefined && prev.equal !== null) {
          prev.equal += folded.equal ?? '';
          prev.eqWords += folded.eqWords;
          if (run.del !== '') prev.lastKey = folded.lastKey;
        } else out.push(folded);
        continue;
      }
      out.push(run);
      continue;
    }
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.equal !== null) {
      prev.equal += run.equal;
      prev.eqWords += run.eqWords;
      prev.lastKey = run.lastKey;
    } else out.push(run);
  }
  return out;
}

/** Where diffWords cuts two texts: [0, head) is common, and so are old [endA, end) and new [endB, end). */
interface CommonEnds {
  head: number;
  endA: number;
  endB: number;
}

/** Horizontal whitespace: what TOKEN_RE's whitespace runs are made of (\s without \r and \n). */
const HORIZONTAL_SPACE = /^[^\S\r\n]$/;

/**
 * True when `at` is certainly where a token of `text` starts, whatever precedes the text before
 * it: the start or end, after a line break, or after a space or tab when a character that cannot
 * continue a whitespace run follows (no other token holds a space, and no token looks behind).
 */
function cutsTokens(text: string, at: number): boolean {
  if (at === 0 || at === text.length) return true;
  const before = text.charCodeAt(at - 1);
  if (before === 10) return true;
  if (before !== 32 && before !== 9) return false;
  const next = text.charCodeAt(at);
  return next > 32 ? next < 128 || !HORIZONTAL_SPACE.test(text[at] as string) : next !== 32 && next !== 9 && next !== 11 && next !== 12;
}

/**
 * The common beginning and end of two different texts, cut at token boundaries both texts share,
 * so that tokenizing the middle gives the same tokens as tokenizing the whole. The end is looked
 * for only after the whole common beginning (not just the part cut off), as the sequence diff strips
 * its common prefix before its suffix: that keeps the diff of the middle the diff of the whole.
 * Undefined when there is nothing to cut.
 */
function commonEnds(a: string, b: string): CommonEnds | undefined {
  const shorter = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < shorter && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let head = prefix;
  while (head > 0 && !(cutsTokens(a, head) && cutsTokens(b, head))) head--;
  let suffix = 0;
  const room = shorter - prefix;
  while (suffix < room && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  let tail = suffix;
  while (tail > 0 && !(cutsTokens(a, a.length - tail) && cutsTokens(b, b.length - tail))) tail--;
  if (head === 0 && tail === 0) return undefined;
  return { head, endA: a.length - tail, endB: b.length - tail };
}

/** Puts the common beginning and end (with their word counts) back around the middle's runs, as equal text. */
function withCommonEnds(runs: Run[], oldText: string, cut: CommonEnds, headWords: number, tailWords: number): void {
  if (cut.head > 0) {
    const first = runs[0];
    if (first === undefined || first.equal === null) runs.unshift(newRun(''));
    const run = runs[0] as Run;
    run.equal = oldText.slice(0, cut.head) + (run.equal as string);
    run.eqWords += headWords;
  }
  if (cut.endA < oldText.length) {
    const last = runs[runs.length - 1];
    if (last === undefined || last.equal === null) runs.push(newRun(''));
    const run = runs[runs.length - 1] as Run;
    run.equal = (run.equal as string) + oldText.slice(cut.endA);
    run.eqWords += tailWords;
  }
}

/** Below this share of shared words (of the smaller side), a block is shown as a plain replace. */
const MIN_SHARED_WORDS = 0.2;

/**
 * True when the two sides share almost no words (a rewritten paragraph): a word-level view of
 * that is noise (spaces and "the" matching up), and computing it is the expensive case, so the
 * block is shown as one replacement. This is a presentation choice, not a degraded result.
 */
function dissimilar(wordsA: readonly string[], wordsB: readonly string[], commonWords = 0): boolean {
  const [small, large] = wordsA.length <= wordsB.length ? [wordsA, wordsB] : [wordsB, wordsA];
  // `commonWords` more words on both sides (the common beginning and end set aside by diffWords):
  // each is shared, so the multiset intersection is theirs plus that of the rest, exactly.
  if (small.length + commonWords === 0) return false;
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
  return shared + commonWords < MIN_SHARED_WORDS * (small.length + commonWords);
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
  /** Under ignore rules: the keys of the removed and added tokens, concatenated. */
  delKey: string;
  insKey: string;
  /** Equal runs: keys of the first and last token (' ' for whitespace under that rule). */
  firstKey: string;
  lastKey: string;
}

function newRun(equal: string | null): Run {
  return { equal, del: '', ins: '', eqWords: 0, delWords: 0, insWords: 0, delKey: '', insKey: '', firstKey: '', lastKey: '' };
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
