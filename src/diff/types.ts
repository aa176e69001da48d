// The diff stage's contract: two texts in, hunks and statistics out (pure data, rendered elsewhere).

export type DiffMode = 'line' | 'word';

export interface DiffOptions {
  mode: DiffMode;
  /** Unchanged lines shown around each change (default 3). */
  context?: number | undefined;
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
  /** Words (word mode) or lines (line mode) added and removed: the contract's `stats`. */
  added: number;
  removed: number;
  linesAdded: number;
  linesRemoved: number;
  wordsAdded: number;
  wordsRemoved: number;
}

export interface DiffResult {
  mode: DiffMode;
  hunks: DiffHunk[];
  stats: DiffStats;
  /** True when a bound on the work was hit and a coarser (still correct) diff was returned. */
  degraded: boolean;
}
