// formatHtml / formatHtmlFragment: exact output (inline and side by side), escaping of everything
// that comes from a document or a commit, and a page that loads nothing from anywhere.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffTexts, escapeHtml, formatHtml, formatHtmlFragment, formatText, plainPainter, HTML_DIFF_CSS, type HtmlMeta } from '../src/diff/index.js';

const oldDoc = '--- page 3 ---\nArticle 12 <Scope>\nMember States shall notify "the" Commission & others.\nwithin 90 days.\n';
const newDoc = "--- page 3 ---\nArticle 12 <Scope>\nMember States may notify \"the\" Commission & others <script>alert('x')</script>.\nwithin 30 days.\nA new line.\n";
const meta: HtmlMeta = {
  id: 'drafts/td-64',
  title: 'Draft <b>ITRs</b> & "more"',
  url: 'https://example.org/td-64.pdf?a=1&b=2',
  from: { commit: 'a'.repeat(40), date: '2012-12-03T09:00:00.000Z' },
  to: { commit: 'b'.repeat(40), date: '2012-12-07T17:30:00.000Z' },
  generator: 'leakmirror 0.1.0',
};
const result = diffTexts(oldDoc, newDoc, { mode: 'char', context: 1 });

const HEADER = [
  '<header>',
  '<h1>Draft &lt;b&gt;ITRs&lt;/b&gt; &amp; &quot;more&quot;</h1>',
  '<p class="lm-id">drafts/td-64</p>',
  '<p class="lm-url">https://example.org/td-64.pdf?a=1&amp;b=2</p>',
  '<dl class="lm-versions"><dt>From</dt><dd><time datetime="2012-12-03T09:00:00.000Z">2012-12-03T09:00:00.000Z</time> · <code title="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">aaaaaaaaaa</code></dd>' +
    '<dt>To</dt><dd><time datetime="2012-12-07T17:30:00.000Z">2012-12-07T17:30:00.000Z</time> · <code title="bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb">bbbbbbbbbb</code></dd></dl>',
  '<p class="lm-stats"><span class="lm-plus">+9 words</span>, <span class="lm-minus">−2 words</span> (3 lines added, 2 removed) · 29.7% of words changed · 1 change</p>',
  '</header>',
];

describe('formatHtmlFragment: exact output', () => {
  it('inline', () => {
    assert.equal(
      formatHtmlFragment(result, meta),
      [
        '<article class="lm-diff lm-mode-char">',
        ...HEADER,
        '<section class="lm-hunk">',
        '<h2>page 3, Article 12 &lt;Scope&gt; <span class="lm-range">@@ -2,3 +2,4 @@</span></h2>',
        '<pre class="lm-text">Article 12 &lt;Scope&gt;',
        'Member States <del>shall</del><ins>may</ins> notify &quot;the&quot; Commission &amp; others<ins> &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</ins>.',
        'within <del>9</del><ins>3</ins>0 days<ins>.</ins>',
        '<ins>A new line</ins>.</pre>',
        '</section>',
        '<footer class="lm-foot">leakmirror 0.1.0</footer>',
        '</article>',
      ].join('\n'),
    );
  });

  it('side by side', () => {
    assert.equal(
      formatHtmlFragment(result, { ...meta, layout: 'side-by-side' }),
      [
        '<article class="lm-diff lm-mode-char">',
        ...HEADER,
        '<section class="lm-hunk">',
        '<h2>page 3, Article 12 &lt;Scope&gt; <span class="lm-range">@@ -2,3 +2,4 @@</span></h2>',
        '<table class="lm-sbs" aria-label="old text (left) and new text (right)"><colgroup><col class="lm-num"><col><col class="lm-num"><col></colgroup><tbody>',
        '<tr><td class="lm-n">2</td><td class="lm-o">Article 12 &lt;Scope&gt;</td><td class="lm-n">2</td><td class="lm-nw">Article 12 &lt;Scope&gt;</td></tr>',
        '<tr class="lm-chg"><td class="lm-n">3</td><td class="lm-o">Member States <del>shall</del> notify &quot;the&quot; Commission &amp; others.</td>' +
          '<td class="lm-n">3</td><td class="lm-nw">Member States <ins>may</ins> notify &quot;the&quot; Commission &amp; others<ins> &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</ins>.</td></tr>',
        '<tr class="lm-chg"><td class="lm-n">4</td><td class="lm-o">within <del>9</del>0 days.</td><td class="lm-n">4</td><td class="lm-nw">within <ins>3</ins>0 days<ins>.</ins></td></tr>',
        '<tr class="lm-chg"><td class="lm-n"></td><td class="lm-o lm-empty"></td><td class="lm-n">5</td><td class="lm-nw"><ins>A new line</ins>.</td></tr>',
        '</tbody></table>',
        '</section>',
        '<footer class="lm-foot">leakmirror 0.1.0</footer>',
        '</article>',
      ].join('\n'),
    );
  });

  it('no change, ignore rules and a degraded diff are said in words', () => {
    const same = diffTexts('Printed on 1\nText\n', 'Printed on 2\nText\n', { mode: 'word', ignore: { patterns: ['Printed on \\d'], whitespace: true } });
    const html = formatHtmlFragment(same, { ...meta, title: null, url: undefined, generator: undefined });
    assert.match(html, /<h1>drafts\/td-64<\/h1>/);
    assert.doesNotMatch(html, /lm-id|lm-url|lm-stats|lm-hunk|<footer/);
    assert.match(html, /<p class="lm-note">Ignoring whitespace, text matching <code>Printed on \\d<\/code>\.<\/p>/);
    assert.match(html, /<p class="lm-none">No differences in the text\.<\/p>/);
    const sameVersion = formatHtmlFragment(diffTexts('a\n', 'a\n', { mode: 'word' }), { ...meta, to: meta.from });
    assert.match(sameVersion, /No differences in the text \(same version\)\./);
    assert.match(formatHtmlFragment({ ...result, degraded: true }, meta), /<p class="lm-note">The versions differ too much for a fine diff: some changes are shown as whole blocks\.<\/p>/);
  });

  it('line mode side by side pairs removed and added lines, with empty cells for the rest', () => {
    const r = diffTexts('a\nb\nc\n', 'a\nB\nB2\nc\n', { mode: 'line' });
    const html = formatHtmlFragment(r, { ...meta, layout: 'side-by-side' });
    assert.match(html, /<tr class="lm-chg"><td class="lm-n">2<\/td><td class="lm-o"><del>b<\/del><\/td><td class="lm-n">2<\/td><td class="lm-nw"><ins>B<\/ins><\/td><\/tr>/);
    assert.match(html, /<tr class="lm-chg"><td class="lm-n"><\/td><td class="lm-o lm-empty"><\/td><td class="lm-n">3<\/td><td class="lm-nw"><ins>B2<\/ins><\/td><\/tr>/);
    assert.match(html, /lm-mode-line/);
  });

  it('side by side falls back to whole lines when ignored differences change the line breaks', () => {
    // Under the whitespace rule "a b c" and "a\nb\nc" are the same words: the parts keep the old
    // line breaks, which do not split into the new side's three lines.
    const r = diffTexts('x\na b c.\n', 'x\na\nb\nc!\n', { mode: 'word', ignore: { whitespace: true } });
    assert.deepEqual(r.hunks[0]?.parts.map((p) => p.op), ['equal', 'removed', 'added', 'equal']);
    const rows = formatHtmlFragment(r, { ...meta, layout: 'side-by-side' })
      .split('\n')
      .filter((line) => line.startsWith('<tr'));
    assert.deepEqual(rows, [
      '<tr><td class="lm-n">1</td><td class="lm-o">x</td><td class="lm-n">1</td><td class="lm-nw">x</td></tr>',
      '<tr class="lm-chg"><td class="lm-n">2</td><td class="lm-o"><del>a b c.</del></td><td class="lm-n">2</td><td class="lm-nw"><ins>a</ins></td></tr>',
      '<tr class="lm-chg"><td class="lm-n"></td><td class="lm-o lm-empty"></td><td class="lm-n">3</td><td class="lm-nw"><ins>b</ins></td></tr>',
      '<tr class="lm-chg"><td class="lm-n"></td><td class="lm-o lm-empty"></td><td class="lm-n">4</td><td class="lm-nw"><ins>c!</ins></td></tr>',
    ]);
  });
});

describe('formatHtml: a self-contained page', () => {
  const page = formatHtml(result, meta);

  it('is a whole document with the style sheet inline', () => {
    assert.ok(page.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'));
    assert.ok(page.includes(`<style>\n${HTML_DIFF_CSS}\n</style>`));
    assert.ok(page.includes(`<body>\n${formatHtmlFragment(result, meta)}\n</body>\n</html>\n`));
    assert.match(page, /<title>Changes to Draft &lt;b&gt;ITRs&lt;\/b&gt; &amp; &quot;more&quot;: 2012-12-03 → 2012-12-07<\/title>/);
    assert.match(page, /<meta name="generator" content="leakmirror 0.1.0">/);
  });

  it('runs no script and loads nothing: CSP, no src, no links, no remote CSS', () => {
    assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
    assert.doesNotMatch(page, /<script/i);
    assert.doesNotMatch(page, /\bsrc=/i);
    assert.doesNotMatch(page, /href=/i);
    assert.doesNotMatch(page, /url\(|@import/i);
    // The document's own URL is shown as text only.
    assert.equal(page.match(/https?:/g)?.length, 1);
    assert.match(page, /<p class="lm-url">https:\/\/example\.org\/td-64\.pdf\?a=1&amp;b=2<\/p>/);
  });

  it('escapes everything from the document, the commit and the rules', () => {
    const hostile = '<script>alert("x")</script> & \' <img src=x onerror=alert(1)> \u0000\u0007\u007f';
    const r = diffTexts(`${hostile}\n`, `${hostile} changed\n`, { mode: 'word', ignore: { patterns: ['<b>'] } });
    const html = formatHtml(r, {
      id: 'a/<b>',
      title: hostile,
      url: `javascript:${hostile}`,
      from: { commit: '"><script>', date: '<date>' },
      to: { commit: "'onload='", date: '&' },
      generator: hostile,
      layout: 'side-by-side',
    });
    const withoutStyle = html.replace(/<style>[\s\S]*<\/style>/, '');
    assert.doesNotMatch(withoutStyle, /<script|<img|<b>|<date>|="><|'onload='/);
    // eslint-disable-next-line no-control-regex -- control characters are what must not be there
    assert.doesNotMatch(withoutStyle, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    assert.match(withoutStyle, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39; &lt;img src=x onerror=alert\(1\)&gt; ␀␇␡/);
    // Attribute values cannot be broken out of either.
    for (const match of withoutStyle.matchAll(/="([^"]*)"/g)) assert.doesNotMatch(match[1] ?? '', /[<>]/);
  });

  it('escapeHtml', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(escapeHtml('tab\tand\nnewline kept, \u0001 shown'), 'tab\tand\nnewline kept, ␁ shown');
  });
});

describe('formatText: char mode exact output', () => {
  it('header, hunk header with page and heading, character changes', () => {
    assert.equal(
      formatText(result, { painter: plainPainter, header: 'drafts/td-64: a → b' }),
      [
        'drafts/td-64: a → b',
        '@@ -2,3 +2,4 @@ page 3, Article 12 <Scope>',
        'Article 12 <Scope>',
        `Member States [-shall-]{+may+} notify "the" Commission & others{+ <script>alert('x')</script>+}.`,
        'within [-9-]{+3+}0 days{+.+}',
        '{+A new line+}.',
        '',
      ].join('\n'),
    );
  });
});
