// Summarises the V8 CPU profiles that `node --cpu-prof --cpu-prof-dir=<dir>` writes (one file per
// thread: the main thread and each worker thread), for the cold-run profile of the sync benchmark.
//
// For every thread: its duration, the top functions and modules by self time, and the share of time
// per area. A sample is put in the area of the nearest frame on its stack (from the leaf up) that
// belongs to leakmirror's code or to a known package: a sha256 update called by the fetcher counts as
// fetch, a parse5 function called by cheerio as extraction; samples with no such frame are module
// loading (node:internal/modules on the stack), garbage collection, idle (the event loop waiting: on
// the network, on git, on a worker) or other node internals.
//
//   node dist/bench/profile.js <dir-with-.cpuprofile-files>      # prints the summary as JSON

import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export type Area = 'extraction' | 'fetch' | 'git/store' | 'sync core' | 'cli/config' | 'module loading' | 'gc' | 'idle' | 'node internals/other';

export interface ThreadSummary {
  file: string;
  /** 0 for the main thread; worker threads count up. */
  thread: number;
  durationMs: number;
  /** Sampled time not idle (JavaScript, native code, GC). */
  busyMs: number;
  areas: Array<{ area: Area; ms: number; share: number }>;
  topFunctions: Array<{ name: string; where: string; ms: number; share: number }>;
  topModules: Array<{ module: string; ms: number; share: number }>;
}

export interface ProfileSummary {
  threads: ThreadSummary[];
}

const EXTRACTION_PACKAGES = new Set([
  'pdfjs-dist', 'pdf-parse', 'cheerio', 'cheerio-select', 'parse5', 'parse5-htmlparser2-tree-adapter', 'parse5-parser-stream', 'htmlparser2',
  'domhandler', 'domutils', 'dom-serializer', 'css-select', 'css-what', 'nth-check', 'boolbase', 'entities', 'iconv-lite', 'encoding-sniffer',
  'whatwg-encoding', 'whatwg-mimetype', 'safer-buffer',
]);
const FETCH_PACKAGES = new Set(['undici', 'tldts', 'tldts-core', 'robots-parser']);
const STORE_PACKAGES = new Set(['simple-git', 'proper-lockfile', '@kwsites/file-exists', '@kwsites/promise-deferred', 'graceful-fs', 'retry', 'signal-exit']);
const CLI_PACKAGES = new Set(['commander', 'yaml', 'zod', 'chalk']);

/** The package a URL belongs to (the last node_modules segment), if any. */
function packageOf(url: string): string | undefined {
  const at = url.lastIndexOf('/node_modules/');
  if (at === -1) return undefined;
  const rest = url.slice(at + '/node_modules/'.length).split('/');
  return rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1] ?? ''}` : rest[0];
}

/** leakmirror's own file, relative to dist/src (e.g. extract/html.js), if the URL is one. */
function ownFile(url: string): string | undefined {
  const at = url.indexOf('/dist/src/');
  return at === -1 || url.includes('/node_modules/') ? undefined : url.slice(at + '/dist/src/'.length);
}

/** The area of a frame when it is leakmirror's or a known package's; undefined otherwise. */
function knownArea(frame: CallFrame): Area | undefined {
  const own = ownFile(frame.url);
  if (own !== undefined) {
    const dir = own.split('/')[0];
    if (dir === 'extract') return 'extraction';
    if (dir === 'fetch' || dir === 'sources') return 'fetch';
    if (dir === 'store') return 'git/store';
    if (dir === 'core') return 'sync core';
    return 'cli/config';
  }
  const pkg = packageOf(frame.url);
  if (pkg === undefined) return undefined;
  if (EXTRACTION_PACKAGES.has(pkg)) return 'extraction';
  if (FETCH_PACKAGES.has(pkg)) return 'fetch';
  if (STORE_PACKAGES.has(pkg)) return 'git/store';
  if (CLI_PACKAGES.has(pkg)) return 'cli/config';
  return undefined;
}

function moduleOf(frame: CallFrame): string {
  const own = ownFile(frame.url);
  if (own !== undefined) return `leakmirror src/${own.replace(/\.js$/, '.ts')}`;
  const pkg = packageOf(frame.url);
  if (pkg !== undefined) return pkg;
  if (frame.url.startsWith('node:')) return frame.url.split('/').slice(0, 3).join('/');
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  return basename(frame.url);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

interface Accumulator {
  durationUs: number;
  totalUs: number;
  areas: Map<Area, number>;
  functions: Map<string, { name: string; where: string; us: number }>;
  modules: Map<string, number>;
}

function newAccumulator(): Accumulator {
  return { durationUs: 0, totalUs: 0, areas: new Map(), functions: new Map(), modules: new Map() };
}

/** Adds one profile's self times to the accumulator (a thread may come in several chunks). */
function accumulate(profile: CpuProfile, acc: Accumulator): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Self time per node: the delta that follows a sample is the time spent in it.
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(delta, 0));
  });

  const areaCache = new Map<number, Area>();
  const areaOf = (id: number): Area => {
    const cached = areaCache.get(id);
    if (cached !== undefined) return cached;
    const leaf = byId.get(id);
    let area: Area | undefined;
    const name = leaf?.callFrame.functionName ?? '';
    if (name === '(idle)') area = 'idle';
    else if (name === '(garbage collector)') area = 'gc';
    let loading = false;
    for (let at: number | undefined = id; area === undefined && at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined) break;
      area = knownArea(frame);
      if (frame.url.startsWith('node:internal/modules')) loading = true;
    }
    area ??= loading ? 'module loading' : 'node internals/other';
    areaCache.set(id, area);
    return area;
  };

  acc.durationUs += profile.endTime - profile.startTime;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    acc.totalUs += us;
    const area = areaOf(id);
    acc.areas.set(area, (acc.areas.get(area) ?? 0) + us);
    if (area === 'idle') continue;
    const frame = node.callFrame;
    const module = moduleOf(frame);
    acc.modules.set(module, (acc.modules.get(module) ?? 0) + us);
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}`;
    const entry = acc.functions.get(key) ?? { name: frame.functionName || '(anonymous)', where: `${module}${frame.lineNumber >= 0 && frame.url !== '' ? `:${frame.lineNumber + 1}` : ''}`, us: 0 };
    entry.us += us;
    acc.functions.set(key, entry);
  }
}

function finish(acc: Accumulator, file: string, thread: number, top: number): ThreadSummary {
  const share = (us: number): number => Math.round((us / Math.max(acc.totalUs, 1)) * 1000) / 10;
  return {
    file,
    thread,
    durationMs: round(acc.durationUs / 1000),
    busyMs: round((acc.totalUs - (acc.areas.get('idle') ?? 0)) / 1000),
    areas: [...acc.areas].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, ms: round(us / 1000), share: share(us) })),
    topFunctions: [...acc.functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: round(f.us / 1000), share: share(f.us) })),
    topModules: [...acc.modules]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, us]) => ({ module, ms: round(us / 1000), share: share(us) })),
  };
}

export function summariseProfile(profile: CpuProfile, file: string, thread: number, top = 15): ThreadSummary {
  const acc = newAccumulator();
  accumulate(profile, acc);
  return finish(acc, file, thread, top);
}

/**
 * The thread of a profile file: node's own are CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile;
 * those bench/profile-preload.ts writes from worker threads CPU.worker-<pid>-<thread>-<n>.cpuprofile.
 */
function threadOf(name: string): { thread: number; chunk: boolean } {
  const worker = /^CPU\.worker-\d+-(\d+)-\d+\.cpuprofile$/.exec(name);
  if (worker !== null) return { thread: Number(worker[1]), chunk: true };
  const parts = name.split('.');
  const thread = Number(parts[parts.length - 3]);
  return { thread: Number.isInteger(thread) ? thread : 0, chunk: false };
}

/** One summary per thread; a worker written in chunks is added up (node's own file wins if there is one). */
export async function summariseProfileDir(dir: string, top = 15): Promise<ProfileSummary> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile')).sort();
  const byThread = new Map<number, { whole: string[]; chunks: string[] }>();
  for (const name of files) {
    const { thread, chunk } = threadOf(name);
    const entry = byThread.get(thread) ?? { whole: [], chunks: [] };
    (chunk ? entry.chunks : entry.whole).push(name);
    byThread.set(thread, entry);
  }
  const threads: ThreadSummary[] = [];
  for (const [thread, entry] of [...byThread].sort((a, b) => a[0] - b[0])) {
    const names = entry.whole.length > 0 ? entry.whole : entry.chunks;
    const acc = newAccumulator();
    for (const name of names) accumulate(JSON.parse(await readFile(join(dir, name), 'utf8')) as CpuProfile, acc);
    threads.push(finish(acc, names.length === 1 ? (names[0] as string) : `${names[0] as string} (+${names.length - 1} more)`, thread, top));
  }
  return { threads };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = process.argv[2];
  if (dir === undefined) {
    console.error('usage: node dist/bench/profile.js <dir-with-.cpuprofile-files>');
    process.exitCode = 2;
  } else {
    summariseProfileDir(dir).then(
      (summary) => console.log(JSON.stringify(summary, null, 2)),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  }
}
