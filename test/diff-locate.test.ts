// Page and heading of each hunk, found by looking up from the hunk (not by scanning the document),
// agree with the definition: the nearest page marker at or before the first change, and the nearest
// heading strictly above it, on the side where the change is visible. Seeded random documents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffTexts, headingOf, pageMarkerOf, splitLines } from '../src/diff/index.js';
import { mulberry32 as prng } from './helpers/random.js';


describe('hunk page and heading', () => {
  it('match the definition on random documents and edits', () => {
    const rnd = prng(1203);
    let page = 0;
    let article = 0;
    const line = (): string => {
      const r = rnd();
      if (r < 0.08) return `--- page ${++page} ---`;
      if (r < 0.16) return `Article ${++article} Scope`;
      if (r < 0.2) return '  Section 2';
      return ['text', 'more text', 'the fee', '', '12 francs.'][Math.floor(rnd() * 5)] as string;
    };
    for (let k = 0; k < 400; k++) {
      page = 0;
      article = 0;
      const oldLines = Array.from({ length: 5 + Math.floor(rnd() * 60) }, line);
      const newLines = [...oldLines];
      for (let e = 1 + Math.floor(rnd() * 5); e > 0; e--) {
        const at = Math.floor(rnd() * (newLines.length + 1));
        if (rnd() < 0.5) newLines.splice(at, 1 + Math.floor(rnd() * 2));
        else newLines.splice(at, 0, `inserted ${e}`, ...(rnd() < 0.3 ? [`--- page ${90 + e} ---`, `Article ${90 + e}`] : []));
      }
      const oldText = oldLines.join('\n') + '\n';
      const newText = newLines.join('\n') + '\n';
      const a = splitLines(oldText).lines;
      const b = splitLines(newText).lines;
      const r = diffTexts(oldText, newText, { mode: 'line', context: Math.floor(rnd() * 3) });
      for (const h of r.hunks) {
        // Where the first change is, on the side where it is visible.
        let oi = h.oldStart - (h.oldLines > 0 ? 1 : 0);
        let ni = h.newStart - (h.newLines > 0 ? 1 : 0);
        let side: readonly string[] = a;
        let at = 0;
        for (const l of h.lines) {
          if (l.op === 'context') {
            oi++;
            ni++;
            continue;
          }
          [side, at] = l.op === 'removed' ? [a, oi] : [b, ni];
          break;
        }
        let expectedPage: number | undefined;
        for (let i = at; i >= 0 && expectedPage === undefined; i--) expectedPage = pageMarkerOf(side[i] as string);
        let expectedHeading: string | undefined;
        for (let i = at - 1; i >= 0 && expectedHeading === undefined; i--) if (pageMarkerOf(side[i] as string) === undefined) expectedHeading = headingOf(side[i] as string);
        assert.equal(h.page, expectedPage, `page, case ${k}`);
        assert.equal(h.heading, expectedHeading, `heading, case ${k}`);
      }
    }
  });
});
