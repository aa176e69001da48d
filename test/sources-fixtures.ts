// Shared by the sources, wayback and WCIT tests: a mutable site on 127.0.0.1, PDFs made on the fly,
// fixture files, git. Not a test file itself.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { initMirror } from '../src/core/init.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

export interface Page {
  status?: number;
  type?: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export interface Site {
  server: TestServer;
  url: string;
  pages: Map<string, Page>;
  /** Paths (with query) requested so far, robots.txt left out. */
  hits(): string[];
  close(): Promise<void>;
}

/** A site whose pages (path with query, or path alone) can change between runs; 404 otherwise. */
export async function startSite(fallback?: (path: string) => Page | undefined): Promise<Site> {
  const pages = new Map<string, Page>();
  const server = await startServer((req, res) => {
    const raw = req.url ?? '/';
    const path = new URL(raw, 'http://x').pathname;
    const page = pages.get(raw) ?? pages.get(path) ?? fallback?.(raw);
    if (page === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = typeof page.body === 'string' ? Buffer.from(page.body, 'utf8') : page.body;
    res.writeHead(page.status ?? 200, { 'content-type': page.type ?? 'text/html; charset=utf-8', 'content-length': body.length, ...page.headers }).end(body);
  });
  return {
    server,
    url: server.url,
    pages,
    hits: () => server.requests.map((request) => request.url).filter((url) => url !== '/robots.txt'),
    close: () => server.close(),
  };
}

/** A small PDF whose text is `lines`, one page; the same lines give the same bytes. */
export async function makePdf(lines: readonly string[], title = 'Test document'): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  lines.forEach((line, index) => page.drawText(line, { x: 50, y: 780 - index * 20, size: 12, font }));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

export function fixture(relativePath: string): string {
  return readFileSync(new URL(`../../test/fixtures/sources/${relativePath}`, import.meta.url), 'utf8');
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
}

export async function newMirror(name = 'test'): Promise<string> {
  const dir = join(await tempDir(), 'mirror');
  await initMirror({ dir, name });
  return dir;
}

export const html = (title: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><main>${body}</main></body></html>`;
