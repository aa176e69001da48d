// formatPatch: a small strict patch applier, a seeded property test, real `git apply`, worst cases.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { countWords, diffTexts, formatPatch, type DiffMode, type DiffResult } from '../src/diff/index.js';
import { mulberry32 as prng } from './helpers/random.js';

/**
 * Apply a unified diff strictly: hunk counts must match the header, context and removed lines
 * must match the old text exactly, line numbers on both sides must be right. Throws otherwise.
 */
function applyPatch(oldText: string, patch: string): string {
  if (patch === '') return oldText;
  const split = (t: string): { lines: string[]; eol: boolean } => {
    if (t === '') return { lines: [], eol: true };
    const lines = t.split('\n');
    if (lines.at(-1) === '') {
      lines.pop();
      return { lines, eol: true };
    }
    return { lines, eol: false };
  };
  const old = split(oldText);
  const out: { text: string; eol: boolean }[] = [];
  const pl = patch.split('\n');
  assert.equal(pl.pop(), '', 'patch ends with a newline');
  let k = 0;
  assert.match(pl[k++] ?? '', /^--- /);
  assert.match(pl[k++] ?? '', /^\+\+\+ /);
  let pos = 0; // next old line to copy
  const copyOld = (upTo: number): void => {
    for (; pos < upTo; pos++) out.push({ text: old.lines[pos] as string, eol: pos < old.lines.length - 1 || old.eol });
  };
  while (k < pl.length) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(pl[k++] ?? '');
    assert.ok(m, `hunk header expected at patch line ${k}`);
    const os = Number(m[1]);
    const oc = m[2] === undefined ? 1 : Number(m[2]);
    const ns = Number(m[3]);
    const nc = m[4] === undefined ? 1 : Number(m[4]);
    const start = oc === 0 ? os : os - 1;
    assert.ok(start >= pos, 'hunks in order');
    copyOld(start);
    assert.equal(nc === 0 ? ns : ns - 1, out.length, 'new start line matches');
    let seenOld = 0;
    let seenNew = 0;
    while (seenOld < oc || seenNew < nc) {
      const line = pl[k++];
      assert.ok(line !== undefined, 'hunk truncated');
      const op = line[0];
      const text = line.slice(1);
      const noEol = pl[k] === '\\ No newline at end of file';
      if (noEol) k++;
      if (op === ' ' || op === '-') {
        assert.equal(old.lines[pos], text, `old line ${pos + 1} matches`);
        if (noEol) assert.ok(pos === old.lines.length - 1 && !old.eol, 'no-newline marker only on the real last line');
        else assert.ok(pos < old.lines.length - 1 || old.eol, 'old last line lacks newline but no marker');
        pos++;
        seenOld++;
      }
      if (op === ' ' || op === '+') {
        out.push({ text, eol: !noEol });
        seenNew++;
      }
      assert.ok(op === ' ' || op === '-' || op === '+', `bad line op ${JSON.stringify(line)}`);
    }
    assert.equal(seenOld, oc);
    assert.equal(seenNew, nc);
  }
  copyOld(old.lines.length);
  out.forEach((l, i) => assert.ok(l.eol || i === out.length - 1, 'only the last line may lack a newline'));
  return out.map((l) => l.text + (l.eol ? '\n' : '')).join('');
}


function checkResult(oldText: string, newText: string, r: DiffResult, label: string): void {
  const patch = formatPatch(r, { oldName: 'doc.txt', newName: 'doc.txt' });
  assert.equal(applyPatch(oldText, patch), newText, `${label}: patch turns old into new`);
  for (const h of r.hunks) {
    const oldSide = h.lines.filter((l) => l.op !== 'added').map((l) => l.text + (l.noNewline ? '' : '\n')).join('');
    const newSide = h.lines.filter((l) => l.op !== 'removed').map((l) => l.text + (l.noNewline ? '' : '\n')).join('');
    assert.equal(h.parts.filter((p) => p.op !== 'added').map((p) => p.text).join(''), oldSide, `${label}: equal+removed`);
    assert.equal(h.parts.filter((p) => p.op !== 'removed').map((p) => p.text).join(''), newSide, `${label}: equal+added`);
  }
  const partsText = (op: 'added' | 'removed'): string => r.hunks.flatMap((h) => h.parts.filter((p) => p.op === op).map((p) => p.text)).join(' ');
  assert.equal(r.stats.wordsAdded, countWords(partsText('added')), `${label}: wordsAdded`);
  assert.equal(r.stats.wordsRemoved, countWords(partsText('removed')), `${label}: wordsRemoved`);
}

describe('formatPatch', () => {
  it('exact output for a small change', () => {
    const r = diffTexts('a\nb\nc\n', 'a\nB\nc', { mode: 'line' });
    assert.equal(
      formatPatch(r, { oldName: 'docs/x.txt', newName: 'docs/x.txt' }),
      '--- a/docs/x.txt\n+++ b/docs/x.txt\n@@ -1,3 +1,3 @@\n a\n-b\n-c\n+B\n+c\n\\ No newline at end of file\n',
    );
    assert.equal(formatPatch(diffTexts('same\n', 'same\n', { mode: 'line' }), { oldName: 'x', newName: 'x' }), '');
    assert.match(formatPatch(diffTexts('', 'new\n', { mode: 'line' }), { oldName: '/dev/null', newName: 'x' }), /^--- \/dev\/null\n\+\+\+ b\/x\n@@ -0,0 \+1 @@\n\+new\n$/);
  });

  it('the test applier is strict', () => {
    const patch = formatPatch(diffTexts('a\nb\nc\n', 'a\nB\nc\n', { mode: 'line' }), { oldName: 'x', newName: 'x' });
    assert.equal(applyPatch('a\nb\nc\n', patch), 'a\nB\nc\n');
    assert.throws(() => applyPatch('a\nX\nc\n', patch));
    assert.throws(() => applyPatch('a\nb\nc', patch), 'missing no-newline marker is caught');
    assert.throws(() => applyPatch('a\nb\nc\n', patch.replace('@@ -1,3 +1,3 @@', '@@ -1,3 +1,4 @@')));
  });

  it('seeded property test: the patch turns old into new (400 cases)', () => {
    const rnd = prng(20261124);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const words = ['the', 'State', 'shall', 'not', 'Article', '12', 'of', 'a', 'café', 'émission', '成员国', '遵守', 'مرحبا', 'بالعالم', '😀', '👨‍👩‍👧', 'x', '--', '++', ' '];
    const genLine = (): string => {
      const r = rnd();
      if (r < 0.08) return '';
      if (r < 0.12) return `--- page ${1 + Math.floor(rnd() * 9)} ---`;
      if (r < 0.16) return `Article ${1 + Math.floor(rnd() * 20)}`;
      if (r < 0.2) return pick(['-', '+', '--- a', '+++ b', '\\ x', '@@ -1 +1 @@']);
      return Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => pick(words)).join(pick([' ', ' ', ' ', ', ', '']));
    };
    const join = (lines: string[], eol: boolean, crlf: boolean): string => {
      const sep = crlf ? '\r\n' : '\n';
      return lines.length === 0 ? '' : lines.join(sep) + (eol ? sep : '');
    };
    for (let c = 0; c < 400; c++) {
      const crlf = rnd() < 0.1;
      const oldLines = Array.from({ length: Math.floor(rnd() * (rnd() < 0.2 ? 200 : 25)) }, genLine);
      let newLines = oldLines.slice();
      const kind = rnd();
      if (kind < 0.05) newLines = [];
      else if (kind < 0.1) newLines = Array.from({ length: Math.floor(rnd() * 20) }, genLine);
      else {
        for (let e = Math.floor(rnd() * 8); e > 0; e--) {
          const at = Math.floor(rnd() * (newLines.length + 1));
          const op = rnd();
          if (op < 0.25) newLines.splice(at, 1 + Math.floor(rnd() * 3));
          else if (op < 0.5) newLines.splice(at, 0, ...Array.from({ length: 1 + Math.floor(rnd() * 3) }, genLine));
          else if (op < 0.8 && at < newLines.length) {
            // Word-level edit inside a line.
            const ws = (newLines[at] as string).split(' ');
            const w = Math.floor(rnd() * (ws.length + 1));
            if (rnd() < 0.5) ws.splice(w, 1, pick(words));
            else ws.splice(w, 1);
            newLines[at] = ws.join(' ');
          } else if (newLines.length > 2) {
            // Move a small block.
            const from = Math.floor(rnd() * newLines.length);
            const moved = newLines.splice(from, 1 + Math.floor(rnd() * 3));
            newLines.splice(Math.floor(rnd() * (newLines.length + 1)), 0, ...moved);
          }
        }
      }
      const oldEol = rnd() < 0.8;
      const newEol = rnd() < 0.2 ? !oldEol : oldEol;
      const oldText = join(oldLines, oldEol, crlf);
      const newText = join(newLines, newEol, crlf);
      const mode: DiffMode = rnd() < 0.5 ? 'word' : 'line';
      const context = Math.floor(rnd() * 5);
      const r = diffTexts(oldText, newText, { mode, context });
      assert.equal(r.degraded, false);
      checkResult(oldText, newText, r, `case ${c} (${mode}, context ${context})`);
      if (oldText === newText) assert.equal(r.hunks.length, 0);
    }
  });

  it('git apply --check and git apply accept the patches', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'leakmirror-diff-'));
    try {
      const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      git('init', '-q');
      const samples: [string, string, string][] = [
        ['edit', 'Article 1\nThe State shall.\n\nArticle 2\nOld text here.\n', 'Article 1\nThe State may.\n\nArticle 2\nNew text here.\nAnd more.\n'],
        ['eol added', 'a\nb', 'a\nb\n'],
        ['eol removed', 'a\nb\n', 'a\nc'],
        ['no eol both', 'x\ny\nz', 'X\ny\nz'],
        ['crlf', 'one\r\ntwo\r\nthree\r\n', 'one\r\n2\r\nthree\r\n'],
        ['header-like lines', '-- a\n++ b\n--- page 1 ---\nbody\n', '-- A\n++ b\n--- page 2 ---\nbody\n'],
        ['unicode', 'Le café 😀\n成员国应当遵守\nمرحبا بالعالم\n', 'Le thé 😀\n成员国必须遵守\nمرحبا بالعالم الجميل\n'],
        ['empty to text', '', 'first\nsecond\n'],
        ['text to empty', 'first\nsecond\n', ''],
        ['many hunks', Array.from({ length: 60 }, (_, i) => `l${i}`).join('\n') + '\n', Array.from({ length: 60 }, (_, i) => (i % 13 === 0 ? `L${i}` : `l${i}`)).join('\n') + '\n'],
      ];
      for (const [name, oldText, newText] of samples) {
        for (const mode of ['line', 'word'] as DiffMode[]) {
          const file = `${name.replace(/\W+/g, '-')}.txt`;
          await writeFile(join(dir, file), oldText);
          const patch = formatPatch(diffTexts(oldText, newText, { mode }), { oldName: file, newName: file });
          await writeFile(join(dir, 'change.patch'), patch);
          git('apply', '--check', 'change.patch');
          git('apply', 'change.patch');
          assert.equal(await readFile(join(dir, file), 'utf8'), newText, `${name} (${mode})`);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('worst cases (shape and correctness; timing is for the bench)', () => {
  // Deterministic prose-like text: ~10 words a line, blank lines, page markers, headings.
  function makeText(bytes: number, seed: number, vocabSeed = 1): string {
    const vr = prng(vocabSeed);
    const vocab = Array.from({ length: 3000 }, () => Array.from({ length: 2 + Math.floor(vr() * 8) }, () => String.fromCharCode(97 + Math.floor(vr() * 26))).join(''));
    const rnd = prng(seed);
    const lines: string[] = [];
    let size = 0;
    let page = 1;
    let art = 1;
    while (size < bytes) {
      const r = rnd();
      let line: string;
      if (r < 0.01) line = `--- page ${page++} ---`;
      else if (r < 0.02) line = `Article ${art++}`;
      else if (r < 0.15) line = '';
      else line = Array.from({ length: 6 + Math.floor(rnd() * 10) }, () => vocab[Math.floor(rnd() * vocab.length)]).join(' ') + '.';
      lines.push(line);
      size += line.length + 1;
    }
    return lines.join('\n') + '\n';
  }

  it('300 KB against its own lines reversed', () => {
    const text = makeText(300_000, 3);
    const lines = text.split('\n');
    lines.pop();
    const reversed = lines.reverse().join('\n') + '\n';
    for (const mode of ['line', 'word'] as DiffMode[]) {
      const r = diffTexts(text, reversed, { mode });
      checkResult(text, reversed, r, `reversed ${mode}`);
      assert.equal(r.degraded, false);
      // Nearly every line moves: at most a few blank or duplicate lines stay matched.
      assert.ok(r.stats.linesRemoved > 0.8 * lines.length, `${r.stats.linesRemoved} of ${lines.length} removed`);
    }
  });

  it('1 MB against an unrelated 1 MB', () => {
    const a = makeText(1_000_000, 5, 1);
    const b = makeText(1_000_000, 6, 2);
    for (const mode of ['line', 'word'] as DiffMode[]) {
      const r = diffTexts(a, b, { mode });
      checkResult(a, b, r, `unrelated ${mode}`);
      assert.equal(r.degraded, false);
      // Shared blank lines and page markers split the change into blocks, but it is all one hunk
      // (context overlaps everywhere) and no prose line is kept.
      assert.equal(r.hunks.length, 1);
      const kept = r.hunks[0]?.lines.filter((l) => l.op === 'context' && l.text.endsWith('.')).length;
      assert.equal(kept, 0);
    }
  });

  it('one long line from a small vocabulary, 100 word edits: found exactly', () => {
    const rnd = prng(12);
    const vocab = Array.from({ length: 30 }, (_, i) => `w${i}`);
    const words = Array.from({ length: 100_000 }, () => vocab[Math.floor(rnd() * vocab.length)] as string);
    const edited = words.slice();
    for (let e = 0; e < 100; e++) edited[e * 997 + 13] = `EDIT${e}`;
    const a = words.join(' ') + '\n';
    const b = edited.join(' ') + '\n';
    const r = diffTexts(a, b, { mode: 'word' });
    checkResult(a, b, r, 'long line');
    assert.equal(r.degraded, false);
    assert.equal(r.stats.wordsAdded, 100);
    assert.equal(r.stats.wordsRemoved, 100);
  });

  it('1 MB with 200 scattered word edits', () => {
    const a = makeText(1_000_000, 8);
    const rnd = prng(9);
    const words = a.split(' ');
    for (let e = 0; e < 200; e++) words[Math.floor(rnd() * words.length)] = `EDIT${e}`;
    const b = words.join(' ');
    const r = diffTexts(a, b, { mode: 'word' });
    checkResult(a, b, r, 'scattered');
    assert.equal(r.degraded, false);
    assert.ok(r.stats.wordsAdded >= 190 && r.stats.wordsAdded <= 200, `wordsAdded ${r.stats.wordsAdded}`);
  });
});
