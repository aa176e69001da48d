// Unit tests of the bounded sequence/line diff.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffLines, diffLinesDetailed, diffSequences, longestIncreasing, type Edit } from '../src/diff/index.js';
import { mulberry32 as prng } from './helpers/random.js';

/** Replay an edit script: it must consume a and produce b, with equal runs really equal. */
function replay(a: readonly string[], b: readonly string[], edits: Edit[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  for (const e of edits) {
    assert.ok(e.count > 0, 'no empty runs');
    assert.equal(e.a, i, 'runs are contiguous in a');
    assert.equal(e.b, j, 'runs are contiguous in b');
    if (e.op === 'equal') {
      for (let k = 0; k < e.count; k++) assert.equal(a[i + k], b[j + k]);
      out.push(...a.slice(i, i + e.count));
      i += e.count;
      j += e.count;
    } else if (e.op === 'delete') {
      i += e.count;
    } else {
      out.push(...b.slice(j, j + e.count));
      j += e.count;
    }
  }
  assert.equal(i, a.length);
  assert.equal(j, b.length);
  return out;
}

function lcsLength(a: readonly string[], b: readonly string[]): number {
  const prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(up, prev[j - 1] as number);
      diag = up;
    }
  }
  return prev[b.length] as number;
}

const changed = (edits: Edit[]): number => edits.filter((e) => e.op !== 'equal').reduce((s, e) => s + e.count, 0);


describe('diffLines', () => {
  const cases: [string, string[], string[]][] = [
    ['both empty', [], []],
    ['a empty', [], ['x', 'y']],
    ['b empty', ['x', 'y'], []],
    ['identical', ['a', 'b', 'c'], ['a', 'b', 'c']],
    ['replace middle', ['a', 'b', 'c'], ['a', 'x', 'c']],
    ['reverse', ['a', 'b', 'c', 'd'], ['d', 'c', 'b', 'a']],
    ['duplicates', ['x', 'x', 'y', 'x'], ['x', 'y', 'x', 'x', 'x']],
    ['nothing common', ['a', 'b'], ['c', 'd', 'e']],
  ];
  for (const [name, a, b] of cases) {
    it(name, () => {
      const edits = diffLines(a, b);
      assert.deepEqual(replay(a, b, edits), b);
      assert.equal(changed(edits), a.length + b.length - 2 * lcsLength(a, b), 'minimal on small input');
    });
  }

  it('deletes come before inserts inside a change', () => {
    assert.deepEqual(diffLines(['a', 'b', 'c'], ['a', 'x', 'c']), [
      { op: 'equal', a: 0, b: 0, count: 1 },
      { op: 'delete', a: 1, b: 1, count: 1 },
      { op: 'insert', a: 2, b: 1, count: 1 },
      { op: 'equal', a: 2, b: 2, count: 1 },
    ]);
  });

  it('random small inputs: correct and minimal (Myers region)', () => {
    const rnd = prng(7);
    for (let c = 0; c < 300; c++) {
      const alphabet = 1 + Math.floor(rnd() * 6);
      const gen = (): string[] => Array.from({ length: Math.floor(rnd() * 30) }, () => String.fromCharCode(97 + Math.floor(rnd() * alphabet)));
      const a = gen();
      const b = gen();
      const edits = diffLines(a, b);
      assert.deepEqual(replay(a, b, edits), b);
      assert.equal(changed(edits), a.length + b.length - 2 * lcsLength(a, b), `case ${c}: ${a.join('')} → ${b.join('')}`);
    }
  });

  it('random large inputs (anchor path): correct', () => {
    const rnd = prng(11);
    for (let c = 0; c < 40; c++) {
      const vocab = 5 + Math.floor(rnd() * 2000);
      const a = Array.from({ length: 300 + Math.floor(rnd() * 2000) }, () => `w${Math.floor(rnd() * vocab)}`);
      const b = a.slice();
      for (let e = Math.floor(rnd() * 80); e > 0; e--) {
        const at = Math.floor(rnd() * (b.length + 1));
        const r = rnd();
        if (r < 0.4) b.splice(at, 1 + Math.floor(rnd() * 5));
        else if (r < 0.8) b.splice(at, 0, ...Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => `n${Math.floor(rnd() * vocab)}`));
        else b.splice(at, 0, ...b.splice(Math.floor(rnd() * b.length), 20));
      }
      const { edits, degraded } = diffLinesDetailed(a, b);
      assert.deepEqual(replay(a, b, edits), b);
      assert.equal(degraded, false);
    }
  });

  it('reversed unique lines: correct, linear, not degraded', () => {
    const a = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    const b = a.slice().reverse();
    const { edits, degraded } = diffLinesDetailed(a, b);
    assert.deepEqual(replay(a, b, edits), b);
    assert.equal(degraded, false);
    assert.ok(changed(edits) >= 2 * (a.length - 1));
  });

  it('an exhausted budget degrades to delete-all + insert-all, still correct', () => {
    const a = Array.from({ length: 400 }, (_, i) => `x${i % 7}`);
    const b = Array.from({ length: 400 }, (_, i) => `x${(i * 3) % 7}`);
    const { edits, degraded } = diffLinesDetailed(a, b, { budget: { remaining: 1 } });
    assert.equal(degraded, true);
    assert.deepEqual(replay(a, b, edits), b);
    // Prefix/suffix stripping is free, so only the middle is replaced.
    const c = ['same', ...a, 'end'];
    const d = ['same', ...b, 'end'];
    const r = diffLinesDetailed(c, d, { budget: { remaining: 0 } });
    assert.equal(r.degraded, true);
    assert.deepEqual(r.edits.map((e) => e.op), ['equal', 'delete', 'insert', 'equal']);
  });

  it('small alphabet, few edits: K-gram anchors find them (no element is unique)', () => {
    const rnd = prng(5);
    const a = Array.from({ length: 20_000 }, () => 'abc'[Math.floor(rnd() * 3)] as string);
    const b = a.slice();
    for (let e = 0; e < 20; e++) b[Math.floor(rnd() * b.length)] = 'z';
    const { edits, degraded } = diffLinesDetailed(a, b);
    assert.deepEqual(replay(a, b, edits), b);
    assert.equal(degraded, false);
    assert.ok(changed(edits) <= 40, `changed ${changed(edits)}`);
  });

  it('repetitive input does not blow up (histogram fallback)', () => {
    const a = Array.from({ length: 30_000 }, (_, i) => (i % 2 ? 'x' : 'y'));
    const b = Array.from({ length: 30_000 }, (_, i) => (i % 3 ? 'x' : 'y'));
    const { edits } = diffLinesDetailed(a, b);
    assert.deepEqual(replay(a, b, edits), b);
  });
});

describe('diffSequences / longestIncreasing', () => {
  it('match tables are consistent', () => {
    const r = diffSequences([0, 1, 2, 3], [0, 2, 3, 1], 4);
    for (let i = 0; i < r.matchA.length; i++) {
      const j = r.matchA[i] as number;
      if (j >= 0) assert.equal(r.matchB[j], i);
    }
    assert.equal([...r.matchA].filter((j) => j >= 0).length, 3);
  });

  it('longestIncreasing', () => {
    assert.deepEqual(longestIncreasing([]), []);
    assert.deepEqual(longestIncreasing([5, 4, 3]).length, 1);
    const seq = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];
    const idx = longestIncreasing(seq);
    assert.equal(idx.length, 6);
    for (let k = 1; k < idx.length; k++) {
      assert.ok((idx[k] as number) > (idx[k - 1] as number));
      assert.ok((seq[idx[k] as number] as number) > (seq[idx[k - 1] as number] as number));
    }
  });
});
