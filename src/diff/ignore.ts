// Ignore rules: differences that should not count as changes (whitespace, letter case, text matched
// by a pattern such as "Printed on 2012-12-10" or a page counter). Pure; no I/O.
//
// One definition serves both users of the rules:
//   - `comparableText(text, rules)` is what two versions are compared by (sync uses it to decide
//     whether a new version is a content change);
//   - `diffTexts(a, b, { ignore: rules })` compares lines and words by the same keys, and shows the
//     real text in its hunks (ignored differences are shown as they are in the old text).
// They agree exactly: comparableText(a) === comparableText(b)  ⇔  the diff has no hunks.
//
// The comparable form of a text, line by line (lines split at '\n'):
//   1. patterns: every non-empty match of each pattern, found in the line alone (a match never spans
//      a line break; `^` and `$` are the line's start and end), is replaced by one mask character,
//      so "Printed on 2012-12-10" and "Printed on 2013-01-07" compare equal under `Printed on \S+`.
//      Patterns are JavaScript regular expressions with the `u` flag (and `i` under `case`);
//   2. case: Unicode case folding (upper-case then lower-case: "ß" ~ "SS", "ς" ~ "Σ" ~ "σ");
//   3. whitespace: every run of whitespace, line breaks included, compares equal to one space, and
//      whitespace at the start and end of the text is ignored. So re-wrapped lines, indentation,
//      blank lines and CRLF vs LF are not changes; "ab" vs "a b" still is. Without this rule the
//      comparable text keeps its lines (and its final newline or lack of one) exactly.
import { UsageError } from '../errors.js';

export interface IgnoreRules {
  /** Whitespace runs (line breaks included) compare equal; leading and trailing whitespace ignored. */
  whitespace?: boolean | undefined;
  /** Letter case is ignored (Unicode case folding). */
  case?: boolean | undefined;
  /** Regular expressions (JavaScript syntax, `u` flag) whose matches are ignored, line by line. */
  patterns?: readonly string[] | undefined;
}

/** An --ignore pattern (or a configured one) that is not a valid regular expression. */
export class InvalidIgnorePatternError extends UsageError {
  readonly pattern: string;
  readonly reason: string;
  constructor(pattern: string, reason: string) {
    super(`invalid ignore pattern ${JSON.stringify(pattern)}: ${reason}`, {
      hint: 'patterns are JavaScript regular expressions (with the u flag), e.g. --ignore "Printed on \\d{4}-\\d{2}-\\d{2}"',
    });
    this.pattern = pattern;
    this.reason = reason;
  }
}

/** Rules ready to apply (see compileIgnoreRules). */
export interface CompiledIgnoreRules {
  readonly whitespace: boolean;
  readonly case: boolean;
  /** One global regex per pattern, in the order given. */
  readonly regexes: readonly RegExp[];
  /** The rules as given, normalized (for JSON output). */
  readonly rules: { whitespace: boolean; case: boolean; patterns: string[] };
}

/** What a masked span compares as: a private-use character (documents almost never contain it). */
export const MASK = '\u{F8FF}';

const cache = new WeakMap<IgnoreRules, CompiledIgnoreRules | null>();

/**
 * Validate and compile rules; `undefined` when they ignore nothing (no rule set, no pattern).
 * Throws InvalidIgnorePatternError naming the first invalid pattern.
 */
export function compileIgnoreRules(rules: IgnoreRules | undefined): CompiledIgnoreRules | undefined {
  if (rules === undefined) return undefined;
  const cached = cache.get(rules);
  if (cached !== undefined) return cached ?? undefined;
  const whitespace = rules.whitespace === true;
  const ignoreCase = rules.case === true;
  const patterns = [...(rules.patterns ?? [])];
  const regexes = patterns.map((pattern) => {
    try {
      return new RegExp(pattern, ignoreCase ? 'giu' : 'gu');
    } catch (error) {
      throw new InvalidIgnorePatternError(pattern, error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error));
    }
  });
  const compiled = !whitespace && !ignoreCase && regexes.length === 0 ? null : { whitespace, case: ignoreCase, regexes, rules: { whitespace, case: ignoreCase, patterns } };
  cache.set(rules, compiled);
  return compiled ?? undefined;
}

/** Throw InvalidIgnorePatternError if a pattern is invalid (for configuration checks). */
export function validateIgnoreRules(rules: IgnoreRules): void {
  compileIgnoreRules(rules);
}

/**
 * Non-empty matches of the patterns in one line, as sorted, merged [start, end) pairs (flat array).
 * Every pattern runs on the original line; overlapping or touching matches merge into one span.
 */
export function maskSpans(line: string, compiled: CompiledIgnoreRules): number[] {
  if (compiled.regexes.length === 0) return [];
  const spans: Array<[number, number]> = [];
  for (const re of compiled.regexes) {
    re.lastIndex = 0;
    for (let m = re.exec(line); m !== null; m = re.exec(line)) {
      if (m[0] === '') {
        // Step past an empty match (by a whole code point, as the u flag requires).
        re.lastIndex = m.index + (line.codePointAt(m.index) !== undefined && (line.codePointAt(m.index) as number) > 0xffff ? 2 : 1);
        if (re.lastIndex > line.length) break;
        continue;
      }
      spans.push([m.index, m.index + m[0].length]);
    }
  }
  if (spans.length === 0) return [];
  spans.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: number[] = [];
  for (const [s, e] of spans) {
    const last = out.length - 1;
    if (last > 0 && s <= (out[last] as number)) out[last] = Math.max(out[last] as number, e);
    else out.push(s, e);
  }
  return out;
}

/** Case folding used by the `case` rule. */
export function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase();
}

/** Patterns masked, case folded: the per-line step before whitespace handling. */
function maskAndFold(line: string, compiled: CompiledIgnoreRules): string {
  let out = line;
  if (compiled.regexes.length > 0) {
    const spans = maskSpans(line, compiled);
    if (spans.length > 0) {
      let masked = '';
      let at = 0;
      for (let k = 0; k < spans.length; k += 2) {
        masked += line.slice(at, spans[k]) + MASK;
        at = spans[k + 1] as number;
      }
      out = masked + line.slice(at);
    }
  }
  return compiled.case ? foldCase(out) : out;
}

const WHITESPACE_RUN = /\s+/gu;

/**
 * The comparable form of one line. Under the whitespace rule: whitespace runs collapsed to one
 * space and trimmed ('' for a blank line).
 */
export function comparableLine(line: string, compiled: CompiledIgnoreRules): string {
  const folded = maskAndFold(line, compiled);
  return compiled.whitespace ? folded.replace(WHITESPACE_RUN, ' ').trim() : folded;
}

/**
 * Comparable form of lines: what a run of lines (a block of a diff, or a whole text) compares as.
 * `keys` are comparableLine() of each line. Under the whitespace rule, the non-blank keys joined by
 * one space (so re-wrapping is no change); otherwise the keys joined by '\n'.
 */
export function joinComparable(keys: readonly string[], compiled: CompiledIgnoreRules): string {
  if (!compiled.whitespace) return keys.join('\n');
  let out = '';
  for (const key of keys) {
    if (key === '') continue;
    out = out === '' ? key : `${out} ${key}`;
  }
  return out;
}

/**
 * What `text` compares as under `rules` (see the top of this file). Two texts are the same under
 * the rules exactly when their comparable texts are equal, which is exactly when
 * `diffTexts(a, b, { mode, ignore: rules })` has no hunks. With no rule set, the text itself.
 * Throws InvalidIgnorePatternError for an invalid pattern.
 */
export function comparableText(text: string, rules: IgnoreRules): string {
  const compiled = compileIgnoreRules(rules);
  if (compiled === undefined) return text;
  // split keeps the final newline as a trailing '' element, so "a" and "a\n" stay apart without
  // the whitespace rule (and become equal with it: a blank key is dropped).
  return joinComparable(
    text.split('\n').map((line) => comparableLine(line, compiled)),
    compiled,
  );
}
