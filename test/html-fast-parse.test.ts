// The fast HTML parse must build parse5's very tree, or give up. Every test compares the two trees
// whenever the fast parse answers: on hand-written cases, on the real pages of the corpus, on pages
// of the benchmark's generator, and on seeded random tag soup.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { load } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { tryFastParseHtml } from '../src/extract/html-fast-parse.js';
import { extractHtml } from '../src/extract/html.js';

const OPTIONS = { maxDepth: 2_000, onTooDeep: () => new Error('too deep') };

/** Every node's type, name, attributes (in order) and data: two trees are the same iff these are. */
function serialize(root: AnyNode): string {
  let out = '';
  const stack: Array<AnyNode | string> = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (typeof node === 'string') {
      out += node;
    } else if (node.type === 'text' || node.type === 'comment' || node.type === 'directive' || node.type === 'cdata') {
      out += `[${node.type} ${JSON.stringify('data' in node ? node.data : '')}]`;
    } else if ('children' in node) {
      const name = node.type === 'root' ? '#document' : (node as Element).name;
      const attributes = node.type === 'root' ? '' : JSON.stringify(Object.entries((node as Element).attribs));
      out += `<${name} ${attributes}>`;
      stack.push(`</${name}>`);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as AnyNode);
    }
  }
  return out;
}

function parse5Tree(html: string): string {
  const root = load(html).root()[0];
  assert.ok(root !== undefined);
  return serialize(root);
}

/** The fast parse's tree, checked against parse5's; undefined when it gave up (with its reason). */
function checkedFastParse(html: string): { accepted: boolean; reason?: string } {
  const result = tryFastParseHtml(html, OPTIONS);
  if ('reason' in result) return { accepted: false, reason: result.reason };
  assert.equal(serialize(result.document), parse5Tree(html), `fast tree differs from parse5's for ${JSON.stringify(html.slice(0, 300))}`);
  return { accepted: true };
}

const PAGE = (body: string, head = '<title>T</title>'): string => `<!DOCTYPE html>\n<html>\n<head>${head}</head>\n<body>\n${body}\n</body>\n</html>\n`;

describe('fastParseHtml on hand-written pages', () => {
  const accepted: Array<[name: string, html: string]> = [
    ['a plain page', PAGE('<div class="a"><p>One <b>two</b> &amp; three</p></div>')],
    ['rows right under a table get parse5\'s tbody', PAGE('<table>\n<tr><td>1</td></tr>\n<tr><td>2</td></tr>\n</table>')],
    ['rows, then a tfoot', PAGE('<table><tr><td>1</td></tr> <!-- c --> <tfoot><tr><td>f</td></tr></tfoot></table>')],
    ['explicit sections', PAGE('<table><caption>C</caption><colgroup><col></colgroup><thead><tr><th>h</th></tr></thead><tbody><tr><td>x</td></tr></tbody></table>')],
    ['whitespace and comments around the outline', ' \n<!-- a --> <!DOCTYPE html> <html> \n <!-- b --> <head> <title>x</title> </head> \n<body><p>y</p> </body> \n<!-- c --> \n</html> \n<!-- d -->\n'],
    ['no end tags for body and html', '<!DOCTYPE html><html><head></head><body><p>x</p>\n'],
    ['no end tag for head', '<!DOCTYPE html><html><head><title>t</title>\n<body><p>x</p></body></html>'],
    ['an old doctype and an XML declaration', '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body><p>x</p></body></html>'],
    ['CRLF and lone CR line ends', PAGE('<p>a\r\nb\rc</p>\r\n')],
    ['entities, with and without semicolons', PAGE('<p>&copy &amp;&lt;x&gt; &nbsp;&#x80;&#128;&#0; &notit; &notin; a&b <a href="?a=1&copy=2&amp;b">l</a></p>')],
    ['comments htmlparser2 ends where parse5 does', PAGE('<!-->x<!--->y<!---->z<!-- a -- b -->')],
    ['a less-than sign in text', PAGE('<p>a < b and <3</p>')],
    ['void elements, also written as self-closing', PAGE('<p>a<br/>b<img src="x"><br>c<input name="q"><wbr></p><hr/>')],
    ['lists, definitions, select', PAGE('<ul><li>a<ol><li>b</li></ol></li></ul><dl><dt>t</dt><dd>d</dd></dl><select><option>o</option><optgroup label="g"><option>p</option></optgroup></select>')],
    ['custom elements and uppercase tags', PAGE('<DIV><My-Widget Data-X="1">w</My-Widget></DIV>')],
    ['script and style in the body', PAGE('<script>if (a < b && c > d) { x("</p>"); }</script><style>p > a { color: red }</style><p>x</p>')],
    ['end tags left out where parse5 implies them', PAGE('<div><p>a<p>b<ul><li>x<li>y</ul><dl><dt>t<dd>d</dl><p>c</div><table><tr><td>1<td>2<tr><th>3</table><select><option>o<option>p</select><h2>h<p>i</h2>')],
    ['everything left open at the end of the input', '<!DOCTYPE html><html><head><title>t</title><body><div><p>a<b>b'],
    ['pre, without the newline right after its start tag', PAGE('<p>a<pre>\n\n  x <b>y</b>\n</pre><pre>\r\nz</pre><pre>&#10;w</pre><pre><!-- c -->\nv</pre><pre>\n</pre><pre>u</pre>')],
    ['a fragment (no html, head or body tags)', '<div class="content"><h1>T</h1>\n<p>a<p>b</div>\n'],
    ['a fragment after a doctype, comments and whitespace, then text first', '<!DOCTYPE html>\n<!-- a -->\n  Hello <b>world</b><!-- b --><table><tr><td>1</table>\n'],
    ['a paragraph left open before a table, in no-quirks mode', PAGE('<p>a<table><tr><td>1</td></tr></table>')],
    ['a stray </p> and a stray </br> (an empty <p>, a <br>)', PAGE('<div>a</p>b</br>c<b></p></b></div>')],
    ['no head (parse5 makes an empty one)', '<!DOCTYPE html>\n<html> <!-- c -->\n<body><p>x</p></body>\n</html>\n'],
    ['a table in a cell', PAGE('<table><tbody><tr><td><table><tr><td>in</td></tr></table></td></tr></tbody></table>')],
  ];
  for (const [name, html] of accepted) {
    it(`builds parse5's tree: ${name}`, () => {
      assert.deepEqual(checkedFastParse(html), { accepted: true });
    });
  }

  const leftToParse5: Array<[name: string, html: string, reason: string]> = [
    ['a paragraph left open at </body> (parse5 keeps it open)', PAGE('<p>a<p>b'), 'no </p> before </body>'],
    ['a missing end tag before an inline end tag', PAGE('<div><span><p>a</span></div>'), 'no </p> before </span>'],
    ['a paragraph left open before a table, in quirks mode', '<html><head></head><body><p>a<table><tr><td>1</td></tr></table></body></html>', 'no </p> before <table>'],
    ['a missing end tag before </form>', PAGE('<form><p>a</form>'), 'no </p> before </form>'],
    ['a missing end tag before text', PAGE('<div><b>a</div>b'), 'no </b> before </div>'],
    ['a block in a paragraph', PAGE('<p>a<span><div>b</div></span></p>'), '<div> in <p>'],
    ['misnested inline elements', PAGE('<p><b>a<i>b</b>c</i></p>'), 'no </i> before </b>'],
    ['a stray </p> in the head', PAGE('<p>x</p>', '<title>t</title></p>'), '<p> in <head>'],
    ['a stray </p> before any content', '<!DOCTYPE html>\n</p><div>x</div>', 'stray </p>'],
    ['a stray </br> in a table row', PAGE('<table><tr></br><td>1</td></tr></table>'), '<br> in <tr>'],
    ['text in a table', PAGE('<table>x<tr><td>1</td></tr></table>'), 'text in <table>'],
    ['a cell right under a table', PAGE('<table><td>1</td></table>'), '<td> in <table>'],
    ['a div in a row', PAGE('<table><tr><div>1</div></tr></table>'), '<div> in <tr>'],
    ['textarea, which drops a leading newline and reads no tags', PAGE('<textarea>\n<b>x</b></textarea>'), '<textarea>'],
    ['noscript', PAGE('<noscript><p>x</p></noscript>'), '<noscript>'],
    ['svg', PAGE('<svg><path d=""/></svg>'), '<svg>'],
    ['a link in a link', PAGE('<a href="1">a<a href="2">b</a></a>'), '<a> in <a>'],
    ['an item in an item', PAGE('<ul><li>a<span><li>b</li></span></li></ul>'), '<li> in <li>'],
    ['a heading in a heading', PAGE('<h1>a<span><h2>b</h2></span></h1>'), '<h2> in a heading'],
    ['a form in a form', PAGE('<form><div><form></form></div></form>'), '<form> in <form>'],
    ['a div in the head', PAGE('<p>x</p>', '<div>a</div>'), '<div> in <head>'],
    ['text after the body', '<html><head></head><body><p>x</p></body>tail</html>', 'text in <html>'],
    ['an element after the body', '<html><head></head><body><p>x</p></body><p>y</p></html>', '<p> in <html>'],
    ['a body before the head', '<html><body><p>x</p></body><head></head></html>', '<head> in <html>'],
    ['a fragment that starts with what goes in a head', '<meta charset="utf-8"><div>x</div>', '<meta> outside <html>'],
    ['a fragment with <html> further on', '<div>x</div><html><body></body></html>', '<html> outside <html>'],
    ['a fragment with a stray end tag before it', '</div><div>x</div>', 'an end tag outside <body> that closes nothing'],
    ['a comment parse5 ends at --!>', PAGE('<!-- x --!> y -->'), 'a comment parse5 ends early'],
    ['a bogus comment', PAGE('<p>a</ p>b</p>'), 'source text "</"'],
    ['NUL', PAGE('<p>a\0b</p>'), 'source text "\\u0000"'],
    ['an odd attribute name', PAGE('<p "x"=1>a</p>'), 'attribute name "\\"x\\""'],
    ['a second doctype', PAGE('<!DOCTYPE html><p>x</p>'), '<!DOCTYPE html>'],
    ['a script parse5 reads with escapes', PAGE('<script><!--<script>x</script>y--></script>'), '<!-- in a script'],
  ];
  for (const [name, html, reason] of leftToParse5) {
    it(`leaves to parse5: ${name}`, () => {
      assert.deepEqual(checkedFastParse(html), { accepted: false, reason });
    });
  }

  it('fails on a page nested too deep, as the parse5 path does', () => {
    const deep = PAGE(`${'<div>'.repeat(50)}x${'</div>'.repeat(50)}`);
    assert.throws(() => tryFastParseHtml(deep, { maxDepth: 40, onTooDeep: () => new Error('too deep') }), /too deep/);
    assert.ok('document' in tryFastParseHtml(deep, { maxDepth: 60, onTooDeep: () => new Error('too deep') }));
  });

  it('counts depth as the parse5 path does, for pages and fragments alike', () => {
    // parse5's path counts <html> as level 1, so a fragment's elements sit two levels deeper.
    const extractWith = (html: string, maxHtmlDepth: number): string => {
      try {
        return extractHtml({ bytes: new Uint8Array(Buffer.from(html)), url: 'https://example.org/', maxHtmlDepth }).text;
      } catch (error) {
        return `error: ${(error as Error).message}`;
      }
    };
    const forceParse5 = '<noscript></noscript>'; // never on the fast path, and never text
    for (const divs of [37, 38, 39]) {
      const nested = `${'<div>'.repeat(divs)}x${'</div>'.repeat(divs)}`;
      for (const page of [PAGE(nested), nested]) {
        assert.ok('document' in tryFastParseHtml(page, { maxDepth: 100, onTooDeep: () => new Error('too deep') }));
        const slow = page.replace(`x${'</div>'.repeat(divs)}`, `x${'</div>'.repeat(divs)}${forceParse5}`);
        assert.ok('reason' in tryFastParseHtml(slow, OPTIONS));
        assert.equal(extractWith(page, 40), extractWith(slow, 40), `${divs} divs in ${page.startsWith('<!DOCTYPE') ? 'a page' : 'a fragment'}`);
      }
    }
    assert.match(extractWith(`${'<div>'.repeat(39)}x`, 40), /deeper than 40 levels/);
    assert.equal(extractWith(`${'<div>'.repeat(38)}x`, 40), 'x\n');
  });

  it('extractHtml gives the same text either way', () => {
    // Same page, once well-formed (fast path) and once with a comment trap that sends it to parse5.
    const body = '<main><h1>Title</h1><p>One &amp; two</p><table><tr><td>a</td><td>b</td></tr></table><ul><li>x</li></ul></main>';
    const fast = PAGE(body);
    const slow = PAGE(`${body}<!-- --!> -->`);
    assert.ok('document' in tryFastParseHtml(fast, OPTIONS));
    assert.ok('reason' in tryFastParseHtml(slow, OPTIONS));
    const text = (html: string): string => extractHtml({ bytes: new Uint8Array(Buffer.from(html)), url: 'https://example.org/' }).text;
    assert.equal(text(fast), text(slow));
    assert.equal(text(fast), 'Title\n\nOne & two\n\na | b\n\n- x\n');
  });
});

function filesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...filesUnder(path));
    else files.push(path);
  }
  return files;
}

describe('fastParseHtml on real pages', () => {
  it('builds parse5\'s tree for every real page it takes, and takes some', () => {
    const root = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
    const pages = filesUnder(root).filter((file) => !file.endsWith('.pdf') && /<html|<!doctype html|<body|<div|<p>/i.test(readFileSync(file, 'latin1').slice(0, 2_000)));
    assert.ok(pages.length >= 25, `only ${pages.length} HTML files found`);
    let accepted = 0;
    for (const page of pages) {
      if (checkedFastParse(readFileSync(page, 'utf8')).accepted) accepted++;
    }
    // 19 of 29 on 2026-12-03; the others have CDATA, NUL, a <p> left open before a table...
    assert.ok(accepted >= 15, `only ${accepted} of ${pages.length} real pages took the fast path`);
  });
});

/** Seeded tag soup: well-formed pages, and pages broken in the ways real ones are. */
class Soup {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

const TEXTS = ['word', ' two words ', '\n', '\n\nx', '&#10;', '&amp;', '&copy', '&notit;', '&#x80;', 'a < b', '&lt;p&gt;', '\r\n', '  ', 'x&y', '&nbsp;'];
const INLINE = ['span', 'b', 'i', 'em', 'a', 'strong', 'code', 'font', 'my-el', 'label', 'button', 'sub'];
const BLOCK = ['div', 'p', 'section', 'h1', 'h2', 'blockquote', 'form', 'header', 'center', 'address', 'pre'];
const VOIDS = ['br', 'img', 'hr', 'input', 'wbr', 'col', 'meta', 'link'];
const CLEAN_VOIDS = ['br', 'img', 'input', 'wbr', 'meta', 'link'];
const ODD = ['textarea', 'noscript', 'nobr', 'svg', 'math', 'iframe', 'xmp', 'image', 'frame', 'object', 'template', 'select', 'option', 'title', 'script', 'style'];
const COMMENTS = ['<!-- c -->', '<!---->', '<!-->', '<!--->', '<!-- a -- b -->'];
const ODD_COMMENTS = ['<!-- x --!> y -->', '<!x>', '<?pi?>', '<![CDATA[x]]>'];
const ATTRIBUTES = [' class="k"', ' href="?a=1&copy=2"', ' id=x title=\'t\'', ' data-x', ' a="1" a="2"', ' @click="f"'];
const ODD_ATTRIBUTES = [' "q"=1', ' b=c"d', ' [x]=1', ' a=<b>'];

/** `phrasing`: inside an inline element, a paragraph or a heading, where a clean page has no blocks. */
function soupContent(soup: Soup, depth: number, broken: boolean, phrasing = false): string {
  let out = '';
  const count = 1 + Math.floor(soup.next() * 4);
  for (let i = 0; i < count; i++) {
    const roll = soup.next();
    if (roll < 0.3 || depth > 5) {
      out += soup.pick(TEXTS);
    } else if (roll < 0.38) {
      out += `<${soup.pick(broken ? VOIDS : CLEAN_VOIDS)}${soup.chance(0.2) ? '/' : ''}>`;
    } else if (roll < 0.43) {
      out += soup.pick(broken && soup.chance(0.5) ? ODD_COMMENTS : COMMENTS);
    } else if (phrasing && !broken) {
      const name = soup.pick(INLINE);
      out += `<${name}>${soupContent(soup, depth + 1, broken, true)}</${name}>`;
    } else if (roll < 0.55) {
      out += soupTable(soup, depth, broken);
    } else if (roll < 0.62) {
      out += soupList(soup, depth, broken);
    } else {
      const pool = broken && soup.chance(0.3) ? ODD : soup.chance(0.5) ? INLINE : BLOCK;
      let name = soup.pick(pool);
      if (soup.chance(0.05)) name = name.toUpperCase();
      const attributes = soup.chance(0.3) ? soup.pick(broken && soup.chance(0.3) ? ODD_ATTRIBUTES : ATTRIBUTES) : '';
      out += `<${name}${attributes}>${soupContent(soup, depth + 1, broken, INLINE.includes(name) || ['p', 'h1', 'h2'].includes(name))}`;
      if (!broken || !soup.chance(0.15)) out += `</${name}>`;
    }
    if (broken && soup.chance(0.04)) out += soup.pick(['</p>', '</div>', '</b>', '</br>', '</td>', '</ x>', '</li>']);
  }
  return out;
}

function soupTable(soup: Soup, depth: number, broken: boolean): string {
  const rows = 1 + Math.floor(soup.next() * 3);
  let out = '<table>';
  if (soup.chance(0.2)) out += '<caption>c</caption>';
  const explicitBody = soup.chance(0.5);
  if (explicitBody) out += '<tbody>';
  for (let r = 0; r < rows; r++) {
    out += soup.chance(0.3) ? '\n  ' : '';
    if (broken && soup.chance(0.1)) out += soup.pick(['text', '<div>d</div>', '<td>t</td>', '<input type="hidden">']);
    out += '<tr>';
    for (let c = 0; c < 2; c++) {
      const cell = soup.pick(['td', 'th']);
      out += `<${cell}>${soupContent(soup, depth + 1, broken)}${broken && soup.chance(0.1) ? '' : `</${cell}>`}`;
    }
    out += broken && soup.chance(0.1) ? '' : '</tr>';
  }
  if (explicitBody) out += '</tbody>';
  if (soup.chance(0.2)) out += '<tfoot><tr><td>f</td></tr></tfoot>';
  return `${out}</table>`;
}

function soupList(soup: Soup, depth: number, broken: boolean): string {
  const [list, item] = soup.pick([['ul', 'li'], ['ol', 'li'], ['dl', 'dt'], ['dl', 'dd']] as const);
  let out = `<${list}>`;
  for (let i = 0; i < 3; i++) {
    out += `<${item}>${soupContent(soup, depth + 1, broken)}`;
    if (!broken || soup.chance(0.7)) out += `</${item}>`;
  }
  return `${out}</${list}>`;
}

function soupPage(soup: Soup, broken: boolean): string {
  const prolog = soup.pick(['', '<!DOCTYPE html>\n', '<!doctype html>', '<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN">\n', ' \n']);
  const head = `<head>${soup.chance(0.8) ? '<title>T &amp; t</title>' : ''}${soup.chance(0.5) ? '<meta charset="utf-8">' : ''}${soup.chance(0.3) ? '<script>var a = 1 < 2;</script>' : ''}${broken && soup.chance(0.1) ? '<div>h</div>' : ''}${broken && soup.chance(0.2) ? '' : '</head>'}`;
  const body = `<body>${soupContent(soup, 0, broken)}${broken && soup.chance(0.2) ? '' : '</body>'}`;
  const after = soup.pick(['', '\n', '\n<!-- e -->\n', broken ? 'text' : ' ', broken ? '<p>late</p>' : '']);
  if (broken && soup.chance(0.1)) return prolog + body;
  if (soup.chance(0.1)) return `${prolog}${soup.pick(['', '\n', '<!-- f -->', ' \n '])}${soupContent(soup, 0, broken)}`; // a fragment
  return `${prolog}<html>${soup.chance(0.5) ? '\n' : ''}${soup.chance(0.1) ? soup.pick(['', '<!-- h -->']) : head}\n${body}${after}</html>${soup.chance(0.5) ? '\n' : ''}`;
}

/**
 * A well-formed page with one random edit of the kind real pages have: an end tag dropped, a start
 * tag repeated or added, two end tags swapped, an end tag out of place.
 */
function mutate(page: string, soup: Soup): string {
  const tags = [...page.matchAll(/<\/?[a-zA-Z][^>]*>/g)];
  const tag = tags[Math.floor(soup.next() * tags.length)];
  if (tag === undefined || tag.index === undefined) return page;
  const at = tag.index;
  const end = at + tag[0].length;
  switch (Math.floor(soup.next() * 5)) {
    case 0:
      return page.slice(0, at) + page.slice(end); // a tag dropped
    case 1:
      return page.slice(0, end) + tag[0] + page.slice(end); // a tag repeated
    case 2:
      return page.slice(0, at) + soup.pick(['<p>', '<div>', '<b>', '<li>', '<td>', '<tr>', '<table>', '<a href="x">', '<h2>', '<span>']) + page.slice(at); // a start tag added
    case 3: {
      const next = /<\/[a-zA-Z][^>]*>/g;
      next.lastIndex = end;
      const following = next.exec(page);
      if (following === null || !tag[0].startsWith('</')) return page.slice(0, at) + page.slice(end);
      return page.slice(0, at) + following[0] + page.slice(end, following.index) + tag[0] + page.slice(following.index + following[0].length); // two end tags swapped
    }
    default:
      return page.slice(0, at) + soup.pick(['</p>', '</div>', '</b>', '</li>', '</td>', '</table>', '</body>', '</head>']) + page.slice(at); // an end tag out of place
  }
}

describe('fastParseHtml on real pages with one edit', () => {
  it('builds parse5\'s tree whenever it takes an edited page (the sample site, 2,000 edits)', () => {
    const root = fileURLToPath(new URL('../../mirror/sample-site/', import.meta.url));
    const pages = filesUnder(root).filter((file) => file.endsWith('.html')).map((file) => readFileSync(file, 'utf8'));
    assert.ok(pages.length >= 5);
    for (const page of pages) assert.ok(checkedFastParse(page).accepted, 'the sample site is well-formed');
    const soup = new Soup(7);
    let taken = 0;
    for (let i = 0; i < 2_000; i++) {
      if (checkedFastParse(mutate(soup.pick(pages), soup)).accepted) taken++;
    }
    // Many edits leave the page well-formed (a repeated <span>, a dropped <br>): those are compared.
    assert.ok(taken > 200, `only ${taken} edited pages taken`);
  });
});

describe('fastParseHtml on random tag soup', () => {
  it('builds parse5\'s tree whenever it takes a page (3,000 seeded pages)', () => {
    const soup = new Soup(20261203);
    const taken = { clean: 0, broken: 0 };
    const pages = { clean: 0, broken: 0 };
    const reasons = new Map<string, number>();
    for (let i = 0; i < 3_000; i++) {
      const broken = i % 2 === 1;
      const kind = broken ? 'broken' : 'clean';
      pages[kind]++;
      const result = checkedFastParse(soupPage(soup, broken));
      if (result.accepted) taken[kind]++;
      else if (!broken) reasons.set(result.reason ?? '', (reasons.get(result.reason ?? '') ?? 0) + 1);
    }
    // Not a target, a check that the comparison above ran on many pages of both kinds.
    const why = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([reason, count]) => `${reason}: ${count}`).join(', ');
    assert.ok(taken.clean > pages.clean * 0.3, `only ${taken.clean} of ${pages.clean} clean pages taken (${why})`);
    assert.ok(taken.broken > 50, `only ${taken.broken} of ${pages.broken} broken pages taken`);
  });
});
