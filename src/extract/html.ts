// HTML to plain text that keeps the page's block structure as lines, so a line diff reads like the
// page: one line per paragraph, heading, list item or table row, a blank line between blocks.
// One iterative walk over cheerio's domhandler tree (no repeated selector queries, no recursion that
// a deeply nested page could overflow). Size and nesting are bounded: parse5 checks the open elements
// on every start tag, so 100,000 nested <div>s (1 MB) would take a minute to parse without the guard.
// Most pages are parsed by htmlparser2 instead, into the same tree (html-fast-parse.ts).

import { load } from 'cheerio';
import type { AnyNode, Element, ParentNode, Text } from 'domhandler';
// cheerio's own parse5 tree adapter (a dependency of cheerio), wrapped to stop a too-deep parse early.
import { adapter as domhandlerAdapter } from 'parse5-htmlparser2-tree-adapter';
import { errorMessage, ExtractError, UsageError } from '../errors.js';
import { decodeHtml } from './charset.js';
import { EXTRACTOR_VERSIONS } from './index.js';
import { fastParseHtml } from './html-fast-parse.js';
import { findMainContent } from './main-content.js';
import type { ExtractInput, Extraction } from './types.js';
import { stableSha256 } from './volatile.js';

/** Elements whose content is never page text. */
const DROPPED = new Set([
  'head', 'script', 'style', 'noscript', 'template', 'svg', 'nav', 'iframe',
  // Fallback text of embedded media ("your browser does not support video"), not content.
  'object', 'embed', 'canvas', 'video', 'audio',
]);

/** Elements that stand on their own lines with a blank line around them. */
const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'center', 'details', 'dialog', 'div', 'dl',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header',
  'hgroup', 'hr', 'html', 'legend', 'main', 'p', 'section', 'summary', 'search',
]);
/** Blocks that take their own line but no blank line around them. */
const LINE_BLOCKS = new Set(['dt', 'dd', 'caption', 'option']);
const LISTS = new Set(['ul', 'ol', 'menu', 'dir']);
const PREFORMATTED = new Set(['pre', 'listing', 'xmp', 'plaintext']);
const CELLS = new Set(['td', 'th']);

const HTML_WHITESPACE_RUN = /[ \t\n\f\r]+/g;
/** Whether a run needs collapsing: a replace copies even a text whose runs are all single spaces. */
const HTML_WHITESPACE_TO_COLLAPSE = /[\t\n\f\r]| {2}/;

/** Default `maxHtmlBytes`: the body as fetched (after Content-Encoding), before charset decoding. */
export const DEFAULT_MAX_HTML_BYTES = 20 * 1024 * 1024;
/** Default `maxHtmlDepth`: elements inside elements, `<html>` being level 1. Real pages stay under 100. */
export const DEFAULT_MAX_HTML_DEPTH = 2_000;

export function extractHtml(input: ExtractInput): Extraction {
  const maxBytes = input.maxHtmlBytes ?? DEFAULT_MAX_HTML_BYTES;
  const maxDepth = input.maxHtmlDepth ?? DEFAULT_MAX_HTML_DEPTH;
  if (input.bytes.byteLength > maxBytes) {
    throw new ExtractError('bad-content', `HTML larger than ${formatSize(maxBytes)} (${input.bytes.byteLength.toLocaleString('en-US')} bytes)`);
  }
  const { text: html, charset } = decodeHtml(input.bytes, input.contentType);
  // htmlparser2 when it builds parse5's tree (html-fast-parse.ts; about 5x faster), else parse5.
  const fastTree = fastParseHtml(html, { maxDepth, onTooDeep: () => tooDeep(maxDepth) });
  const $ = fastTree === undefined ? load(html, { treeAdapter: depthGuardedAdapter(maxDepth) }) : load(fastTree);

  const title = pageTitle($.root()[0]);

  for (const selector of input.remove ?? []) {
    querySafely(selector, 'remove', () => $(selector).remove());
  }
  const root = $.root()[0];
  let selected = input.select === undefined ? undefined : new Set<AnyNode>(querySafely(input.select, 'select', () => $(input.select).toArray()));
  let dropped: ReadonlySet<AnyNode> | undefined;
  // Without a selection, keep the page's main content (see main-content.ts for the rule).
  if (selected === undefined && input.mainContent !== false && root !== undefined) {
    const plan = findMainContent(root, DROPPED);
    if (plan.content !== undefined) selected = new Set<AnyNode>([plan.content]);
    if (plan.drop.size > 0) dropped = plan.drop;
  }

  const text = root === undefined ? '' : htmlToText(root, selected, maxDepth, dropped);
  return {
    kind: 'html',
    status: 'text',
    text,
    title: title === '' ? undefined : title,
    charset,
    stableSha256: stableSha256(input.bytes, input.volatile, input.sha256),
    extractor: EXTRACTOR_VERSIONS.html,
    mediaType: 'text/html',
  };
}

/** Each test of a title, in order: `head > title`, then any `title`, then `h1`. */
const TITLE_TESTS: ReadonlyArray<(element: Element) => boolean> = [
  (element) => element.name === 'title' && (element.parent as Element | null)?.name === 'head',
  (element) => element.name === 'title',
  (element) => element.name === 'h1',
];

/**
 * The page's title: the text of the first element, in document order, that passes the first test
 * that has one with text. A walk that stops at the match, where a selector query (`$('head > title')`)
 * visits every element of the page: a tenth of the extraction's time on the bench's pages.
 */
export function pageTitle(root: AnyNode | undefined): string {
  if (root === undefined) return '';
  for (const test of TITLE_TESTS) {
    const element = firstElement(root, test);
    const text = element === undefined ? '' : collapse(textContent(element));
    if (text !== '') return text;
  }
  return '';
}

/** The first element in document order that passes `test` (a stack, not recursion: pages nest deep). */
function firstElement(root: AnyNode, test: (element: Element) => boolean): Element | undefined {
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    if (isElement(node) && test(node)) return node;
    const children = (node as ParentNode).children as AnyNode[] | undefined;
    if (children !== undefined) for (let index = children.length - 1; index >= 0; index--) stack.push(children[index] as AnyNode);
  }
  return undefined;
}

function querySafely<T>(selector: string, option: 'select' | 'remove', query: () => T): T {
  try {
    return query();
  } catch (error) {
    throw new UsageError(`invalid CSS selector in ${option}: ${JSON.stringify(selector)} (${errorMessage(error)})`, {
      cause: error,
      hint: `fix the ${option} selector of this document in leakmirror.yaml`,
    });
  }
}

function collapse(text: string): string {
  return text.replace(HTML_WHITESPACE_RUN, ' ').trim();
}

function tooDeep(maxDepth: number): ExtractError {
  return new ExtractError('bad-content', `HTML nested deeper than ${maxDepth.toLocaleString('en-US')} levels`);
}

function formatSize(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) && mib > 0 ? `${mib.toLocaleString('en-US')} MiB` : `${bytes.toLocaleString('en-US')} bytes`;
}

/**
 * cheerio's tree adapter, failing as soon as an element lands deeper than `maxDepth`: parse5 scans
 * its stack of open elements on each start tag, so parsing beyond the limit would cost depth² time.
 * Each element's depth is remembered, so the check costs O(1) per element. (Descendants of a node that
 * the adoption agency moves are not re-measured; the walk checks every element again.)
 */
function depthGuardedAdapter(maxDepth: number): typeof domhandlerAdapter {
  const depths = new WeakMap<AnyNode, number>();
  const check = (node: AnyNode): void => {
    if (!isElement(node)) return;
    let above = 0;
    for (let current = node.parent; current !== null; current = current.parent) {
      const known = depths.get(current);
      if (known !== undefined) {
        above += known;
        break;
      }
      if (isElement(current)) above++;
    }
    if (above + 1 > maxDepth) throw tooDeep(maxDepth);
    depths.set(node, above + 1);
  };
  return {
    ...domhandlerAdapter,
    appendChild(parent, node) {
      domhandlerAdapter.appendChild(parent, node);
      check(node);
    },
    insertBefore(parent, node, reference) {
      domhandlerAdapter.insertBefore(parent, node, reference);
      check(node);
    },
  };
}

/** cheerio's `.text()` (all text nodes, scripts included, comments not), without its recursion. */
function textContent(root: AnyNode): string {
  let text = '';
  const stack: AnyNode[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isText(node)) {
      text += node.data;
    } else if (hasChildren(node) && (node.type as string) !== 'comment') {
      for (let i = node.children.length - 1; i >= 0; i--) {
        const child = node.children[i];
        if (child !== undefined) stack.push(child);
      }
    }
  }
  return text;
}

// domhandler's node types are string enums; compare their values, not the enum (a value import).
function isElement(node: AnyNode): node is Element {
  const type = node.type as string;
  return type === 'tag' || type === 'script' || type === 'style';
}

function isText(node: AnyNode): node is Text {
  return (node.type as string) === 'text';
}

function hasChildren(node: AnyNode): node is ParentNode {
  return 'children' in node;
}

/**
 * The text of the tree under `root`. With `selected`, only the text inside those elements counts,
 * each taken once (a match inside another match is part of the outer one), in document order.
 * Elements in `dropped` are skipped with their content.
 * An element deeper than `maxDepth` (counted from `root`) is an ExtractError; the walk itself never
 * recurses, so any depth is safe to walk.
 */
export function htmlToText(
  root: AnyNode,
  selected?: ReadonlySet<AnyNode>,
  maxDepth = DEFAULT_MAX_HTML_DEPTH,
  dropped?: ReadonlySet<AnyNode>,
): string {
  const walker = new Walker();
  // Each entry is a node to enter, or (exit) an element to leave once its children are done.
  // `inside`: whether the node is within the selection (always, without one).
  // `depth`: how many elements contain the node.
  const stack: StackEntry[] = [{ node: root, exit: false, inside: selected === undefined, depth: 0 }];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const { node, exit, inside } = entry;
    if (exit) {
      if (inside && isElement(node)) walker.leave(node);
      continue;
    }
    const childDepth = isElement(node) ? entry.depth + 1 : entry.depth;
    if (childDepth > maxDepth) throw tooDeep(maxDepth);
    const isMatch = selected?.has(node) ?? false;
    const nodeInside = inside || isMatch;
    if (isText(node)) {
      if (nodeInside) walker.text(node.data);
      continue;
    }
    if (isElement(node)) {
      // An element the user selected by name (say `nav`) is wanted even if we'd drop it otherwise.
      if (DROPPED.has(node.name) && !isMatch) continue;
      if (dropped?.has(node) === true) continue; // page furniture (main-content.ts)
      if (nodeInside) {
        if (!inside) walker.block(2); // each selected match is its own block
        if (!walker.enter(node)) continue;
      }
      stack.push({ node, exit: true, inside: nodeInside, depth: entry.depth });
    } else if (!hasChildren(node)) {
      continue; // comments, doctypes, processing instructions
    }
    const children = (node as ParentNode).children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child !== undefined) stack.push({ node: child, exit: false, inside: nodeInside, depth: childDepth });
    }
  }
  return walker.finish();
}

interface StackEntry {
  node: AnyNode;
  exit: boolean;
  inside: boolean;
  depth: number;
}

const ROW_GROUPS = new Set(['thead', 'tbody', 'tfoot']);

/**
 * A table used for page layout (a cell holds another table, or no row has two cells) is read as
 * blocks; flattening its cells would put a whole page on one line. Looks at the table's own rows only.
 */
function isLayoutTable(table: Element): boolean {
  let widestRow = 0;
  const rows = table.children.filter(isElement).flatMap((child) =>
    ROW_GROUPS.has(child.name) ? child.children.filter(isElement) : [child],
  );
  for (const row of rows) {
    if (row.name !== 'tr') continue;
    const cells = row.children.filter((cell): cell is Element => isElement(cell) && CELLS.has(cell.name));
    widestRow = Math.max(widestRow, cells.length);
    if (cells.some(containsTable)) return true;
  }
  return widestRow <= 1;
}

function containsTable(root: Element): boolean {
  const stack: AnyNode[] = [...root.children];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (!isElement(node)) continue;
    if (node.name === 'table') return true;
    stack.push(...node.children);
  }
  return false;
}

/** Routes each element to the builder in force: the page's, or a table cell's while inside one. */
class Walker {
  private readonly builders: TextBuilder[] = [new TextBuilder(false)];
  private readonly rows: string[][] = [];
  /** For each open table, innermost last: whether it is read as a data table (rows and cells). */
  private readonly dataTables: boolean[] = [];

  private get inDataTable(): boolean {
    return this.dataTables[this.dataTables.length - 1] ?? false;
  }

  private get builder(): TextBuilder {
    return this.builders[this.builders.length - 1] as TextBuilder;
  }

  text(data: string): void {
    this.builder.text(data);
  }

  block(gap: 1 | 2): void {
    this.builder.block(gap);
  }

  /** Returns false when the element's children are to be skipped. */
  enter(element: Element): boolean {
    const name = element.name;
    if (name === 'br') {
      this.builder.lineBreak();
      return false;
    }
    if (name === 'table') {
      this.dataTables.push(!isLayoutTable(element));
      this.builder.block(2);
    } else if (!this.inDataTable && (name === 'tr' || CELLS.has(name))) {
      this.builder.block(2);
    } else if (CELLS.has(name) && this.rows.length > 0) {
      this.builders.push(new TextBuilder(true));
    } else if (name === 'tr') {
      this.builder.block(1);
      this.rows.push([]);
    } else if (name === 'li') {
      this.builder.startItem();
    } else if (LISTS.has(name)) {
      this.builder.block(2);
      this.builder.listDepth++;
    } else if (PREFORMATTED.has(name)) {
      this.builder.block(2);
      this.builder.preDepth++;
    } else if (LINE_BLOCKS.has(name)) {
      this.builder.block(1);
    } else if (BLOCKS.has(name)) {
      this.builder.block(2);
    }
    return true;
  }

  leave(element: Element): void {
    const name = element.name;
    if (name === 'table') {
      this.dataTables.pop();
      this.builder.block(2);
    } else if (!this.inDataTable && (name === 'tr' || CELLS.has(name))) {
      this.builder.block(2);
    } else if (CELLS.has(name) && this.rows.length > 0 && this.builders.length > 1) {
      const cell = (this.builders.pop() as TextBuilder).finish();
      this.rows[this.rows.length - 1]?.push(cell);
    } else if (name === 'tr') {
      const cells = this.rows.pop() ?? [];
      if (cells.some((cell) => cell !== '')) this.builder.line(cells.join(' | '));
      this.builder.block(1);
    } else if (name === 'li') {
      this.builder.endItem();
    } else if (LISTS.has(name)) {
      this.builder.listDepth--;
      this.builder.block(2);
    } else if (PREFORMATTED.has(name)) {
      this.builder.preDepth--;
      this.builder.block(2);
    } else if (LINE_BLOCKS.has(name)) {
      this.builder.block(1);
    } else if (BLOCKS.has(name)) {
      this.builder.block(2);
    }
  }

  finish(): string {
    return (this.builders[0] as TextBuilder).finish();
  }
}

/**
 * Accumulates lines. `flat` builders (table cells) keep everything on one line: breaks become spaces.
 * Gaps are requested, not written, so nested blocks don't pile up blank lines: 1 = new line,
 * 2 = blank line before the next text.
 */
class TextBuilder {
  listDepth = 0;
  preDepth = 0;
  private readonly lines: string[] = [];
  private current = '';
  /** Whether `current` ends with a space, kept here: asking the string would flatten it (V8 builds
   * `+=` chains as ropes), for every text node of a long line. */
  private currentEndsWithSpace = false;
  private lineStarted = false;
  private pendingGap = 0;
  private itemMarker: string | undefined;
  private readonly continuationPrefixes: string[] = [];

  constructor(private readonly flat: boolean) {}

  text(data: string): void {
    if (this.preDepth > 0 && !this.flat) {
      this.preformatted(data);
      return;
    }
    let text = HTML_WHITESPACE_TO_COLLAPSE.test(data) ? data.replace(HTML_WHITESPACE_RUN, ' ') : data;
    const startsLine = this.pendingGap > 0 || !this.lineStarted;
    if (text.startsWith(' ') && (startsLine || this.currentEndsWithSpace)) text = text.slice(1);
    if (text === '') return;
    this.ensureLine();
    this.current += text;
    this.currentEndsWithSpace = text.endsWith(' ');
  }

  /** A whole line written as is (a table row). */
  line(text: string): void {
    this.block(1);
    this.text(text);
    this.block(1);
  }

  block(gap: 1 | 2): void {
    if (this.flat) {
      if (this.lineStarted && !this.currentEndsWithSpace) {
        this.current += ' ';
        this.currentEndsWithSpace = true;
      }
      return;
    }
    const capped = this.listDepth > 0 ? 1 : gap;
    if (capped > this.pendingGap) this.pendingGap = capped;
  }

  lineBreak(): void {
    if (this.flat) {
      this.block(1);
    } else if (this.lineStarted) {
      this.commit();
    } else {
      this.pushLine('');
    }
  }

  /** Blank lines never lead and never come two in a row (a `<p>&nbsp;</p>` spacer is one). */
  private pushLine(line: string): void {
    if (line === '' && (this.lines.length === 0 || this.lines[this.lines.length - 1] === '')) return;
    this.lines.push(line);
  }

  startItem(): void {
    const depth = Math.max(this.listDepth, 1);
    this.block(1);
    this.itemMarker = `${'  '.repeat(depth - 1)}- `;
    this.continuationPrefixes.push('  '.repeat(depth));
  }

  endItem(): void {
    this.itemMarker = undefined;
    this.continuationPrefixes.pop();
    this.block(1);
  }

  finish(): string {
    if (this.lineStarted) this.commit();
    if (this.flat) return (this.lines[0] ?? '').trim();
    while (this.lines.length > 0 && this.lines[this.lines.length - 1] === '') this.lines.pop();
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }

  private preformatted(data: string): void {
    const segments = data.split('\n');
    segments.forEach((segment, index) => {
      if (index > 0) {
        // An empty line inside <pre> is content: start (and end) it like any other line.
        if (!this.lineStarted) this.ensureLine();
        this.commit();
      }
      if (segment !== '') {
        this.ensureLine();
        this.current += segment;
        this.currentEndsWithSpace = segment.endsWith(' ');
      }
    });
  }

  private ensureLine(): void {
    if (this.flat) {
      this.lineStarted = true;
      return;
    }
    if (this.pendingGap > 0) {
      if (this.lineStarted) this.commit();
      if (this.pendingGap === 2) this.pushLine('');
      this.pendingGap = 0;
    }
    if (!this.lineStarted) {
      this.current = this.itemMarker ?? this.continuationPrefixes[this.continuationPrefixes.length - 1] ?? '';
      this.currentEndsWithSpace = this.current.endsWith(' ');
      this.itemMarker = undefined;
      this.lineStarted = true;
    }
  }

  private commit(): void {
    this.pushLine(this.current.trimEnd());
    this.current = '';
    this.currentEndsWithSpace = false;
    this.lineStarted = false;
  }
}
