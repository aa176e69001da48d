// Unified diff output that `git apply` and `patch` accept.

import type { DiffResult } from './types.js';

export interface PatchNames {
  /** Path of the old file, without the `a/` prefix; '/dev/null' for a created file. */
  oldName: string;
  /** Path of the new file, without the `b/` prefix; '/dev/null' for a deleted file. */
  newName: string;
}

/** `start,count` as in a unified hunk header (`,1` omitted, as diff -u and git do). */
export function formatRange(start: number, count: number): string {
  return count === 1 ? String(start) : `${start},${count}`;
}

/** The `@@ -l,s +l,s @@` part of a hunk header. */
export function hunkRange(h: { oldStart: number; oldLines: number; newStart: number; newLines: number }): string {
  return `@@ -${formatRange(h.oldStart, h.oldLines)} +${formatRange(h.newStart, h.newLines)} @@`;
}

function fileName(prefix: string, name: string): string {
  return name === '/dev/null' ? name : prefix + name;
}

/** Unified diff turning the old text into the new; '' when there is no change. */
export function formatPatch(result: DiffResult, names: PatchNames): string {
  if (result.hunks.length === 0) return '';
  const out: string[] = [`--- ${fileName('a/', names.oldName)}\n`, `+++ ${fileName('b/', names.newName)}\n`];
  for (const h of result.hunks) {
    // Text after the second @@ is ignored by git apply; it helps a human reader, like git's
    // function context. Control characters are dropped so the header stays one line.
    const label = h.heading?.replace(/[\p{Cc}]/gu, '');
    out.push(hunkRange(h) + (label ? ` ${label}` : '') + '\n');
    for (const line of h.lines) {
      const prefix = line.op === 'added' ? '+' : line.op === 'removed' ? '-' : ' ';
      out.push(prefix + line.text + '\n');
      if (line.noNewline) out.push('\\ No newline at end of file\n');
    }
  }
  return out.join('');
}
