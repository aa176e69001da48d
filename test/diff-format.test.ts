// formatText (exact strings with plainPainter; painter spans never cross a newline) and toJson.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffTexts, formatText, plainPainter, toJson, type Painter } from '../src/diff/index.js';

const oldDoc = [
  '--- page 3 ---',
  'Article 12',
  'Member States shall notify the Commission.',
  'The notification shall be made',
  'within three months.',
  'Other text.',
  '',
].join('\n');
const newDoc = [
  '--- page 3 ---',
  'Article 12',
  'Member States may notify the Commission.',
  'The notification shall be made',
  'within six months',
  'of the request.',
  'Other text.',
  '',
].join('\n');

describe('formatText', () => {
  it('word mode, plain painter: exact output', () => {
    const r = diffTexts(oldDoc, newDoc, { mode: 'word', context: 1 });
    assert.equal(
      formatText(r, { painter: plainPainter, header: 'eu-reg: v1 → v2' }),
      [
        'eu-reg: v1 → v2',
        '@@ -2,5 +2,6 @@ page 3, Article 12',
        'Article 12',
        'Member States [-shall-]{+may+} notify the Commission.',
        'The notification shall be made',
        // The final '.' is kept: it now ends the added line.
        'within [-three-]{+six+} months',
        '{+of the request+}.',
        'Other text.',
        '',
      ].join('\n'),
    );
  });

  it('line mode, plain painter: exact output', () => {
    const r = diffTexts(oldDoc, newDoc, { mode: 'line', context: 1 });
    assert.equal(
      formatText(r, { painter: plainPainter }),
      [
        '@@ -2,5 +2,6 @@ page 3, Article 12',
        ' Article 12',
        '-Member States shall notify the Commission.',
        '+Member States may notify the Commission.',
        ' The notification shall be made',
        '-within three months.',
        '+within six months',
        '+of the request.',
        ' Other text.',
        '',
      ].join('\n'),
    );
  });

  it('no trailing newline and removed-only lines', () => {
    const r = diffTexts('keep\nold line\nend', 'keep\nend\nmore', { mode: 'word', context: 0 });
    // 'end' without a newline and 'end' with one are different lines; the output gets a final '\n'.
    assert.equal(formatText(r, { painter: plainPainter }), '@@ -2,2 +2,2 @@\n[-old line-]\n[-end-]{+end+}\n{+more+}\n');
    const line = diffTexts('a\nb', 'a\nc', { mode: 'line' });
    assert.equal(formatText(line, { painter: plainPainter }), '@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n');
  });

  it('a change made only of line breaks is shown, not invisible', () => {
    const r = diffTexts('one two\n', 'one\ntwo\n', { mode: 'word' });
    const out = formatText(r, { painter: plainPainter });
    assert.equal(out, '@@ -1 +1,2 @@\none[- -]{+↵+}\ntwo\n');
  });

  it('no hunks: empty string', () => {
    assert.equal(formatText(diffTexts('x\n', 'x\n', { mode: 'word' }), { painter: plainPainter }), '');
  });

  it('painter spans never contain a newline (no colour bleed)', () => {
    const spans: string[] = [];
    const record = (tag: string) => (s: string): string => {
      spans.push(s);
      return `<${tag}>${s}</${tag}>`;
    };
    const painter: Painter = { added: record('a'), removed: record('r'), hunkHeader: record('h'), meta: record('m') };
    const old = 'p1 line one\nline two\n\nshared words here\nremoved para\nstill removed\n';
    const neu = 'p1 line uno\nline dos\nextra\n\nshared words there\n';
    for (const mode of ['word', 'line'] as const) {
      spans.length = 0;
      const out = formatText(diffTexts(old, neu, { mode }), { painter, header: 'h1\nh2' });
      assert.ok(spans.length > 0);
      for (const s of spans) assert.ok(!s.includes('\n'), `span ${JSON.stringify(s)} (${mode})`);
      // Every output line opens and closes its own spans.
      for (const line of out.split('\n')) {
        assert.equal((line.match(/<[arhm]>/g) ?? []).length, (line.match(/<\/[arhm]>/g) ?? []).length, line);
      }
    }
  });

  it('degraded results say so in a meta line', () => {
    const r = { ...diffTexts('a\n', 'b\n', { mode: 'line' }), degraded: true };
    assert.match(formatText(r, { painter: plainPainter }), /^\(input too large/);
  });
});

describe('toJson', () => {
  it('shape', () => {
    const r = diffTexts(oldDoc, newDoc, { mode: 'word' });
    const j = toJson(r, { id: 'eu-reg', from: 'abc123', to: 'def456' });
    assert.deepEqual(Object.keys(j), ['id', 'from', 'to', 'mode', 'degraded', 'stats', 'hunks']);
    assert.equal(j.mode, 'word');
    assert.deepEqual(j.stats, { added: 5, removed: 2, linesAdded: 3, linesRemoved: 2, wordsAdded: 5, wordsRemoved: 2, charsAdded: 20, charsRemoved: 10, oldWords: 20, newWords: 23, share: 0.1628 });
    const h = j.hunks[0];
    assert.ok(h);
    assert.deepEqual(Object.keys(h), ['oldStart', 'oldLines', 'newStart', 'newLines', 'page', 'heading', 'lines', 'parts']);
    assert.equal(h.page, 3);
    assert.equal(h.heading, 'Article 12');
    // JSON round trip is lossless (no undefined, no class instances).
    assert.deepEqual(JSON.parse(JSON.stringify(j)), j);
  });

  it('optional fields are omitted', () => {
    const j = toJson(diffTexts('a\nb', 'a\nc', { mode: 'line' }), { id: 'x', from: '1', to: '2' });
    const h = j.hunks[0];
    assert.ok(h);
    assert.ok(!('page' in h) && !('heading' in h));
    assert.deepEqual(h.lines, [
      { op: 'context', text: 'a' },
      { op: 'removed', text: 'b', noNewline: true },
      { op: 'added', text: 'c', noNewline: true },
    ]);
    assert.equal(j.stats.added, 1);
  });
});
