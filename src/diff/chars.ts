// Character-level refinement of word diffs (`--mode char`): a changed number or date inside a
// sentence ("90" → "30", "2012-12-03" → "2012-12-07") shows as the characters that changed
// ("[-9-]{+3+}0", "2012-12-0[-3-]{+7+}") instead of a whole replaced word. Pure; no I/O.
//
// Only short changes are refined (each side at most CHAR_MAX UTF-16 units), under the caller's
// shared work budget, and only when the result is clearer than the word-level one: the two sides
// must keep at least half of the longer side's characters in common. Otherwise the word-level
// change is kept, which is a presentation choice, not a degraded result.
import type { CompiledIgnoreRules } from './ignore.js';
import { foldCase } from './ignore.js';
import { diffSequences, type WorkBudget } from './line-diff.js';
import type { DiffPart } from './types.js';

/** Longest side (UTF-16 units) of a change that is refined to characters. */
export const CHAR_MAX = 400;

// A "character": CRLF, an emoji sequence, or one code point with its combining marks.
const CHAR_RE = /\r\n|\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier}|\u200D\p{Extended_Pictographic})*|[\s\S]\p{M}*/gu;

/** Split into user-perceived characters (close enough: code points with their combining marks). */
export function splitChars(text: string): string[] {
  return text.match(CHAR_RE) ?? [];
}

const WHITESPACE = /^\s+$/u;

interface CharRun {
  equal: string | null;
  del: string;
  ins: string;
}

/**
 * Refine one change (removed `del`, added `ins`) to characters. Returns the refined parts, or
 * undefined when the change should stay as it is (too long, too different, budget spent).
 */
export function refineChange(del: string, ins: string, budget: WorkBudget, rules?: CompiledIgnoreRules): DiffPart[] | undefined {
  if (del === '' || ins === '' || del.length > CHAR_MAX || ins.length > CHAR_MAX || budget.remaining <= 0) return undefined;
  const ca = splitChars(del);
  const cb = splitChars(ins);
  const keyOf = (c: string): string => (rules?.whitespace === true && WHITESPACE.test(c) ? ' ' : rules?.case === true ? foldCase(c) : c);
  const table = new Map<string, number>();
  const intern = (chars: string[]): Int32Array => {
    const ids = new Int32Array(chars.length);
    for (let i = 0; i < chars.length; i++) {
      const key = keyOf(chars[i] as string);
      let id = table.get(key);
      if (id === undefined) {
        id = table.size;
        table.set(key, id);
      }
      ids[i] = id;
    }
    return ids;
  };
  const ia = intern(ca);
  const ib = intern(cb);
  const r = diffSequences(ia, ib, table.size, { budget });
  if (r.degraded) return undefined;

  let runs: CharRun[] = [];
  let i = 0;
  let j = 0;
  while (i < ca.length || j < cb.length) {
    if (i < ca.length && j < cb.length && r.matchA[i] === j) {
      let equal = '';
      while (i < ca.length && j < cb.length && r.matchA[i] === j) {
        equal += ca[i] as string;
        i++;
        j++;
      }
      runs.push({ equal, del: '', ins: '' });
      continue;
    }
    const run: CharRun = { equal: null, del: '', ins: '' };
    for (; i < ca.length && r.matchA[i] === -1; i++) run.del += ca[i] as string;
    for (; j < cb.length && r.matchB[j] === -1; j++) run.ins += cb[j] as string;
    runs.push(run);
  }
  runs = cleanupChars(runs);

  let common = 0;
  for (const run of runs) if (run.equal !== null) common += run.equal.length;
  // Clearer than the word-level change only when most of it stays: "9[-0-]{+5+}" yes,
  // "[-sh-]{+m+}a[-ll-]{+y+}" (shall → may) no.
  if (2 * common < Math.max(del.length, ins.length)) return undefined;

  const parts: DiffPart[] = [];
  for (const run of runs) {
    if (run.equal !== null) {
      if (run.equal !== '') parts.push({ op: 'equal', text: run.equal });
      continue;
    }
    if (run.del !== '') parts.push({ op: 'removed', text: run.del });
    if (run.ins !== '') parts.push({ op: 'added', text: run.ins });
  }
  return parts;
}

/**
 * An equality squeezed between two changes and no longer than the changes on both sides is folded
 * into them ("sh[-a-]{+ou+}l[-l-]{+d+}" → "sh[-all-]{+ould+}"), repeated until stable.
 */
function cleanupChars(input: CharRun[]): CharRun[] {
  let runs = input;
  for (let pass = 0; pass < 16; pass++) {
    let changed = false;
    const out: CharRun[] = [];
    for (let k = 0; k < runs.length; k++) {
      const run = runs[k] as CharRun;
      const prev = out[out.length - 1];
      const next = runs[k + 1];
      if (run.equal !== null && prev !== undefined && prev.equal === null && next !== undefined && next.equal === null) {
        const e = run.equal;
        if (!e.includes('\n') && e.length <= Math.max(prev.del.length, prev.ins.length) && e.length <= Math.max(next.del.length, next.ins.length)) {
          prev.del += e + next.del;
          prev.ins += e + next.ins;
          k++;
          changed = true;
          continue;
        }
      }
      if (run.equal === null && prev !== undefined && prev.equal === null) {
        prev.del += run.del;
        prev.ins += run.ins;
        changed = true;
        continue;
      }
      out.push({ ...run });
    }
    runs = out;
    if (!changed) break;
  }
  return runs;
}

/**
 * Refine every change of a word-level part list (a removed part followed by an added part) to
 * characters where that is clearer; other parts pass through.
 */
export function refineParts(parts: readonly DiffPart[], budget: WorkBudget, rules?: CompiledIgnoreRules): DiffPart[] {
  const out: DiffPart[] = [];
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k] as DiffPart;
    const next = parts[k + 1];
    if (part.op === 'removed' && next !== undefined && next.op === 'added') {
      const refined = refineChange(part.text, next.text, budget, rules);
      if (refined !== undefined) {
        out.push(...refined);
        k++;
        continue;
      }
    }
    out.push(part);
  }
  return out;
}

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/** Characters (code points) in `text`, line breaks not counted. Native scans only: a megabyte of
 * removed text is counted in well under a millisecond. */
export function countChars(text: string): number {
  let n = text.length;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n--;
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) n--;
  SURROGATE_PAIR.lastIndex = 0;
  if (SURROGATE_PAIR.test(text)) n -= text.match(SURROGATE_PAIR)?.length ?? 0;
  return n;
}
