// An HTTP server for the benchmark corpus (bench/corpus.ts) on 127.0.0.1, port chosen by the OS.
//
// It serves one revision at a time from memory (so that disk reads do not blur what is measured)
// and can switch revision while running. Keep-alive is on. Which paths carry validators (a strong
// ETag and Last-Modified) and answer conditional requests with 304 depends on the validators mode,
// also switchable while running:
//   'half' (default): half of the paths, chosen by a hash of the path, plus the index page and the big
//          PDF; the others carry none, as many real servers do, so a client has to fetch them in full;
//   'all':  every path (a client that stored the validators gets a 304 for everything unchanged);
//   'none': no path: no validator is sent and conditional requests are ignored (a 200 with the full,
//          unchanged body every time).
//
// Last-Modified is not taken from file times: a file dates from the first revision in which its
// current bytes appeared (rev1: 2024-01-01, rev2: 2024-03-01, plus a per-path offset within 30
// days), so unchanged files keep their date across revisions and edited files get a later one.
// If-None-Match wins over If-Modified-Since (RFC 9110, 13.2.2); If-Modified-Since is honoured when
// the file is not newer than the date given.
//
// It counts what it answered (per status, bytes sent, conditional requests), so the benchmark can
// show how much work each sync asked of the server.
//
//   node dist/bench/corpus-server.js [--docs N] [--seed S] [--revision rev1] [--validators half|all|none]   # serve until Ctrl-C

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ensureCorpus, hash32, REVISIONS, type CorpusDocument, type CorpusManifest, type Revision } from './corpus.js';

export const VALIDATOR_MODES = ['half', 'all', 'none'] as const;
export type ValidatorMode = (typeof VALIDATOR_MODES)[number];

interface Entry {
  bytes: Buffer;
  contentType: string;
  /** Whether the path carries validators in the 'half' mode. */
  inHalf: boolean;
  etag: string;
  lastModified: string;
  lastModifiedMs: number;
}

export interface ServerStats {
  requests: number;
  byStatus: Record<string, number>;
  /** Requests carrying If-None-Match or If-Modified-Since. */
  conditional: number;
  bytesSent: number;
  /** TCP connections accepted (keep-alive reuse shows as requests >> connections). */
  connections: number;
  /** Paths asked for more than once (method and path, with the count): a client should not need to. */
  repeated: Record<string, number>;
  /** Requests for /robots.txt (answered 404: the corpus has none, so everything is allowed). */
  robots: number;
  /** Other paths answered 404 (at most 20). */
  notFound: string[];
}

export interface CorpusServer {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:40123/ */
  readonly url: string;
  readonly revision: Revision;
  setRevision(revision: Revision): void;
  readonly validators: ValidatorMode;
  setValidators(mode: ValidatorMode): void;
  /** Counters since the start or the last resetStats(). */
  stats(): ServerStats;
  resetStats(): void;
  /** Number of document paths served with validators in the current mode (the other ones have none). */
  readonly withValidators: number;
  close(): Promise<void>;
}

const REVISION_DATES_MS: Readonly<Record<Revision, number>> = {
  rev1: Date.UTC(2024, 0, 1),
  rev2: Date.UTC(2024, 2, 1),
};

/**
 * The half of the paths that carry ETag and Last-Modified in the 'half' mode. The index page always
 * does, and so does the big PDF (so that warm runs do not download 80 MiB; what is measured then does
 * not depend on where the hash puts one document).
 */
export function hasValidators(path: string, big = false): boolean {
  return path === 'index.html' || big || hash32('validators', path) % 2 === 0;
}

/** Whether a document carries validators in a mode. */
export function validatedIn(mode: ValidatorMode, doc: Pick<CorpusDocument, 'path' | 'big'>): boolean {
  return mode === 'all' || (mode === 'half' && hasValidators(doc.path, doc.big === true));
}

function contentTypeOf(path: string): string {
  if (path.endsWith('.html')) return 'text/html; charset=utf-8';
  if (path.endsWith('.pdf')) return 'application/pdf';
  return 'application/octet-stream';
}

async function loadRevisions(dir: string, manifest: CorpusManifest): Promise<Map<Revision, Map<string, Entry>>> {
  const paths = ['index.html', ...manifest.documents.map((d) => d.path)];
  const big = new Set(manifest.documents.filter((d) => d.big === true).map((d) => d.path));
  const revisions = new Map<Revision, Map<string, Entry>>();
  let previous: Map<string, Entry> | undefined;
  for (const revision of REVISIONS) {
    const entries = new Map<string, Entry>();
    for (const path of paths) {
      const bytes = await readFile(join(dir, revision, ...path.split('/')));
      const before = previous?.get(path);
      // Same bytes as in the previous revision: same entry, hence same validators (and no second copy).
      if (before !== undefined && before.bytes.equals(bytes)) {
        entries.set(path, before);
        continue;
      }
      const dateMs = REVISION_DATES_MS[revision] + (hash32('date', path) % (30 * 86_400)) * 1000;
      entries.set(path, {
        bytes,
        contentType: contentTypeOf(path),
        inHalf: hasValidators(path, big.has(path)),
        etag: `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`,
        lastModified: new Date(dateMs).toUTCString(),
        lastModifiedMs: dateMs,
      });
    }
    revisions.set(revision, entries);
    previous = entries;
  }
  return revisions;
}

function noneMatchHits(header: string, etag: string): boolean {
  const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);
  return header
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || opaque(t) === opaque(etag));
}

function notModified(req: IncomingMessage, entry: Entry): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) return noneMatchHits(inm, entry.etag);
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && entry.lastModifiedMs <= since;
}

function emptyStats(): ServerStats {
  return { requests: 0, byStatus: {}, conditional: 0, bytesSent: 0, connections: 0, robots: 0, repeated: {}, notFound: [] };
}

export interface CorpusServerOptions {
  /** The corpus directory (holding rev1/, rev2/, manifest.json). */
  dir: string;
  manifest: CorpusManifest;
  revision?: Revision;
  /** Which paths carry validators; 'half' by default. */
  validators?: ValidatorMode;
}

export async function startCorpusServer(options: CorpusServerOptions): Promise<CorpusServer> {
  const revisions = await loadRevisions(options.dir, options.manifest);
  let revision: Revision = options.revision ?? 'rev1';
  let mode: ValidatorMode = options.validators ?? 'half';
  let stats = emptyStats();
  let seen = new Map<string, number>();
  const withValidators = (m: ValidatorMode): number => options.manifest.documents.filter((d) => validatedIn(m, d)).length;
  const counts = new Map(VALIDATOR_MODES.map((m) => [m, withValidators(m)]));

  const send = (res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body?: Buffer): void => {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    stats.bytesSent += body?.length ?? 0;
    res.writeHead(status, headers);
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    stats.requests += 1;
    const key = `${req.method ?? '?'} ${req.url ?? ''}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined) stats.conditional += 1;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { Allow: 'GET, HEAD', 'Content-Length': 0 });
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent((req.url ?? '/').split(/[?#]/, 1)[0] ?? '/').replace(/^\/+/, '');
    } catch {
      send(res, 400, { 'Content-Length': 0 });
      return;
    }
    if (path === '' || path.endsWith('/')) path += 'index.html';
    const entry = revisions.get(revision)?.get(path);
    if (entry === undefined) {
      if (path === 'robots.txt') stats.robots += 1;
      else if (stats.notFound.length < 20) stats.notFound.push(`${req.method ?? '?'} ${req.url ?? ''}`);
      const body = Buffer.from('404 Not Found\n');
      send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length }, body);
      return;
    }
    const validated = mode === 'all' || (mode === 'half' && entry.inHalf);
    const validators: OutgoingHttpHeaders = validated ? { ETag: entry.etag, 'Last-Modified': entry.lastModified, 'Cache-Control': 'no-cache' } : {};
    if (validated && notModified(req, entry)) {
      send(res, 304, validators);
      return;
    }
    send(res, 200, { ...validators, 'Content-Type': entry.contentType, 'Content-Length': entry.bytes.length }, req.method === 'HEAD' ? undefined : entry.bytes);
  };

  // HTTP keep-alive is Node's default; keep idle connections for 30 s (the default 5 s is short).
  const server = createServer(handle);
  server.keepAliveTimeout = 30_000;
  server.on('connection', (_socket: Socket) => {
    stats.connections += 1;
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}/`,
    get revision() {
      return revision;
    },
    setRevision(next: Revision): void {
      if (!revisions.has(next)) throw new Error(`no such revision: ${next}`);
      revision = next;
    },
    get validators() {
      return mode;
    },
    setValidators(next: ValidatorMode): void {
      if (!VALIDATOR_MODES.includes(next)) throw new Error(`no such validators mode: ${String(next)}`);
      mode = next;
    },
    stats: () => {
      const repeated = Object.fromEntries([...seen].filter(([, count]) => count > 1));
      return { ...structuredClone(stats), repeated };
    },
    resetStats(): void {
      stats = emptyStats();
      seen = new Map();
    },
    get withValidators() {
      return counts.get(mode) ?? 0;
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Command line: serve a corpus for manual testing (curl, a browser, leakmirror by hand).

function argValue(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

async function cli(args: readonly string[]): Promise<void> {
  const docs = Number(argValue(args, '--docs') ?? 2000);
  const seed = Number(argValue(args, '--seed') ?? 1);
  const revision = (argValue(args, '--revision') ?? 'rev1') as Revision;
  if (!REVISIONS.includes(revision)) throw new Error(`--revision must be one of ${REVISIONS.join(', ')}`);
  const validators = (argValue(args, '--validators') ?? 'half') as ValidatorMode;
  if (!VALIDATOR_MODES.includes(validators)) throw new Error(`--validators must be one of ${VALIDATOR_MODES.join(', ')}`);
  const corpus = await ensureCorpus({ seed, docs, onProgress: (m) => console.error(m) });
  const server = await startCorpusServer({ dir: corpus.dir, manifest: corpus.manifest, revision, validators });
  console.error(`serving ${corpus.dir}/${revision} (${server.withValidators}/${docs} documents with validators, mode ${validators}); Ctrl-C to stop`);
  console.log(server.url);
  process.once('SIGINT', () => {
    console.error(JSON.stringify(server.stats()));
    void server.close();
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  cli(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
