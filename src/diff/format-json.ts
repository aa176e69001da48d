// JSON view of a diff, for `--json` output and for the published site.

import type { DiffMode, DiffPart, DiffResult, DiffStats, HunkLine } from './types.js';

export interface JsonMeta {
  /** Document id. */
  id: string;
  /** Old and new version labels (commit, date…), as the caller names them. */
  from: string;
  to: string;
  /** When the old and new versions were fetched (ISO 8601), when known. */
  fromDate?: string | undefined;
  toDate?: string | undefined;
}

export interface JsonHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  page?: number;
  heading?: string;
  lines: HunkLine[];
  parts: DiffPart[];
}

export interface JsonDiff {
  id: string;
  from: string;
  to: string;
  fromDate?: string;
  toDate?: string;
  mode: DiffMode;
  degraded: boolean;
  /** The ignore rules honoured, when any was set. */
  ignore?: { whitespace: boolean; case: boolean; patterns: string[] };
  stats: DiffStats;
  hunks: JsonHunk[];
}

/** `toJson` without the hunks: what `diff --stat --json` prints. */
export type JsonDiffStat = Omit<JsonDiff, 'hunks'>;

/** The summary part of the JSON view (everything but the hunks). */
export function toJsonStat(result: DiffResult, meta: JsonMeta): JsonDiffStat {
  const s = result.stats;
  return {
    id: meta.id,
    from: meta.from,
    to: meta.to,
    ...(meta.fromDate !== undefined ? { fromDate: meta.fromDate } : {}),
    ...(meta.toDate !== undefined ? { toDate: meta.toDate } : {}),
    mode: result.mode,
    degraded: result.degraded,
    ...(result.ignored !== undefined ? { ignore: { whitespace: result.ignored.whitespace, case: result.ignored.case, patterns: [...result.ignored.patterns] } } : {}),
    stats: {
      added: s.added,
      removed: s.removed,
      linesAdded: s.linesAdded,
      linesRemoved: s.linesRemoved,
      wordsAdded: s.wordsAdded,
      wordsRemoved: s.wordsRemoved,
      charsAdded: s.charsAdded,
      charsRemoved: s.charsRemoved,
      oldWords: s.oldWords,
      newWords: s.newWords,
      share: s.share,
    },
  };
}

/** A plain, JSON.stringify-ready object; optional fields are left out rather than null. */
export function toJson(result: DiffResult, meta: JsonMeta): JsonDiff {
  return {
    ...toJsonStat(result, meta),
    hunks: result.hunks.map((h) => ({
      oldStart: h.oldStart,
      oldLines: h.oldLines,
      newStart: h.newStart,
      newLines: h.newLines,
      ...(h.page !== undefined ? { page: h.page } : {}),
      ...(h.heading !== undefined ? { heading: h.heading } : {}),
      lines: h.lines.map((l) => (l.noNewline ? { op: l.op, text: l.text, noNewline: true } : { op: l.op, text: l.text })),
      parts: h.parts.map((p) => ({ op: p.op, text: p.text })),
    })),
  };
}
