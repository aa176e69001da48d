import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignIds, isSafeId, sanitizeSegment, slugFromUrl } from '../src/store/ids.js';

describe('sanitizeSegment', () => {
  const cases: Array<[string, string]> = [
    ['Draft ITRs.pdf', 'draft-itrs.pdf'],
    ['../../etc/passwd', 'etc-passwd'],
    ['..', ''],
    ['/absolute/path', 'absolute-path'],
    ['nul', '_nul'],
    ['CON.txt', '_con.txt'],
    ['a\u0000b', 'a-b'],
    ['Réglement%20des%20télécoms', 'reglement-des-telecoms'],
    ['%E2%80%AE%2e%2e', ''],
    ['x'.repeat(300), 'x'.repeat(80)],
    ['C:\\Windows\\system32', 'c-windows-system32'],
    ['...hidden', 'hidden'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input.slice(0, 40))} -> ${JSON.stringify(expected.slice(0, 40))}`, () => {
      const slug = sanitizeSegment(input);
      assert.equal(slug, expected);
      assert.ok(!slug.includes('/') && !slug.includes('\\') && !slug.includes('..'));
    });
  }
});

describe('slugFromUrl', () => {
  const cases: Array<[string, string]> = [
    ['https://example.org/docs/draft-itrs-td64.pdf', 'draft-itrs-td64'],
    ['https://example.org/docs/', 'docs'],
    ['https://example.org/', 'example.org'],
    ['https://example.org/wcit/index.html', 'wcit'],
    ['https://example.org/view.php?id=12&lang=en', 'view-id-12-lang-en'],
    ['https://example.org/%2e%2e/%2e%2e/secret', 'secret'],
  ];
  for (const [url, expected] of cases) {
    it(`${url} -> ${expected}`, () => assert.equal(slugFromUrl(url), expected));
  }
});

describe('assignIds', () => {
  it('keeps existing ids, resolves collisions by URL hash, independent of order', () => {
    const urls = ['https://a.org/x/doc.pdf', 'https://a.org/y/doc.pdf', 'https://a.org/doc.html'];
    const first = assignIds('s', urls, new Map(), new Set(), { single: false });
    const reversed = assignIds('s', [...urls].reverse(), new Map(), new Set(), { single: false });
    assert.deepEqual([...first.entries()].sort(), [...reversed.entries()].sort());
    const ids = [...first.values()];
    assert.equal(new Set(ids).size, 3);
    assert.ok(ids.every(isSafeId));
    // An existing id is never renamed, even if a new URL would now want the same slug.
    const existing = new Map([['https://a.org/z/doc.pdf', 's/doc']]);
    const next = assignIds('s', ['https://a.org/z/doc.pdf', ...urls], existing, new Set(['s/doc']), { single: false });
    assert.equal(next.get('https://a.org/z/doc.pdf'), 's/doc');
    assert.notEqual(next.get('https://a.org/x/doc.pdf'), 's/doc');
  });

  it('uses the source name for a single-document source', () => {
    const ids = assignIds('letter', ['https://a.org/l.html'], new Map(), new Set(), { single: true });
    assert.equal(ids.get('https://a.org/l.html'), 'letter');
  });
});

describe('isSafeId', () => {
  for (const id of ['', '..', 'a/../b', '/a', 'a//b', 'A', 'a/.b', 'a\\b', 'a\u0000']) {
    it(`rejects ${JSON.stringify(id)}`, () => assert.equal(isSafeId(id), false));
  }
  for (const id of ['a', 'src/doc-1.2', 'letter']) {
    it(`accepts ${id}`, () => assert.equal(isSafeId(id), true));
  }
});
