// History benchmark: `log` and `changes` on a large mirror (default 10,000 documents, 50,000
// versions, one of them with 200 versions of a ~100 KB text), against `node -e 0` and the bare
// `git log` they start from, in the same run.
//
//   npx tsc -p tsconfig.json && node dist/bench/history-bench.js [--docs N] [--versions V] [--runs R] [--seed S] [--commit-graph]
//
// The mirror is written with one `git fast-import` in the repository's layout (leakmirror.yaml,
// meta/<id>.json, text/<id>.txt, one commit per version with the trailers Document-Id, Source-URL,
// Content-SHA256, Text-SHA256, Change-Type; about 70% content, 25% technical, 5% removed versions,
// ten minutes apart), checked out, and cached in bench/work/history-v1-<docs>-<versions>-seed<S>/
// (a `ready` file is written last). `--commit-graph` also writes git's commit-graph with changed-path
// Bloom filters (`git commit-graph write --reachable --changed-paths`), which `git log -- <path>`
// uses to skip most commits, to show what that changes. Prints a table and writes
// bench/results/history-<date>.json.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { mulberry32 as prng } from '../test/helpers/random.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LAUNCHER = join(REPO, 'bin', 'leakmirror.js');

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at === -1 ? undefined : Number(process.argv[at + 1]);
  return value === undefined || !Number.isFinite(value) ? fallback : value;
}

const DOCS = flag('--docs', 10_000);
const VERSIONS = flag('--versions', 50_000);
const RUNS = flag('--runs', 5);
const SEED = flag('--seed', 1);
const COMMIT_GRAPH = process.argv.includes('--commit-graph');
const HOT_VERSIONS = 200;
const START = Date.parse('2012-01-01T00:00:00Z') / 1000;
const STEP = 600;


const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function docId(k: number): string {
  return `src${k % 10}/doc-${String(k).padStart(5, '0')}`;
}

const HOT = 'hot/treaty-draft';

/** Generate the mirror as a fast-import stream; returns the dates that split it into windows. */
async function buildMirror(dir: string): Promise<void> {
  const rnd = prng(SEED);
  const vocab = Array.from({ length: 2000 }, () => Array.from({ length: 2 + Math.floor(rnd() * 8) }, () => String.fromCharCode(97 + Math.floor(rnd() * 26))).join(''));
  const sentence = (): string => Array.from({ length: 6 + Math.floor(rnd() * 10) }, () => vocab[Math.floor(rnd() * vocab.length)]).join(' ') + '.';
  const makeText = (bytes: number): string => {
    const lines: string[] = [];
    let size = 0;
    let article = 1;
    while (size < bytes) {
      const line = rnd() < 0.05 ? `Article ${article++}` : rnd() < 0.1 ? '' : sentence();
      lines.push(line);
      size += line.length + 1;
    }
    return lines.join('\n') + '\n';
  };
  const edit = (text: string): string => {
    const words = text.split(' ');
    for (let e = 1 + Math.floor(rnd() * 3); e > 0; e--) words[Math.floor(rnd() * words.length)] = vocab[Math.floor(rnd() * vocab.length)] as string;
    let out = words.join(' ');
    if (rnd() < 0.3) out += `${sentence()}\n`;
    return out;
  };

  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const git = (args: string[]): void => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git(['init', '--quiet', '--initial-branch=main']);
  const child = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((done) => child.on('close', done));
  const stdin = child.stdin;
  const write = async (chunk: string): Promise<void> => {
    if (!stdin.write(chunk)) await new Promise((done) => stdin.once('drain', done));
  };
  const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;

  let mark = 0;
  let time = START;
  const person = (): string => `leakmirror <leakmirror@localhost> ${time} +0000`;
  const commit = async (message: string, files: Array<[string, string]>): Promise<void> => {
    mark++;
    let out = `commit refs/heads/main\nmark :${mark}\nauthor ${person()}\ncommitter ${person()}\n${data(message)}`;
    if (mark > 1) out += `from :${mark - 1}\n`;
    for (const [path, content] of files) out += `M 100644 inline ${path}\n${data(content)}`;
    await write(out);
    time += STEP;
  };
  await commit('Initialize leakmirror mirror bench\n', [
    ['leakmirror.yaml', 'name: bench\nsources:\n  src0:\n    url: https://example.org/\n'],
    ['.gitignore', '/.leakmirror/\n/site/\n'],
  ]);

  interface Doc {
    id: string;
    text: string;
    raw: string;
    status: 'active' | 'removed';
  }
  const docs: Doc[] = [];
  const record = async (doc: Doc, type: 'content' | 'technical' | 'removed', verb: string): Promise<void> => {
    const textSha = sha256(doc.text);
    const meta = {
      id: doc.id,
      source: doc.id.split('/')[0],
      url: `https://example.org/${doc.id}.pdf`,
      finalUrl: `https://example.org/${doc.id}.pdf`,
      title: `Document ${doc.id}`,
      status: doc.status,
      extraction: 'text',
      error: null,
      contentType: 'application/pdf',
      mediaType: 'application/pdf',
      sha256: doc.raw,
      size: doc.text.length,
      textSha256: textSha,
      etag: null,
      lastModified: null,
      fetchedAt: new Date(time * 1000).toISOString(),
      removedAt: doc.status === 'removed' ? new Date(time * 1000).toISOString() : null,
      pages: 1,
      author: null,
      created: null,
      modified: null,
      charset: null,
      extractor: 'bench',
      text: `text/${doc.id}.txt`,
      raw: null,
    };
    const files: Array<[string, string]> = [[`meta/${doc.id}.json`, `${JSON.stringify(meta, null, 2)}\n`]];
    if (type === 'content') files.push([`text/${doc.id}.txt`, doc.text]);
    const message =
      `${verb} Document ${doc.id}\n\nDocument-Id: ${doc.id}\nSource-URL: https://example.org/${doc.id}.pdf\n` +
      `Content-SHA256: ${doc.raw}\nText-SHA256: ${textSha}\nChange-Type: ${type}\n`;
    await commit(message, files);
  };

  // One version per document first, then the rest spread at random (the hot document gets 199 more).
  const hot: Doc = { id: HOT, text: makeText(100_000), raw: sha256(`${HOT}-0`), status: 'active' };
  await record(hot, 'content', 'Add');
  for (let k = 0; k < DOCS - 1; k++) {
    const doc: Doc = { id: docId(k), text: makeText(800 + Math.floor(rnd() * 2400)), raw: sha256(`${k}-0`), status: 'active' };
    docs.push(doc);
    await record(doc, 'content', 'Add');
  }
  const rest = VERSIONS - DOCS;
  const hotAt = new Set<number>();
  while (hotAt.size < HOT_VERSIONS - 1) hotAt.add(Math.floor(rnd() * rest));
  for (let v = 0; v < rest; v++) {
    const doc = hotAt.has(v) ? hot : (docs[Math.floor(rnd() * docs.length)] as Doc);
    const r = doc === hot ? rnd() * 0.9 : rnd();
    doc.raw = sha256(`${doc.id}-${v}`);
    if (doc.status === 'removed') {
      doc.status = 'active';
      doc.text = edit(doc.text);
      await record(doc, 'content', 'Restore');
    } else if (r < 0.7) {
      doc.text = edit(doc.text);
      await record(doc, 'content', 'Update');
    } else if (r < 0.95) {
      await record(doc, 'technical', 'Update');
    } else {
      doc.status = 'removed';
      await record(doc, 'removed', 'Remove');
    }
  }
  await write('done\n');
  stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`git fast-import exited ${code}`);
  git(['reset', '--hard', '--quiet']);
  if (COMMIT_GRAPH) git(['commit-graph', 'write', '--reachable', '--changed-paths']);
  await writeFile(join(dir, '.git', 'bench-ready'), `${new Date().toISOString()}\n`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

interface Measured {
  name: string;
  command: string[];
  ms: number[];
  median: number;
  note?: string;
}

function timeCommand(command: string[], cwd: string): { ms: number; stdout: string; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(command[0] as string, command.slice(1), { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout, status: r.status };
}

async function main(): Promise<void> {
  const load = loadavg()[0];
  const dir = join(REPO, 'bench', 'work', `history-v1-${DOCS}-${VERSIONS}-seed${SEED}${COMMIT_GRAPH ? '-graph' : ''}`);
  const ready = await stat(join(dir, '.git', 'bench-ready')).catch(() => undefined);
  if (ready === undefined) {
    const t0 = performance.now();
    console.log(`building the mirror in ${dir} (${DOCS} documents, ${VERSIONS} versions)…`);
    await buildMirror(dir);
    console.log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  // Windows of about 10% and 1% of the versions, by date.
  const since10 = new Date((START + Math.floor(VERSIONS * 0.9) * STEP) * 1000).toISOString();
  const since1 = new Date((START + Math.floor(VERSIONS * 0.99) * STEP) * 1000).toISOString();
  const lm = (...args: string[]): string[] => [process.execPath, LAUNCHER, '-C', dir, ...args];
  const typical = docId(1234 % DOCS);
  const commands: Array<{ name: string; command: string[]; note?: string }> = [
    { name: 'node -e 0', command: [process.execPath, '-e', '0'] },
    { name: 'git log (all, trailers)', command: ['git', 'log', '--format=%H%x1f%aI%x1f%s%x1f%(trailers:only,unfold)'] },
    { name: `git log -- meta/${HOT}.json`, command: ['git', 'log', '--format=%H%x1f%aI%x1f%s%x1f%(trailers:only,unfold)', '--', `meta/${HOT}.json`] },
    { name: `log ${HOT} (200 versions)`, command: lm('log', HOT) },
    { name: `log ${HOT} --json`, command: lm('log', HOT, '--json') },
    { name: `log ${typical}`, command: lm('log', typical) },
    { name: `changes --since <10%> --json`, command: lm('changes', '--since', since10, '--json'), note: since10 },
    { name: `changes --since <1%> --json`, command: lm('changes', '--since', since1, '--json'), note: since1 },
    { name: `changes --since <10%> --no-stats --json`, command: lm('changes', '--since', since10, '--no-stats', '--json') },
    // Over 10,000 versions, changes leaves the word counts out unless --stats is given.
    { name: 'changes --json (all versions)', command: lm('changes', '--json') },
  ];
  const results: Measured[] = commands.map((c) => ({ ...c, ms: [], median: 0 }));
  const counts = new Map<string, number>();
  // Interleaved rounds, so that the machine's load falls on every command alike.
  for (let round = 0; round <= RUNS; round++) {
    for (const m of results) {
      const r = timeCommand(m.command, dir);
      if (round === 0) {
        // Warm-up round (page cache), not counted; remember the size of the answer.
        if (m.command.includes('--json')) counts.set(m.name, (JSON.parse(r.stdout) as unknown[]).length);
        continue;
      }
      m.ms.push(r.ms);
    }
  }
  for (const m of results) m.median = median(m.ms);
  const node0 = results[0]?.median ?? 0;

  console.log(`mirror: ${DOCS} documents, ${VERSIONS} versions${COMMIT_GRAPH ? ', commit-graph written' : ''}; ${RUNS} runs each, median; node -e 0 = ${node0.toFixed(0)} ms`);
  console.log(`${'command'.padEnd(44)} ${'ms'.padStart(8)} ${'- node'.padStart(8)}  answer`);
  for (const m of results) {
    const count = counts.get(m.name);
    console.log(`${m.name.padEnd(44)} ${m.median.toFixed(0).padStart(8)} ${(m.median - node0).toFixed(0).padStart(8)}  ${count === undefined ? '' : `${count} entries`}`);
  }
  const target = results.filter((m) => m.name.startsWith('log ') || m.name.startsWith('changes --since <10%> --json') || m.name.startsWith('changes --since <1%>'));
  for (const m of target) console.log(`${m.median < 2000 ? 'PASS' : 'MISS'} ${m.name}: ${m.median.toFixed(0)} ms (target < 2000 ms)`);

  const gitVersion = spawnSync('git', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const outDir = join(REPO, 'bench', 'results');
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `history-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}Z.json`);
  await writeFile(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        git: gitVersion,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        loadavg: { start: load, end: loadavg()[0] },
        docs: DOCS,
        versions: VERSIONS,
        hotVersions: HOT_VERSIONS,
        commitGraph: COMMIT_GRAPH,
        runs: RUNS,
        notes: 'wall ms per command (spawn included), median of the runs after one warm-up round; rounds interleaved',
        results: results.map((m) => ({ name: m.name, command: m.command.slice(m.command[0] === process.execPath ? 1 : 0).join(' '), medianMs: m.median, ms: m.ms, answerEntries: counts.get(m.name), note: m.note })),
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nwrote ${file}`);
}

await main();
