import { removeRunningLines } from '../src/extract/pdf-layout.js';

// Word-level quality of extracted text against a reference (pdftotext), shared by the quality test,
// the reference script and the extract bench. Pure functions; no I/O.
//
// Words: NFKC (folds ligatures and Arabic presentation forms), lowercase, split on whitespace, then
// every character that is not a letter, digit or combining mark deleted inside each token (so
// `multi-stakeholder`, `multistakeholder` and a producer's `mixedmode` compare alike, and `Gal∗+ ,`
// is `gal`). Tokens left empty are dropped.

const PAGE_MARKER_LINE = /^--- page \d+ ---$/gm;
const NOT_WORD = /[^\p{L}\p{N}\p{M}]/gu;
// Bidi controls pdftotext writes around RTL runs; never words.
const BIDI_CONTROLS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function words(text: string): string[] {
  return text
    .replace(PAGE_MARKER_LINE, ' ')
    .replace(BIDI_CONTROLS, '')
    .normalize('NFKC')
    .toLowerCase()
    .split(/\s+/u)
    .map((token) => token.replace(NOT_WORD, ''))
    .filter((token) => token !== '');
}

export interface BagScore {
  precision: number;
  recall: number;
  f1: number;
}

/** Bag-of-words precision, recall and F1 of `candidate` against `reference` (both word lists). */
export function bagF1(candidate: readonly string[], reference: readonly string[]): BagScore {
  const counts = new Map<string, number>();
  for (const word of reference) counts.set(word, (counts.get(word) ?? 0) + 1);
  let common = 0;
  for (const word of candidate) {
    const left = counts.get(word) ?? 0;
    if (left > 0) {
      common++;
      counts.set(word, left - 1);
    }
  }
  if (candidate.length === 0 && reference.length === 0) return { precision: 1, recall: 1, f1: 1 };
  const precision = candidate.length === 0 ? 0 : common / candidate.length;
  const recall = reference.length === 0 ? 0 : common / reference.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Length of the longest common subsequence of two word lists (O(n·m) time, O(m) memory). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const word = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      current[j] = word === b[j - 1] ? (previous[j - 1] as number) + 1 : Math.max(previous[j] as number, current[j - 1] as number);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] as number;
}

/**
 * Order score: per page, the LCS of the two word sequences; summed over pages and divided by the
 * words the two have in common (bag intersection). 1 means every shared word comes in the
 * reference's order; words missing on one side do not count against order (F1 measures them).
 */
export function orderScore(candidatePages: readonly string[][], referencePages: readonly string[][]): number {
  let lcs = 0;
  let common = 0;
  const pages = Math.max(candidatePages.length, referencePages.length);
  for (let p = 0; p < pages; p++) {
    const a = candidatePages[p] ?? [];
    const b = referencePages[p] ?? [];
    lcs += lcsLength(a, b);
    const { precision } = bagF1(a, b);
    common += Math.round(precision * a.length);
  }
  return common === 0 ? 1 : lcs / common;
}

/** Splits leakmirror's text (after its `--- page N ---` markers) into pages of words. */
export function pagesOfExtraction(text: string): string[][] {
  const pages: string[][] = [];
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (/^--- page \d+ ---$/.test(line)) {
      current = [];
      pages.push(current);
    } else {
      (current ?? (pages[0] ??= current = [])).push(...words(line));
    }
  }
  return pages;
}

/**
 * Splits pdftotext's output (pages end with a form feed) into pages of words. With `withoutRunning`,
 * the reference loses its running headers and footers by the very rule leakmirror applies to its
 * own text, so that removing them is not counted as lost words.
 */
export function pagesOfPdftotext(text: string, withoutRunning = false): string[][] {
  const pages = text.split('\f');
  if (pages.length > 1 && pages[pages.length - 1]?.trim() === '') pages.pop();
  const lines = pages.map((page) => page.split('\n'));
  const kept = withoutRunning ? removeRunningLines(lines).pages : lines;
  return kept.map((page) => words(page.join('\n')));
}
