import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ExtractError, UsageError } from '../src/errors.js';
import { load } from 'cheerio';
import { readdirSync } from 'node:fs';
import { extractHtml, pageTitle } from '../src/extract/html.js';
import { EXTRACTOR_VERSIONS } from '../src/extract/index.js';
import { normalizeText } from '../src/extract/normalize.js';

function textOf(html: string, options: { select?: string; remove?: string[] } = {}): string {
  return extractHtml({ bytes: new Uint8Array(Buffer.from(html)), url: 'https://example.org/', ...options }).text;
}

function fixture(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../test/fixtures/real/${relativePath}`, import.meta.url)));
}

describe('extractHtml block structure', () => {
  const cases: Array<[name: string, html: string, expected: string]> = [
    ['paragraphs are blocks with a blank line between', '<p>One</p><p>Two</p>', 'One\n\nTwo\n'],
    ['headings are plain lines', '<h1>Title</h1><h2>Sub</h2><p>Body</p>', 'Title\n\nSub\n\nBody\n'],
    ['divs are blocks, nested divs add no extra blank lines', '<div><div>a</div><div><div>b</div></div></div>c', 'a\n\nb\n\nc\n'],
    ['inline elements join without spaces', '<p>foo<b>bar</b></p>', 'foobar\n'],
    ['a space before an inline element is kept', '<p>foo <b>bar</b></p>', 'foo bar\n'],
    ['spaces across inline boundaries collapse to one', '<p>foo <b> bar </b> <i>baz</i></p>', 'foo bar baz\n'],
    ['source whitespace collapses', '<p>\n   a  \n\t b   </p>', 'a b\n'],
    ['br breaks a line, two br leave a blank line', '<p>a<br>b<br><br>c</p>', 'a\nb\n\nc\n'],
    ['br at the end of a paragraph adds nothing', '<p>a<br></p><p>b</p>', 'a\n\nb\n'],
    ['lists as dash items', '<ul><li>one</li><li>two</li></ul>', '- one\n- two\n'],
    ['ordered lists too', '<ol><li>one</li><li>two</li></ol>', '- one\n- two\n'],
    ['nested lists indent two spaces per level', '<ul><li>a<ul><li>b<ul><li>c</li></ul></li><li>b2</li></ul></li><li>d</li></ul>', '- a\n  - b\n    - c\n  - b2\n- d\n'],
    ['a list is a block among paragraphs', '<p>x</p><ul><li>a</li></ul><p>y</p>', 'x\n\n- a\n\ny\n'],
    ['paragraphs inside an item continue under it', '<ul><li><p>a</p><p>b</p></li><li>c</li></ul>', '- a\n  b\n- c\n'],
    ['empty items are dropped', '<ul><li></li><li> </li><li>x</li></ul>', '- x\n'],
    ['table rows with cells separated by a bar', '<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>', 'A | B\n1 | 2\n'],
    [
      'table sections, caption and block content in cells',
      '<table><caption>Prices</caption><thead><tr><th>Item</th><th>Cost</th></tr></thead><tbody><tr><td><p>Tea</p><p>green</p></td><td>2 <br>EUR</td></tr></tbody></table>',
      'Prices\nItem | Cost\nTea green | 2 EUR\n',
    ],
    ['empty cells keep their place, all-empty rows go', '<table><tr><td>a</td><td></td><td>c</td></tr><tr><td></td><td></td></tr></table>', 'a | | c\n'],
    ['a table is a block', '<p>before</p><table><tr><td>a</td><td>b</td></tr></table><p>after</p>', 'before\n\na | b\n\nafter\n'],
    [
      'a layout table (a cell holds a table) reads as blocks',
      '<table><tr><td><p>Menu</p></td><td><h1>Article</h1><table><tr><td>x</td><td>y</td></tr></table></td></tr></table>',
      'Menu\n\nArticle\n\nx | y\n',
    ],
    ['a one-column table reads as blocks', '<table><tr><td>first</td></tr><tr><td>second</td></tr></table>', 'first\n\nsecond\n'],
    ['pre keeps its line breaks and indentation', '<p>x</p><pre>  a\n    b\n\nc</pre><p>y</p>', 'x\n\n  a\n    b\n\nc\n\ny\n'],
    ['pre with inline markup', '<pre><b>int</b> main() {\n  return 0;\n}</pre>', 'int main() {\n  return 0;\n}\n'],
    ['blockquote is a block', '<p>He said:</p><blockquote>Quote</blockquote><p>end</p>', 'He said:\n\nQuote\n\nend\n'],
    ['links keep their text, not their URL', '<p>see <a href="https://x.example/doc">the docs</a>.</p>', 'see the docs.\n'],
    ['definition lists: one line per term and definition', '<dl><dt>Term</dt><dd>Meaning</dd></dl>', 'Term\nMeaning\n'],
    ['hr separates blocks', 'a<hr>b', 'a\n\nb\n'],
    [
      'script, style, noscript, template, svg, nav, iframe and head are dropped',
      '<html><head><title>T</title><style>p{}</style></head><body><nav>Menu</nav><script>var x</script><noscript>Enable JS</noscript><template><p>tpl</p></template><svg><text>svg</text></svg><iframe>frame</iframe><p>kept</p></body></html>',
      'kept\n',
    ],
    ['comments are dropped', '<p>a<!-- hidden -->b</p>', 'ab\n'],
    ['entities are decoded, NBSP kept for normalization', '<p>a&amp;b&nbsp;c &eacute;</p>', 'a&b\u00A0c é\n'],
    ['empty document', '', ''],
  ];
  for (const [name, html, expected] of cases) {
    it(name, () => assert.equal(textOf(html), expected));
  }

  it('normalization keeps the indentation of nested list items', () => {
    assert.equal(normalizeText(textOf('<ul><li>a<ul><li>b</li></ul></li></ul>')), '- a\n  - b\n');
  });

  it('extracts deep nesting within the limit, and refuses deeper with a clear error', () => {
    const within = 900; // 1,800 nested elements: under the 2,000-level limit
    assert.equal(textOf(`${'<div><span>'.repeat(within)}deep${'</span></div>'.repeat(within)}`), 'deep\n');
    const beyond = 5000; // 10,000 nested elements
    assert.throws(() => textOf(`${'<div><span>'.repeat(beyond)}deep${'</span></div>'.repeat(beyond)}`), /nested deeper than 2,000 levels/);
  });
});

describe('extractHtml metadata', () => {
  it('title from <title>, whitespace collapsed', () => {
    const extraction = extractHtml({ bytes: new Uint8Array(Buffer.from('<title>\n A   page </title><h1>Heading</h1>')), url: 'u' });
    assert.equal(extraction.title, 'A page');
    assert.equal(extraction.kind, 'html');
    assert.equal(extraction.status, 'text');
    assert.equal(extraction.charset, 'utf-8');
    assert.equal(extraction.extractor, EXTRACTOR_VERSIONS.html);
    assert.equal(extraction.mediaType, 'text/html');
  });

  it('title falls back to the first h1, then to nothing', () => {
    assert.equal(extractHtml({ bytes: new Uint8Array(Buffer.from('<div><h1>First <b>one</b></h1><h1>Second</h1></div>')), url: 'u' }).title, 'First one');
    assert.equal(extractHtml({ bytes: new Uint8Array(Buffer.from('<p>none</p>')), url: 'u' }).title, undefined);
  });
});

describe('extractHtml select and remove', () => {
  const page = '<div id="a">A</div><div id="b">B <span class="ad">AD</span></div><div id="c">C</div><footer>F</footer>';

  it('select keeps only the matches, in document order', () => {
    assert.equal(textOf(page, { select: '#c, #a' }), 'A\n\nC\n');
  });

  it('a match inside another match counts once', () => {
    assert.equal(textOf('<div class="x">outer<div class="x">inner</div></div>', { select: '.x' }), 'outer\n\ninner\n');
  });

  it('inline matches each get their own block', () => {
    assert.equal(textOf('<p><span class="k">one</span> and <span class="k">two</span></p>', { select: '.k' }), 'one\n\ntwo\n');
  });

  it('remove drops elements before selection', () => {
    assert.equal(textOf(page, { remove: ['.ad', 'footer'] }), 'A\n\nB\n\nC\n');
    assert.equal(textOf(page, { select: '#b', remove: ['.ad'] }), 'B\n');
  });

  it('a selector matching nothing gives empty text', () => {
    assert.equal(textOf(page, { select: '#missing' }), '');
  });

  it('selecting a normally dropped element by name keeps it', () => {
    assert.equal(textOf('<nav>Site menu</nav><p>x</p>', { select: 'nav' }), 'Site menu\n');
  });

  it('an invalid selector is a UsageError naming the selector, not a document failure', () => {
    for (const options of [{ select: 'div[' }, { remove: ['p', '::nope('] }]) {
      assert.throws(
        () => textOf(page, options),
        (error: unknown) => error instanceof UsageError && !(error instanceof ExtractError) && /invalid CSS selector/.test(error.message),
      );
    }
  });
});

describe('extractHtml on the real corpus', () => {
  it('xkcd_1.html extracts its title and transcript', () => {
    const extraction = extractHtml({ bytes: fixture('html/misc/xkcd_1.html'), url: 'https://xkcd.com/1/' });
    assert.equal(extraction.title, 'xkcd: Barrel - Part 1');
    assert.match(extraction.text, /^A webcomic of romance,$/m);
    assert.match(extraction.text, /\[\[A boy sits in a barrel/);
  });

  it('the corrupted xkcd twin is bad content', () => {
    assert.throws(
      () => extractHtml({ bytes: fixture('html/misc/xkcd_1_evil_corrupted-bytes.html'), url: 'u' }),
      (error: unknown) => error instanceof ExtractError && error.failure === 'bad-content' && /byte offset 114/.test(error.message),
    );
  });

  it('the IETF draft keeps its <pre> lines apart', () => {
    const text = extractHtml({ bytes: fixture('html/misc/ietf-draft-remotestorage-04.html'), url: 'u' }).text;
    assert.match(text, /^Abstract$/m);
    assert.match(text, /^ {4}This draft describes a protocol by which client-side applications,$/m);
  });

  it('the Shift_JIS page keeps one game per line', () => {
    const text = extractHtml({ bytes: fixture('html/encoding/shift-jis_meta_geocities-videogame.htm'), url: 'u' }).text;
    assert.match(text, /^25 コナミ\/ピカデリーRF2$/m);
  });

  it('the old layout-table page reads in blocks with its data table intact', () => {
    const text = normalizeText(extractHtml({ bytes: fixture('html/encoding/windows-1252_meta_numbers-page.htm'), url: 'u' }).text);
    assert.match(text, /^6 \| 7 \| 8 \| 9 \| 10 \| 11 \| 12$/m);
    assert.match(text, /^Website copyright © Richard Phillips 1994\/2003\.$/m);
  });
});

describe('pageTitle', () => {
  // What the title was before the walk: three selector queries, each the whole page.
  const bySelectors = (html: string): string => {
    const $ = load(html);
    const first = (selector: string) => $(selector).first().text().replace(/\s+/g, ' ').trim();
    return first('head > title') || first('title') || first('h1');
  };
  const cases: Array<[name: string, html: string, expected: string]> = [
    ['the head\'s title', '<html><head><title> A  page </title></head><body><h1>H</h1></body></html>', 'A page'],
    ['an empty head title falls back to the h1', '<head><title> </title></head><body><h1>Heading</h1></body>', 'Heading'],
    ['a title in the body when the head has none', '<body><p>x</p><title>Late</title><h1>H</h1></body>', 'Late'],
    ['an svg title when nothing else has one', '<body><svg><title>Icon</title></svg><h1>H</h1></body>', 'Icon'],
    ['the head\'s title before an earlier svg title in the body? the head comes first', '<title>Head</title><body><svg><title>Icon</title></svg></body>', 'Head'],
    ['the first h1 in document order, nested deeper or not', '<div><div><h1>Deep <b>one</b></h1></div></div><h1>Second</h1>', 'Deep one'],
    ['nothing', '<p>none</p>', ''],
  ];
  for (const [name, html, expected] of cases) {
    it(name, () => {
      const $ = load(html);
      assert.equal(pageTitle($.root()[0]), expected);
      assert.equal(pageTitle($.root()[0]), bySelectors(html), 'as the selectors found it');
    });
  }

  it('agrees with the selectors on every real page of the corpus', () => {
    const dir = new URL('../../test/fixtures/real/html/', import.meta.url);
    const pages = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => /\.html?$/.test(name));
    assert.ok(pages.length >= 5, `real pages: ${pages.length}`);
    for (const name of pages) {
      const html = readFileSync(new URL(name, dir), 'utf8');
      assert.equal(pageTitle(load(html).root()[0]), bySelectors(html), name);
    }
  });
});
