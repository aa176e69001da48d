// Word and line counts of a change without its hunks, for `log` and `changes`, which need them for
// every version of a document (hundreds) or of a mirror (thousands). Pure; no I/O.
import { diffTexts, splitLines } from './engine.js';
import { diffSequences, internAll, type WorkBudget } from './line-diff.js';
import type { DiffOptions } from './types.js';
import { countWords, diffWords } from './words.js';

export interface ChangeCounts {
  wordsAdded: number;
  wordsRemoved: number;
  linesAdded: number;
  linesRemoved: number;
}

/**
 * Words and lines added and removed from `oldText` to `newText` (word mode by default), as
 * `diffTexts` counts them. Two versions of a document usually share most of their text: the common
 * leading and trailing lines are cut off first by comparing characters, so only the changed middle
 * is split into lines and diffed.
 */
export function diffStats(oldText: string, newText: string, options: Partial<DiffOptions> = {}): ChangeCounts {
  if (oldText === newText) return { wordsAdded: 0, wordsRemoved: 0, linesAdded: 0, linesRemoved: 0 };
  const max = Math.min(oldText.length, newText.length);
  let p = 0;
  while (p < max && oldText.charCodeAt(p) === newText.charCodeAt(p)) p++;
  // Back to the start of the line that differs.
  const start = p === 0 ? 0 : oldText.lastIndexOf('\n', p - 1) + 1;
  let s = 0;
  const limit = max - start;
  while (s < limit && oldText.charCodeAt(oldText.length - 1 - s) === newText.charCodeAt(newText.length - 1 - s)) s++;
  // The common tail, from the first line start inside it (a '\n' of the tail, on both sides).
  let tail = 0;
  if (s > 0) {
    const fromOld = oldText.length - s;
    const fromNew = newText.length - s;
    const lineStartOld = fromOld === 0 || oldText.charCodeAt(fromOld - 1) === 10;
    const lineStartNew = fromNew === 0 || newText.charCodeAt(fromNew - 1) === 10;
    if (lineStartOld && lineStartNew) tail = s;
    else {
      const nl = oldText.indexOf('\n', fromOld);
      if (nl !== -1) tail = oldText.length - (nl + 1);
    }
  }
  const oldMiddle = oldText.slice(start, oldText.length - tail);
  const newMiddle = newText.slice(start, newText.length - tail);
  if (options.ignore !== undefined || (options.mode !== undefined && options.mode !== 'word')) {
    const { wordsAdded, wordsRemoved, linesAdded, linesRemoved } = diffTexts(oldMiddle, newMiddle, { mode: options.mode ?? 'word', context: 0, ignore: options.ignore }).stats;
    return { wordsAdded, wordsRemoved, linesAdded, linesRemoved };
  }
  return wordCounts(oldMiddle, newMiddle);
}

/**
 * diffTexts' word-mode counts, without what only a display needs (hunks, parts, pages and
 * headings, character counts, whole-text word totals): the same line diff, then the same word diff
 * of each changed block.
 */
function wordCounts(oldText: string, newText: string): ChangeCounts {
  const counts: ChangeCounts = { wordsAdded: 0, wordsRemoved: 0, linesAdded: 0, linesRemoved: 0 };
  if (oldText === newText) return counts;
  const oldSide = splitLines(oldText);
  const newSide = splitLines(newText);
  const a = oldSide.lines;
  const b = newSide.lines;
  const n = a.length;
  const m = b.length;
  // As in diffTexts: a last line without '\n' is told apart from the same line with one.
  const keysA = oldSide.finalNewline || n === 0 ? a : [...a.slice(0, -1), '\n' + (a[n - 1] as string)];
  const keysB = newSide.finalNewline || m === 0 ? b : [...b.slice(0, -1), '\n' + (b[m - 1] as string)];
  const { ids, idCount } = internAll([keysA, keysB]);
  const seq = diffSequences(ids[0] as Int32Array, ids[1] as Int32Array, idCount);
  const budget: WorkBudget = { remaining: 2_000_000 + 20 * (oldText.length + newText.length) };
  const join = (lines: readonly string[], from: number, to: number, finalNewline: boolean): string => {
    let s = '';
    for (let i = from; i < to; i++) s += (lines[i] as string) + (!finalNewline && i === lines.length - 1 ? '' : '\n');
    return s;
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && seq.matchA[i] === j) {
      i++;
      j++;
      continue;
    }
    const i0 = i;
    const j0 = j;
    while (i < n && seq.matchA[i] === -1) i++;
    while (j < m && seq.matchB[j] === -1) j++;
    counts.linesRemoved += i - i0;
    counts.linesAdded += j - j0;
    const removed = join(a, i0, i, oldSide.finalNewline);
    const added = join(b, j0, j, newSide.finalNewline);
    if (removed === '') counts.wordsAdded += countWords(added);
    else if (added === '') counts.wordsRemoved += countWords(removed);
    else {
      const wd = diffWords(removed, added, { budget });
      counts.wordsAdded += wd.wordsAdded;
      counts.wordsRemoved += wd.wordsRemoved;
    }
  }
  return counts;
}
