// Labelled version pairs from the real corpus (Open Terms Archive captures, the ITRs 1988 treaty
// text): markup-only changes must give the same normalized text (or differ only in whitespace), real
// changes must show. Then noise pairs built from a real page (an IETF draft) with volatile content
// injected (volatile.ts): no content change and, for markup noise, no technical one either.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { extract } from '../src/extract/index.js';
import { normalizeText } from '../src/extract/normalize.js';
import type { VolatileOptions } from '../src/extract/types.js';

const dir = new URL('../../test/fixtures/real/versions/', import.meta.url);

async function textOf(file: string): Promise<string> {
  const bytes = new Uint8Array(readFileSync(new URL(file, dir)));
  // The ITRs Markdown opens with a `<meta>` tag: unlabelled, it would be read as an HTML fragment.
  const contentType = file.endsWith('.md') ? 'text/markdown; charset=utf-8' : undefined;
  return normalizeText((await extract({ bytes, contentType, url: `https://example.org/${file}` })).text);
}

const withoutWhitespace = (text: string): string => text.replace(/\s+/g, '');

const NOISE: [string, string, 'same' | 'whitespace'][] = [
  ['disonsdemain-privacy-policy-fr/v2_2022-08-26_9e5767215e.html', 'disonsdemain-privacy-policy-fr/v3_2022-11-21_9b0e836ae6.html', 'same'],
  ['match-uk-terms-en/v2_2022-02-17_f46ad89fed.html', 'match-uk-terms-en/v3_2022-03-23_a06a74942f.html', 'same'],
];

const REAL: [string, string, string][] = [
  ['disonsdemain-privacy-policy-fr/v1_2022-03-25_5fa8eaf5be.html', 'disonsdemain-privacy-policy-fr/v2_2022-08-26_9e5767215e.html', 'Délégué à la protection des données'],
  ['disonsdemain-privacy-policy-fr/v3_2022-11-21_9b0e836ae6.html', 'disonsdemain-privacy-policy-fr/v4_2022-12-12_f5ab15abad.html', '13/12/2022'],
  ['match-uk-terms-en/v1_2022-02-10_31e769af88.html', 'match-uk-terms-en/v2_2022-02-17_f46ad89fed.html', ''],
  ['match-uk-terms-en/v3_2022-03-23_a06a74942f.html', 'match-uk-terms-en/v4_2022-04-01_15f0c8d804.html', ''],
];

describe('markup-only version pairs give the same text', () => {
  for (const [before, after, expected] of NOISE) {
    it(`${before} → ${after}: ${expected}`, async () => {
      const [a, b] = [await textOf(before), await textOf(after)];
      if (expected === 'same') assert.equal(b, a);
      else assert.equal(withoutWhitespace(b), withoutWhitespace(a));
    });
  }
});

describe('real-change version pairs differ', () => {
  for (const [before, after, added] of REAL) {
    it(`${before} → ${after}`, async () => {
      const [a, b] = [await textOf(before), await textOf(after)];
      assert.notEqual(b, a);
      assert.notEqual(withoutWhitespace(b), withoutWhitespace(a));
      if (added !== '') {
        assert.ok(b.includes(added), `the new text has ${added}`);
        assert.ok(!a.includes(added), `the old text has not ${added}`);
      }
    });
  }
});

// The ITRs 1988 in Markdown, v1 (1991) → v2 (2012): besides whitespace, each of the 62 footnotes
// `<sup>*or recognized private operating agency(ies)</sup>` moved (v1 piles them at the end of the
// paragraph, v2 puts each after the word it qualifies) and one phrase became a link. A mirror keeps
// Markdown as it is (text.ts): the footnote text is the treaty's, and where it stands changes how a
// sentence reads; a link target is content; and stripping emphasis `*...*` would eat this document's
// own `*` footnote markers. So the pair is labelled a real change, and this test pins down that
// nothing else changed.
describe('Markdown is mirrored as written: the ITRs pair is a real change (footnotes moved)', () => {
  const before = 'itrs-1988-dutch-treaty-db/v1_1991-10-17.md';
  const after = 'itrs-1988-dutch-treaty-db/v2_2012-10-24.md';
  it(`${before} → ${after}`, async () => {
    const [a, b] = [await textOf(before), await textOf(after)];
    assert.notEqual(withoutWhitespace(b), withoutWhitespace(a), 'the moved footnotes show');
    assert.ok(a.includes('administrations . <sup> * or recognized private operating agency(ies) </sup>'), 'the Markdown source is kept');
    assert.ok(b.includes('[United Nations Charter]('), 'the link markup is kept');
    const footnotesAndLinkTargetsOut = (text: string) => withoutWhitespace(text.replace(/<sup>[\s\S]*?<\/sup>/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    assert.equal(footnotesAndLinkTargetsOut(b), footnotesAndLinkTargetsOut(a), 'only whitespace, footnote places and one link differ');
  });
});

// Volatile content injected into a real page, the IETF draft draft-dejong-remotestorage-04 as
// served by tools.ietf.org (test/fixtures/real/html/misc): each pair is two fetches of the same
// document. `markup`: the noise is in the markup only (stableSha256 equal, so sync records nothing);
// `text`: the noise is in the text (the text is the same after the filters).
const PAGE = readFileSync(new URL('../../test/fixtures/real/html/misc/ietf-draft-remotestorage-04.html', import.meta.url), 'utf8');

function page(edit: { head?: string; bodyStart?: string; href?: (href: string) => string; replace?: [string, string] }): Uint8Array {
  let html = PAGE.replace('</head>', `${edit.head ?? ''}</head>`).replace('<body onload="addHeaderTags()">', `<body onload="addHeaderTags()">${edit.bodyStart ?? ''}`);
  const href = edit.href;
  if (href !== undefined) html = html.replace(/href="(https?:[^"#]*|\/[^"#]*)"/g, (_all, url: string) => `href="${href(url)}"`);
  if (edit.replace !== undefined) html = html.replace(...edit.replace);
  return new Uint8Array(Buffer.from(html, 'utf8'));
}

const hidden = (token: string) => `<meta name="csrf-token" content="${token}" /><script nonce="${token}">window.csrf = {"csrfToken": "${token}"};</script>`;
const form = (token: string) => `<form action="/comment" method="post"><input type="hidden" name="csrf_token" value="${token}" /><input type="hidden" name="__RequestVerificationToken" value="${token}" /></form>`;
const withParam = (url: string, param: string) => `${url}${url.includes('?') ? '&amp;' : '?'}${param}`;
const withSession = (url: string, id: string) => (url.startsWith('/') ? url.replace(/^([^?]*)/, `$1;jsessionid=${id}`) : withParam(url, `PHPSESSID=${id}`));

const INJECTED_NOISE: Array<{ name: string; kind: 'markup' | 'text'; a: Uint8Array; b: Uint8Array; volatile?: VolatileOptions }> = [
  { name: 'CSRF token (meta, script nonce, hidden fields)', kind: 'markup', a: page({ head: hidden('q1w2e3r4'), bodyStart: form('q1w2e3r4') }), b: page({ head: hidden('Z9x8C7v6'), bodyStart: form('Z9x8C7v6') }) },
  {
    name: 'tracking parameters on every link',
    kind: 'markup',
    a: page({ href: (url) => withParam(url, 'utm_source=newsletter&amp;utm_campaign=1201&amp;fbclid=IwAR0abc') }),
    b: page({ href: (url) => withParam(url, 'utm_source=twitter&amp;utm_campaign=1202&amp;gclid=Cj0KCQ') }),
  },
  { name: 'session id in every link', kind: 'markup', a: page({ href: (url) => withSession(url, 'A1B2C3D4E5') }), b: page({ href: (url) => withSession(url, 'F6E7D8C9B0') }) },
  { name: 'relative date', kind: 'text', a: page({ bodyStart: '<p class="stamp">Updated 3 hours ago</p>' }), b: page({ bodyStart: '<p class="stamp">Updated 5 hours ago</p>' }) },
  {
    name: 'a "Last updated" line with a dropLines rule',
    kind: 'text',
    a: page({ bodyStart: '<p>Last updated: 2026-12-03 10:32 UTC</p>' }),
    b: page({ bodyStart: '<p>Last updated: 2026-12-04 08:15 UTC</p>' }),
    volatile: { dropLines: ['^Last updated: '] },
  },
];

async function extractionOf(bytes: Uint8Array, volatile?: VolatileOptions) {
  const extraction = await extract({ bytes, contentType: 'text/html', url: 'https://tools.ietf.org/html/draft-dejong-remotestorage-04', volatile });
  return { text: normalizeText(extraction.text), stableSha256: extraction.stableSha256 };
}

describe('volatile noise injected into a real page gives no change', () => {
  for (const { name, kind, a, b, volatile } of INJECTED_NOISE) {
    it(`${name} (${kind})`, async () => {
      assert.notDeepEqual(a, b);
      const [x, y] = [await extractionOf(a, volatile), await extractionOf(b, volatile)];
      assert.ok(x.text.includes('remoteStorage'), 'the page text is there');
      assert.equal(y.text, x.text, 'no content change');
      assert.equal(y.stableSha256, x.stableSha256, 'no technical change either');
    });
  }

  it('the same noise with the filters off does show', async () => {
    const relative = INJECTED_NOISE.find((pair) => pair.name === 'relative date');
    const csrf = INJECTED_NOISE[0];
    assert.ok(relative !== undefined && csrf !== undefined);
    assert.notEqual((await extractionOf(relative.b, { relativeDates: false })).text, (await extractionOf(relative.a, { relativeDates: false })).text);
    const off = { tokens: false, relativeDates: false };
    assert.notEqual((await extractionOf(csrf.b, off)).stableSha256 ?? 'b', (await extractionOf(csrf.a, off)).stableSha256 ?? 'a');
  });
});

describe('real changes to the same page still show', () => {
  const base = page({ head: hidden('q1w2e3r4'), bodyStart: '<p>Updated 3 hours ago</p>' });
  it('an edited sentence is a content change, even with new noise around it', async () => {
    const edited = page({ head: hidden('Z9x8C7v6'), bodyStart: '<p>Updated 4 hours ago</p>', replace: ['to this document.  Code Components extracted from this document must', 'to this document.  Code Components extracted from this document shall'] });
    const [x, y] = [await extractionOf(base), await extractionOf(edited)];
    assert.notEqual(y.text, x.text);
    assert.ok(y.text.includes('extracted from this document shall') && !x.text.includes('extracted from this document shall'));
  });
  it('a changed link target is a technical change (same text, another fingerprint)', async () => {
    const relinked = page({ head: hidden('q1w2e3r4'), bodyStart: '<p>Updated 3 hours ago</p>', replace: ['href="http://tools.ietf.org/html/rfc7233"', 'href="http://tools.ietf.org/html/rfc9110"'] });
    const [x, y] = [await extractionOf(base), await extractionOf(relinked)];
    assert.equal(y.text, x.text);
    assert.notEqual(y.stableSha256, x.stableSha256);
  });
});
