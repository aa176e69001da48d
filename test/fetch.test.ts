// The fetcher against real HTTP servers on 127.0.0.1. Nothing here contacts any other address:
// host names are resolved by an injected lookup, and the blocker tests prove no socket is opened.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { FetchError, type FailureClass } from '../src/errors.js';
import { createFetcher, dispositionFilename } from '../src/fetch/fetcher.js';
import type { Fetcher, FetcherOptions, FetchResult, LookupFunction } from '../src/fetch/types.js';
import { redirect, send, startServer, type Handler, type TestServer } from './helpers/http-server.js';

const T = { timeout: 30_000 };

let root: string;
let testCount = 0;
const cleanups: Array<() => Promise<void>> = [];

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'leakmirror-fetch-'));
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function server(handler: Handler): Promise<TestServer> {
  const started = await startServer(handler);
  cleanups.push(() => started.close());
  return started;
}

/**
 * A fetcher with test defaults and its own (not yet existing) temp dir. These tests are about one
 * exchange: one try (no retries) and no robots.txt request unless a request sets ignoreRobots false.
 * Retries and robots.txt are covered by fault-injection.test.ts and robots.test.ts.
 */
function fetcher(overrides: Partial<FetcherOptions> = {}): { fetcher: Fetcher; tempDir: string } {
  const tempDir = path.join(root, `t${++testCount}`, 'tmp');
  const created = createFetcher({
    tempDir,
    userAgent: 'leakmirror-test/1.0',
    maxBytes: 10 * 1024 * 1024,
    connectTimeoutMs: 2_000,
    timeoutMs: 10_000,
    maxRedirects: 5,
    allowPrivateNetwork: true,
    retries: 0,
    ...overrides,
  });
  cleanups.push(() => created.close());
  const wrapped: Fetcher = {
    fetch: (request) => created.fetch({ ignoreRobots: true, ...request }),
    close: () => created.close(),
  };
  return { fetcher: wrapped, tempDir };
}

async function failsWith(promise: Promise<unknown>, failure: FailureClass): Promise<FetchError> {
  let caught: unknown;
  await assert.rejects(promise, (error) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof FetchError, `expected a FetchError, got ${String(caught)}`);
  assert.equal(caught.failure, failure, `failure class (message: ${caught.message})`);
  return caught;
}

/** Files left in a temp dir (a missing dir counts as empty). */
async function leftovers(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function asBody(result: FetchResult): Extract<FetchResult, { kind: 'body' }> {
  assert.equal(result.kind, 'body');
  return result as Extract<FetchResult, { kind: 'body' }>;
}

describe('fetcher: bodies', () => {
  it('streams a 200 body to a temp file with sha256, size and metadata', T, async () => {
    const body = 'hello, mirror\n';
    const srv = await server((_req, res) =>
      send(res, 200, body, {
        'content-type': 'text/plain; charset=utf-8',
        etag: '"v1"',
        'last-modified': 'Tue, 01 Jul 2025 10:00:00 GMT',
        'content-disposition': 'attachment; filename="notes.txt"',
      }),
    );
    const { fetcher: f, tempDir } = fetcher();
    const result = asBody(await f.fetch({ url: `${srv.url}/doc` }));
    assert.equal(result.url, `${srv.url}/doc`);
    assert.equal(result.finalUrl, `${srv.url}/doc`);
    assert.deepEqual(result.redirects, [`${srv.url}/doc`]);
    assert.equal(result.httpStatus, 200);
    assert.equal(result.size, Buffer.byteLength(body));
    assert.equal(result.sha256, sha256(body));
    assert.equal(await readFile(result.filePath, 'utf8'), body);
    assert.equal(path.dirname(result.filePath), path.resolve(tempDir));
    assert.equal(result.contentType, 'text/plain; charset=utf-8');
    assert.equal(result.dispositionName, 'notes.txt');
    assert.deepEqual(result.validators, { etag: '"v1"', lastModified: 'Tue, 01 Jul 2025 10:00:00 GMT' });
    assert.equal(new Date(result.fetchedAt).toISOString(), result.fetchedAt);
    const seen = srv.requests[0]?.headers;
    assert.equal(seen?.['user-agent'], 'leakmirror-test/1.0');
    assert.equal(seen?.['accept-encoding'], 'gzip, deflate, br');
    assert.equal(seen?.['if-none-match'], undefined);
  });

  it('streams a large chunked body intact', T, async () => {
    const chunk = Buffer.alloc(64 * 1024, 'abcdefgh');
    const srv = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 48; i++) res.write(chunk);
      res.end();
    });
    const { fetcher: f } = fetcher();
    const result = asBody(await f.fetch({ url: `${srv.url}/big` }));
    const expected = Buffer.concat(new Array<Buffer>(48).fill(chunk));
    assert.equal(result.size, expected.length);
    assert.equal(result.sha256, sha256(expected));
    assert.equal(result.validators.etag, undefined);
    assert.equal(result.dispositionName, undefined);
  });

  it('survives a server that closes every connection after its answer, large bodies included (undici#5360)', T, async () => {
    // HTTP/1.0 style, as `python3 -m http.server`: one answer per connection, then FIN. While a body
    // waits to be written to disk, undici 7 must not be left with a paused parser when the socket
    // ends: it would crash the whole process with an uncatchable AssertionError. (The guard itself
    // is tested deterministically in paused-parser-guard.test.ts.)
    const big = Buffer.alloc(48 * 1024 * 1024, 'leakmirror ');
    const srv = net.createServer((socket) => {
      socket.once('data', (request) => {
        const path = request.toString('latin1').split(' ')[1] ?? '/';
        const [status, body] = path === '/robots.txt' ? ['404 Not Found', Buffer.from('<html><body>Not found</body></html>')] : path === '/big' ? ['200 OK', big] : ['200 OK', Buffer.from('<html><body><a href="/big">big</a></body></html>')];
        socket.write(`HTTP/1.0 ${status}\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
        socket.end(body);
      });
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => srv.close(() => resolve())));
    const { port } = srv.address() as net.AddressInfo;
    for (let round = 0; round < 4; round++) {
      // A fetcher of its own each round: robots.txt is asked for again. Half the rounds with a body
      // buffer of 64 KiB, so that undici pauses often (without guardPausedParser, most such runs
      // crashed the test process).
      const { fetcher: f } = fetcher({ maxBytes: 64 * 1024 * 1024, bodyBufferBytes: round % 2 === 0 ? undefined : 64 * 1024 });
      const [index, body] = await Promise.all([
        f.fetch({ url: `http://127.0.0.1:${port}/`, ignoreRobots: false }),
        f.fetch({ url: `http://127.0.0.1:${port}/big`, ignoreRobots: false }),
      ]).then((results) => results.map(asBody));
      assert.equal(index?.size, Buffer.byteLength('<html><body><a href="/big">big</a></body></html>'));
      assert.equal(body?.size, big.length);
      assert.equal(body?.sha256, sha256(big));
      for (const result of [index, body]) await rm(result?.filePath as string);
    }
  });

  it('keeps a body of at most inMemoryUpTo bytes in memory (no file), and streams a larger one to a file', T, async () => {
    const small = Buffer.from('a small page');
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const srv = await server((req, res) => {
      if (req.url === '/small') return send(res, 200, small, { 'content-type': 'text/plain', etag: '"s"' });
      // Chunked: no length announced; it outgrows the limit part-way.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 8; i++) res.write(chunk);
      res.end();
    });
    const { fetcher: f, tempDir } = fetcher();
    const inMemory = await f.fetch({ url: `${srv.url}/small`, inMemoryUpTo: 1024 });
    assert.equal(inMemory.kind, 'bytes');
    if (inMemory.kind !== 'bytes') return;
    assert.ok(inMemory.bytes.equals(small));
    assert.equal(inMemory.size, small.length);
    assert.equal(inMemory.sha256, sha256(small));
    assert.equal(inMemory.validators.etag, '"s"');
    assert.equal(inMemory.contentType, 'text/plain');
    assert.deepEqual(await leftovers(tempDir), []);

    const large = await f.fetch({ url: `${srv.url}/large`, inMemoryUpTo: 100 * 1024 });
    assert.equal(large.kind, 'body');
    if (large.kind !== 'body') return;
    const expected = Buffer.concat(new Array<Buffer>(8).fill(chunk));
    assert.equal(large.size, expected.length);
    assert.equal(large.sha256, sha256(expected));
    assert.ok((await readFile(large.filePath)).equals(expected));
    // Without the option, a small body is in a file as before.
    assert.equal((await f.fetch({ url: `${srv.url}/small` })).kind, 'body');
  });

  const text = 'The same text, compressed. '.repeat(2000);
  const encodings: Array<[string, string, Buffer]> = [
    ['gzip', 'gzip', zlib.gzipSync(text)],
    ['deflate (zlib-wrapped)', 'deflate', zlib.deflateSync(text)],
    ['deflate (raw)', 'deflate', zlib.deflateRawSync(text)],
    ['br', 'br', zlib.brotliCompressSync(text)],
    ['gzip then br', 'gzip, br', zlib.brotliCompressSync(zlib.gzipSync(text))],
  ];
  for (const [name, header, encoded] of encodings) {
    it(`decodes Content-Encoding ${name}`, T, async () => {
      const srv = await server((_req, res) => send(res, 200, encoded, { 'content-encoding': header }));
      const { fetcher: f } = fetcher();
      const result = asBody(await f.fetch({ url: `${srv.url}/z` }));
      assert.equal(result.size, Buffer.byteLength(text));
      assert.equal(result.sha256, sha256(text));
      assert.equal(await readFile(result.filePath, 'utf8'), text);
    });
  }

  it('refuses an unknown Content-Encoding as bad-content', T, async () => {
    const srv = await server((_req, res) => send(res, 200, 'x', { 'content-encoding': 'compress' }));
    const { fetcher: f, tempDir } = fetcher();
    await failsWith(f.fetch({ url: `${srv.url}/` }), 'bad-content');
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('reports a corrupt gzip body as bad-content and leaves no file', T, async () => {
    const srv = await server((_req, res) => send(res, 200, Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' }));
    const { fetcher: f, tempDir } = fetcher();
    await failsWith(f.fetch({ url: `${srv.url}/` }), 'bad-content');
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('writes concurrent fetches to distinct temp files', T, async () => {
    const srv = await server((req, res) => send(res, 200, `body of ${req.url ?? ''}`));
    const { fetcher: f } = fetcher();
    const results = await Promise.all(['/1', '/2', '/3'].map((p) => f.fetch({ url: `${srv.url}${p}` })));
    const files = results.map((r) => asBody(r).filePath);
    assert.equal(new Set(files).size, 3);
    assert.deepEqual(await Promise.all(files.map((file) => readFile(file, 'utf8'))), ['body of /1', 'body of /2', 'body of /3']);
  });

  it('reuses one keep-alive connection for sequential fetches', T, async () => {
    const srv = await server((_req, res) => send(res, 200, 'x'));
    const { fetcher: f } = fetcher();
    await f.fetch({ url: `${srv.url}/1` });
    await f.fetch({ url: `${srv.url}/2` });
    assert.equal(srv.requests.length, 2);
    assert.equal(srv.connections, 1);
  });
});

describe('fetcher: status codes', () => {
  it('sends validators and returns not-modified on 304', T, async () => {
    const srv = await server((req, res) => {
      if (req.headers['if-none-match'] === '"v7"') send(res, 304);
      else send(res, 200, 'changed');
    });
    const { fetcher: f, tempDir } = fetcher();
    const result = await f.fetch({
      url: `${srv.url}/doc`,
      validators: { etag: '"v7"', lastModified: 'Wed, 02 Jul 2025 08:00:00 GMT' },
    });
    assert.equal(result.kind, 'not-modified');
    assert.equal(result.httpStatus, 304);
    assert.equal(result.finalUrl, `${srv.url}/doc`);
    assert.equal(srv.requests[0]?.headers['if-none-match'], '"v7"');
    assert.equal(srv.requests[0]?.headers['if-modified-since'], 'Wed, 02 Jul 2025 08:00:00 GMT');
    assert.deepEqual(await leftovers(tempDir), []);
  });

  for (const status of [404, 410]) {
    it(`returns gone on ${status}`, T, async () => {
      const srv = await server((_req, res) => send(res, status, 'no such page'));
      const { fetcher: f, tempDir } = fetcher();
      const result = await f.fetch({ url: `${srv.url}/old` });
      assert.equal(result.kind, 'gone');
      assert.equal(result.httpStatus, status);
      assert.deepEqual(await leftovers(tempDir), []);
    });
  }

  it('fails with http-500 on a server error', T, async () => {
    const srv = await server((_req, res) => send(res, 500, 'boom'));
    const { fetcher: f } = fetcher();
    const error = await failsWith(f.fetch({ url: `${srv.url}/x` }), 'http-500');
    assert.match(error.message, /HTTP 500/);
    assert.ok(error.message.includes(`${srv.url}/x`));
  });

  it('fails with http-403 and keeps serving after a discarded error body', T, async () => {
    const srv = await server((req, res) => {
      if (req.url === '/secret') send(res, 403, 'x'.repeat(100_000));
      else send(res, 200, 'fine');
    });
    const { fetcher: f } = fetcher();
    await failsWith(f.fetch({ url: `${srv.url}/secret` }), 'http-403');
    assert.equal(asBody(await f.fetch({ url: `${srv.url}/ok` })).size, 4);
  });
});

describe('fetcher: redirects', () => {
  it('follows a chain of redirects and records every URL', T, async () => {
    const srv = await server((req, res) => {
      if (req.url === '/a') redirect(res, 'b', 301);
      else if (req.url === '/b') redirect(res, `${srv.url}/c?x=1`, 303);
      else if (req.url === '/c?x=1') redirect(res, '/d#frag', 307);
      else if (req.url === '/d') redirect(res, '/e', 308);
      else send(res, 200, 'final');
    });
    const { fetcher: f } = fetcher();
    const result = asBody(await f.fetch({ url: `${srv.url}/a` }));
    assert.equal(result.url, `${srv.url}/a`);
    assert.equal(result.finalUrl, `${srv.url}/e`);
    assert.deepEqual(result.redirects, [
      `${srv.url}/a`,
      `${srv.url}/b`,
      `${srv.url}/c?x=1`,
      `${srv.url}/d#frag`,
      `${srv.url}/e`,
    ]);
    assert.equal(result.sha256, sha256('final'));
  });

  function chain(length: number): Handler {
    return (req, res) => {
      const n = Number((req.url ?? '/0').slice(1));
      if (n < length) redirect(res, `/${n + 1}`);
      else send(res, 200, 'end of chain');
    };
  }

  it('follows exactly maxRedirects redirects', T, async () => {
    const srv = await server(chain(5));
    const { fetcher: f } = fetcher({ maxRedirects: 5 });
    const result = asBody(await f.fetch({ url: `${srv.url}/0` }));
    assert.equal(result.redirects.length, 6);
    assert.equal(result.finalUrl, `${srv.url}/5`);
  });

  it('fails with too-many-redirects after maxRedirects', T, async () => {
    const srv = await server(chain(6));
    const { fetcher: f } = fetcher({ maxRedirects: 5 });
    await failsWith(f.fetch({ url: `${srv.url}/0` }), 'too-many-redirects');
    assert.equal(srv.requests.length, 6);
  });

  it('stops a redirect loop', T, async () => {
    const srv = await server((req, res) => redirect(res, req.url === '/x' ? '/y' : '/x'));
    const { fetcher: f } = fetcher({ maxRedirects: 20 });
    const error = await failsWith(f.fetch({ url: `${srv.url}/x` }), 'too-many-redirects');
    assert.match(error.message, /loop/);
    assert.ok(srv.requests.length <= 3);
  });

  it('refuses a redirect to a non-http scheme', T, async () => {
    const srv = await server((_req, res) => redirect(res, 'file:///etc/passwd'));
    const { fetcher: f } = fetcher();
    await failsWith(f.fetch({ url: `${srv.url}/` }), 'bad-url');
  });

  it('fails with http-302 on a redirect without Location', T, async () => {
    const srv = await server((_req, res) => send(res, 302, ''));
    const { fetcher: f } = fetcher();
    await failsWith(f.fetch({ url: `${srv.url}/` }), 'http-302');
  });
});

describe('fetcher: size limits', () => {
  it('aborts a streamed body past maxBytes and leaves no temp file', T, async () => {
    const srv = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const piece = Buffer.alloc(16 * 1024, 1);
      let sent = 0;
      const pump = (): void => {
        while (sent < 64 && !res.destroyed) {
          sent++;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    });
    const { fetcher: f, tempDir } = fetcher({ maxBytes: 100_000 });
    const error = await failsWith(f.fetch({ url: `${srv.url}/huge` }), 'too-big');
    assert.match(error.message, /100000 bytes/);
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('fails at once when Content-Length exceeds maxBytes', T, async () => {
    // The server promises a big body and never sends it: only the header can end this quickly.
    const srv = await server((_req, res) => {
      res.writeHead(200, { 'content-length': 5_000_000 });
      res.flushHeaders();
    });
    const { fetcher: f, tempDir } = fetcher({ maxBytes: 1_000_000 });
    await failsWith(f.fetch({ url: `${srv.url}/big` }), 'too-big');
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('stops a gzip bomb at maxBytes instead of inflating it', T, async () => {
    // 1 GiB of zeros compressed to about 1 MB, generated by streaming.
    const gzip = zlib.createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (part: Buffer) => parts.push(part));
    const zeros = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 1024; i++) {
      if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
    }
    await new Promise((resolve) => gzip.end(resolve));
    const bomb = Buffer.concat(parts);
    assert.ok(bomb.length < 2 * 1024 * 1024);

    const srv = await server((_req, res) => {
      res.on('error', () => undefined);
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/html' });
      res.end(bomb);
    });
    const { fetcher: f, tempDir } = fetcher({ maxBytes: 10 * 1024 * 1024 });
    await failsWith(f.fetch({ url: `${srv.url}/bomb` }), 'too-big');
    assert.deepEqual(await leftovers(tempDir), []);
  });
});

describe('fetcher: timeouts and network failures', () => {
  it('times out when the server stalls before headers', T, async () => {
    const srv = await server(() => undefined);
    const { fetcher: f } = fetcher({ timeoutMs: 300 });
    const error = await failsWith(f.fetch({ url: `${srv.url}/stall` }), 'timeout');
    assert.ok(error.message.includes(`${srv.url}/stall`));
  });

  it('times out when the body stalls, and leaves no temp file', T, async () => {
    const srv = await server((_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write('part of it');
    });
    const { fetcher: f, tempDir } = fetcher({ timeoutMs: 300 });
    await failsWith(f.fetch({ url: `${srv.url}/slow` }), 'timeout');
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('classifies a connection reset before the response as connect', T, async () => {
    const srv = await server((req) => {
      req.socket.resetAndDestroy();
    });
    const { fetcher: f } = fetcher();
    const error = await failsWith(f.fetch({ url: `${srv.url}/reset` }), 'connect');
    assert.ok(error.cause !== undefined);
  });

  it('classifies a refused connection as connect', T, async () => {
    const srv = await startServer(() => undefined);
    await srv.close(); // nothing listens on that port any more
    const { fetcher: f } = fetcher();
    const error = await failsWith(f.fetch({ url: `${srv.url}/` }), 'connect');
    assert.equal((error.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
  });

  it('classifies a body cut short (wrong Content-Length) as network and leaves no file', T, async () => {
    const srv = await server((req, res) => {
      res.writeHead(200, { 'content-length': 100_000 });
      res.write('only this much', () => req.socket.destroy());
    });
    const { fetcher: f, tempDir } = fetcher();
    const error = await failsWith(f.fetch({ url: `${srv.url}/cut` }), 'network');
    assert.ok(error.cause !== undefined);
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('times out connecting with connectTimeoutMs (lookup that never answers)', T, async () => {
    const lookup: LookupFunction = () => new Promise(() => undefined);
    const { fetcher: f } = fetcher({ lookup, connectTimeoutMs: 200, timeoutMs: 20_000 });
    await failsWith(f.fetch({ url: 'http://hang.test/' }), 'timeout');
  });

  it('classifies a failed DNS lookup as dns', T, async () => {
    const lookup: LookupFunction = async (hostname) => {
      const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      error.code = 'ENOTFOUND';
      throw error;
    };
    const { fetcher: f } = fetcher({ lookup });
    await failsWith(f.fetch({ url: 'http://nowhere.test/' }), 'dns');
  });

  it('rejects URLs that are not http or https', T, async () => {
    const { fetcher: f } = fetcher();
    for (const url of ['ftp://example.test/file', 'file:///etc/passwd', 'not a url', 'javascript:alert(1)']) {
      await failsWith(f.fetch({ url }), 'bad-url');
    }
  });
});

describe('fetcher: address policy', () => {
  it('refuses 127.0.0.1 before sending anything', T, async () => {
    const srv = await server((_req, res) => send(res, 200, 'should never be served'));
    const { fetcher: f } = fetcher({ allowPrivateNetwork: false });
    const error = await failsWith(f.fetch({ url: `${srv.url}/` }), 'blocked-address');
    assert.match(error.message, /127\.0\.0\.1/);
    assert.match(error.message, /--allow-private-network/);
    assert.equal(srv.requests.length, 0);
    assert.equal(srv.connections, 0);
  });

  it('refuses IPv6 and IPv4-mapped loopback literals', T, async () => {
    const { fetcher: f } = fetcher({ allowPrivateNetwork: false });
    for (const url of ['http://[::1]:9/', 'http://[::ffff:127.0.0.1]:9/', 'http://0x7f.1:9/', 'http://2130706433:9/']) {
      await failsWith(f.fetch({ url }), 'blocked-address');
    }
  });

  it('checks addresses after DNS: a name resolving to loopback is refused without a connection', T, async () => {
    const srv = await server((_req, res) => send(res, 200, 'should never be served'));
    const asked: string[] = [];
    const lookup: LookupFunction = async (hostname) => {
      asked.push(hostname);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const { fetcher: f } = fetcher({ allowPrivateNetwork: false, lookup });
    const error = await failsWith(f.fetch({ url: `http://sneaky.test:${srv.port}/` }), 'blocked-address');
    assert.match(error.message, /sneaky\.test/);
    assert.match(error.message, /127\.0\.0\.1/);
    assert.deepEqual(asked, ['sneaky.test']);
    assert.equal(srv.connections, 0);
  });

  it('refuses a name resolving to 10.0.0.1 inside the lookup, so no packet is sent', T, async () => {
    const asked: string[] = [];
    const lookup: LookupFunction = async (hostname) => {
      asked.push(hostname);
      return [{ address: '10.0.0.1', family: 4 }];
    };
    const { fetcher: f } = fetcher({ allowPrivateNetwork: false, lookup, connectTimeoutMs: 500 });
    const error = await failsWith(f.fetch({ url: 'http://evil.test/' }), 'blocked-address');
    assert.match(error.message, /evil\.test/);
    assert.match(error.message, /10\.0\.0\.1/);
    assert.match(error.message, /private/);
    // The refusal came from the lookup path (not a timeout or a connect error): no socket was used.
    assert.deepEqual(asked, ['evil.test']);
  });

  it('uses the injected lookup for host names when private addresses are allowed', T, async () => {
    const srv = await server((req, res) => send(res, 200, `host ${req.headers.host ?? ''}`));
    const lookup: LookupFunction = async () => [{ address: '127.0.0.1', family: 4 }];
    const { fetcher: f } = fetcher({ allowPrivateNetwork: true, lookup });
    const result = asBody(await f.fetch({ url: `http://docs.test:${srv.port}/page` }));
    assert.equal(await readFile(result.filePath, 'utf8'), `host docs.test:${srv.port}`);
    assert.equal(result.finalUrl, `http://docs.test:${srv.port}/page`);
  });
});

describe('fetcher: secrets stay out of results', () => {
  it('sends URL credentials as Basic auth and strips them from every recorded URL', T, async () => {
    const srv = await server((req, res) => {
      if (req.url === '/start') redirect(res, '/doc');
      else send(res, 200, 'private doc');
    });
    const { fetcher: f } = fetcher({ headers: { 'X-Api-Key': 'key-sekrit-123' } });
    const base = srv.url.replace('http://', 'http://alice:p%40ss-sekrit@');
    const result = asBody(await f.fetch({ url: `${base}/start` }));
    const expected = `Basic ${Buffer.from('alice:p@ss-sekrit').toString('base64')}`;
    assert.equal(srv.requests.length, 2);
    for (const seen of srv.requests) {
      assert.equal(seen.headers.authorization, expected);
      assert.equal(seen.headers['x-api-key'], 'key-sekrit-123');
    }
    assert.equal(result.url, `${srv.url}/start`);
    assert.equal(result.finalUrl, `${srv.url}/doc`);
    const recorded = JSON.stringify(result);
    assert.doesNotMatch(recorded, /alice|sekrit/);
  });

  it('keeps credentials out of error messages', T, async () => {
    const srv = await server((_req, res) => send(res, 500, 'boom'));
    const { fetcher: f } = fetcher({ headers: { authorization: 'Bearer tok-sekrit' } });
    const base = srv.url.replace('http://', 'http://alice:sekrit@');
    const error = await failsWith(f.fetch({ url: `${base}/x` }), 'http-500');
    assert.doesNotMatch(error.message, /alice|sekrit/);
    const bad = await failsWith(f.fetch({ url: 'ftp://alice:sekrit@example.test/' }), 'bad-url');
    assert.doesNotMatch(bad.message, /alice|sekrit/);
    const unparsable = await failsWith(f.fetch({ url: 'http://alice:sekrit@exa mple.test/' }), 'bad-url');
    assert.doesNotMatch(unparsable.message, /alice|sekrit/);
  });
});

describe('Content-Disposition filename', () => {
  const table: Array<[string | undefined, string | undefined]> = [
    [undefined, undefined],
    ['inline', undefined],
    ['attachment; filename="report.pdf"', 'report.pdf'],
    ['attachment; filename=report.pdf', 'report.pdf'],
    ['attachment; filename="with \\"quotes\\".pdf"', 'with "quotes".pdf'],
    ['attachment; filename="semi;colon.pdf"; size=12', 'semi;colon.pdf'],
    ["attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", 'résumé.pdf'],
    ["attachment; filename=\"fallback.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf", '€ rates.pdf'],
    ["attachment; filename*=utf-8'en'%E2%82%AC.pdf; filename=\"fallback.pdf\"", '€.pdf'],
    ["attachment; filename*=iso-8859-1''caf%E9.pdf", 'café.pdf'],
    ["attachment; filename*=UTF-8''%FF%FE.pdf; filename=plain.pdf", 'plain.pdf'],
    [`attachment; filename="${Buffer.from('café.pdf', 'utf8').toString('latin1')}"`, 'café.pdf'],
    ['attachment; FILENAME="upper.pdf"', 'upper.pdf'],
    ['attachment; filename=""', undefined],
  ];
  for (const [header, expected] of table) {
    it(`${header ?? '(none)'} → ${expected ?? '(none)'}`, () => {
      assert.equal(dispositionFilename(header), expected);
    });
  }
});
