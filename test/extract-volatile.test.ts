import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { extract, withVolatileFiltered } from '../src/extract/index.js';
import { applyVolatileText, dropLines, maskVolatileMarkup, RELATIVE_DATE, replaceRelativeDates, stableSha256 } from '../src/extract/volatile.js';

const R = RELATIVE_DATE;
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

describe('replaceRelativeDates', () => {
  const replaced: Array<[string, string]> = [
    ['3 hours ago', R],
    ['Posted 2 days ago by Ann', `Posted ${R} by Ann`],
    ['Ann · 2 days ago · 3 replies', `Ann · ${R} · 3 replies`],
    ['(5 min ago)', `(${R})`],
    ['Reply – 12 hours ago', `Reply – ${R}`],
    ['Answered 3 hours ago.', `Answered ${R}.`],
    ['a minute ago', R],
    ['an hour ago', R],
    ['Updated 5 min ago', `Updated ${R}`],
    ['Updated 5 mins ago.', `Updated ${R}.`],
    ['edited 1 hour, 5 minutes ago', `edited ${R}`],
    ['2 days and 3 hours ago', R],
    ['less than a minute ago', R],
    ['about 3 hours ago', R],
    ['a few seconds ago', R],
    ['twelve weeks ago', R],
    ['Last seen 5m ago · 3h ago · 2d ago', `Last seen ${R} · ${R} · ${R}`],
    ['3\u00A0HOURS AGO', R],
    ['10 years ago', R],
    ['Updated yesterday', `Updated ${R}`],
    ['Posted just now', `Posted ${R}`],
    ['Last updated: today at 9:15 am', `Last updated: ${R}`],
    ['yesterday at 14:02', R],
    ['Comment by Bo, Yesterday, 14:02', `Comment by Bo, ${R}`],
    ['just now', R],
    ['(Yesterday)', `(${R})`],
    ['Mis à jour il y a 3 heures', `Mis à jour ${R}`],
    ['publié il y a deux jours.', `publié ${R}.`],
    ['Aktualisiert vor 5 Minuten', `Aktualisiert ${R}`],
    ['vor 2 Tagen', R],
    // Words the first scan no longer stops at, before a phrase on the same line:
    ['Santiago office · updated 3 hours ago', `Santiago office · updated ${R}`],
    ['In favor of the draft, Chicago, 2 days ago', `In favor of the draft, Chicago, ${R}`],
    ['Favor · vor 2 Tagen', `Favor · ${R}`],
    ['Line one\n3 hours ago', `Line one\n${R}`],
  ];
  for (const [input, expected] of replaced) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => {
      assert.equal(replaceRelativeDates(input), expected);
      assert.equal(replaceRelativeDates(expected), expected, 'idempotent');
    });
  }

  const untouched = [
    'Long ago, in a galaxy far away.',
    'Many years ago the treaty was signed.',
    'Payment is due in 3 days.',
    'Published on 3 December 2026 at 10:32.',
    '2026-12-03T10:32:00Z',
    'Yesterday I learned that the committee met today.',
    'Today',
    'He said it just now and then left.',
    'agora, sagoa, 3 hoursago',
    'Article 3 days: the notice period.',
    'Il y a 3 jours fériés par an.',
    'il y a deux ans de préavis',
    'vor 3 Uhr',
    'A 5 mb file',
    // Pride and Prejudice (test/fixtures/real: the Gutenberg editions), where "ago" is prose:
    '"About a month ago I received this letter; and about a fortnight',
    '"My excellent father died about five years ago; and his',
    'half an hour ago."',
    'yesterday."',
    'looking back to what they had feared, only two hours ago, she',
    'nature reached me two days ago. I was told that not only your',
    'The meeting took place 3 days ago in Geneva.',
    'Santiago, Chicago and Tobago; in favor of flavor 2 Tagen',
    'Updated 3 hours\nago',
  ];
  for (const input of untouched) {
    it(`leaves ${JSON.stringify(input)} alone`, () => assert.equal(replaceRelativeDates(input), input));
  }

  it('changes no line of the real documents in test/fixtures/real (HTML, Markdown, text)', async () => {
    const root = new URL('../../test/fixtures/real/', import.meta.url);
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => /\.(html?|md|txt)$/.test(file));
    assert.ok(files.length >= 15, `${files.length} files`);
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(new URL(file, root)));
      const extraction = await extract({ bytes, url: `https://example.org/${file}`, volatile: { relativeDates: false } }).catch(() => undefined);
      if (extraction === undefined) continue; // the deliberately broken ones
      assert.equal(replaceRelativeDates(extraction.text), extraction.text, file);
    }
  });

  it('gives what each line gives on its own (seeded: hints next to line breaks, words that contain a hint)', () => {
    const parts = ['ago', ' ago', 'Santiago', '\n', '\nago', ' ', '\u00A0', '3', 'hours', 'vor', 'favor', ' vor ', 'Tagen', 'il y a', 'heures', 'yesterday', 'Today', 'just now', 'at', '14:02', 'Updated', '·', ',', '(', ')', 'by', 'Ann'];
    let seed = 20261204;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      let text = '';
      for (let k = 1 + next(16); k > 0; k--) text += (parts[next(parts.length)] ?? '') + (next(3) === 0 ? ' ' : '');
      const lineByLine = text
        .split('\n')
        .map((line) => replaceRelativeDates(line))
        .join('\n');
      assert.equal(replaceRelativeDates(text), lineByLine, JSON.stringify(text));
    }
  });

  it('works line by line and keeps the other lines', () => {
    assert.equal(replaceRelativeDates('Title\nUpdated 3 hours ago\n\nBody text.\n'), `Title\nUpdated ${R}\n\nBody text.\n`);
  });
});

describe('dropLines', () => {
  it('removes the matching lines of the normalized text, and the blank line they leave', () => {
    const text = 'Terms\n\nLast updated: 3 December 2026\n\nSection 1.\nPrinted on 2026-12-03\u00A0 \n';
    assert.equal(dropLines(text, ['^Last updated:', '^Printed on \\d{4}-\\d{2}-\\d{2}$']), 'Terms\n\nSection 1.\n');
  });
  it('keeps everything without patterns and is idempotent', () => {
    const text = 'a\n\nb\n';
    assert.equal(dropLines(text, []), text);
    const once = dropLines('x\nGenerated at 10:00\ny\n', ['^Generated at']);
    assert.equal(once, 'x\ny\n');
    assert.equal(dropLines(once, ['^Generated at']), once);
  });
  it('uses the u flag (Unicode classes work)', () => {
    assert.equal(dropLines('Übersicht\nStand: 3.12.2026\n', ['^\\p{Lu}tand:']), 'Übersicht\n');
  });
});

describe('applyVolatileText', () => {
  const text = 'Updated 3 hours ago\nPrinted on 2026-12-03\nBody\n';
  it('replaces relative dates by default and drops configured lines', () => {
    assert.equal(applyVolatileText(text, undefined), `Updated ${R}\nPrinted on 2026-12-03\nBody\n`);
    assert.equal(applyVolatileText(text, { dropLines: ['^Printed on'] }), `Updated ${R}\nBody\n`);
  });
  it('relativeDates: false keeps them; a dropLines pattern can still remove the line', () => {
    assert.equal(applyVolatileText(text, { relativeDates: false }), text);
    assert.equal(applyVolatileText(text, { relativeDates: false, dropLines: ['ago$'] }), 'Printed on 2026-12-03\nBody\n');
  });
});

describe('extract() applies the text filters to every kind', () => {
  it('HTML', async () => {
    const html = '<main><h1>News</h1><p>Updated 3 hours ago</p><p>Printed on 3 Dec</p><p>Body.</p></main>';
    const extraction = await extract({ bytes: bytes(html), contentType: 'text/html', url: 'https://example.org/', volatile: { dropLines: ['^Printed on'] } });
    assert.equal(extraction.text, `News\n\nUpdated ${R}\n\nBody.\n`);
  });
  it('plain text', async () => {
    const extraction = await extract({ bytes: bytes('Status: updated 2 days ago\nGenerated at 10:00\nok\n'), contentType: 'text/plain', url: 'https://example.org/a.txt', volatile: { dropLines: ['^Generated at'] } });
    assert.equal(extraction.text, `Status: updated ${R}\nok\n`);
  });
  it('withVolatileFiltered (for extractions made elsewhere, like the PDF pool) is idempotent and leaves other statuses alone', () => {
    const pdf = { kind: 'pdf' as const, status: 'text' as const, text: '--- page 1 ---\nPrinted 2026-12-03\nUpdated 3 hours ago\n', extractor: 'x', mediaType: 'application/pdf' };
    const once = withVolatileFiltered(pdf, { dropLines: ['^Printed '] });
    assert.equal(once.text, `--- page 1 ---\nUpdated ${R}\n`);
    assert.equal(withVolatileFiltered(once, { dropLines: ['^Printed '] }), once, 'unchanged: the same object');
    const scanned = { ...pdf, status: 'needs-ocr' as const, text: '' };
    assert.equal(withVolatileFiltered(scanned, undefined), scanned);
  });

  it('relativeDates: false', async () => {
    const extraction = await extract({ bytes: bytes('<p>5 minutes ago</p>'), contentType: 'text/html', url: 'https://example.org/', volatile: { relativeDates: false } });
    assert.equal(extraction.text, '5 minutes ago\n');
  });
});

describe('maskVolatileMarkup and stableSha256', () => {
  // Each pair differs only in volatile markup: same fingerprint.
  const noise: Array<[string, string, string]> = [
    ['hidden CSRF field', '<form><input type="hidden" name="csrf_token" value="a1b2c3"><input name=q></form>', '<form><input type="hidden" name="csrf_token" value="zz99yy"><input name=q></form>'],
    ['unquoted hidden field', '<input type=hidden name=authenticity_token value=AAA>', '<input type=hidden name=authenticity_token value=BBB>'],
    ['ASP.NET view state', '<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUK1" />', '<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUK2" />'],
    ['meta csrf-token', '<meta name="csrf-token" content="abc">', '<meta name="csrf-token" content="def">'],
    ['script nonce', '<script nonce="r4nd0m">x()</script>', '<script nonce="0th3r">x()</script>'],
    ['token in inline JSON', '<script>var s = {"csrfToken":"abc123","x":1};</script>', '<script>var s = {"csrfToken":"zzz999","x":1};</script>'],
    ['data-csrf attribute', '<div data-csrf="1"></div>', '<div data-csrf="2"></div>'],
    ['jsessionid path parameter', '<a href="/doc;jsessionid=ABC123?id=4">d</a>', '<a href="/doc;jsessionid=XYZ789?id=4">d</a>'],
    ['PHPSESSID query parameter', '<a href="/doc.php?PHPSESSID=abc&amp;id=4">d</a>', '<a href="/doc.php?PHPSESSID=def&amp;id=4">d</a>'],
    ['sid query parameter', '<a href="/x?sid=111&p=2">d</a>', '<a href="/x?sid=222&p=2">d</a>'],
    ['utm parameters', '<a href="/a?utm_source=x&utm_medium=y">a</a>', '<a href="/a?utm_source=z&utm_medium=w">a</a>'],
    ['fbclid and gclid', '<a href="/a?fbclid=1&gclid=2">a</a>', '<a href="/a?fbclid=3&gclid=4">a</a>'],
    ['asset ?v= cache-buster', '<link rel=stylesheet href="/s.css?v=123">', '<link rel=stylesheet href="/s.css?v=124">'],
    ['asset ?ver=', '<script src="/wp/app.js?ver=6.4.1"></script>', '<script src="/wp/app.js?ver=6.4.2"></script>'],
    ['hashed asset name', '<script src="/main.3f2a9c1b.js"></script>', '<script src="/main.77aa00ff.js"></script>'],
    ['Cloudflare e-mail protection', '<a href="/cdn-cgi/l/email-protection#a1b2" data-cfemail="a1b2">x</a>', '<a href="/cdn-cgi/l/email-protection#c3d4" data-cfemail="c3d4">x</a>'],
    ['page-cache timing comment', '<p>x</p><!-- Dynamic page generated in 0.123 seconds. -->', '<p>x</p><!-- Dynamic page generated in 0.456 seconds. -->'],
  ];
  for (const [name, a, b] of noise) {
    it(`noise: ${name}`, () => {
      assert.notEqual(a, b);
      assert.equal(maskVolatileMarkup(a), maskVolatileMarkup(b));
      assert.equal(stableSha256(bytes(a)), stableSha256(bytes(b)));
    });
  }

  // Each pair differs in something that is not noise: different fingerprints.
  const real: Array<[string, string, string]> = [
    ['link target', '<a href="/report-2025.pdf">r</a>', '<a href="/report-2026.pdf">r</a>'],
    ['ordinary query parameter', '<a href="/x?id=4">d</a>', '<a href="/x?id=5">d</a>'],
    ['visible hidden-field value not named like a token', '<input type="hidden" name="doc_id" value="4">', '<input type="hidden" name="doc_id" value="5">'],
    ['meta description', '<meta name="description" content="Draft">', '<meta name="description" content="Final">'],
    ['page link ?v= is not a cache-buster', '<a href="/page?v=1">p</a>', '<a href="/page?v=2">p</a>'],
    ['dated data file', '<a href="/data-20240101.json">d</a>', '<a href="/data-20250101.json">d</a>'],
    ['ordinary comment', '<!-- draft: remove before publishing -->', '<!-- final -->'],
    ['jsessionid does not swallow the query', '<a href="/doc;jsessionid=A?id=4">d</a>', '<a href="/doc;jsessionid=A?id=5">d</a>'],
  ];
  for (const [name, a, b] of real) {
    it(`not noise: ${name}`, () => assert.notEqual(stableSha256(bytes(a)), stableSha256(bytes(b))));
  }

  it('with the bytes\' own sha256 given: the same answer, whether or not something was masked', () => {
    const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
    const pages = [
      ...noise.flatMap(([, a, b]) => [a, b]),
      ...real.flatMap(([, a, b]) => [a, b]),
      '<main><p>Body.</p><span>3 hours ago</span></main>',
      '<p>nothing volatile here</p>',
    ].map(bytes);
    pages.push(new Uint8Array([0x3c, 0x70, 0x3e, 0xe9, 0xe8, 0xff, 0x3c, 0x2f, 0x70, 0x3e]));
    let unchanged = 0;
    for (const page of pages) {
      for (const options of [undefined, { tokens: false }, { relativeDates: false }, { dropLines: ['^Body'] }]) {
        const known = sha(page);
        const computed = stableSha256(page, options);
        assert.equal(stableSha256(page, options, known), computed);
        if (computed === known) unchanged++;
      }
    }
    assert.ok(unchanged > 10, 'pages with nothing masked took the shortcut');
    // A wrong "known" hash is returned only when nothing was masked: it is never mixed into a masked page's.
    const masked = bytes('<input type=hidden name=_token value=abc>');
    assert.equal(stableSha256(masked, undefined, 'f'.repeat(64)), stableSha256(masked));
  });

  it('keeps the bytes of non-UTF-8 pages (latin1 round trip) and is deterministic', () => {
    const latin = new Uint8Array([0x3c, 0x70, 0x3e, 0xe9, 0xe8, 0xff, 0x3c, 0x2f, 0x70, 0x3e]);
    const other = new Uint8Array([0x3c, 0x70, 0x3e, 0xe9, 0xe8, 0xfe, 0x3c, 0x2f, 0x70, 0x3e]);
    assert.equal(stableSha256(latin), stableSha256(latin));
    assert.notEqual(stableSha256(latin), stableSha256(other));
  });

  it('masks relative dates and dropLines matches in the markup too (they make no technical version)', () => {
    const page = (stamp: string, ago: string) => bytes(`<main><p>Body.</p><p class=x>Last updated: ${stamp}</p><span>${ago}</span></main>`);
    const a = page('3 Dec 2026 10:00', '3 hours ago');
    const b = page('4&nbsp;Dec 2026 11:00', '4 hours ago');
    assert.notEqual(stableSha256(a), stableSha256(b), 'the stamp is not noise without a dropLines rule');
    assert.equal(stableSha256(a, { dropLines: ['^Last updated:'] }), stableSha256(b, { dropLines: ['^Last updated:'] }));
    assert.notEqual(stableSha256(a, { relativeDates: false, dropLines: ['^Last updated:'] }), stableSha256(b, { relativeDates: false, dropLines: ['^Last updated:'] }));
  });

  it('HTML extraction returns it, unless every filter is off', async () => {
    const input = { bytes: bytes('<p>Hi</p><input type=hidden name=_token value=abc>'), contentType: 'text/html', url: 'https://example.org/' };
    const on = await extract(input);
    assert.match(on.stableSha256 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(on.stableSha256, (await extract({ ...input, bytes: bytes('<p>Hi</p><input type=hidden name=_token value=xyz>') })).stableSha256);
    const tokensOff = { ...input, volatile: { tokens: false } };
    assert.notEqual((await extract(tokensOff)).stableSha256, (await extract({ ...tokensOff, bytes: bytes('<p>Hi</p><input type=hidden name=_token value=xyz>') })).stableSha256);
    assert.equal((await extract({ ...input, volatile: { tokens: false, relativeDates: false } })).stableSha256, undefined);
  });
});
