// A throwaway HTTP server on 127.0.0.1 for tests. close() destroys open sockets, so a test that
// leaves a request hanging (stalls, timeouts) never keeps the process alive.

import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Requests received so far (method, url, headers), oldest first. */
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }>;
  /** TCP connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        // A broken handler answers 500 instead of leaving the client hanging.
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
  });
  server.on('connection', (socket) => {
    state.connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const state: TestServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: [],
    connections: 0,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
  return state;
}

/** Answers with a status, headers and an optional body (Content-Length set for Buffers and strings). */
export function send(res: ServerResponse, status: number, body?: string | Buffer, headers: OutgoingHttpHeaders = {}): void {
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  res.writeHead(status, {
    ...(payload === undefined ? {} : { 'content-length': payload.length }),
    ...headers,
  });
  res.end(payload);
}

/** Answers with a redirect to `location` (302 unless told). */
export function redirect(res: ServerResponse, location: string, status = 302): void {
  send(res, status, '', { location });
}

/** Resolves when the request body has been read (or at once if there is none). */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
