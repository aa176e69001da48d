// JSON view of a diff, for `--json` output and for the published site.

import type { DiffMode, DiffPart, DiffResult, DiffStats, HunkLine } from './types.js';

export interface JsonMeta {
  /** Document id. */
  id: string;
  /** Old and new version labels (commit, date…), as the caller names them. */
  from: string;
  to: string;
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
  mode: DiffMode;
  degraded: boolean;
  stats: DiffStats;
  hunks: JsonHunk[];
}

/** A plain, JSON.stringify-ready object; optional fields are left out rather than null. */
export function toJson(result: DiffResult, meta: JsonMeta): JsonDiff {
  const s = result.stats;
  return {
    id: meta.id,
    from: meta.from,
    to: meta.to,
    mode: result.mode,
    degraded: result.degraded,
    stats: {
      added: s.added,
      removed: s.removed,
      linesAdded: s.linesAdded,
      linesRemoved: s.linesRemoved,
      wordsAdded: s.wordsAdded,
      wordsRemoved: s.wordsRemoved,
    },
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
