// A small static file server for the demo: it serves one revision of the bundled sample site
// (mirror/sample-site/<revision>/) on 127.0.0.1 and can switch revisions while running, so that
// leakmirror can be shown picking up changed, added and removed documents.
//
// It behaves like a plain, well-configured web server: content types by extension, strong ETags,
// Last-Modified, conditional requests (304), HEAD, keep-alive, 404/405, and no way out of the served
// directory. It prints nothing.
//
// Last-Modified cannot come from file mtimes (a git clone sets them to checkout time), so it is
// derived deterministically: the revision's date (a name ending in a number N, like "rev2", dates from
// 2012-12-01 plus N days, so later revisions are later; any other name dates from 2012-12-01) plus an
// offset within that day taken from the hash of the file's bytes. If-Modified-Since is matched exactly
// (like nginx's default), so switching to an older revision never produces a wrong 304.

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

import { UsageError } from '../errors.js';
import { packageRoot } from '../util/package-root.js';

export interface SiteServerOptions {
  /** Directory holding one subdirectory per revision, e.g. mirror/sample-site. */
  root: string;
  /** Name of the revision subdirectory to serve first, e.g. "rev1". */
  revision: string;
  /** Interface to listen on; 127.0.0.1 unless told. The port is always chosen by the OS. */
  host?: string;
}

export interface SiteServer {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:40123/ */
  readonly url: string;
  /** Serve another revision from the next request on. Throws if the revision directory does not exist. */
  setRevision(revision: string): void;
  /** Stop listening and destroy open (keep-alive) connections. Safe to call more than once. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8',
};

const BASE_DATE_MS = Date.UTC(2012, 11, 1); // 1 December 2012, 00:00 UTC
const DAY_MS = 24 * 60 * 60 * 1000;

/** Absolute path of the bundled sample site, mirror/sample-site in leakmirror's package. */
export function defaultSampleSiteRoot(): string {
  return resolve(packageRoot(), 'mirror', 'sample-site');
}

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** The Last-Modified date of a file of a revision: see the comment at the top of this file. */
export function lastModifiedFor(revision: string, bytes: Uint8Array): Date {
  const match = /(\d+)$/.exec(revision);
  const days = match?.[1] !== undefined ? Math.min(Number(match[1]), 36_500) : 0;
  const digest = createHash('sha256').update(bytes).digest();
  const secondsIntoDay = digest.readUInt32BE(0) % 86_400;
  return new Date(BASE_DATE_MS + days * DAY_MS + secondsIntoDay * 1000);
}

function etagFor(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`;
}

function checkRevisionDir(root: string, revision: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(revision)) {
    throw new UsageError(`invalid sample-site revision name: ${JSON.stringify(revision)}`);
  }
  const dir = join(root, revision);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`no such sample-site revision: ${dir}`);
  return dir;
}

/** If-None-Match: a list of entity tags or "*"; compared weakly, as RFC 9110 requires for this header. */
function noneMatchHits(header: string, etag: string): boolean {
  const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);
  return header
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || opaque(t) === opaque(etag));
}

function isInside(dir: string, path: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

type Outcome =
  | { kind: 'error'; status: 400 | 404 | 405 | 500 }
  | { kind: 'redirect'; location: string }
  | { kind: 'file'; path: string };

/** Maps a request target to a file inside `dir`, refusing anything that could leave it. */
async function locate(target: string, dir: string): Promise<Outcome> {
  if (!target.startsWith('/')) return { kind: 'error', status: 400 };
  const rawPath = target.split(/[?#]/, 1)[0] ?? '/';
  if (rawPath.includes('\\') || rawPath.includes('\0')) return { kind: 'error', status: 400 };
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'error', status: 400 };
  }
  if (path.includes('\\') || path.includes('\0')) return { kind: 'error', status: 400 };
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) return { kind: 'error', status: 400 };
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'error', status: 404 }; // no dotfiles

  let file = resolve(dir, ...segments);
  if (!isInside(dir, file)) return { kind: 'error', status: 400 };

  let info;
  try {
    info = await stat(file);
  } catch {
    return { kind: 'error', status: 404 };
  }
  if (info.isDirectory()) {
    if (!path.endsWith('/')) {
      const query = target.slice(rawPath.length);
      // One leading slash only: "//host" in Location would send the client to another host.
      return { kind: 'redirect', location: `${rawPath.replace(/^\/+/, '/')}/${query}` };
    }
    file = join(file, 'index.html');
  } else if (path.endsWith('/')) {
    return { kind: 'error', status: 404 };
  }

  // Symbolic links must not lead out of the revision directory either.
  try {
    const [realDir, realFile] = await Promise.all([realpath(dir), realpath(file)]);
    if (!isInside(realDir, realFile) || !(await stat(realFile)).isFile()) return { kind: 'error', status: 404 };
    return { kind: 'file', path: realFile };
  } catch {
    return { kind: 'error', status: 404 };
  }
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
};

function sendError(req: IncomingMessage, res: ServerResponse, status: number): void {
  const body = `${status} ${STATUS_TEXT[status] ?? 'Error'}\n`;
  const headers: OutgoingHttpHeaders = {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  };
  if (status === 405) headers['Allow'] = 'GET, HEAD';
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function handle(req: IncomingMessage, res: ServerResponse, revision: string, dir: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(req, res, 405);
    return;
  }
  const outcome = await locate(req.url ?? '/', dir);
  if (outcome.kind === 'error') {
    sendError(req, res, outcome.status);
    return;
  }
  if (outcome.kind === 'redirect') {
    res.writeHead(301, { Location: outcome.location, 'Content-Length': 0 });
    res.end();
    return;
  }

  let bytes: Buffer;
  try {
    bytes = await readFile(outcome.path);
  } catch {
    sendError(req, res, 404);
    return;
  }
  const etag = etagFor(bytes);
  const lastModified = lastModifiedFor(revision, bytes).toUTCString();
  const validators: OutgoingHttpHeaders = {
    ETag: etag,
    'Last-Modified': lastModified,
    'Cache-Control': 'no-cache',
  };

  // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110, 13.2.2).
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  const notModified =
    inm !== undefined ? noneMatchHits(inm, etag) : ims !== undefined && Date.parse(ims) === Date.parse(lastModified);
  if (notModified) {
    res.writeHead(304, validators);
    res.end();
    return;
  }

  res.writeHead(200, {
    ...validators,
    'Content-Type': contentTypeFor(outcome.path),
    'Content-Length': bytes.length,
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
  const root = resolve(options.root);
  const host = options.host ?? '127.0.0.1';
  let revision = options.revision;
  let dir = checkRevisionDir(root, revision);

  const server = createServer((req, res) => {
    // Capture the revision at the start of the request, so a switch never mixes two revisions.
    handle(req, res, revision, dir).catch(() => {
      if (!res.headersSent) sendError(req, res, 500);
      else res.destroy();
    });
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });

  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${hostInUrl}:${port}/`,
    setRevision(next: string): void {
      dir = checkRevisionDir(root, next);
      revision = next;
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        // Idle keep-alive sockets would otherwise hold the process open until they time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
