// A bounded sequence diff (lines here, word tokens in words.ts). Pure; no I/O.
//
// Plain Myers is O((N+M)·D): fine for similar texts, minutes for dissimilar ones (FIELD-NOTES:
// jsdiff takes 8 s on 300 KB vs its reversed lines). So, per region of the two sequences:
//   1. strip the common prefix and suffix;
//   2. if no element occurs on both sides, the region is a plain replace (exact, and O(n));
//   3. small regions get Myers (exact minimal diff, under a work cap);
//   4. otherwise anchor on elements occurring once on each side (patience: the longest increasing
//      run of those pairs), failing that on runs of K elements occurring once on each side (for
//      small vocabularies), failing that on the rarest common element (histogram-style), and
//      recurse into the gaps with an explicit stack (no call-stack depth limit);
//   5. a global work budget, proportional to the input size, caps the total: once spent, the
//      remaining regions are emitted as delete-all + insert-all (still a correct diff) and the
//      result is flagged `degraded`.
// Myers runs under a cap proportional to the region size and is skipped when a cheap lower
// bound on its cost (D ≥ N+M − 2·common) already exceeds the cap.
// Every step costs O(region size) or the capped Myers work, so no input can run for minutes.

/** One run of the edit script. `a`/`b` are 0-based positions in the old/new sequence. */
export interface Edit {
  op: 'equal' | 'delete' | 'insert';
  /** Position in the old sequence where the run starts (for inserts: where it is inserted). */
  a: number;
  /** Position in the new sequence where the run starts (for deletes: where it was deleted). */
  b: number;
  count: number;
}

/** Shared allowance of work units; one diffTexts call can spread it over many blocks. */
export interface WorkBudget {
  remaining: number;
}

export interface SequenceDiffOptions {
  /** Work allowance; defaults to a budget proportional to the input size. */
  budget?: WorkBudget | undefined;
  /** Regions with at most this many elements (both sides) go straight to Myers. */
  smallRegion?: number | undefined;
}

export interface SequenceDiff {
  /** matchA[i] = index in b matched to a[i], or -1 when a[i] is deleted. Monotone. */
  matchA: Int32Array;
  /** matchB[j] = index in a matched to b[j], or -1 when b[j] is inserted. */
  matchB: Int32Array;
  /** True when the work budget ran out and some region was left as delete-all + insert-all.
   * (Choosing anchors over Myers in large regions is normal operation, not degradation.) */
  degraded: boolean;
}

/** Default budget: a fixed floor plus a multiple of the input size. A unit is about one typed-array
 * element operation, roughly 8 ns on the reference machine, so this is ~30 ms + 0.3 µs an element. */
export function defaultBudget(n: number, m: number): WorkBudget {
  return { remaining: 4_000_000 + 40 * (n + m) };
}

const SMALL_REGION = 256;
/** Myers is still tried on regions up to this size when no cheaper anchor exists. */
const MYERS_MAX_REGION = 4_000;
/** Work cap for a single Myers run (snake steps + diagonals visited): a floor plus a multiple
 * of the region size, so Myers stays O(region) amortized like the anchoring steps. */
const MYERS_MAX_WORK = 1_500_000;
const MYERS_FLOOR = 20_000;
const MYERS_FACTOR = 32;

/**
 * Diff two sequences of small non-negative integer ids (ids < idCount).
 * Intern strings to ids first (see `internAll`).
 */
export function diffSequences(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  idCount: number,
  options: SequenceDiffOptions = {},
): SequenceDiff {
  const n = a.length;
  const m = b.length;
  const matchA = new Int32Array(n).fill(-1);
  const matchB = new Int32Array(m).fill(-1);
  const budget = options.budget ?? defaultBudget(n, m);
  const small = options.smallRegion ?? SMALL_REGION;
  let degraded = false;

  // Scratch tables indexed by id, reset after each region by walking the region (O(region)).
  const countA = new Int32Array(idCount);
  const countB = new Int32Array(idCount);
  const posA = new Int32Array(idCount);

  const match = (i: number, j: number): void => {
    matchA[i] = j;
    matchB[j] = i;
  };

  // Regions as flat quadruples [a0, a1, b0, b1].
  const stack: number[] = [0, n, 0, m];
  while (stack.length > 0) {
    let b1 = stack.pop() as number;
    let b0 = stack.pop() as number;
    let a1 = stack.pop() as number;
    let a0 = stack.pop() as number;

    while (a0 < a1 && b0 < b1 && a[a0] === b[b0]) match(a0++, b0++);
    while (a0 < a1 && b0 < b1 && a[a1 - 1] === b[b1 - 1]) match(--a1, --b1);
    const N = a1 - a0;
    const M = b1 - b0;
    if (N === 0 || M === 0) continue;

    if (budget.remaining <= 0) {
      degraded = true;
      continue;
    }
    budget.remaining -= 2 * (N + M);

    for (let i = a0; i < a1; i++) {
      const id = a[i] as number;
      countA[id] = (countA[id] as number) + 1;
      posA[id] = i;
    }
    let commonB = 0;
    for (let j = b0; j < b1; j++) {
      const id = b[j] as number;
      countB[id] = (countB[id] as number) + 1;
      if (countA[id] !== 0) commonB++;
    }
    let commonA = 0;
    for (let i = a0; i < a1; i++) if (countB[a[i] as number] !== 0) commonA++;

    const reset = (): void => {
      for (let i = a0; i < a1; i++) countA[a[i] as number] = 0;
      for (let j = b0; j < b1; j++) countB[b[j] as number] = 0;
    };

    if (commonB === 0) {
      // Nothing in common: delete-all + insert-all is the exact answer here.
      reset();
      continue;
    }

    // Myers needs at least D² work, and D ≥ N+M − 2·(elements that could match): skip it
    // outright when that alone exceeds its cap (dissimilar regions), instead of trying and failing.
    const dMin = N + M - 2 * Math.min(commonA, commonB);
    // Small regions get enough to always finish (≤ D² diagonals + (2D+1)·min(N,M) snake steps),
    // so their diff is exactly minimal; larger ones a cap proportional to their size.
    const size = N + M;
    const cap = Math.min(
      size <= small ? 2 * size * size + 2 * size + 16 : Math.min(MYERS_MAX_WORK, MYERS_FLOOR + MYERS_FACTOR * size),
      budget.remaining,
    );
    const tryMyers = (): boolean => {
      if (dMin * dMin > cap) return false;
      const work = myers(a, a0, a1, b, b0, b1, cap, match);
      budget.remaining -= work >= 0 ? work : cap;
      return work >= 0;
    };

    // Small regions: exact minimal diff (unless the budget is nearly spent).
    let myersTried = false;
    if (N + M <= small) {
      myersTried = true;
      if (tryMyers()) {
        reset();
        continue;
      }
    }

    // Patience anchors: elements unique on both sides, longest run increasing on both sides.
    const uniqA: number[] = [];
    const uniqB: number[] = [];
    for (let j = b0; j < b1; j++) {
      const id = b[j] as number;
      if (countA[id] === 1 && countB[id] === 1) {
        uniqA.push(posA[id] as number);
        uniqB.push(j);
      }
    }
    if (uniqA.length > 0) {
      budget.remaining -= uniqA.length * 4;
      const picked = longestIncreasing(uniqA);
      reset();
      pushGaps(stack, a0, a1, b0, b1, picked.map((k) => uniqA[k] as number), picked.map((k) => uniqB[k] as number), match);
      continue;
    }

    if (!myersTried && N + M <= MYERS_MAX_REGION && tryMyers()) {
      reset();
      continue;
    }

    // No element is unique on both sides (small vocabularies: words, blank or repeated lines):
    // runs of K elements usually are. Same patience step on K-grams.
    let grams: { anchorsA: number[]; anchorsB: number[]; k: number } | undefined;
    for (const k of GRAM_SIZES) {
      if (N < k || M < k) break;
      budget.remaining -= 16 * (N + M); // hash-map work: dearer than typed-array counting
      grams = gramAnchors(a, a0, a1, b, b0, b1, k);
      if (grams) break;
    }
    if (grams) {
      reset();
      pushGaps(stack, a0, a1, b0, b1, grams.anchorsA, grams.anchorsB, match, grams.k);
      continue;
    }

    // Last resort, histogram-style: the rarest common element, its k-th occurrence on each side
    // paired in order (valid: increasing on both sides), then recurse into the gaps.
    let bestId = -1;
    let bestCount = Infinity;
    for (let j = b0; j < b1; j++) {
      const id = b[j] as number;
      const ca = countA[id] as number;
      if (ca === 0) continue;
      const c = Math.max(ca, countB[id] as number);
      if (c < bestCount) {
        bestCount = c;
        bestId = id;
      }
    }
    reset();
    const anchorsA: number[] = [];
    const anchorsB: number[] = [];
    for (let i = a0; i < a1; i++) if (a[i] === bestId) anchorsA.push(i);
    for (let j = b0; j < b1; j++) if (b[j] === bestId) anchorsB.push(j);
    const k = Math.min(anchorsA.length, anchorsB.length);
    anchorsA.length = k;
    anchorsB.length = k;
    pushGaps(stack, a0, a1, b0, b1, anchorsA, anchorsB, match);
  }

  return { matchA, matchB, degraded };
}

/**
 * Mark anchors (runs of `len` equal elements starting at anchorsA[k] / anchorsB[k], increasing
 * and non-overlapping) as matches and push the regions between them. Push order is irrelevant.
 */
function pushGaps(
  stack: number[],
  a0: number,
  a1: number,
  b0: number,
  b1: number,
  anchorsA: number[],
  anchorsB: number[],
  match: (i: number, j: number) => void,
  len = 1,
): void {
  let pa = a0;
  let pb = b0;
  for (let k = 0; k < anchorsA.length; k++) {
    const i = anchorsA[k] as number;
    const j = anchorsB[k] as number;
    for (let t = 0; t < len; t++) match(i + t, j + t);
    if (i > pa || j > pb) stack.push(pa, i, pb, j);
    pa = i + len;
    pb = j + len;
  }
  if (a1 > pa || b1 > pb) stack.push(pa, a1, pb, b1);
}

/** K-gram sizes tried, in order, when no single element is unique on both sides. */
const GRAM_SIZES = [4, 16, 64];

/**
 * Patience on K-grams: runs of k elements occurring exactly once in each region (compared by a
 * rolling hash, then verified), longest increasing chain, overlaps dropped. O(N+M) map work.
 */
function gramAnchors(
  a: ArrayLike<number>,
  a0: number,
  a1: number,
  b: ArrayLike<number>,
  b0: number,
  b1: number,
  k: number,
): { anchorsA: number[]; anchorsB: number[]; k: number } | undefined {
  const P = 0x01000193;
  let pk = 1; // P^(k-1)
  for (let t = 1; t < k; t++) pk = Math.imul(pk, P);
  // hash -> start position, or -1 once seen twice.
  const scan = (s: ArrayLike<number>, s0: number, s1: number): Map<number, number> => {
    const seen = new Map<number, number>();
    let h = 0;
    for (let t = 0; t < k; t++) h = (Math.imul(h, P) + (s[s0 + t] as number)) | 0;
    for (let p = s0; ; p++) {
      const prev = seen.get(h);
      seen.set(h, prev === undefined ? p : -1);
      if (p + k >= s1) break;
      h = (Math.imul(h - Math.imul(s[p] as number, pk), P) + (s[p + k] as number)) | 0;
    }
    return seen;
  };
  const inA = scan(a, a0, a1);
  const inB = scan(b, b0, b1);
  const candA: number[] = [];
  const candB: number[] = [];
  for (const [h, j] of inB) {
    if (j < 0) continue;
    const i = inA.get(h);
    if (i === undefined || i < 0) continue;
    let same = true;
    for (let t = 0; t < k && same; t++) same = a[i + t] === b[j + t];
    if (same) {
      candA.push(i);
      candB.push(j);
    }
  }
  if (candA.length === 0) return undefined;
  // Map iteration is insertion order, i.e. increasing j: ready for the LIS on i.
  const picked = longestIncreasing(candA);
  const anchorsA: number[] = [];
  const anchorsB: number[] = [];
  let endA = -1;
  let endB = -1;
  for (const q of picked) {
    const i = candA[q] as number;
    const j = candB[q] as number;
    if (i < endA || j < endB) continue;
    anchorsA.push(i);
    anchorsB.push(j);
    endA = i + k;
    endB = j + k;
  }
  return { anchorsA, anchorsB, k };
}

/** Indices of a longest strictly increasing subsequence of `seq` (patience sorting, O(k log k)). */
export function longestIncreasing(seq: readonly number[]): number[] {
  const tails: number[] = []; // tails[l] = index in seq of the smallest tail of an increasing run of length l+1
  const prev = new Int32Array(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    const v = seq[i] as number;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((seq[tails[mid] as number] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1] as number;
    tails[lo] = i;
  }
  const out: number[] = new Array<number>(tails.length);
  let k = tails.length > 0 ? (tails[tails.length - 1] as number) : -1;
  for (let l = tails.length - 1; l >= 0; l--) {
    out[l] = k;
    k = prev[k] as number;
  }
  return out;
}

/**
 * Scratch for Myers' V snapshots, reused across calls (all of this is synchronous): snapshot d
 * holds diagonals -d..d, 2d+1 entries, so it starts at d² and the first D+1 fit in (D+1)².
 * Per-call slices were the main garbage in the worst cases.
 */
let traceScratch = new Int32Array(1 << 16);

/**
 * Myers' O((N+M)·D) greedy diff on a[a0..a1) vs b[b0..b1), recording matches.
 * Returns the work spent, or -1 (and records nothing) if it would exceed `maxWork`.
 * Keeps every V snapshot for the backtrack: memory O(D²), and D² ≤ work ≤ maxWork.
 */
function myers(
  a: ArrayLike<number>,
  a0: number,
  a1: number,
  b: ArrayLike<number>,
  b0: number,
  b1: number,
  maxWork: number,
  match: (i: number, j: number) => void,
): number {
  const N = a1 - a0;
  const M = b1 - b0;
  const max = N + M;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  let work = 0;
  for (let d = 0; d <= max; d++) {
    if ((d + 1) * (d + 1) > traceScratch.length) {
      const bigger = new Int32Array(Math.max(traceScratch.length * 2, (d + 1) * (d + 1)));
      bigger.set(traceScratch.subarray(0, d * d));
      traceScratch = bigger;
    }
    let found = false;
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && (v[off + k - 1] as number) < (v[off + k + 1] as number))) x = v[off + k + 1] as number;
      else x = (v[off + k - 1] as number) + 1;
      let y = x - k;
      while (x < N && y < M && a[a0 + x] === b[b0 + y]) {
        x++;
        y++;
        work++;
      }
      v[off + k] = x;
      if (x >= N && y >= M) {
        found = true;
        break;
      }
    }
    traceScratch.set(v.subarray(off - d, off + d + 1), d * d);
    if (found) {
      backtrack(traceScratch, N, M, d, (x0, y0) => match(a0 + x0, b0 + y0));
      return work;
    }
    work += 2 * d + 1;
    if (work > maxWork) return -1;
  }
  return work; // unreachable: d = N+M always reaches the corner
}

function backtrack(trace: Int32Array, N: number, M: number, D: number, onMatch: (x: number, y: number) => void): void {
  let x = N;
  let y = M;
  // Snapshot d starts at d²; diagonal k is at d² + k + d.
  for (let d = D; d > 0; d--) {
    const base = (d - 1) * (d - 1) + d - 1;
    const at = (kk: number): number => trace[base + kk] as number;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    const startX = down ? prevX : prevX + 1;
    const startY = down ? prevY + 1 : prevY;
    while (x > startX && y > startY) {
      x--;
      y--;
      onMatch(x, y);
    }
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    onMatch(x, y);
  }
}

/** Map strings to dense integer ids (equal strings, equal ids). */
export function internAll(seqs: readonly (readonly string[])[]): { ids: Int32Array[]; idCount: number } {
  const table = new Map<string, number>();
  const ids = seqs.map((seq) => {
    const out = new Int32Array(seq.length);
    for (let i = 0; i < seq.length; i++) {
      const s = seq[i] as string;
      let id = table.get(s);
      if (id === undefined) {
        id = table.size;
        table.set(s, id);
      }
      out[i] = id;
    }
    return out;
  });
  return { ids, idCount: table.size };
}

/** Turn match tables into coalesced runs; within a change, deletes come before inserts. */
export function editsFromMatches(matchA: Int32Array, matchB: Int32Array): Edit[] {
  const n = matchA.length;
  const m = matchB.length;
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && matchA[i] === j) {
      const si = i;
      const sj = j;
      while (i < n && j < m && matchA[i] === j) {
        i++;
        j++;
      }
      edits.push({ op: 'equal', a: si, b: sj, count: i - si });
      continue;
    }
    const si = i;
    while (i < n && matchA[i] === -1) i++;
    if (i > si) edits.push({ op: 'delete', a: si, b: j, count: i - si });
    const sj = j;
    while (j < m && matchB[j] === -1) j++;
    if (j > sj) edits.push({ op: 'insert', a: i, b: sj, count: j - sj });
    if (i === si && j === sj) throw new Error('diffSequences: inconsistent match tables');
  }
  return edits;
}

/** Line diff: the edit script turning `a` into `b`. */
export function diffLines(a: readonly string[], b: readonly string[], options: SequenceDiffOptions = {}): Edit[] {
  return diffLinesDetailed(a, b, options).edits;
}

/** Line diff plus whether a work bound made it coarser. */
export function diffLinesDetailed(
  a: readonly string[],
  b: readonly string[],
  options: SequenceDiffOptions = {},
): { edits: Edit[]; degraded: boolean } {
  const { ids, idCount } = internAll([a, b]);
  const r = diffSequences(ids[0] as Int32Array, ids[1] as Int32Array, idCount, options);
  return { edits: editsFromMatches(r.matchA, r.matchB), degraded: r.degraded };
}
