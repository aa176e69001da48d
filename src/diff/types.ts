// The diff stage's contract: two texts in, hunks and statistics out (pure data, rendered elsewhere).

import type { IgnoreRules } from './ignore.js';

/** `line`: whole lines; `word`: words inside changed lines; `char`: also characters inside changed
 * words when that is clearer ("9[-0-]{+5+}", "2012-12-0[-3-]{+7+}"). */
export type DiffMode = 'line' | 'word' | 'char';

export interface DiffOptions {
  mode: DiffMode;
  /** Unchanged lines shown around each change (default 3). */
  context?: number | undefined;
  /** Differences that do not count (whitespace, case, patterns); see ignore.ts. */
  ignore?: IgnoreRules | undefined;
  /**
   * The changed line blocks, when something faster already knows them (git's own diff of two stored
   * texts). Used only without ignore rules, and only after checking that every line between the
   * blocks is equal on both sides; otherwise the engine diffs the lines itself.
   */
  lineBlocks?: readonly LineBlock[] | undefined;
}

/** A run of changed lines: old lines [a0, a1) replaced by new lines [b0, b1), 0-based. */
export interface LineBlock {
  a0: number;
  a1: number;
  b0: number;
  b1: number;
}

/** One line of a hunk, as a unified diff shows it. */
export interface HunkLine {
  op: 'context' | 'added' | 'removed';
  /** The line without its '\n'. */
  text: string;
  /** Set on the last line of a side that has no final newline (`\ No newline at end of file`). */
  noNewline?: boolean | undefined;
}

/** A run of text inside a hunk; word mode splits changed lines into these. */
export interface DiffPart {
  op: 'equal' | 'added' | 'removed';
  text: string;
}

export interface DiffHunk {
  /** 1-based first line and line count on each side, as in a unified diff header. */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** PDF page of the first change, when the text has page markers (`--- page N ---`). */
  page?: number | undefined;
  /** Nearest heading or article line above the first change ("Article 12"), when one is found. */
  heading?: string | undefined;
  lines: HunkLine[];
  /** The same hunk as runs of text (word level in word mode, whole lines in line mode). */
  parts: DiffPart[];
}

export interface DiffStats {
  /** Words (word mode), lines (line mode) or characters (char mode) added and removed: the
   * contract's `stats`. */
  added: number;
  removed: number;
  linesAdded: number;
  linesRemoved: number;
  wordsAdded: number;
  wordsRemoved: number;
  /** Characters (code points, line breaks not counted) in the added and removed parts. */
  charsAdded: number;
  charsRemoved: number;
  /** Words in the whole old and new text. */
  oldWords: number;
  newWords: number;
  /** Share of the words that changed: (wordsAdded + wordsRemoved) / (oldWords + newWords), 0..1,
   * rounded to 4 decimals (0.032 is "3.2% of words changed"); 0 when both texts are empty. */
  share: number;
}

export interface DiffResult {
  mode: DiffMode;
  hunks: DiffHunk[];
  stats: DiffStats;
  /** True when a bound on the work was hit and a coarser (still correct) diff was returned. */
  degraded: boolean;
  /** The ignore rules the diff honoured, when any was set. */
  ignored?: { whitespace: boolean; case: boolean; patterns: string[] } | undefined;
}
