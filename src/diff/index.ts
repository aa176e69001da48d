// Public surface of the diff stage.

export type { DiffHunk, DiffMode, DiffOptions, DiffPart, DiffResult, DiffStats, HunkLine } from './types.js';
export { diffTexts, splitLines, headingOf, pageMarkerOf, DEFAULT_CONTEXT, type SplitText } from './engine.js';
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
export { toJson, type JsonDiff, type JsonHunk, type JsonMeta } from './format-json.js';
export { formatText, plainPainter, hunkLocation, type Painter, type TextFormatOptions } from './format-text.js';
