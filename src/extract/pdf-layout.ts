// From pdf.js text items to the lines of each page, then document-level clean-up that needs every
// page at once: running headers and footers, and words hyphenated at a line end. Pure functions.

/** The part of a pdf.js TextItem this module reads. */
export interface PdfTextItem {
  str: string;
  dir: string;
  /** [a, b, c, d, e, f]: e, f are the item's origin on the page. */
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

/** Vertical distance (PDF units) beyond which two items are on different lines (pdf-parse's default). */
const LINE_THRESHOLD = 4.6;
/** Horizontal gap beyond which two items on one line get a space between them (pdf-parse: a tab). */
const CELL_THRESHOLD = 7;

// pdf.js's own normalization (which we disable, see below) covers these: ligatures, presentation
// forms and odd spaces. NFKC of just these runs folds them; NFKC everywhere would also turn `²` into `2`.
const PRESENTATION_FORMS = /[\u00A0\u00B5\u037E\u2000-\u200A\u202F\u2126\uFB00-\uFDFF\uFE70-\uFEFE]+/gu;
const STRONG_RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFE]/gu;
const STRONG_LTR = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]/gu;

interface Segment {
  str: string;
  x: number;
  width: number;
  rtl: boolean;
}

/** A form field's value as the page shows it: what was typed or chosen, and where (PDF units). */
export interface FormFieldValue {
  value: string;
  /** [x1, y1, x2, y2] of the field's widget. */
  rect: number[];
}

/**
 * The page's text items with the values of its filled-in form fields added as text items, so that a
 * leaked form keeps what was written in it (pdf.js's text content holds only the printed labels;
 * pdftotext prints both). A value goes after the last item on its line that ends left of the field
 * ("First Name" then "Alice"), or at the end of the page when no printed text shares its line.
 */
export function withFormFieldValues(items: readonly PdfTextItem[], fields: readonly FormFieldValue[]): PdfTextItem[] {
  const result = [...items];
  for (const field of fields) {
    const value = field.value.replace(/\s+/g, ' ').trim();
    const [x1 = 0, y1 = 0, , y2 = y1] = field.rect;
    if (value === '') continue;
    // A single-line field's text sits about a quarter of the way up its box, at most 12 pt high.
    const size = Math.min(12, Math.max(1, Math.abs(y2 - y1)));
    const baseline = Math.min(y1, y2) + Math.abs(y2 - y1) * 0.25;
    const x = x1 + 2;
    const item: PdfTextItem = { str: value, dir: 'ltr', transform: [size, 0, 0, size, x, baseline], width: value.length * size * 0.5, height: size, hasEOL: false };
    let after = -1;
    let afterEnd = -Infinity;
    result.forEach((candidate, index) => {
      const cx = candidate.transform[4] ?? 0;
      const cy = candidate.transform[5] ?? 0;
      const end = cx + candidate.width;
      if (candidate.str.trim() !== '' && Math.abs(cy - baseline) < LINE_THRESHOLD && end <= x + 1 && end >= afterEnd) {
        after = index;
        afterEnd = end;
      }
    });
    const previous = result[after];
    if (previous === undefined) {
      result.push({ ...item, hasEOL: true });
    } else {
      // The line now ends after the value, not after the label.
      result.splice(after, 1, { ...previous, hasEOL: false }, { ...item, hasEOL: previous.hasEOL });
    }
  }
  return result;
}

/**
 * The lines of one page, in the content stream's order (which follows columns in the PDFs producers
 * write; pdftotext's layout analysis agrees on 99% of the two-column paper's words). Items are joined
 * as pdf-parse joins them (a line ends at `hasEOL` or when the baseline moves by more than a line's
 * height; a wide gap on a line becomes a space), except that a line whose text is mostly right-to-left
 * is put in logical order: pdf.js gives each Arabic word in logical order but the words left to right.
 *
 * The items must come from `getTextContent({ disableNormalization: true })`: pdf.js's normalization
 * expands an Arabic ligature (lam-khah) *after* reversing the word, giving the two letters in the wrong
 * order; folded here instead, after the bidi step, the letters come out right.
 */
export function pageLines(items: readonly PdfTextItem[]): string[] {
  const lines: string[] = [];
  let segments: Segment[] = [];
  let lastY: number | undefined;
  let lastEnd: number | undefined;
  let lineHeight = 0;
  const flush = (): void => {
    lines.push(joinSegments(segments));
    segments = [];
    lineHeight = 0;
  };
  for (const item of items) {
    const x = item.transform[4] ?? 0;
    const y = item.transform[5] ?? 0;
    if (lastY !== undefined && segments.length > 0) {
      const dy = Math.abs(lastY - y);
      if (dy > LINE_THRESHOLD && dy - 1 > lineHeight && !(item.str.trim() === '' && item.hasEOL)) {
        flush();
      } else if (dy < LINE_THRESHOLD && lastEnd !== undefined && Math.abs(lastEnd - x) > CELL_THRESHOLD) {
        segments.push({ str: ' ', x: lastEnd, width: 0, rtl: false });
      }
    }
    const str = item.str.replace(PRESENTATION_FORMS, (run) => run.normalize('NFKC'));
    segments.push({ str, x, width: item.width, rtl: item.dir === 'rtl' });
    lastEnd = x + item.width;
    lastY = y;
    lineHeight = Math.max(lineHeight, item.height);
    if (item.hasEOL) flush();
  }
  if (segments.length > 0) flush();
  return lines;
}

function joinSegments(segments: Segment[]): string {
  const text = segments.map((segment) => segment.str).join('');
  const rtl = text.match(STRONG_RTL)?.length ?? 0;
  const ltr = text.match(STRONG_LTR)?.length ?? 0;
  if (rtl === 0 || rtl <= ltr) return text;
  // Mostly right-to-left: read the items from the right edge of the page to the left.
  const ordered = segments
    .map((segment, index) => ({ segment, index }))
    .sort((a, b) => b.segment.x + b.segment.width - (a.segment.x + a.segment.width) || a.index - b.index);
  return ordered.map(({ segment }) => segment.str).join('');
}

// ---------------------------------------------------------------------------------------------
// Running headers and footers

/** Lines looked at, from the top and from the bottom of each page. */
const EDGE_LINES = 2;
/** A running line must sit at a page edge on at least this share of the pages (and on 3 of them). */
const RUNNING_SHARE = 0.5;
const MIN_PAGES = 3;

const DIGITS = /\d+/g;

function collapse(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

/**
 * The key a running line is known by. A line with numbers in it (`Page 3 of 4`, `Page 4 of 4`) gets
 * them masked, but only as the outermost line of a page: a page's first or last line is where page
 * numbers go, and masking deeper would take numbered body lines of short pages for running lines.
 */
function runningKey(line: string, outermost: boolean): string {
  const text = collapse(line);
  return outermost ? text.replace(DIGITS, '#') : text;
}

export interface RunningLines {
  /** Each page's lines without its running headers and footers. */
  pages: string[][];
  /**
   * The running lines removed, each once, in order of first appearance; numbers that change from
   * page to page shown as `#` (`Page # of 4`).
   */
  removed: string[];
}

/**
 * Finds lines that repeat at the top or the bottom of most pages (the same text, or the same text
 * with a changing number) and removes them wherever they sit at a page edge. A line in the middle
 * of a page is never touched. Documents of fewer than 3 pages are left alone.
 */
export function removeRunningLines(pages: readonly (readonly string[])[]): RunningLines {
  const copy = pages.map((lines) => [...lines]);
  if (pages.length < MIN_PAGES) return { pages: copy, removed: [] };

  // For each key: on how many pages it sits at an edge.
  const pageCounts = new Map<string, number>();
  for (const lines of pages) {
    const seen = new Set<string>();
    for (const [index, outermost] of edgeIndexes(lines)) {
      const key = runningKey(lines[index] ?? '', outermost);
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      pageCounts.set(key, (pageCounts.get(key) ?? 0) + 1);
    }
  }
  const needed = Math.max(MIN_PAGES, Math.ceil(pages.length * RUNNING_SHARE));
  const running = new Set([...pageCounts].filter(([, count]) => count >= needed).map(([key]) => key));
  if (running.size === 0) return { pages: copy, removed: [] };

  const instances = new Map<string, string[]>();
  const out = pages.map((lines) => {
    const drop = new Set<number>();
    for (const [index, outermost] of edgeIndexes(lines)) {
      const line = lines[index] ?? '';
      const key = runningKey(line, outermost);
      if (!running.has(key)) continue;
      drop.add(index);
      const list = instances.get(key) ?? [];
      list.push(collapse(line));
      instances.set(key, list);
    }
    return lines.filter((_, index) => !drop.has(index));
  });
  const removed = [...instances.values()].map(describeRunning);
  return { pages: out, removed };
}

/** Indexes of the first and last EDGE_LINES non-blank lines of a page, each with whether it is outermost. */
function edgeIndexes(lines: readonly string[]): [number, boolean][] {
  const filled = lines.map((line, index) => (line.trim() === '' ? -1 : index)).filter((index) => index >= 0);
  const outer = new Set([filled[0], filled[filled.length - 1]]);
  const edges = new Set([...filled.slice(0, EDGE_LINES), ...filled.slice(-EDGE_LINES)]);
  return [...edges].sort((a, b) => a - b).map((index) => [index, outer.has(index)]);
}

/** One running line for the metadata: numbers that differ between its instances become `#`. */
function describeRunning(instances: string[]): string {
  const first = instances[0] ?? '';
  const numbers = instances.map((line) => line.match(DIGITS) ?? []);
  let n = 0;
  return first.replace(DIGITS, (digits) => {
    const index = n++;
    return numbers.every((list) => list[index] === digits) ? digits : '#';
  });
}

// ---------------------------------------------------------------------------------------------
// Hyphenation at line ends

// `regu-` or `Eliza-` at a line end: a fragment of letters, lowercase after its first (not itself
// after a hyphen) and a hyphen; the next line starts with the rest of the word in lowercase.
const BROKEN_END = /(?:^|[^\p{L}\p{N}\p{M}\-\u2010])(\p{L}?[\p{Ll}\p{M}]*\p{Ll})[-\u2010]$/u;
// `sister-in-` at a line end: the last part of a chained compound, whose hyphen always stays.
const CHAINED_END = /[\p{L}\p{N}][-\u2010][\p{L}\p{N}]+[-\u2010]$/u;
const CONTINUATION = /^(\p{Ll}[\p{L}\p{M}]*)(\S*)/u;
const WORD = /[\p{L}\p{M}]+(?:[-\u2010][\p{L}\p{M}]+)*/gu;
/** Prefixes that make compounds with a hyphen rather than words without one. */
const COMPOUND_PREFIXES = new Set(['multi', 'self', 'cross', 'semi', 'quasi', 'pseudo', 'non']);

/**
 * BROKEN_END and CHAINED_END both need a hyphen as the last character; checking that first spares
 * the (unanchored, backtracking) patterns on the lines that cannot match: nearly all of them.
 */
function endsWithHyphen(line: string): boolean {
  const last = line.charCodeAt(line.length - 1);
  return last === 0x2d || last === 0x2010;
}

/** What the rest of a document says about words: which forms occur, outside line-end breaks. */
export class WordUse {
  private readonly joined = new Set<string>();
  private readonly hyphenated = new Set<string>();

  /** The halves of words broken at line ends are not words of their own and are not counted. */
  constructor(lines: Iterable<string>) {
    let skipFirst = false;
    for (const line of lines) {
      if (line.trim() === '') continue;
      const matches = [...line.matchAll(WORD)];
      const trimmed = line.trimEnd();
      const brokenAtEnd = endsWithHyphen(trimmed) && BROKEN_END.test(trimmed);
      matches.forEach((match, index) => {
        if (index === 0 && skipFirst) return;
        if (index === matches.length - 1 && brokenAtEnd) return;
        this.add(match[0].toLowerCase());
      });
      skipFirst = brokenAtEnd;
    }
  }

  private add(word: string): void {
    if (/[-\u2010]/.test(word)) {
      this.hyphenated.add(word.replace(/\u2010/g, '-'));
      for (const part of word.split(/[-\u2010]/)) this.joined.add(part);
    } else {
      this.joined.add(word);
    }
  }

  /**
   * Whether `left-` + `right` is one word broken by the line end (→ `leftright`) rather than a compound
   * (→ `left-right`). The document decides: a form used elsewhere wins, the joined one first; when
   * neither occurs, a compound needs both halves to be words of the document (or a compound prefix
   * such as `multi`), otherwise the hyphen was the typesetter's.
   */
  isBrokenWord(left: string, right: string): boolean {
    const l = left.toLowerCase();
    const r = right.toLowerCase();
    if (this.joined.has(l + r)) return true;
    if (this.hyphenated.has(`${l}-${r}`)) return false;
    if (COMPOUND_PREFIXES.has(l)) return false;
    return !(l.length >= 3 && this.joined.has(l) && this.joined.has(r));
  }
}

/**
 * Rejoins words broken by a hyphen at a line end, page breaks included (the rest of the word moves
 * up to the end of the line the word started on). Compounds keep their hyphen. `pages` are the
 * lines of each page, running headers already gone.
 */
export function rejoinHyphenation(pages: readonly (readonly string[])[]): string[][] {
  const out = pages.map((lines) => [...lines]);
  const use = new WordUse(out.flat());
  // Positions in reading order: [page, line] of non-blank lines.
  const positions: [number, number][] = [];
  out.forEach((lines, p) => lines.forEach((line, l) => {
    if (line.trim() !== '') positions.push([p, l]);
  }));
  for (let i = 0; i + 1 < positions.length; i++) {
    const [p, l] = positions[i] as [number, number];
    const [q, m] = positions[i + 1] as [number, number];
    const line = (out[p]?.[l] ?? '').trimEnd();
    if (!endsWithHyphen(line)) continue;
    const next = (out[q]?.[m] ?? '').trimStart();
    const left = BROKEN_END.exec(line)?.[1];
    const chained = left === undefined && CHAINED_END.test(line);
    const continuation = CONTINUATION.exec(next);
    const right = continuation?.[1];
    if ((left === undefined && !chained) || continuation === null || right === undefined) continue;
    // The rest of the word moves up with what sticks to it (`lations,`).
    const moved = continuation[0];
    const rest = next.slice(moved.length).trimStart();
    const head = left !== undefined && use.isBrokenWord(left, right) ? line.slice(0, -1) : line;
    (out[p] as string[])[l] = head + moved;
    (out[q] as string[])[m] = rest;
  }
  return out;
}
