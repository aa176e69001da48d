// Word and line counts of a change without its hunks, for `log` and `changes`, which need them for
// every version of a document (hundreds) or of a mirror (thousands). Pure; no I/O.
import { diffTexts } from './engine.js';
import type { DiffOptions } from './types.js';

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
  const result = diffTexts(oldText.slice(start, oldText.length - tail), newText.slice(start, newText.length - tail), {
    mode: options.mode ?? 'word',
    context: 0,
    ignore: options.ignore,
  });
  const { wordsAdded, wordsRemoved, linesAdded, linesRemoved } = result.stats;
  return { wordsAdded, wordsRemoved, linesAdded, linesRemoved };
}
