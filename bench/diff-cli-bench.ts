// The whole `leakmirror diff` command, as a user runs it, against git on the same two texts, in the
// same run. Three cases (as in diff-bench.ts): 1 MB with 200 scattered word edits, 300 KB against
// its own lines reversed, 1 MB against an unrelated 1 MB.
//
//   npx tsc -p tsconfig.json && node dist/bench/diff-cli-bench.js [--runs R]
//
// Each case is a document with two versions in a small mirror written with `git fast-import` in the
// repository's layout (cached in bench/work/diff-cli-v1/). Every round runs, one after the other:
// `node -e 0` (node's own start-up), `leakmirror --version` (the CLI's start-up), and per case
// `git diff --no-index --word-diff=porcelain old new` and `leakmirror diff <id>` (word mode, text
// output) and a few variants; all outputs go to a pipe. Medians over the rounds.
//
// Targets: (1) 1 MB / 200 edits: (leakmirror diff - node -e 0) / git word diff <= 3;
// (2) the two adversarial cases: the whole command under 1 s, with a correct diff (its --format patch
// output, applied by `git apply` to the old text, gives the new text exactly).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { mulberry32 as prng } from '../test/helpers/random.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LAUNCHER = join(REPO, 'bin', 'leakmirror.js');
const WORK = join(REPO, 'bench', 'work', 'diff-cli-v1');
const at = process.argv.indexOf('--runs');
const RUNS = at === -1 ? 15 : Math.max(1, Number(process.argv[at + 1]) || 15);


/** Prose-like text: ~10 words a line, blank lines, page markers and article headings (as diff-bench.ts). */
function makeText(bytes: number, seed: number, vocabSeed = 1): string {
  const vr = prng(vocabSeed);
  const vocab = Array.from({ length: 3000 }, () =>
    Array.from({ length: 2 + Math.floor(vr() * 8) }, () => String.fromCharCode(97 + Math.floor(vr() * 26))).join(''),
  );
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

interface Case {
  id: string;
  oldText: string;
  newText: string;
}

function buildCases(): Case[] {
  const big = makeText(1_000_000, 8);
  const rnd = prng(9);
  const words = big.split(' ');
  for (let e = 0; e < 200; e++) words[Math.floor(rnd() * words.length)] = `EDIT${e}`;
  const small = makeText(300_000, 3);
  const lines = small.split('\n');
  lines.pop();
  return [
    { id: 'bench/1mb-200-edits', oldText: big, newText: words.join(' ') },
    { id: 'bench/300kb-reversed', oldText: small, newText: lines.reverse().join('\n') + '\n' },
    { id: 'bench/1mb-unrelated', oldText: makeText(1_000_000, 5, 1), newText: makeText(1_000_000, 6, 2) },
  ];
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function git(args: string[], cwd: string, input?: string): string {
  const r = spawnSync('git', args, { cwd, input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The mirror (two versions of each case's document) and the texts as plain files for git diff. */
async function ensureMirror(cases: Case[]): Promise<string> {
  const mirror = join(WORK, 'mirror');
  if ((await stat(join(mirror, '.git', 'bench-ready')).catch(() => undefined)) !== undefined) return mirror;
  await rm(WORK, { recursive: true, force: true });
  await mkdir(mirror, { recursive: true });
  git(['init', '--quiet', '--initial-branch=main'], mirror);
  const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let stream = '';
  let mark = 0;
  let time = Date.parse('2012-12-01T00:00:00Z') / 1000;
  const commit = (message: string, files: Array<[string, string]>): void => {
    mark++;
    stream += `commit refs/heads/main\nmark :${mark}\nauthor leakmirror <leakmirror@localhost> ${time} +0000\ncommitter leakmirror <leakmirror@localhost> ${time} +0000\n${data(message)}`;
    if (mark > 1) stream += `from :${mark - 1}\n`;
    for (const [path, content] of files) stream += `M 100644 inline ${path}\n${data(content)}`;
    time += 3600;
  };
  commit('Initialize leakmirror mirror bench\n', [['leakmirror.yaml', 'name: bench\nsources:\n  bench:\n    url: https://example.org/\n']]);
  for (const c of cases) {
    for (const [k, text] of [c.oldText, c.newText].entries()) {
      const meta = { id: c.id, source: 'bench', url: `https://example.org/${c.id}.txt`, title: c.id, status: 'active', textSha256: sha256(text), fetchedAt: new Date(time * 1000).toISOString(), text: `text/${c.id}.txt`, raw: null };
      const message = `${k === 0 ? 'Add' : 'Update'} ${c.id}\n\nDocument-Id: ${c.id}\nSource-URL: https://example.org/${c.id}.txt\nContent-SHA256: ${sha256(text)}\nText-SHA256: ${sha256(text)}\nChange-Type: content\n`;
      commit(message, [
        [`meta/${c.id}.json`, `${JSON.stringify(meta, null, 2)}\n`],
        [`text/${c.id}.txt`, text],
      ]);
    }
  }
  git(['fast-import', '--quiet'], mirror, stream + 'done\n');
  git(['reset', '--hard', '--quiet'], mirror);
  for (const c of cases) {
    await writeFile(join(WORK, `${c.id.split('/')[1]}.old.txt`), c.oldText);
    await writeFile(join(WORK, `${c.id.split('/')[1]}.new.txt`), c.newText);
  }
  await writeFile(join(mirror, '.git', 'bench-ready'), `${new Date().toISOString()}\n`);
  return mirror;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const FLOOR_SCRIPT = `import { spawn } from 'node:child_process';
const [mirror, path] = process.argv.slice(2);
const git = spawn('git', ['log', '-1', '-p', '--format=', '--word-diff=porcelain', '--', path], { cwd: mirror, stdio: ['ignore', 'pipe', 'inherit'] });
git.stdout.pipe(process.stdout);
git.on('close', (code) => { process.exitCode = code ?? 1; });
`;

interface Command {
  name: string;
  argv: string[];
  /** Exit codes that are a success here (git diff exits 1 when the files differ). */
  ok: number[];
  ms: number[];
}

/** The patch leakmirror prints, applied to the old text, must give the new text exactly. */
async function patchIsCorrect(mirror: string, c: Case): Promise<{ ok: boolean; degraded: boolean; hunks: number }> {
  const run = spawnSync(process.execPath, [LAUNCHER, '-C', mirror, 'diff', c.id, '--format', 'patch'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const json = spawnSync(process.execPath, [LAUNCHER, '-C', mirror, 'diff', c.id, '--json', '--stat'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const stat = JSON.parse(json.stdout) as { degraded: boolean };
  const dir = await mkdtemp(join(tmpdir(), 'leakmirror-diff-cli-bench-'));
  try {
    git(['init', '--quiet'], dir);
    const path = `text/${c.id}.txt`;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), c.oldText);
    await writeFile(join(dir, 'change.patch'), run.stdout);
    git(['apply', 'change.patch'], dir);
    const ok = (await readFile(join(dir, path), 'utf8')) === c.newText;
    return { ok, degraded: stat.degraded, hunks: (run.stdout.match(/^@@ /gm) ?? []).length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const loadStart = loadavg()[0] ?? 0;
  const cases = buildCases();
  const mirror = await ensureMirror(cases);
  const lm = (...args: string[]): string[] => [process.execPath, LAUNCHER, '-C', mirror, ...args];
  const file = (c: Case, side: 'old' | 'new'): string => join(WORK, `${c.id.split('/')[1]}.${side}.txt`);
  const commands: Command[] = [
    { name: 'node -e 0', argv: [process.execPath, '-e', '0'], ok: [0], ms: [] },
    { name: 'leakmirror --version', argv: [process.execPath, LAUNCHER, '--version'], ok: [0], ms: [] },
  ];
  for (const c of cases) {
    commands.push({ name: `${c.id}: git diff --word-diff=porcelain`, argv: ['git', 'diff', '--no-index', '--no-color', '--word-diff=porcelain', file(c, 'old'), file(c, 'new')], ok: [1], ms: [] });
    commands.push({ name: `${c.id}: leakmirror diff`, argv: lm('diff', c.id), ok: [0], ms: [] });
  }
  const first = cases[0] as Case;
  commands.push({ name: `${first.id}: leakmirror diff --json`, argv: lm('diff', first.id, '--json'), ok: [0], ms: [] });
  commands.push({ name: `${first.id}: leakmirror diff --mode char`, argv: lm('diff', first.id, '--mode', 'char'), ok: [0], ms: [] });
  commands.push({ name: `${first.id}: leakmirror diff --format html`, argv: lm('diff', first.id, '--format', 'html'), ok: [0], ms: [] });
  commands.push({ name: `${first.id}: git diff (lines)`, argv: ['git', 'diff', '--no-index', '--no-color', file(first, 'old'), file(first, 'new')], ok: [1], ms: [] });
  // The floor for any Node CLI: a bare script (no commander, no chalk, none of leakmirror's code) that
  // lets git do the whole word diff of the two versions and copies its output to stdout.
  const floor = join(WORK, 'floor.mjs');
  await writeFile(floor, FLOOR_SCRIPT);
  commands.push({ name: `${first.id}: bare node + git word diff (floor)`, argv: [process.execPath, floor, mirror, `text/${first.id}.txt`], ok: [0], ms: [] });

  for (let round = 0; round <= RUNS; round++) {
    for (const command of commands) {
      const t0 = performance.now();
      const r = spawnSync(command.argv[0] as string, command.argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
      const ms = performance.now() - t0;
      if (!command.ok.includes(r.status ?? -1)) throw new Error(`${command.argv.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
      if (round > 0) command.ms.push(ms); // round 0 warms the page cache
    }
  }
  const med = new Map(commands.map((c) => [c.name, median(c.ms)]));
  const node0 = med.get('node -e 0') ?? 0;
  console.log(`${RUNS} rounds, median wall ms (spawn included); node -e 0 = ${node0.toFixed(1)} ms; load ${loadStart.toFixed(2)}`);
  console.log(`${'command'.padEnd(56)} ${'ms'.padStart(8)} ${'- node'.padStart(8)}`);
  for (const c of commands) {
    const m = med.get(c.name) ?? 0;
    console.log(`${c.name.padEnd(56)} ${m.toFixed(1).padStart(8)} ${c.argv[0] === process.execPath ? (m - node0).toFixed(1).padStart(8) : ''}`);
  }

  const correctness: Record<string, { ok: boolean; degraded: boolean; hunks: number }> = {};
  for (const c of cases) correctness[c.id] = await patchIsCorrect(mirror, c);

  const lm1 = (med.get(`${first.id}: leakmirror diff`) ?? 0) - node0;
  const git1 = med.get(`${first.id}: git diff --word-diff=porcelain`) ?? 1;
  const targets = [
    { id: 'word-diff-vs-git', label: '1 MB / 200 edits: (leakmirror diff - node -e 0) / git diff --word-diff=porcelain', value: lm1 / git1, limit: 3 },
    ...cases.slice(1).map((c) => ({ id: `${c.id}-under-1s`, label: `${c.id}: whole command (s), correct patch`, value: (med.get(`${c.id}: leakmirror diff`) ?? 0) / 1000, limit: 1 })),
  ];
  console.log('');
  for (const t of targets) {
    const correct = t.id.endsWith('under-1s') ? correctness[t.id.replace(/-under-1s$/, '')]?.ok === true : true;
    console.log(`${t.value <= t.limit && correct ? 'PASS' : 'MISS'} ${t.label}: ${t.value.toFixed(2)} (limit ${t.limit})`);
  }
  // Not a target: the same ratio for the floor script, the least any Node CLI can do.
  const floorRatio = ((med.get(`${first.id}: bare node + git word diff (floor)`) ?? 0) - node0) / git1;
  console.log(`info the floor (a bare node script that lets git do the word diff), same ratio: ${floorRatio.toFixed(2)}`);
  for (const [id, r] of Object.entries(correctness)) console.log(`patch ${id}: ${r.ok ? 'applies and gives the new text' : 'WRONG'}, ${r.hunks} hunks${r.degraded ? ', degraded' : ''}`);

  const outDir = join(REPO, 'bench', 'results');
  await mkdir(outDir, { recursive: true });
  const out = join(outDir, `diff-cli-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}Z.json`);
  await writeFile(
    out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        git: spawnSync('git', ['--version'], { encoding: 'utf8' }).stdout.trim(),
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        loadavg: { start: loadStart, end: loadavg()[0] },
        runs: RUNS,
        notes: 'median wall ms per command, spawn included, rounds interleaved after one warm-up round; outputs to a pipe',
        commands: commands.map((c) => ({ name: c.name, medianMs: med.get(c.name), ms: c.ms })),
        targets,
        floorRatio,
        correctness,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nwrote ${out}`);
}

await main();
