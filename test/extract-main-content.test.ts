// HTML main content: without `select`, the page's furniture (navigation, site header and footer,
// cookie banners, share widgets, comments, breadcrumbs, related and newsletter blocks, ads) stays
// out of the text; real policy text, Open Terms Archive fragments included, is kept whole.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { extractHtml } from '../src/extract/html.js';
import { EXTRACTOR_VERSIONS } from '../src/extract/index.js';
import { furnitureTokens } from '../src/extract/main-content.js';
import { normalizeText } from '../src/extract/normalize.js';

function textOf(html: string, options: { select?: string; mainContent?: boolean } = {}): string {
  return extractHtml({ bytes: new Uint8Array(Buffer.from(html)), url: 'https://example.org/', ...options }).text;
}

const long = (word: string, times = 150): string => Array.from({ length: times }, () => word).join(' ');

describe('main content: landmarks', () => {
  const cases: Array<[name: string, html: string, expected: string]> = [
    [
      'a single main is the content; header, nav and footer around it go',
      '<header><h1>Site</h1></header><nav>Menu</nav><main><h1>Doc</h1><p>Body</p></main><footer>© Site</footer>',
      'Doc\n\nBody\n',
    ],
    ['role=main counts as main', '<div role="banner">Site</div><div role="main"><p>Body</p></div><div>Other</div>', 'Body\n'],
    ['a role=main on a main counts once', '<header>Site</header><main role="main"><p>Body</p><div role="main">Inner</div></main>', 'Body\n\nInner\n'],
    [
      "the content's own header, footer and aside stay",
      '<main><article><header>Posted 3 May</header><p>Body</p><aside>Note</aside><footer>Signed</footer></article></main><footer>Site</footer>',
      'Posted 3 May\n\nBody\n\nNote\n\nSigned\n',
    ],
    [
      'furniture inside the content goes (share, comments, navigation)',
      '<main><p>Body text of the letter</p><div class="share-buttons">Share on X</div><section id="comments">Nice post</section><div role="navigation">Next</div></main>',
      'Body text of the letter\n',
    ],
    [
      'one dominant article is the content',
      `<div class="top">Site name</div><article><p>${long('text', 20)}</p></article><div>Contact us</div>`,
      `${long('text', 20)}\n`,
    ],
    [
      'several articles, none dominant: the page minus its furniture',
      '<header>Site</header><article><p>First story</p></article><article><p>Second story</p></article><footer>Legal</footer>',
      'First story\n\nSecond story\n',
    ],
    [
      'without main: page-level header, footer and aside go, a section header stays',
      '<header>Site</header><div><section><header>Chapter 1</header><p>Text</p></section></div><aside>Ads here</aside><footer>Legal</footer>',
      'Chapter 1\n\nText\n',
    ],
    [
      'roles banner, navigation, contentinfo, complementary and search go',
      '<div role="banner">B</div><div role="navigation">N</div><p>Body text</p><div role="search">S</div><div role="complementary">C</div><div role="contentinfo">I</div>',
      'Body text\n',
    ],
    ['nav was always dropped', '<nav>Menu</nav><p>Body</p>', 'Body\n'],
  ];
  for (const [name, html, expected] of cases) {
    it(name, () => assert.equal(textOf(html), expected));
  }
});

describe('main content: class and id tokens', () => {
  const dropped: Array<[name: string, attributes: string]> = [
    ['cookie banner', 'class="cookie-banner"'],
    ['consent dialog', 'id="consent"'],
    ['GDPR notice in camelCase', 'class="gdprNotice"'],
    ['share buttons', 'class="share_buttons"'],
    ['social links', 'class="footer-social links"'],
    ['comments', 'id="comments"'],
    ['a comment', 'class="comment even"'],
    ['breadcrumbs', 'class="breadcrumbs"'],
    ['newsletter signup', 'class="newsletter-signup"'],
    ['related posts', 'class="related-posts"'],
    ['an ad slot', 'class="ad-slot"'],
    ['ads', 'id="ads"'],
    ['an advert', 'class="advert"'],
  ];
  for (const [name, attributes] of dropped) {
    it(`drops ${name} (${attributes})`, () => {
      assert.equal(textOf(`<p>Body text of the page</p><div ${attributes}>Furniture</div><p>More body text</p>`), 'Body text of the page\n\nMore body text\n');
    });
  }

  const kept: Array<[name: string, attributes: string]> = [
    ['shareholders', 'class="shareholders"'],
    ['commentary', 'id="commentary"'],
    ['a heading (ad as a substring)', 'class="heading download address"'],
    ['socialism', 'class="socialism"'],
    ['unrelated', 'class="unrelated"'],
  ];
  for (const [name, attributes] of kept) {
    it(`keeps ${name} (${attributes})`, () => {
      assert.equal(textOf(`<p>Body text of the page</p><div ${attributes}>Kept too</div>`), 'Body text of the page\n\nKept too\n');
    });
  }

  it('splits class and id values into tokens', () => {
    assert.deepEqual(furnitureTokens('cookie-banner shareButtons ad_slot'), ['cookie', 'banner', 'share', 'buttons', 'ad', 'slot']);
    assert.deepEqual(furnitureTokens('shareholders'), ['shareholders']);
  });

  it('answers the same for a class or id value seen before, on any page, whatever its length', () => {
    // namesFurniture remembers the answer for short values: a remembered value must not leak into
    // another value's answer, and a value too long to remember is still judged.
    const longFurniture = `${'x'.repeat(300)} share-buttons`;
    const longKept = `${'x'.repeat(300)} shareholders`;
    for (let page = 0; page < 3; page++) {
      assert.equal(textOf('<p>Body text of the page</p><div class="share-buttons">Share</div>'), 'Body text of the page\n');
      assert.equal(textOf('<p>Body text of the page</p><div class="shareholders">Kept</div>'), 'Body text of the page\n\nKept\n');
      assert.equal(textOf('<p>Body text of the page</p><div id="comments">C</div><div id="commentary">K</div>'), 'Body text of the page\n\nK\n');
      assert.equal(textOf(`<p>Body text of the page</p><div class="${longFurniture}">Share</div>`), 'Body text of the page\n');
      assert.equal(textOf(`<p>Body text of the page</p><div class="${longKept}">Kept</div>`), 'Body text of the page\n\nKept\n');
    }
  });

  it('never drops a wrapper of the content', () => {
    assert.equal(textOf('<div class="social-layout"><main><p>Body</p></main></div><footer>F</footer>'), 'Body\n');
    assert.equal(textOf(`<div class="page comments-enabled"><p>${long('policy')}</p></div><p>x</p>`), `${long('policy')}\n\nx\n`);
  });
});

describe('main content: fallback and options', () => {
  it('a main with too little of the text falls back to the page (under 25% and 500 characters)', () => {
    const html = `<main><p>Hi</p></main><div><p>${long('treaty')}</p></div>`;
    assert.equal(textOf(html), `Hi\n\n${long('treaty')}\n`);
  });

  it('a small main with at least a quarter of the text is kept', () => {
    assert.equal(textOf('<main><p>Body text</p></main><div><p>Side text here</p></div>'), 'Body text\n');
  });

  it('a large main is kept even under a quarter of the text', () => {
    const html = `<main><p>${long('article', 100)}</p></main><div class="x"><p>${long('sidebar', 500)}</p></div>`;
    assert.equal(textOf(html), `${long('article', 100)}\n`);
  });

  it('dropping almost everything falls back to the whole page', () => {
    const html = '<header>Header text</header><footer>Footer text</footer><aside>Aside text</aside><p>x</p>';
    assert.equal(textOf(html), 'Header text\n\nFooter text\n\nAside text\n\nx\n');
  });

  it('mainContent: false keeps everything (but nav, scripts and the like, as always)', () => {
    const html = '<header>Site</header><nav>Menu</nav><main><p>Body text of the page</p><div class="share">Share</div></main><footer>Legal</footer>';
    assert.equal(textOf(html, { mainContent: false }), 'Site\n\nBody text of the page\n\nShare\n\nLegal\n');
    assert.equal(textOf(html), 'Body text of the page\n');
  });

  it('select takes precedence: no heuristic on top of it', () => {
    const html = '<main><p>Body</p></main><footer class="share">Legal</footer>';
    assert.equal(textOf(html, { select: 'footer' }), 'Legal\n');
  });

  it('the title still comes from <title>', () => {
    const extraction = extractHtml({ bytes: new Uint8Array(Buffer.from('<title>T</title><header><h1>Site</h1></header><main><p>Body</p></main>')), url: 'u' });
    assert.equal(extraction.title, 'T');
    assert.equal(extraction.extractor, EXTRACTOR_VERSIONS.html);
    assert.equal(EXTRACTOR_VERSIONS.html, 'html@3');
  });
});

function fileText(path: string, mainContent?: boolean): string {
  const bytes = new Uint8Array(readFileSync(new URL(`../../${path}`, import.meta.url)));
  return normalizeText(extractHtml({ bytes, url: 'https://example.org/', mainContent }).text);
}

const characters = (text: string): number => text.replace(/\s+/g, '').length;

describe('main content on real pages', () => {
  it('the sample site letter: the letter is kept, nav and footer dropped', () => {
    const text = fileText('mirror/sample-site/rev1/docs/civil-society-letter.html');
    assert.ok(text.startsWith('Open letter to the International Telecommunication Union on WCIT transparency\n'));
    assert.ok(text.includes('A treaty that concerns the public should be negotiated in public.'));
    assert.ok(text.includes('- open the conference and its preparatory meetings to observers from civil society;'));
    assert.ok(text.includes('Free Signal Collective | India'));
    assert.ok(!text.includes('Draft ITRs (PDF)'));
    assert.ok(!text.includes('Published on the sample leaks site'));
  });

  it('the sample site index: the list of documents is kept, header and footer dropped', () => {
    const text = fileText('mirror/sample-site/rev1/index.html');
    assert.ok(text.startsWith('Documents\n'));
    assert.ok(text.includes('Send us documents about WCIT-12'));
    assert.ok(!text.includes('Sample leaks\n'));
    assert.ok(!text.includes('Sample site bundled with leakmirror'));
    const whole = fileText('mirror/sample-site/rev1/index.html', false);
    const share = characters(text) / characters(whole);
    assert.ok(share > 0.6 && share < 0.75, `kept ${share}`);
  });

  // Open Terms Archive captures are fragments (a <div> without landmarks): kept whole.
  const whole: Array<[path: string, sentence: string]> = [
    ['test/fixtures/real/versions/disonsdemain-privacy-policy-fr/v2_2022-08-26_9e5767215e.html', 'Délégué à la protection des données'],
    ['test/fixtures/real/versions/disonsdemain-privacy-policy-fr/v4_2022-12-12_f5ab15abad.html', '13/12/2022'],
    ['test/fixtures/real/versions/match-uk-terms-en/v1_2022-02-10_31e769af88.html', 'Terms of Use'],
    ['test/fixtures/real/versions/match-uk-terms-en/v4_2022-04-01_15f0c8d804.html', 'Terms of Use'],
    ['test/fixtures/real/html/misc/ietf-draft-remotestorage-04.html', 'remoteStorage'],
    ['test/fixtures/real/html/encoding/iso-8859-1_xml-declaration-only_complete-angler.htm', 'Complete Angler'],
  ];
  for (const [path, sentence] of whole) {
    it(`${path.replace(/.*\//, '')} is kept whole`, () => {
      const text = fileText(path);
      assert.equal(text, fileText(path, false));
      assert.ok(text.includes(sentence), sentence);
    });
  }

  it('xkcd: the comic navigation goes, the comic and the rest stay', () => {
    const text = fileText('test/fixtures/real/html/misc/xkcd_1.html');
    const whole = fileText('test/fixtures/real/html/misc/xkcd_1.html', false);
    assert.ok(!text.includes('< Prev'));
    assert.ok(whole.includes('< Prev'));
    assert.ok(text.includes('Barrel - Part 1'));
    assert.ok(characters(text) / characters(whole) > 0.9);
  });
});
