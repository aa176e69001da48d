// A throwaway HTTP server on 127.0.0.1 for tests. close() destroys open sockets, so a test that
// leaves a request hanging (stalls, timeouts) never keeps the process alive.

import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Requests received so far (method, url, headers), oldest first. */
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }>;
  /** TCP connections accepted so far. */
  connections: number;
  /** TCP connections open now (a client that released its sockets leaves none). */
  readonly openConnections: number;
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
    get openConnections() {
      return sockets.size;
    },
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

/** A request as a raw server saw it. */
export interface RawRequest {
  method: string;
  url: string;
  /** Header names lower-cased; a repeated header keeps its last value. */
  headers: Record<string, string>;
}

/** Writes whatever it wants to the socket: malformed framing, wrong lengths, abrupt ends. */
export type RawHandler = (socket: Socket, request: RawRequest) => void;

export interface RawServer {
  url: string;
  port: number;
  requests: RawRequest[];
  connections: number;
  close(): Promise<void>;
}

/**
 * A TCP server on 127.0.0.1 that reads one HTTP request head per connection and hands the socket to
 * `handler`, for responses node's http module refuses to send (a Content-Length that lies, a
 * chunked body without its last chunk). Handlers should answer `Connection: close` and end the
 * socket: bytes after the first request head are ignored.
 */
export async function startRawServer(handler: RawHandler): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    let answered = false;
    socket.on('data', (data: Buffer) => {
      if (answered) return;
      head += data.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      answered = true;
      const [requestLine = '', ...headerLines] = head.slice(0, end).split('\r\n');
      const [method = '', url = ''] = requestLine.split(' ');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const request = { method, url, headers };
      state.requests.push(request);
      handler(socket, request);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const state: RawServer = {
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
