// Public surface of the diff stage.

export type { DiffHunk, DiffMode, DiffOptions, DiffPart, DiffResult, DiffStats, HunkLine } from './types.js';
export { diffTexts, splitLines, headingOf, pageMarkerOf, shareOf, DEFAULT_CONTEXT, type SplitText } from './engine.js';
export { diffStats } from './stats.js';
export { refineChange, refineParts, splitChars, countChars, CHAR_MAX } from './chars.js';
export {
  comparableText,
  comparableLine,
  compileIgnoreRules,
  validateIgnoreRules,
  InvalidIgnorePatternError,
  type CompiledIgnoreRules,
  type IgnoreRules,
} from './ignore.js';
export {
  diffLines,
  diffLinesDetailed,
  diffSequences,
  defaultBudget,
  editsFromMatches,
  internAll,
  longestIncreasing,
  type Edit,
  type SequenceDiff,
  type SequenceDiffOptions,
  type WorkBudget,
} from './line-diff.js';
export { diffWords, tokenize, countWords, isWordToken, type WordDiff, type WordDiffOptions } from './words.js';
export { formatPatch, formatRange, hunkRange, type PatchNames } from './format-patch.js';
export { toJson, toJsonStat, type JsonDiff, type JsonDiffStat, type JsonHunk, type JsonMeta } from './format-json.js';
export { formatHtml, formatHtmlFragment, escapeHtml, formatShare, HTML_DIFF_CSS, type HtmlLayout, type HtmlMeta, type HtmlVersion } from './format-html.js';
export { formatText, plainPainter, hunkLocation, type Painter, type TextFormatOptions } from './format-text.js';
