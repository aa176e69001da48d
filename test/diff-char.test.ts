// Char mode: characters inside short changed words, only where clearer than the word diff, bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countChars, diffTexts, formatText, plainPainter, refineChange, splitChars, CHAR_MAX, type DiffResult } from '../src/diff/index.js';

function plain(result: DiffResult): string {
  return formatText(result, { painter: plainPainter });
}

/** The hunk bodies only (no @@ lines), for compact expectations. */
function body(oldText: string, newText: string): string {
  return plain(diffTexts(oldText, newText, { mode: 'char', context: 0 }))
    .split('\n')
    .filter((line) => !line.startsWith('@@'))
    .join('\n');
}

describe('char mode: table', () => {
  const cases: Array<{ name: string; old: string; new: string; expected: string }> = [
    { name: 'a number inside a sentence', old: 'within 90 days\n', new: 'within 30 days\n', expected: 'within [-9-]{+3+}0 days\n' },
    { name: 'an ISO date', old: 'from 2012-12-03 on\n', new: 'from 2012-12-07 on\n', expected: 'from 2012-12-0[-3-]{+7+} on\n' },
    { name: 'a digit inserted', old: 'fee of 1,000 francs\n', new: 'fee of 10,000 francs\n', expected: 'fee of 1{+0+},000 francs\n' },
    { name: 'a suffix', old: 'Member States notify\n', new: 'Member States notified\n', expected: 'Member States notif[-y-]{+ied+}\n' },
    { name: 'unrelated words stay whole', old: 'States shall notify\n', new: 'States may notify\n', expected: 'States [-shall-]{+may+} notify\n' },
    { name: 'similar but mostly different words stay whole', old: 'it should be\n', new: 'it shall be\n', expected: 'it [-should-]{+shall+} be\n' },
    { name: 'Article numbers', old: 'Article 12 Scope\n', new: 'Article 13 Scope\n', expected: 'Article 1[-2-]{+3+} Scope\n' },
    { name: 'accents kept with their letter', old: 'le réglement\n', new: 'le règlement\n', expected: 'le r[-é-]{+è+}glement\n' },
    { name: 'Arabic (RTL) letters', old: 'المادة ١٢\n', new: 'المادة ١٣\n', expected: 'المادة ١[-٢-]{+٣+}\n' },
    { name: 'a whole inserted word is not refined', old: 'a b\n', new: 'a new b\n', expected: 'a {+new +}b\n' },
    { name: 'emoji sequences are one character', old: 'ok 👍🏽 1\n', new: 'ok 👍🏿 1\n', expected: 'ok [-👍🏽-]{+👍🏿+} 1\n' },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(body(c.old, c.new), c.expected));
  }
});

describe('char mode: stats and invariants', () => {
  it('added/removed count characters; words as in word mode', () => {
    const r = diffTexts('within 90 days of 2012-12-03.\n', 'within 30 days of 2012-12-07.\n', { mode: 'char' });
    const w = diffTexts('within 90 days of 2012-12-03.\n', 'within 30 days of 2012-12-07.\n', { mode: 'word' });
    assert.equal(r.mode, 'char');
    assert.equal(r.stats.added, 2);
    assert.equal(r.stats.removed, 2);
    assert.equal(r.stats.charsAdded, 2);
    assert.equal(r.stats.wordsAdded, w.stats.wordsAdded);
    assert.equal(r.stats.wordsRemoved, w.stats.wordsRemoved);
    assert.deepEqual(r.hunks.map((h) => h.lines), w.hunks.map((h) => h.lines));
  });

  it('equal + removed parts give the old text, equal + added the new text', () => {
    const old = 'Article 4\n4.2 reply within 90 days of receiving it, by 2012-12-03.\nend\n';
    const neu = 'Article 4\n4.2 reply within 30 days of receiving them, by 2012-12-07.\nend\n';
    const r = diffTexts(old, neu, { mode: 'char', context: Infinity });
    const hunk = r.hunks[0];
    assert.ok(hunk);
    assert.equal(hunk.parts.filter((p) => p.op !== 'added').map((p) => p.text).join(''), old);
    assert.equal(hunk.parts.filter((p) => p.op !== 'removed').map((p) => p.text).join(''), neu);
  });

  it('long changes are left at word level (bounded work)', () => {
    const long = 'x'.repeat(CHAR_MAX + 1);
    assert.equal(refineChange(long, `${long}y`, { remaining: 1e9 }), undefined);
    assert.equal(refineChange('90', '30', { remaining: 0 }), undefined);
    assert.deepEqual(refineChange('90', '30', { remaining: 1e9 }), [
      { op: 'removed', text: '9' },
      { op: 'added', text: '3' },
      { op: 'equal', text: '0' },
    ]);
  });

  it('a big document with many short edits stays fast and exact', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `Line ${i} pays ${i * 7} francs by 2012-12-${String((i % 28) + 1).padStart(2, '0')}.`);
    const edited = lines.map((line, i) => (i % 97 === 0 ? line.replace(/francs by (\d{4})/, 'francs by 2013') : line));
    const r = diffTexts(lines.join('\n') + '\n', edited.join('\n') + '\n', { mode: 'char', context: 0 });
    assert.equal(r.degraded, false);
    assert.equal(r.hunks.length, Math.ceil(20_000 / 97));
    assert.match(plain(r), /francs by 201\[-2-\]\{\+3\+\}-/);
  });

  it('splitChars and countChars', () => {
    assert.deepEqual(splitChars('e\u0301a\r\nb'), ['e\u0301', 'a', '\r\n', 'b']);
    assert.equal(countChars('a\nb\r\n𝐀'), 3);
  });
});
