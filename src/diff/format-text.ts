// Terminal view of a diff. Colours come from a Painter the caller supplies (the CLI builds one
// with chalk); this module never imports a colour library.

import type { DiffHunk, DiffResult } from './types.js';
import { hunkRange } from './format-patch.js';

export interface Painter {
  /** Added text (word mode) — and added lines in line mode unless `addedLine` is given. */
  added(s: string): string;
  /** Removed text (word mode) — and removed lines in line mode unless `removedLine` is given. */
  removed(s: string): string;
  hunkHeader(s: string): string;
  meta(s: string): string;
  /** Optional: a whole `+line` in line mode (plain output wants no `{+…+}` around it). */
  addedLine?(s: string): string;
  /** Optional: a whole `-line` in line mode. */
  removedLine?(s: string): string;
}

/** No colour: `[-removed-]` and `{+added+}` like `git diff --word-diff=plain`; line mode as in diff -u. */
export const plainPainter: Painter = {
  added: (s) => `{+${s}+}`,
  removed: (s) => `[-${s}-]`,
  hunkHeader: (s) => s,
  meta: (s) => s,
  addedLine: (s) => s,
  removedLine: (s) => s,
};

export interface TextFormatOptions {
  painter: Painter;
  /** Printed first, one meta-painted line per line (e.g. "doc-id: 2024-01-02 → 2024-03-04"). */
  header?: string | undefined;
}

/** Shown in place of a changed run that is nothing but line breaks, which would be invisible. */
const NEWLINE_MARK = '↵';

/**
 * Paint `text` one line segment at a time, so no painted span contains a '\n' (colours must not
 * bleed into the next line in terminals and pagers). Empty segments are not painted.
 */
function paintLines(text: string, paint: (s: string) => string): string {
  if (!/[^\r\n]/.test(text)) {
    // Only line breaks: make the change visible, one mark per break, breaks kept.
    return text.split('\n').map((seg, k, all) => (k < all.length - 1 ? paint(NEWLINE_MARK) : seg)).join('\n');
  }
  return text
    .split('\n')
    .map((seg) => (seg === '' ? '' : paint(seg)))
    .join('\n');
}

/** "page 3, Article 12" (whatever is known), or ''. */
export function hunkLocation(h: DiffHunk): string {
  const bits: string[] = [];
  if (h.page !== undefined) bits.push(`page ${h.page}`);
  if (h.heading !== undefined) bits.push(h.heading);
  return bits.join(', ');
}

/** Human-readable diff; '' when there is no change. Output lines are never wrapped. */
export function formatText(result: DiffResult, options: TextFormatOptions): string {
  if (result.hunks.length === 0) return '';
  const p = options.painter;
  const out: string[] = [];
  if (options.header !== undefined && options.header !== '') {
    for (const line of options.header.replace(/\n$/, '').split('\n')) out.push(p.meta(line) + '\n');
  }
  if (result.degraded) out.push(p.meta('(input too large or too different for a fine diff: some changes shown as whole blocks)') + '\n');

  const addedLine = p.addedLine?.bind(p) ?? p.added.bind(p);
  const removedLine = p.removedLine?.bind(p) ?? p.removed.bind(p);

  for (const h of result.hunks) {
    const where = hunkLocation(h).replace(/[\p{Cc}]/gu, '');
    out.push(p.hunkHeader(hunkRange(h) + (where ? ` ${where}` : '')) + '\n');
    if (result.mode !== 'line') {
      let body = '';
      for (const part of h.parts) {
        if (part.op === 'equal') body += part.text;
        else body += paintLines(part.text, part.op === 'added' ? p.added.bind(p) : p.removed.bind(p));
      }
      if (body !== '' && !body.endsWith('\n')) body += '\n';
      out.push(body);
    } else {
      for (const line of h.lines) {
        if (line.op === 'context') out.push(' ' + line.text + '\n');
        else if (line.op === 'added') out.push(addedLine('+' + line.text) + '\n');
        else out.push(removedLine('-' + line.text) + '\n');
        if (line.noNewline) out.push(p.meta('\\ No newline at end of file') + '\n');
      }
    }
  }
  return out.join('');
}
