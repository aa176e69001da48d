// Normalized text is what gets committed and diffed, so two extractions of the same words must give
// the same bytes whatever the producer did with spaces, line ends, ligatures or invisible characters.
// Pure, deterministic and idempotent: normalizeText(normalizeText(x)) === normalizeText(x).

import { WordUse } from './pdf-layout.js';

/** The page marker line the PDF extractor writes and the diff stage relies on. */
export const PAGE_MARKER = /^--- page \d+ ---$/;

const LIGATURES: Record<string, string> = {
  '\uFB00': 'ff',
  '\uFB01': 'fi',
  '\uFB02': 'fl',
  '\uFB03': 'ffi',
  '\uFB04': 'ffl',
  '\uFB05': 'st', // ſt, which NFKC also folds to "st"
  '\uFB06': 'st',
};
const LIGATURE_PATTERN = /[\uFB00-\uFB06]/g;

const LINE_BREAKS = /\r\n?|[\v\f\u0085\u2028\u2029]/g;
// Soft hyphen at a line end: the producer broke a word there, so the lines are one word.
const SOFT_HYPHEN_BREAK = /\u00AD[ \t]*\n[ \t]*(?=\p{L})/gu;
const INVISIBLES = /[\u00AD\u200B\u200C\u2060\uFEFF]/g;
// ZWJ is kept only inside emoji sequences (👩‍💻), where removing it splits one glyph into two.
const STRAY_ZWJ = /(?<!\p{Extended_Pictographic}(?:\uFE0F|[\u{1F3FB}-\u{1F3FF}])?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
const SPACES = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000 ]+/g;
/** A line SPACES would change: a replace builds a new string even when every run is one space already. */
const SPACES_TO_COLLAPSE = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]| {2}/;

// A line that ends in a hyphen after an all-lowercase fragment, not preceded by another word part
// (so `state-of-the-` and `Self-` stay as they are).
const HYPHENATED_END = /(?:^|[^\p{L}\p{N}\p{M}\-\u2010])\p{Ll}+[-\u2010]$/u;
const STARTS_LOWERCASE = /^\p{Ll}/u;

export function normalizeText(text: string): string {
  const lineBroken = text.replace(LINE_BREAKS, '\n');
  // The soft-hyphen expression scans in Unicode mode (28 us for a 24 KB text without one, against
  // 2 us to search for the character), and most texts have none.
  const unified = (lineBroken.includes('\u00AD') ? lineBroken.replace(SOFT_HYPHEN_BREAK, '') : lineBroken)
    .replace(INVISIBLES, '')
    .replace(STRAY_ZWJ, '')
    .replace(LIGATURE_PATTERN, (ligature) => LIGATURES[ligature] ?? ligature)
    .normalize('NFC');

  const lines = unified.split('\n').map(normalizeLine);
  const joined = rejoinHyphenatedWords(lines);

  const out: string[] = [];
  for (const line of joined) {
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

// Nested list items (`  - item`) keep their indentation: it is the only trace of the nesting.
const LIST_INDENT = /^[ \t]+(?=- )/;

function normalizeLine(line: string): string {
  const indent = LIST_INDENT.exec(line)?.[0].replace(/\t/g, '  ') ?? '';
  return indent + (SPACES_TO_COLLAPSE.test(line) ? line.replace(SPACES, ' ') : line).trim();
}

/**
 * `regu-` + `lations are` → `regulations are`: the whole next line joins the broken word's line.
 * Whether the hyphen goes is the document's call (WordUse): `multi-` + `stakeholder` keeps it.
 * (PDFs arrive with this decided already, across page breaks too: see pdf-layout.ts.)
 */
function rejoinHyphenatedWords(lines: string[]): string[] {
  const out: string[] = [];
  let use: WordUse | undefined;
  for (const line of lines) {
    const previous = out[out.length - 1];
    if (
      previous !== undefined &&
      STARTS_LOWERCASE.test(line) &&
      HYPHENATED_END.test(previous) &&
      !PAGE_MARKER.test(previous) &&
      !PAGE_MARKER.test(line)
    ) {
      use ??= new WordUse(lines);
      const left = /\p{Ll}+(?=[-\u2010]$)/u.exec(previous)?.[0] ?? '';
      const right = /^[\p{L}\p{M}]+/u.exec(line)?.[0] ?? '';
      out[out.length - 1] = (use.isBrokenWord(left, right) ? previous.slice(0, -1) : previous) + line;
    } else {
      out.push(line);
    }
  }
  return out;
}
