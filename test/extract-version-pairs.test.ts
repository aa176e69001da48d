// Labelled version pairs from the real corpus (Open Terms Archive captures, the ITRs 1988 treaty
// text): markup-only changes must give the same normalized text (or differ only in whitespace), real
// changes must show.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { extract } from '../src/extract/index.js';
import { normalizeText } from '../src/extract/normalize.js';

const dir = new URL('../../test/fixtures/real/versions/', import.meta.url);

async function textOf(file: string): Promise<string> {
  const bytes = new Uint8Array(readFileSync(new URL(file, dir)));
  return normalizeText((await extract({ bytes, url: `https://example.org/${file}` })).text);
}

const withoutWhitespace = (text: string): string => text.replace(/\s+/g, '');

const NOISE: [string, string, 'same' | 'whitespace'][] = [
  ['disonsdemain-privacy-policy-fr/v2_2022-08-26_9e5767215e.html', 'disonsdemain-privacy-policy-fr/v3_2022-11-21_9b0e836ae6.html', 'same'],
  ['match-uk-terms-en/v2_2022-02-17_f46ad89fed.html', 'match-uk-terms-en/v3_2022-03-23_a06a74942f.html', 'same'],
  ['itrs-1988-dutch-treaty-db/v1_1991-10-17.md', 'itrs-1988-dutch-treaty-db/v2_2012-10-24.md', 'whitespace'],
];

const REAL: [string, string, string][] = [
  ['disonsdemain-privacy-policy-fr/v1_2022-03-25_5fa8eaf5be.html', 'disonsdemain-privacy-policy-fr/v2_2022-08-26_9e5767215e.html', 'Délégué à la protection des données'],
  ['disonsdemain-privacy-policy-fr/v3_2022-11-21_9b0e836ae6.html', 'disonsdemain-privacy-policy-fr/v4_2022-12-12_f5ab15abad.html', '13/12/2022'],
  ['match-uk-terms-en/v1_2022-02-10_31e769af88.html', 'match-uk-terms-en/v2_2022-02-17_f46ad89fed.html', ''],
  ['match-uk-terms-en/v3_2022-03-23_a06a74942f.html', 'match-uk-terms-en/v4_2022-04-01_15f0c8d804.html', ''],
];

describe('markup-only version pairs give the same text', () => {
  for (const [before, after, expected] of NOISE) {
    // Markdown passes through as raw text, and v1→v2 of the ITRs also moves `<sup>*</sup>` footnote
    // markers and a link's markup: not whitespace only until Markdown is rendered to text.
    const todo = before.endsWith('.md') ? 'Markdown is passed through raw (footnote markup moved)' : undefined;
    it(`${before} → ${after}: ${expected}`, { todo }, async () => {
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
