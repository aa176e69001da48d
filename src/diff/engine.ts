// The diff engine: two normalized texts in, hunks and statistics out. Pure; no I/O.

import type { DiffHunk, DiffMode, DiffOptions, DiffPart, DiffResult, DiffStats, HunkLine, LineBlock } from './types.js';
import { countChars, refineParts } from './chars.js';
import { comparableLine, compileIgnoreRules, joinComparable, type CompiledIgnoreRules } from './ignore.js';
import { diffSequences, internAll, type WorkBudget } from './line-diff.js';
import { countWords, diffWords } from './words.js';

export const DEFAULT_CONTEXT = 3;

/** A text split into lines without their '\n'; `finalNewline` false when the last line lacks one. */
export interface SplitText {
  lines: string[];
  finalNewline: boolean;
}

export function splitLines(text: string): SplitText {
  if (text === '') return { lines: [], finalNewline: true };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
    return { lines, finalNewline: true };
  }
  return { lines, finalNewline: false };
}

const PAGE_MARKER = /^--- page (\d+) ---$/;

// Heading rule (deliberately simple; the first that matches wins):
//   1. a keyword — Article, Art., Section, Chapter, Part, Annex, Appendix, Resolution,
//      Recommendation (any case) — then whitespace and a number: digits (optionally one letter,
//      "5a"), an upper-case Roman numeral ("IV") or a single capital ("Annex B"), followed by
//      end of line or punctuation/space;
//   2. "§ 12" / "§12";
//   3. a short numbered heading (line ≤ 80 chars): "12." alone, or "12 Title" / "12. Title" /
//      "3.2 Title", where the title starts with a capital (or an uncased letter: CJK, Arabic…)
//      and does not end like a sentence (. , ; :). A bare "12" is not a heading: PDF text is full
//      of bare page numbers.
// Leading whitespace is ignored; the heading is reported trimmed, cut to 100 characters.
const KEYWORD_HEADING = /^(?:article|art\.|section|chapter|part|annex|appendix|resolution|recommendation)\s+(?:\d+[A-Za-z]?|[IVXLC]+|[A-Z])(?=$|[\s.,:;)\-–—])/i;
const KEYWORD_NUMERAL = /^\S+\s+(?:\d+[A-Za-z]?|[IVXLC]+|[A-Z])(?=$|[\s.,:;)\-–—])/;
const SECTION_SIGN = /^§\s*\d/;
const NUMBERED_HEADING = /^\d{1,3}(?:\.\d{1,3})*(\.?)(?:\s+([\p{Lu}\p{Lo}].*))?$/u;

/** The heading text if `line` looks like a section/article heading (rule above), else undefined. */
export function headingOf(line: string): string | undefined {
  const t = line.trim();
  if (t === '' || t.length > 200) return undefined;
  const c = t.charCodeAt(0);
  const isDigit = c >= 48 && c <= 57;
  let ok = false;
  if (isDigit) {
    if (t.length <= 80) {
      const m = NUMBERED_HEADING.exec(t);
      if (m) ok = m[2] === undefined ? m[1] === '.' : !/[.,;:]$/.test(m[2]);
    }
  } else if (t.startsWith('§')) {
    ok = SECTION_SIGN.test(t);
  } else {
    // Keyword any case, numeral case-sensitive ("Section civil" is not "Section CIVIL").
    ok = KEYWORD_HEADING.test(t) && KEYWORD_NUMERAL.test(t);
  }
  return ok ? (t.length > 100 ? t.slice(0, 100) : t) : undefined;
}

/**
 * Cheap pre-check for headingOf: a heading's first non-blank character is a digit, "§", or the first
 * two letters of a keyword (ar-ticle/art., se-ction, ch-apter, pa-rt, an-nex, ap-pendix, re-solution,
 * re-commendation), in any case. Most lines of a document fail here without a trim or a regex; a
 * line this lets through may still not be a heading (headingOf decides). Exported for its test: it
 * must never turn away a line that headingOf would take.
 */
export function mayBeHeading(line: string): boolean {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) <= 32) i++;
  const c = line.charCodeAt(i);
  if (c >= 48 && c <= 57) return true;
  // Non-ASCII (other whitespace before the heading, "§") goes to the full check.
  if (c > 127) return true;
  const first = c | 32; // lower case for ASCII letters
  const second = line.charCodeAt(i + 1) | 32;
  switch (first) {
    case 97: // a: ar(ticle), an(nex), ap(pendix)
      return second === 114 || second === 110 || second === 112;
    case 115: // s: se(ction)
      return second === 101;
    case 99: // c: ch(apter)
      return second === 104;
    case 112: // p: pa(rt)
      return second === 97;
    case 114: // r: re(solution), re(commendation)
      return second === 101;
    default:
      return false;
  }
}

/** Page number if `line` is a page marker (`--- page N ---`; a trailing '\r' is ignored). */
export function pageMarkerOf(line: string): number | undefined {
  if (!line.startsWith('--- page ')) return undefined;
  const m = PAGE_MARKER.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
  return m ? Number(m[1]) : undefined;
}

/**
 * Page and heading of a position on one side, found by looking up from it: hunks are located in
 * increasing order, so each lookup only reads the lines between the previous one and its own
 * position, and stops at the nearest page marker and heading. A document with a change near its end
 * costs a few lines, not a scan of every line; any sequence of lookups reads each line at most once.
 */
class SideIndex {
  /** Lines up to here are resolved: the nearest page marker and heading at or before it. */
  private floor = -1;
  private pageAtFloor: number | undefined;
  private headingAtFloor: string | undefined;
  constructor(private readonly lines: readonly string[]) {}

  private last: { idx: number; page: number | undefined; heading: string | undefined } | undefined;

  /** Page of the nearest marker at or before line `idx`, and the nearest heading strictly above it.
   * Cheapest when `idx` does not decrease from one call to the next (hunks come in order). */
  locate(idx: number): { page: number | undefined; heading: string | undefined } {
    if (this.last !== undefined && this.last.idx === idx) return { page: this.last.page, heading: this.last.heading };
    // Out of order (not done by diffTexts): look up from scratch, leaving the state alone.
    if (idx <= this.floor) return this.scan(idx, -1, undefined, undefined).answer;
    const { answer, headingAtIdx } = this.scan(idx, this.floor, this.pageAtFloor, this.headingAtFloor);
    this.floor = idx;
    this.pageAtFloor = answer.page;
    this.headingAtFloor = headingAtIdx;
    this.last = { idx, ...answer };
    return answer;
  }

  /** Look up from `idx` down to (not including) `floor`, whose nearest page and heading are given. */
  private scan(
    idx: number,
    floor: number,
    pageAtFloor: number | undefined,
    headingAtFloor: string | undefined,
  ): { answer: { page: number | undefined; heading: string | undefined }; headingAtIdx: string | undefined } {
    let page: number | undefined;
    let heading: string | undefined; // strictly above idx
    let headingAtIdx: string | undefined; // at or before idx
    for (let i = idx; i > floor; i--) {
      const line = this.lines[i] as string;
      const marker = pageMarkerOf(line);
      if (marker !== undefined) {
        page ??= marker;
      } else if (mayBeHeading(line)) {
        const h = headingOf(line);
        if (h !== undefined) {
          headingAtIdx ??= h;
          if (i < idx) heading ??= h;
        }
      }
      if (page !== undefined && heading !== undefined) break;
    }
    // Every line at or before the floor is strictly above idx (floor < idx).
    page ??= pageAtFloor;
    heading ??= headingAtFloor;
    headingAtIdx ??= heading;
    return { answer: { page, heading }, headingAtIdx };
  }
}

function lastAtOrBefore<T extends { idx: number }>(sorted: readonly T[], idx: number): T | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as T).idx <= idx) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? sorted[lo - 1] : undefined;
}

/** A maximal run of changed lines: old [a0, a1) replaced by new [b0, b1). */
type Block = LineBlock;

function changedLineCount(blocks: readonly Block[]): number {
  let count = 0;
  for (const block of blocks) count += block.a1 - block.a0 + (block.b1 - block.b0);
  return count;
}

/**
 * Blocks given by the caller (DiffOptions.lineBlocks), if they are a correct line diff of these
 * texts: in order, inside both sides, and every line outside them equal on both sides. Adjacent
 * blocks are merged and empty ones dropped. Undefined when they are not (then the engine diffs).
 */
export function checkedLineBlocks(given: readonly LineBlock[], keysA: readonly string[], keysB: readonly string[]): Block[] | undefined {
  const n = keysA.length;
  const m = keysB.length;
  const blocks: Block[] = [];
  let i = 0;
  let j = 0;
  for (const block of given) {
    const { a0, a1, b0, b1 } = block;
    if (![a0, a1, b0, b1].every(Number.isSafeInteger)) return undefined;
    if (a0 < i || b0 < j || a1 < a0 || b1 < b0 || a1 > n || b1 > m || a0 - i !== b0 - j) return undefined;
    for (; i < a0; i++, j++) if (keysA[i] !== keysB[j]) return undefined;
    if (a0 === a1 && b0 === b1) continue;
    const previous = blocks[blocks.length - 1];
    if (previous !== undefined && previous.a1 === a0 && previous.b1 === b0) {
      previous.a1 = a1;
      previous.b1 = b1;
    } else {
      blocks.push({ a0, a1, b0, b1 });
    }
    i = a1;
    j = b1;
  }
  if (n - i !== m - j) return undefined;
  for (; i < n; i++, j++) if (keysA[i] !== keysB[j]) return undefined;
  return blocks;
}

function emptyStats(): DiffStats {
  return {
    added: 0,
    removed: 0,
    linesAdded: 0,
    linesRemoved: 0,
    wordsAdded: 0,
    wordsRemoved: 0,
    charsAdded: 0,
    charsRemoved: 0,
    oldWords: 0,
    newWords: 0,
    share: 0,
  };
}

/** (wordsAdded + wordsRemoved) / (oldWords + newWords), rounded to 4 decimals, at most 1. */
export function shareOf(stats: Pick<DiffStats, 'wordsAdded' | 'wordsRemoved' | 'oldWords' | 'newWords'>): number {
  const total = stats.oldWords + stats.newWords;
  if (total === 0) return 0;
  return Math.min(1, Math.round(((stats.wordsAdded + stats.wordsRemoved) / total) * 10_000) / 10_000);
}

function noChange(mode: DiffMode, oldText: string, newText: string, ignored: DiffResult['ignored']): DiffResult {
  const stats = emptyStats();
  stats.oldWords = countWords(oldText);
  stats.newWords = oldText === newText ? stats.oldWords : countWords(newText);
  const result: DiffResult = { mode, hunks: [], stats, degraded: false };
  if (ignored !== undefined) result.ignored = ignored;
  return result;
}

/** Line keys under ignore rules (see ignore.ts); the last line without '\n' is told apart. */
function ruleKeys(side: SplitText, rules: CompiledIgnoreRules): string[] {
  const keys = side.lines.map((line) => comparableLine(line, rules));
  // Without the whitespace rule, a missing final newline is a difference (as comparableText says).
  if (!rules.whitespace && !side.finalNewline && keys.length > 0) keys[keys.length - 1] = '\n' + (keys[keys.length - 1] as string);
  return keys;
}

function sameComparable(keysA: readonly string[], keysB: readonly string[], rules: CompiledIgnoreRules): boolean {
  if (rules.whitespace) return joinComparable(keysA, rules) === joinComparable(keysB, rules);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) if (keysA[i] !== keysB[i]) return false;
  return true;
}

/**
 * Diff two texts: line diff first, then (word and char modes) words inside each changed block,
 * then (char mode) characters inside short changed words.
 *
 * Under ignore rules (options.ignore), lines are compared by their comparable form and a changed
 * block whose two sides compare equal is no change, so the result has no hunks exactly when
 * comparableText(old) === comparableText(new). Hunks show the real text; text whose difference is
 * ignored is shown as it is in the old version (as context, or as equal parts).
 */
export function diffTexts(oldText: string, newText: string, options: DiffOptions): DiffResult {
  const mode = options.mode;
  const rawContext = options.context ?? DEFAULT_CONTEXT;
  // Infinity shows the whole text as one hunk; NaN falls back to the default; negatives are 0.
  const context =
    rawContext === Infinity ? Number.MAX_SAFE_INTEGER : Number.isFinite(rawContext) ? Math.max(0, Math.floor(rawContext)) : DEFAULT_CONTEXT;
  const rules = compileIgnoreRules(options.ignore);
  const ignored = rules === undefined ? undefined : { ...rules.rules, patterns: [...rules.rules.patterns] };
  if (oldText === newText) return noChange(mode, oldText, newText, ignored);

  const oldSide = splitLines(oldText);
  const newSide = splitLines(newText);
  const a = oldSide.lines;
  const b = newSide.lines;
  const n = a.length;
  const m = b.length;

  // A last line without '\n' differs from the same text with one (the patch must say so), so it
  // is compared under a key no real line can have (real lines never contain '\n').
  let keysA: readonly string[];
  let keysB: readonly string[];
  if (rules === undefined) {
    keysA = oldSide.finalNewline || n === 0 ? a : [...a.slice(0, -1), '\n' + (a[n - 1] as string)];
    keysB = newSide.finalNewline || m === 0 ? b : [...b.slice(0, -1), '\n' + (b[m - 1] as string)];
  } else {
    keysA = ruleKeys(oldSide, rules);
    keysB = ruleKeys(newSide, rules);
    if (sameComparable(keysA, keysB, rules)) return noChange(mode, oldText, newText, ignored);
  }
  // Changed blocks; under ignore rules, a block whose sides compare equal is set aside ("soft": its
  // old lines are shown as context) and only the others are changes.
  let blocks: Block[] = [];
  const soft: Block[] = [];
  let degraded = false;
  let matchA: Int32Array | undefined;
  const given = rules === undefined && options.lineBlocks !== undefined ? checkedLineBlocks(options.lineBlocks, keysA, keysB) : undefined;
  // Given blocks serve texts that are mostly alike (their point: no line diff of a long text). For a
  // rewrite, the engine's own alignment is the one its word refinement is bounded for: measured on
  // 300 KB against its lines reversed, git's 22 large blocks cost 4x the engine's one.
  if (given !== undefined && changedLineCount(given) * 2 <= n + m) {
    blocks = given;
  } else {
    const { ids, idCount } = internAll([keysA, keysB]);
    const seq = diffSequences(ids[0] as Int32Array, ids[1] as Int32Array, idCount);
    degraded = seq.degraded;
    matchA = seq.matchA;
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && seq.matchA[i] === j) {
        i++;
        j++;
        continue;
      }
      const blk: Block = { a0: i, a1: i, b0: j, b1: j };
      while (i < n && seq.matchA[i] === -1) i++;
      while (j < m && seq.matchB[j] === -1) j++;
      blk.a1 = i;
      blk.b1 = j;
      if (rules !== undefined && sameComparable(keysA.slice(blk.a0, blk.a1), keysB.slice(blk.b0, blk.b1), rules)) soft.push(blk);
      else blocks.push(blk);
    }
  }

  const noEolOld = (i: number): boolean => !oldSide.finalNewline && i === n - 1;
  const noEolNew = (j: number): boolean => !newSide.finalNewline && j === m - 1;
  const oldLineText = (i: number): string => (a[i] as string) + (noEolOld(i) ? '' : '\n');
  const newLineText = (j: number): string => (b[j] as string) + (noEolNew(j) ? '' : '\n');
  const joinOld = (i0: number, i1: number): string => {
    let s = '';
    for (let i = i0; i < i1; i++) s += oldLineText(i);
    return s;
  };
  const joinNew = (j0: number, j1: number): string => {
    let s = '';
    for (let j = j0; j < j1; j++) s += newLineText(j);
    return s;
  };
  /** The new-side line where old line `i` is (or would be): exact for matched lines. */
  const softIndex = soft.map((s) => ({ idx: s.a0, s }));
  const newIndexOf = (i: number): number => {
    if (i >= n || matchA === undefined) return m;
    const j = matchA[i] as number;
    if (j >= 0) return j;
    const blk = lastAtOrBefore(softIndex, i)?.s;
    if (blk !== undefined && i < blk.a1) return blk.b0 + Math.min(i - blk.a0, blk.b1 - blk.b0);
    return m;
  };

  const oldIndex = new SideIndex(a);
  const newIndex = new SideIndex(b);
  // One allowance for all word refinements of this call, so many blocks cannot add up.
  // Sized in characters: at 2 characters a token ("w1 w2") that is 40 units a token, the
  // line-level rate (a unit is roughly 8 ns).
  const wordBudget: WorkBudget = { remaining: 2_000_000 + 20 * (oldText.length + newText.length) };
  // Character refinement gets its own, smaller allowance (it only ever sees short changes).
  const charBudget: WorkBudget = { remaining: 1_000_000 + 4 * (oldText.length + newText.length) };

  const stats = emptyStats();
  const hunks: DiffHunk[] = [];
  // Words never span lines, so without ignore rules the new text's word count is the old one's minus
  // the changed blocks' old lines plus their new lines: one scan of a long text instead of two.
  let newWordsDelta = 0;

  let g = 0;
  while (g < blocks.length) {
    let h = g + 1;
    while (h < blocks.length && (blocks[h] as Block).a0 - (blocks[h - 1] as Block).a1 <= 2 * context) h++;
    const group = blocks.slice(g, h);
    g = h;

    const first = group[0] as Block;
    const last = group[group.length - 1] as Block;
    const pre = Math.min(context, first.a0);
    const post = Math.min(context, n - last.a1);
    const oldStartIdx = first.a0 - pre;
    const newStartIdx = soft.length === 0 ? first.b0 - pre : Math.min(newIndexOf(oldStartIdx), first.b0);
    const oldCount = last.a1 + post - oldStartIdx;
    let newCount = 0;

    const lines: HunkLine[] = [];
    const parts: DiffPart[] = [];
    const push = (op: DiffPart['op'], text: string): void => {
      if (text === '') return;
      const prev = parts[parts.length - 1];
      if (mode !== 'line' && prev && prev.op === op) prev.text += text;
      else parts.push({ op, text });
    };
    // Context is shown from the old side (under ignore rules the new side may differ in ignored ways).
    const addContext = (i0: number, i1: number): void => {
      for (let i = i0; i < i1; i++) {
        const line: HunkLine = { op: 'context', text: a[i] as string };
        if (noEolOld(i)) line.noNewline = true;
        lines.push(line);
        push('equal', oldLineText(i));
      }
      newCount += i1 - i0;
    };

    let ci = oldStartIdx;
    for (const blk of group) {
      addContext(ci, blk.a0);
      for (let i = blk.a0; i < blk.a1; i++) {
        const line: HunkLine = { op: 'removed', text: a[i] as string };
        if (noEolOld(i)) line.noNewline = true;
        lines.push(line);
      }
      for (let j = blk.b0; j < blk.b1; j++) {
        const line: HunkLine = { op: 'added', text: b[j] as string };
        if (noEolNew(j)) line.noNewline = true;
        lines.push(line);
      }
      newCount += blk.b1 - blk.b0;
      stats.linesRemoved += blk.a1 - blk.a0;
      stats.linesAdded += blk.b1 - blk.b0;

      const removedText = joinOld(blk.a0, blk.a1);
      const addedText = joinNew(blk.b0, blk.b1);
      const blockWordsRemoved = countWords(removedText);
      const blockWordsAdded = countWords(addedText);
      newWordsDelta += blockWordsAdded - blockWordsRemoved;
      if (mode === 'line') {
        for (let i = blk.a0; i < blk.a1; i++) push('removed', oldLineText(i));
        for (let j = blk.b0; j < blk.b1; j++) push('added', newLineText(j));
        stats.wordsRemoved += blockWordsRemoved;
        stats.wordsAdded += blockWordsAdded;
        stats.charsRemoved += countChars(removedText);
        stats.charsAdded += countChars(addedText);
      } else {
        // Refine only here, inside the changed block: unchanged text costs nothing.
        const wd = diffWords(removedText, addedText, { budget: wordBudget, ignore: rules });
        if (wd.degraded) degraded = true;
        const blockParts = mode === 'char' ? refineParts(wd.parts, charBudget, rules) : wd.parts;
        for (const p of blockParts) {
          push(p.op, p.text);
          if (p.op === 'added') stats.charsAdded += countChars(p.text);
          else if (p.op === 'removed') stats.charsRemoved += countChars(p.text);
        }
        stats.wordsAdded += wd.wordsAdded;
        stats.wordsRemoved += wd.wordsRemoved;
      }
      ci = blk.a1;
    }
    addContext(ci, last.a1 + post);

    // Page and heading of the first change, on the side where it is visible.
    const side = first.a1 > first.a0 ? oldIndex : newIndex;
    const at = first.a1 > first.a0 ? first.a0 : first.b0;
    const hunk: DiffHunk = {
      oldStart: oldCount > 0 ? oldStartIdx + 1 : oldStartIdx,
      oldLines: oldCount,
      newStart: newCount > 0 ? newStartIdx + 1 : newStartIdx,
      newLines: newCount,
      lines,
      parts,
    };
    const { page, heading } = side.locate(at);
    if (page !== undefined) hunk.page = page;
    if (heading !== undefined) hunk.heading = heading;
    hunks.push(hunk);
  }

  stats.added = mode === 'word' ? stats.wordsAdded : mode === 'char' ? stats.charsAdded : stats.linesAdded;
  stats.removed = mode === 'word' ? stats.wordsRemoved : mode === 'char' ? stats.charsRemoved : stats.linesRemoved;
  stats.oldWords = countWords(oldText);
  stats.newWords = rules === undefined ? stats.oldWords + newWordsDelta : countWords(newText);
  stats.share = shareOf(stats);
  const result: DiffResult = { mode, hunks, stats, degraded };
  if (ignored !== undefined) result.ignored = ignored;
  return result;
}
