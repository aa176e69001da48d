// A fast path for parsing HTML: htmlparser2 builds the tree about 5x faster than parse5, but it does
// not apply the HTML5 tree-construction rules (implied <tbody>, closing a <p> before a block, the
// adoption agency for misnested tags, foster parenting of text in tables, ...). So it is used only
// for documents on which those rules give the tree htmlparser2 builds, give or take what this
// module does after the parse (an implied <head>, <body> or <tbody>, whitespace moved around the
// outline): elements closed by their own end tags, or left open where parse5 closes them the same
// way (settleImpliedCloses), nested the way parse5 keeps them (checkPosition), and no token the two
// read differently. Anything else abandons the fast parse, and the caller parses with parse5 as
// before. test/html-fast-parse.test.ts compares the trees on real pages, on randomly edited pages
// and on random tag soup.
//
// Pure: a string in, a domhandler Document or `undefined` out (or a depth error, as with parse5).

import { Parser } from 'htmlparser2';
import { DomHandler, Element, isTag, Text } from 'domhandler';
import type { AnyNode, ChildNode, Document, ParentNode, ProcessingInstruction } from 'domhandler';
import { serializeDoctypeContent } from 'parse5-htmlparser2-tree-adapter';

/** Thrown inside the parse to give up on the fast path; never escapes this module. */
class NotSimple extends Error {}
function notSimple(reason: string): NotSimple {
  return new NotSimple(reason);
}

/** Elements htmlparser2 and parse5 both treat as void (no content, no end tag). */
const VOID = new Set(['area', 'base', 'br', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'col']);

/** Elements allowed in <head> (parse5 keeps them there). */
const HEAD_CONTENT = new Set(['title', 'meta', 'link', 'base', 'style', 'script']);

/**
 * Elements whose start tag parse5 handles as an ordinary element (or void) inside <body>, the same
 * way htmlparser2 does, once the nesting rules below hold (<pre> also drops a newline right after
 * its start tag, see ontext). Anything not listed (textarea and listing, which drop one too;
 * noscript, iframe, xmp and the other raw-text elements; svg and math; frames; image, nobr, ruby,
 * object, ...) takes the parse5 path.
 */
const BODY_CONTENT = new Set([
  'a', 'abbr', 'address', 'area', 'article', 'aside', 'audio', 'b', 'bdi', 'bdo', 'big', 'blockquote',
  'br', 'button', 'canvas', 'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'data', 'dd', 'del',
  'details', 'dfn', 'dialog', 'div', 'dl', 'dt', 'em', 'embed', 'fieldset', 'figcaption', 'figure',
  'font', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'i', 'img',
  'input', 'ins', 'kbd', 'label', 'legend', 'li', 'link', 'main', 'map', 'mark', 'menu', 'meta',
  'meter', 'nav', 'ol', 'optgroup', 'option', 'output', 'p', 'picture', 'pre', 'progress', 'q', 's', 'samp',
  'script', 'search', 'section', 'select', 'small', 'source', 'span', 'strike', 'strong', 'style',
  'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'title', 'tr',
  'track', 'tt', 'u', 'ul', 'var', 'video', 'wbr',
]);
/** Custom elements (a hyphen in the name) are ordinary elements to both parsers. */
const CUSTOM_ELEMENT = /^[a-z][a-z0-9]*-[a-z0-9-]*$/;

/** Start tags before which parse5 closes an open <p> (conservatively: any <p> above them). */
const CLOSES_P = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'details', 'dialog', 'dir', 'div', 'dl',
  'fieldset', 'figcaption', 'figure', 'footer', 'header', 'hgroup', 'main', 'menu', 'nav', 'ol', 'p',
  'search', 'section', 'summary', 'ul', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'form', 'li', 'dd', 'dt',
  'table', 'hr',
]);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const LISTS = new Set(['ul', 'ol', 'menu', 'dir']);
/**
 * parse5's formatting elements. It remembers at most three open ones of a kind (the "Noah's Ark"
 * clause); with a fourth, an end tag can close an outer one too, so four deep is left to parse5.
 */
const FORMATTING = new Set(['a', 'b', 'big', 'code', 'em', 'font', 'i', 'nobr', 's', 'small', 'strike', 'strong', 'tt', 'u']);
/** Elements that parse5 never nests in themselves (it closes the open one first). */
const NEVER_NESTED = new Set(['a', 'button', 'form', 'select']);

/** Table elements and the only parents parse5 keeps them under. */
const TABLE_PARENTS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['caption', new Set(['table'])],
  ['colgroup', new Set(['table'])],
  ['thead', new Set(['table'])],
  ['tbody', new Set(['table'])],
  ['tfoot', new Set(['table'])],
  // A <tr> right under <table> is given a <tbody> afterwards, as parse5 does (see wrapRowsInTbody).
  ['tr', new Set(['table', 'thead', 'tbody', 'tfoot'])],
  ['td', new Set(['tr'])],
  ['th', new Set(['tr'])],
  ['col', new Set(['colgroup'])],
]);
/** Elements allowed directly in each table context; text there must be whitespace. */
const TABLE_CONTEXT_CHILDREN: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['table', new Set(['caption', 'colgroup', 'thead', 'tbody', 'tfoot', 'tr', 'script', 'style'])],
  ['thead', new Set(['tr', 'script', 'style'])],
  ['tbody', new Set(['tr', 'script', 'style'])],
  ['tfoot', new Set(['tr', 'script', 'style'])],
  ['tr', new Set(['td', 'th', 'script', 'style'])],
  ['colgroup', new Set(['col'])],
  // In a <select> parse5 drops most start tags; keep to options.
  ['select', new Set(['option', 'optgroup'])],
  ['optgroup', new Set(['option'])],
]);

const ATTRIBUTE_NAME = /^[a-z_:@][-a-z0-9_:.@]*$/;
const WHITESPACE_ONLY = /^[ \t\n\f]*$/;
/**
 * Source text the two tokenizers may read differently: NUL, a leading byte-order mark, `</` not
 * followed by a letter (parse5 makes a bogus comment of it), CDATA sections.
 */
const TOKENIZER_TRAPS = /\0|^\uFEFF|<\/(?![a-zA-Z])|<!\[CDATA\[/;

export interface FastParseOptions {
  /** Elements inside elements, `<html>` being level 1: deeper is `onTooDeep()`'s error. */
  maxDepth: number;
  onTooDeep: () => Error;
}

/**
 * The document tree parse5 would build for `html`, or `undefined` when the fast parse cannot be
 * sure of that (the caller then parses with parse5).
 */
export function fastParseHtml(html: string, options: FastParseOptions): Document | undefined {
  const result = tryFastParseHtml(html, options);
  return 'document' in result ? result.document : undefined;
}

/** As `fastParseHtml`, saying why a document is left to parse5 (for tests and diagnostics). */
export function tryFastParseHtml(html: string, options: FastParseOptions): { document: Document } | { reason: string } {
  const trap = TOKENIZER_TRAPS.exec(html);
  if (trap !== null) return { reason: `source text ${JSON.stringify(trap[0])}` };
  // parse5 turns CRLF and lone CR into LF before it tokenizes; htmlparser2 keeps them.
  const source = html.includes('\r') ? html.replace(/\r\n?/g, '\n') : html;
  const handler = new CheckingHandler(options);
  const parser = new EndTagWatchingParser(handler);
  try {
    parser.end(source);
  } catch (error) {
    if (error instanceof NotSimple) return { reason: error.message };
    throw error;
  }
  const document = handler.root;
  const outline = handler.fragment ? wrapFragment(document) : matchParse5Document(document);
  if (outline === undefined) for (const table of handler.tablesWithBareRows) wrapRowsInTbody(table);
  return outline === undefined ? { document } : { reason: outline };
}

/** htmlparser2's parser, telling the handler of each end tag it drops without a word (stray ones). */
class EndTagWatchingParser extends Parser {
  constructor(private readonly checker: CheckingHandler) {
    super(checker, { decodeEntities: true });
  }

  override onclosetag(start: number, endIndex: number): void {
    const before = this.checker.closeEvents;
    super.onclosetag(start, endIndex);
    if (this.checker.closeEvents === before) this.checker.onStrayEndTag();
  }
}

/** A domhandler that refuses, as it goes, anything parse5 would build differently. */
class CheckingHandler extends DomHandler {
  private readonly maxDepth: number;
  private readonly onTooDeep: () => Error;
  private seenHtml = false;
  private seenHead = false;
  private seenBody = false;
  private seenDoctype = false;
  /** The doctype is `<!DOCTYPE html>`, so parse5 is not in quirks mode. */
  private noQuirks = false;
  /** The document has no <html>: it began with body content (see wrapFragment). */
  fragment = false;
  /** Elements htmlparser2 has just closed without their end tag (see settleImpliedCloses). */
  private impliedCloses: string[] = [];
  /** The <br> being closed came from a stray </br> (htmlparser2 closes it as if explicitly). */
  private strayBr = false;
  /** A <pre> start tag was the last event: parse5 drops a newline that comes right after it. */
  private preJustOpened = false;
  /** Tables with a <tr> right under them, which parse5 gives a <tbody> (wrapRowsInTbody). */
  readonly tablesWithBareRows = new Set<Element>();
  /** Close events so far: an end tag that adds none was dropped by htmlparser2. */
  closeEvents = 0;

  constructor(options: FastParseOptions) {
    super(undefined, { withStartIndices: false, withEndIndices: false });
    this.maxDepth = options.maxDepth;
    this.onTooDeep = options.onTooDeep;
  }

  private get parent(): ParentNode {
    // The document is always at the bottom of the stack.
    return this.tagStack[this.tagStack.length - 1] as ParentNode;
  }

  private hasAncestor(names: ReadonlySet<string> | string, stopAt?: ReadonlySet<string>): boolean {
    for (let i = this.tagStack.length - 1; i > 0; i--) {
      const name = (this.tagStack[i] as Element).name;
      if (typeof names === 'string' ? name === names : names.has(name)) return true;
      if (stopAt?.has(name) === true) return false;
    }
    return false;
  }

  /** How many open elements are named `name`, counting up to `enough`. */
  private countAncestors(name: string, enough: number): number {
    let count = 0;
    for (let i = this.tagStack.length - 1; i > 0 && count < enough; i--) {
      if ((this.tagStack[i] as Element).name === name) count++;
    }
    return count;
  }

  override onopentag(name: string, attribs: Record<string, string>, isImplied?: boolean): void {
    // An implied start tag comes from a stray </p> or </br>: both parsers make an empty <p> or a <br>
    // of it (where content may go: checkPosition).
    if (isImplied === true) {
      // (Before any content, parse5 ignores a stray </p>.)
      if ((name !== 'p' && name !== 'br') || (this.parent.type === 'root' && !this.fragment)) throw notSimple(`stray </${name}>`);
      this.strayBr = name === 'br';
    }
    // A <table> closes an open <p> in parse5 too, unless the page is in quirks mode.
    this.settleImpliedCloses(name === 'table' && this.noQuirks ? P_ONLY : CLOSES_ON_START_TAG.get(name), `<${name}>`);
    for (const attribute of Object.keys(attribs)) {
      if (!ATTRIBUTE_NAME.test(attribute)) throw notSimple(`attribute name ${JSON.stringify(attribute)}`);
    }
    this.checkPosition(name);
    this.preJustOpened = name === 'pre';
    super.onopentag(name, attribs);
    // A fragment's elements sit two levels deeper in parse5's tree, under <html> and <body>.
    if (this.tagStack.length - 1 + (this.fragment ? 2 : 0) > this.maxDepth) throw this.onTooDeep();
  }

  private checkPosition(name: string): void {
    const parent = this.parent;
    if (parent.type === 'root') {
      if (name === 'html' && !this.seenHtml && !this.fragment) {
        this.seenHtml = true;
        return;
      }
      // A fragment (no <html>, <head> or <body> tags): parse5 puts it all in a body of its own,
      // unless it starts with what belongs in a head.
      if (this.seenHtml || name === 'html' || HEAD_CONTENT.has(name)) throw notSimple(`<${name}> outside <html>`);
      this.fragment = true;
    }
    const parentName = parent.type === 'root' ? '' : (parent as Element).name;
    if (parentName === 'html') {
      // <head> first, then <body>, nothing else: parse5 moves anything else into them.
      if (name === 'head' && !this.seenHead && !this.seenBody && parent.children.every(isWhitespaceOrComment)) {
        this.seenHead = true;
        return;
      }
      // (A <body> with no <head> before it gets an empty one, as in parse5: matchParse5Document.)
      if (name === 'body' && !this.seenBody && (this.seenHead || parent.children.every(isWhitespaceOrComment))) {
        this.seenBody = true;
        return;
      }
      throw notSimple(`<${name}> in <html>`);
    }
    if (parentName === 'head') {
      if (!HEAD_CONTENT.has(name)) throw notSimple(`<${name}> in <head>`);
      return;
    }
    if (parentName === 'script' || parentName === 'style' || parentName === 'title') throw notSimple(`<${name}> in <${parentName}>`);
    if (!BODY_CONTENT.has(name) && !CUSTOM_ELEMENT.test(name)) throw notSimple(`<${name}>`);

    const allowedInContext = TABLE_CONTEXT_CHILDREN.get(parentName);
    if (allowedInContext !== undefined && !allowedInContext.has(name)) throw notSimple(`<${name}> in <${parentName}>`);
    if (parentName === 'option') throw notSimple(`<${name}> in <option>`); // parse5 drops tags inside an option of a select
    const tableParents = TABLE_PARENTS.get(name);
    if (tableParents !== undefined && !tableParents.has(parentName)) throw notSimple(`<${name}> in <${parentName}>`);
    if (name === 'tr' && parentName === 'table') this.tablesWithBareRows.add(parent as Element);

    if (CLOSES_P.has(name) && this.hasAncestor('p')) throw notSimple(`<${name}> in <p>`);
    if (HEADINGS.has(name) && this.hasAncestor(HEADINGS)) throw notSimple(`<${name}> in a heading`);
    if (NEVER_NESTED.has(name) && this.hasAncestor(name)) throw notSimple(`<${name}> in <${name}>`);
    if (FORMATTING.has(name) && this.countAncestors(name, 3) >= 3) throw notSimple(`<${name}> in three <${name}>`);
    if (name === 'li' && this.hasAncestor('li', LISTS)) throw notSimple('<li> in <li>');
    if ((name === 'dd' || name === 'dt') && this.hasAncestor(DEFINITION_ITEMS, DEFINITION_LISTS)) throw notSimple(`<${name}> in <dd> or <dt>`);
    if ((name === 'option' || name === 'optgroup') && !this.hasAncestor('select')) throw notSimple(`<${name}> outside <select>`);
  }

  /**
   * An end tag that matches no open element. Both parsers ignore it inside <body>; before it, parse5
   * may open <html>, <head> or <body> for it, and after it, parse5 goes back to reading the body.
   */
  onStrayEndTag(): void {
    if (!this.fragment && (this.tagStack[2] as Element | undefined)?.name !== 'body') throw notSimple('an end tag outside <body> that closes nothing');
    // In a table, parse5 may hold a <tbody> of its own (see wrapRowsInTbody) that the tag closes.
    if (this.hasAncestor('table')) throw notSimple('an end tag in a table that closes nothing');
  }

  override onclosetag(name?: string, isImplied?: boolean): void {
    this.closeEvents++;
    this.preJustOpened = false;
    if (name !== undefined && VOID.has(name)) {
      // htmlparser2 closes void elements itself, right after opening them.
      if (isImplied !== true && !(name === 'br' && this.strayBr)) throw notSimple(`</${name}>`);
      this.strayBr = false;
    } else if (name !== undefined) {
      if (isImplied === true) this.impliedCloses.push(name);
      else this.settleImpliedCloses(CLOSES_ON_END_TAG.get(name), `</${name}>`);
    }
    super.onclosetag();
  }

  /**
   * htmlparser2 closed `impliedCloses` (missing end tags) because of what comes next: a start tag,
   * or the end tag of an element further up. Fine where parse5 closes the same elements for the
   * same reason (`allowed`), and at the end of the input; anything else ends the fast parse.
   */
  private settleImpliedCloses(allowed: ReadonlySet<string> | undefined, next: string): void {
    if (this.impliedCloses.length === 0) return;
    for (const name of this.impliedCloses) {
      if (allowed?.has(name) !== true) throw notSimple(`no </${name}> before ${next}`);
    }
    this.impliedCloses = [];
  }

  override ontext(data: string): void {
    this.settleImpliedCloses(undefined, 'text');
    if (this.preJustOpened) {
      this.preJustOpened = false;
      if (data.startsWith('\n')) {
        if (data.length === 1) return;
        data = data.slice(1);
      }
    }
    const parent = this.parent;
    if (parent.type === 'root') {
      if (!this.fragment && !WHITESPACE_ONLY.test(data)) {
        if (this.seenHtml) throw notSimple('text in <#document>');
        this.fragment = true; // text first: a fragment
      }
    } else if (TEXT_MUST_BE_WHITESPACE.has((parent as Element).name)) {
      if (!WHITESPACE_ONLY.test(data)) throw notSimple(`text in <${(parent as Element).name}>`);
    }
    // parse5 reads `<!--` inside a script with its escape states; not worth matching.
    if ((parent as Element).name === 'script' && data.includes('<!--')) throw notSimple('<!-- in a script');
    super.ontext(data);
  }

  override oncomment(data: string): void {
    this.settleImpliedCloses(undefined, 'a comment');
    this.preJustOpened = false;
    // `<!-->`, `<!--->` and `--!>` end a comment for parse5, not for htmlparser2.
    if (data.startsWith('>') || data.startsWith('->') || data.includes('--!>')) throw notSimple('a comment parse5 ends early');
    super.oncomment(data);
  }

  override oncdatastart(): void {
    throw notSimple('CDATA');
  }

  override onprocessinginstruction(name: string, data: string): void {
    if (this.seenHtml || this.fragment || this.tagStack.length !== 1) throw notSimple(`<${data}>`);
    // An XML declaration before <html>: parse5 makes a comment of it.
    if (name.startsWith('?')) {
      if (data.includes('<')) throw notSimple(`<${data}>`);
      super.oncomment(data);
      super.oncommentend();
      return;
    }
    // One doctype, first in the document, written as parse5's tree adapter writes it.
    const doctype = name === '!doctype' && !this.seenDoctype ? DOCTYPE.exec(data) : null;
    if (doctype === null) throw notSimple(`<${data}>`);
    this.seenDoctype = true;
    const [, rawName = '', publicQuoted, publicSystemQuoted, systemQuoted] = doctype;
    const doctypeName = rawName.toLowerCase();
    const publicId = unquote(publicQuoted);
    const systemId = unquote(publicSystemQuoted ?? systemQuoted);
    // `<!DOCTYPE html>`: no quirks mode for certain (other doctypes need parse5's tables to tell).
    this.noQuirks = doctypeName === 'html' && publicQuoted === undefined && systemQuoted === undefined;
    super.onprocessinginstruction(name, serializeDoctypeContent(doctypeName, publicId, systemId));
    const node = this.root.children[this.root.children.length - 1] as ProcessingInstruction & Record<string, unknown>;
    node['x-name'] = doctypeName;
    node['x-publicId'] = publicId;
    node['x-systemId'] = systemId;
  }
}

/** The doctypes found in real pages: a name, then a public id (and system id) or a system id. */
const DOCTYPE = /^!doctype[ \t\n\f]+([a-z][a-z0-9]*)(?:[ \t\n\f]+public[ \t\n\f]*("[^"]*"|'[^']*')(?:[ \t\n\f]*("[^"]*"|'[^']*'))?|[ \t\n\f]+system[ \t\n\f]*("[^"]*"|'[^']*'))?[ \t\n\f]*$/i;

function unquote(quoted: string | undefined): string {
  return quoted === undefined ? '' : quoted.slice(1, -1);
}

/** Elements parse5 closes without their end tag ("generate implied end tags"). */
const IMPLIED_END = ['p', 'li', 'dd', 'dt', 'option', 'optgroup'];
const P_ONLY = new Set(['p']);
/**
 * Start tags before which htmlparser2 closes the open element without its end tag, and which of
 * those closes parse5 makes too (the open element being the current node): a <p> before a block
 * (a <table> only without quirks mode, see onopentag), an item before the next, a cell or a
 * row before the next, an option before the next, the head before the body.
 */
const CLOSES_ON_START_TAG: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'nav', 'ol', 'pre', 'section', 'ul'].map((name) => [name, P_ONLY] as const),
  ['li', new Set(['li'])],
  ['dd', new Set(['dd', 'dt'])],
  ['dt', new Set(['dd', 'dt'])],
  ['tr', new Set(['tr', 'td', 'th'])],
  ['td', new Set(['td', 'th'])],
  ['th', new Set(['th'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['body', new Set(['head'])],
]);
/**
 * End tags that close open elements above them, and which of those parse5 closes too: the end tag
 * of a block, an item or a cell closes what parse5's "generate implied end tags" does; a table's
 * end tags also close cells, rows and sections; </html> the body. Not listed: formatting elements
 * (parse5's adoption agency), </form> (parse5 removes only the form), </body> (parse5 keeps the
 * open elements), ordinary elements (parse5 ignores their end tag above a <p> or an <li>).
 */
const CLOSES_ON_END_TAG: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ...['address', 'article', 'aside', 'blockquote', 'button', 'center', 'details', 'dialog', 'dir', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'header', 'hgroup', 'main', 'menu', 'nav', 'ol', 'pre', 'search', 'section', 'summary', 'ul', 'li', 'dd', 'dt', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'td', 'th', 'caption'].map((name) => [name, new Set(IMPLIED_END)] as const),
  ...['table', 'tbody', 'thead', 'tfoot', 'tr'].map((name) => [name, new Set([...IMPLIED_END, 'td', 'th', 'tr', 'tbody', 'thead', 'tfoot'])] as const),
  ['select', new Set(['option', 'optgroup'])],
  ['html', new Set(['body'])],
]);
const DEFINITION_ITEMS = new Set(['dd', 'dt']);
const DEFINITION_LISTS = new Set(['dl']);
/** Where parse5 keeps only whitespace text (other text is moved: foster parenting, into <body>). */
const TEXT_MUST_BE_WHITESPACE = new Set(['html', 'head', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'colgroup']);

function isWhitespaceOrComment(node: AnyNode): boolean {
  return node.type === 'comment' || (node.type === 'text' && WHITESPACE_ONLY.test((node as Text).data));
}

function isElementNamed(node: AnyNode | undefined, name: string): node is Element {
  return node !== undefined && isTag(node) && node.name === name;
}

/**
 * Checks the document's outline and moves its whitespace where parse5 puts it: parse5 drops
 * whitespace before <html> and between <html> and <head>, and appends whitespace after </body> or
 * </html> to the body. Says what is wrong if the outline is not html > head, body.
 */
function matchParse5Document(document: Document): string | undefined {
  const html = document.children.find((node) => node.type !== 'comment' && node.type !== 'text' && node.type !== 'directive');
  if (!isElementNamed(html, 'html')) return 'no <html>';
  let head = html.children.find((node) => node.type !== 'comment' && node.type !== 'text');
  if (isElementNamed(head, 'body')) {
    // <html><body>: parse5 opens an empty head right before the body (the whitespace before it goes).
    const at = html.children.indexOf(head);
    const created = new Element('head', {});
    relink(html, [...html.children.slice(0, at), created, ...html.children.slice(at)]);
    head = created;
  }
  if (!isElementNamed(head, 'head')) return 'no <head>';
  const bodyIndex = html.children.findIndex((node) => isElementNamed(node, 'body'));
  const body = html.children[bodyIndex];
  if (!isElementNamed(body, 'body')) return 'no <body>';

  let trailing = '';
  const htmlIndex = document.children.indexOf(html);
  removeWhere(document, (node, index) => {
    if (node.type !== 'text') return false;
    if (index > htmlIndex) trailing += (node as Text).data;
    return true;
  });
  const headIndex = html.children.indexOf(head);
  let afterBody = '';
  removeWhere(html, (node, index) => {
    if (node.type !== 'text') return false;
    if (index < headIndex) return true;
    if (index > bodyIndex) {
      afterBody += (node as Text).data;
      return true;
    }
    return false;
  });
  const moved = afterBody + trailing;
  if (moved !== '') {
    const last = body.children[body.children.length - 1];
    if (last?.type === 'text') (last as Text).data += moved;
    else appendChild(body, new Text(moved));
  }
  return undefined;
}

/**
 * A fragment as parse5 builds it: an empty <head>, and a <body> with everything from the first
 * element or text on (comments and whitespace included); before that, comments stay at the top and
 * whitespace goes.
 */
function wrapFragment(document: Document): undefined {
  const start = document.children.findIndex((node) => isTag(node) || (node.type === 'text' && !WHITESPACE_ONLY.test((node as Text).data)));
  const before = document.children.slice(0, start).filter((node) => node.type !== 'text');
  const content = document.children.slice(start);
  const first = content[0];
  if (first?.type === 'text') (first as Text).data = (first as Text).data.replace(/^[ \t\n\f]+/, '');
  const body = new Element('body', {});
  relink(body, content);
  const html = new Element('html', {});
  relink(html, [new Element('head', {}), body]);
  relink(document, [...before, html]);
  return undefined;
}

/** Removes the children `remove` picks (given their index before any removal), relinking siblings. */
function removeWhere(parent: ParentNode, remove: (node: ChildNode, index: number) => boolean): void {
  const kept: ChildNode[] = [];
  parent.children.forEach((node, index) => {
    if (remove(node, index)) {
      node.parent = null;
      node.prev = null;
      node.next = null;
    } else {
      kept.push(node);
    }
  });
  relink(parent, kept);
}

function relink(parent: ParentNode, children: ChildNode[]): void {
  parent.children = children;
  children.forEach((child, index) => {
    child.parent = parent;
    child.prev = children[index - 1] ?? null;
    child.next = children[index + 1] ?? null;
  });
}

function appendChild(parent: ParentNode, child: ChildNode): void {
  relink(parent, [...parent.children, child]);
}

const TABLE_SECTIONS = new Set(['thead', 'tbody', 'tfoot', 'caption', 'colgroup']);

/**
 * parse5 puts a <tr> found right under <table> into a <tbody> it opens, which holds everything up to
 * the next table section (or the end of the table): whitespace and comments included.
 */
function wrapRowsInTbody(table: Element): void {
  const children: ChildNode[] = [];
  const added: Element[] = [];
  let tbody: Element | undefined;
  for (const child of table.children) {
    if (tbody === undefined && isElementNamed(child, 'tr')) {
      tbody = new Element('tbody', {});
      added.push(tbody);
      children.push(tbody);
    } else if (isTag(child) && TABLE_SECTIONS.has(child.name)) {
      tbody = undefined;
    }
    if (tbody !== undefined) tbody.children.push(child);
    else children.push(child);
  }
  for (const section of added) relink(section, section.children);
  relink(table, children);
}
