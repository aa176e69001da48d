// The real fetcher against a hostile network, simulated on 127.0.0.1: resets, stalls, lying
// lengths, truncated bodies, throttling, redirect tricks, bombs, robots.txt, secrets. Each case
// checks the outcome (result kind or failure class), how many requests the server saw and that no
// temporary file is left. Waits between tries go through an injected sleep that records its
// arguments and returns at once, and the jitter is fixed (random = 0.5), so the suite never waits
// for a backoff and the delays are asserted exactly. Host names resolve through an injected lookup;
// nothing but 127.0.0.1 is ever contacted.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { FetchError, type FailureClass } from '../src/errors.js';
import { createFetcher } from '../src/fetch/fetcher.js';
import type { Fetcher, FetcherOptions, FetchResult, LookupFunction } from '../src/fetch/types.js';
import {
  redirect,
  send,
  startRawServer,
  startServer,
  type Handler,
  type RawHandler,
  type RawServer,
  type TestServer,
} from './helpers/http-server.js';

const T = { timeout: 20_000 };
const MB = 1024 * 1024;

let root: string;
let testCount = 0;
const cleanups: Array<() => Promise<void>> = [];

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'leakmirror-faults-'));
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

// ---- Helpers ----

const ROBOTS_404: Handler = (_req, res) => send(res, 404, 'no robots here');

/** A local server whose /robots.txt is `robots` (404 by default) and everything else `handler`. */
async function site(handler: Handler, robots: Handler = ROBOTS_404): Promise<TestServer> {
  const started = await startServer((req, res) => (req.url === '/robots.txt' ? robots(req, res) : handler(req, res)));
  cleanups.push(() => started.close());
  return started;
}

async function rawSite(handler: RawHandler): Promise<RawServer> {
  const started = await startRawServer((socket, request) => {
    if (request.url === '/robots.txt') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    } else {
      handler(socket, request);
    }
  });
  cleanups.push(() => started.close());
  return started;
}

interface Harness {
  fetcher: Fetcher;
  tempDir: string;
  /** Every delay the fetcher asked to wait, in order. */
  sleeps: number[];
}

/** A fetcher with small timeouts, an instant recording sleep and fixed jitter (0.5). */
function harness(overrides: Partial<FetcherOptions> = {}): Harness {
  const tempDir = path.join(root, `t${++testCount}`, 'tmp');
  const sleeps: number[] = [];
  const created = createFetcher({
    tempDir,
    userAgent: 'leakmirror/0.1.0 (+https://example.org/contact)',
    maxBytes: 10 * MB,
    connectTimeoutMs: 400,
    timeoutMs: 400,
    maxRedirects: 5,
    allowPrivateNetwork: true,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
  cleanups.push(() => created.close());
  return { fetcher: created, tempDir, sleeps };
}

/** Requests other than robots.txt. */
function documents(srv: { requests: Array<{ url: string }> }): Array<{ url: string }> {
  return srv.requests.filter((request) => request.url !== '/robots.txt');
}

function robotsRequests(srv: { requests: Array<{ url: string }> }): number {
  return srv.requests.filter((request) => request.url === '/robots.txt').length;
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

/** Answers the first `failures` requests with `fail`, then with `succeed`. */
function failingThen(failures: number, fail: Handler, succeed: Handler): Handler {
  let seen = 0;
  return (req, res) => (++seen <= failures ? fail(req, res) : succeed(req, res));
}

const HOSTS = ['a.example.org', 'b.example.org', 'other.example.net'];

/** Resolves the test host names to 127.0.0.1 and refuses everything else, so no packet leaves. */
const lookup: LookupFunction = async (hostname) => {
  if (HOSTS.includes(hostname)) return [{ address: '127.0.0.1', family: 4 }];
  const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  error.code = 'ENOTFOUND';
  throw error;
};

function hostOf(req: IncomingMessage): string {
  return (req.headers.host ?? '').replace(/:\d+$/, '');
}

/** Requests the server saw for one virtual host (robots.txt excluded unless asked). */
function requestsTo(srv: TestServer, host: string, withRobots = false): TestServer['requests'] {
  return srv.requests.filter(
    (request) => (request.headers.host ?? '').startsWith(`${host}:`) && (withRobots || request.url !== '/robots.txt'),
  );
}

/** Streams `total` bytes in 1 MB pieces, honouring backpressure; reports how much it wrote. */
function streamBytes(res: ServerResponse, total: number, written: { bytes: number }): void {
  const piece = Buffer.alloc(MB, 0x61);
  res.on('error', () => undefined);
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const pump = (): void => {
    while (written.bytes < total && !res.destroyed) {
      written.bytes += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

// ---- The network misbehaves ----

describe('fault injection: connections and bodies', () => {
  it('reset connection: tried 3 times with backoff, then fails connect', T, async () => {
    const srv = await site((req) => {
      req.socket.resetAndDestroy();
    });
    const { fetcher, tempDir, sleeps } = harness();
    const error = await failsWith(fetcher.fetch({ url: `${srv.url}/doc` }), 'connect');
    assert.equal(documents(srv).length, 3);
    // Full jitter with random = 0.5: half of 500 ms, then half of 1000 ms.
    assert.deepEqual(sleeps, [250, 500]);
    assert.match(error.message, /gave up after 3 tries/);
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('stall before headers: each try times out, 3 tries, then timeout', T, async () => {
    const srv = await site(() => undefined);
    const { fetcher, tempDir, sleeps } = harness({ timeoutMs: 250 });
    const error = await failsWith(fetcher.fetch({ url: `${srv.url}/stall` }), 'timeout');
    assert.equal(documents(srv).length, 3);
    assert.equal(sleeps.length, 2);
    assert.match(error.message, /3 tries/);
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('stall mid-body: timeout after 3 tries, the partial temp files removed', T, async () => {
    const srv = await site((_req, res) => {
      res.writeHead(200, { 'content-length': 10_000 });
      res.write('the first few bytes');
    });
    const { fetcher, tempDir, sleeps } = harness({ timeoutMs: 250 });
    await failsWith(fetcher.fetch({ url: `${srv.url}/slow` }), 'timeout');
    assert.equal(documents(srv).length, 3);
    assert.equal(sleeps.length, 2);
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('wrong Content-Length (more promised than sent, then FIN): network after 3 tries', T, async () => {
    const srv = await rawSite((socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\nonly this much');
    });
    const { fetcher, tempDir, sleeps } = harness();
    const error = await failsWith(fetcher.fetch({ url: `${srv.url}/liar` }), 'network');
    assert.equal(documents(srv).length, 3);
    assert.equal(sleeps.length, 2);
    assert.match(error.message, /gave up after 3 tries/);
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('Content-Length shorter than the bytes sent: the declared length is what is recorded', T, async () => {
    const srv = await rawSite((socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello and some trailing garbage');
    });
    const { fetcher } = harness();
    const result = asBody(await fetcher.fetch({ url: `${srv.url}/short` }));
    assert.equal(await readFile(result.filePath, 'utf8'), 'hello');
    assert.equal(documents(srv).length, 1);
  });

  it('truncated chunked body (no last chunk): network after 3 tries, no temp file', T, async () => {
    const srv = await rawSite((socket) => {
      socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n');
    });
    const { fetcher, tempDir } = harness();
    await failsWith(fetcher.fetch({ url: `${srv.url}/cut` }), 'network');
    assert.equal(documents(srv).length, 3);
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('truncated gzip stream: bad-content, not retried', T, async () => {
    const gz = zlib.gzipSync('some text that will not arrive whole '.repeat(200));
    const srv = await site((_req, res) => send(res, 200, gz.subarray(0, gz.length >> 1), { 'content-encoding': 'gzip' }));
    const { fetcher, tempDir, sleeps } = harness();
    await failsWith(fetcher.fetch({ url: `${srv.url}/gz` }), 'bad-content');
    assert.equal(documents(srv).length, 1);
    assert.deepEqual(sleeps, []);
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('transient DNS failure (EAI_AGAIN) is retried; ENOTFOUND is not', T, async () => {
    const srv = await site((_req, res) => send(res, 200, 'resolved'));
    let asked = 0;
    const flaky: LookupFunction = async (hostname) => {
      asked++;
      if (hostname === 'a.example.org' && asked <= 2) {
        const error: NodeJS.ErrnoException = new Error(`getaddrinfo EAI_AGAIN ${hostname}`);
        error.code = 'EAI_AGAIN';
        throw error;
      }
      return lookup(hostname);
    };
    const { fetcher, sleeps } = harness({ lookup: flaky });
    // The first lookup is robots.txt's (unreachable: tried twice, allowed), then the document's.
    const result = asBody(await fetcher.fetch({ url: `http://a.example.org:${srv.port}/doc` }));
    assert.equal(result.robots?.state, 'unreachable');
    assert.equal(result.tries, 1);
    assert.equal(sleeps.length, 1);

    const { fetcher: second, sleeps: noSleeps } = harness({ lookup });
    await failsWith(second.fetch({ url: `http://nowhere.example.com:${srv.port}/doc` }), 'dns');
    assert.deepEqual(noSleeps, []);
  });
});

describe('fault injection: statuses and Retry-After', () => {
  it('500 then 200: succeeds on the second try', T, async () => {
    const srv = await site(failingThen(1, (_req, res) => send(res, 500, 'oops'), (_req, res) => send(res, 200, 'fine now')));
    const { fetcher, tempDir, sleeps } = harness();
    const result = asBody(await fetcher.fetch({ url: `${srv.url}/doc` }));
    assert.equal(await readFile(result.filePath, 'utf8'), 'fine now');
    assert.equal(result.tries, 2);
    assert.equal(documents(srv).length, 2);
    assert.deepEqual(sleeps, [250]);
    assert.deepEqual(await leftovers(tempDir), [path.basename(result.filePath)]);
  });

  it('503 with Retry-After: 1 then 200: waits the 1000 ms asked for', T, async () => {
    const srv = await site(
      failingThen(1, (_req, res) => send(res, 503, 'busy', { 'retry-after': '1' }), (_req, res) => send(res, 200, 'ok')),
    );
    const { fetcher, sleeps } = harness();
    const result = asBody(await fetcher.fetch({ url: `${srv.url}/doc` }));
    assert.equal(result.tries, 2);
    assert.equal(documents(srv).length, 2);
    assert.deepEqual(sleeps, [1000]);
  });

  it('429 with Retry-After as an HTTP-date: waits until then', T, async () => {
    const srv = await site(
      failingThen(
        1,
        (_req, res) => send(res, 429, 'slow down', { 'retry-after': new Date(Date.now() + 5000).toUTCString() }),
        (_req, res) => send(res, 200, 'ok'),
      ),
    );
    const { fetcher, sleeps } = harness();
    asBody(await fetcher.fetch({ url: `${srv.url}/doc` }));
    assert.equal(documents(srv).length, 2);
    assert.equal(sleeps.length, 1);
    // HTTP dates have whole seconds: between 4 and 5 s from when the header was written.
    const [waited = -1] = sleeps;
    assert.ok(waited > 3000 && waited <= 5000, `waited ${waited} ms`);
  });

  it('429 with Retry-After: 99999 fails at once with http-429 and says when to come back', T, async () => {
    const srv = await site((_req, res) => send(res, 429, 'go away', { 'retry-after': '99999' }));
    const { fetcher, sleeps } = harness();
    const error = await failsWith(fetcher.fetch({ url: `${srv.url}/doc` }), 'http-429');
    assert.equal(documents(srv).length, 1);
    assert.deepEqual(sleeps, []);
    assert.match(error.message, /come back after \d{4}-\d\d-\d\dT/);
    assert.match(error.message, /1 try\b/);
  });

  it('500 three times: gives up with the last status and the number of tries', T, async () => {
    const srv = await site((_req, res) => send(res, 500, 'down'));
    const { fetcher, sleeps } = harness({ retries: 2, retryBaseMs: 100 });
    const error = await failsWith(fetcher.fetch({ url: `${srv.url}/doc` }), 'http-500');
    assert.equal(documents(srv).length, 3);
    assert.deepEqual(sleeps, [50, 100]);
    assert.match(error.message, /HTTP 500.*gave up after 3 tries/);
  });

  it('404 is not retried (gone)', T, async () => {
    const srv = await site((_req, res) => send(res, 404, 'nope'));
    const { fetcher, tempDir, sleeps } = harness();
    const result = await fetcher.fetch({ url: `${srv.url}/doc` });
    assert.equal(result.kind, 'gone');
    assert.equal(documents(srv).length, 1);
    assert.deepEqual(sleeps, []);
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('403 is not retried', T, async () => {
    const srv = await site((_req, res) => send(res, 403, 'forbidden'));
    const { fetcher, tempDir, sleeps } = harness();
    const error = await failsWith(fetcher.fetch({ url: `${srv.url}/doc` }), 'http-403');
    assert.doesNotMatch(error.message, /tries/);
    assert.equal(documents(srv).length, 1);
    assert.deepEqual(sleeps, []);
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('304 after a conditional request: not-modified, nothing downloaded', T, async () => {
    const srv = await site((req, res) => (req.headers['if-none-match'] === '"v3"' ? send(res, 304) : send(res, 200, 'new')));
    const { fetcher, tempDir } = harness();
    const result = await fetcher.fetch({ url: `${srv.url}/doc`, validators: { etag: '"v3"' } });
    assert.equal(result.kind, 'not-modified');
    assert.equal(documents(srv).length, 1);
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('redirect loop: too-many-redirects, not retried', T, async () => {
    const srv = await site((req, res) => redirect(res, req.url === '/x' ? '/y' : '/x'));
    const { fetcher, sleeps } = harness({ maxRedirects: 20 });
    await failsWith(fetcher.fetch({ url: `${srv.url}/x` }), 'too-many-redirects');
    assert.ok(documents(srv).length <= 3);
    assert.deepEqual(sleeps, []);
  });
});

describe('fault injection: size limits', () => {
  it('gzip bomb stops at the 10 MB limit: too-big, not retried', T, async () => {
    const gzip = zlib.createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (part: Buffer) => parts.push(part));
    const zeros = Buffer.alloc(MB);
    for (let i = 0; i < 64; i++) {
      if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
    }
    await new Promise((resolve) => gzip.end(resolve));
    const bomb = Buffer.concat(parts);
    const srv = await site((_req, res) => {
      res.on('error', () => undefined);
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/html' });
      res.end(bomb);
    });
    // The whole-try deadline well above the time to inflate 10 MB: at the harness's 400 ms, a loaded
    // machine (three copies of this file at once) timed the try out and retried it, 2-3 requests.
    const { fetcher, tempDir, sleeps } = harness({ maxBytes: 10 * MB, timeoutMs: 15_000 });
    const error = await failsWith(fetcher.fetch({ url: `${srv.url}/bomb` }), 'too-big');
    assert.match(error.message, /10485760 bytes/);
    assert.equal(documents(srv).length, 1);
    assert.deepEqual(sleeps, []);
    assert.deepEqual(await leftovers(tempDir), []);
  });

  it('200 MB body with a 100 MB limit: streamed, aborted at the limit, too-big', T, async () => {
    const written = { bytes: 0 };
    const srv = await site((_req, res) => streamBytes(res, 200 * MB, written));
    const { fetcher, tempDir, sleeps } = harness({ maxBytes: 100 * MB, timeoutMs: 15_000 });
    await failsWith(fetcher.fetch({ url: `${srv.url}/huge` }), 'too-big');
    assert.equal(documents(srv).length, 1);
    assert.deepEqual(sleeps, []);
    // The server was stopped by the client going away, long before 200 MB.
    assert.ok(written.bytes < 150 * MB, `server wrote ${written.bytes} bytes`);
    assert.deepEqual(await leftovers(tempDir), []);
  });
});

describe('fault injection: robots.txt', () => {
  const ROBOTS = ['User-agent: *', 'Allow: /', '', 'User-agent: leakmirror', 'Disallow: /private/', 'Crawl-delay: 2', ''].join(
    '\n',
  );

  it('a disallowed path is blocked-by-robots; allowed paths are fetched; robots.txt read once for 5 documents', T, async () => {
    const srv = await site(
      (req, res) => send(res, 200, `doc ${req.url ?? ''}`),
      (_req, res) => send(res, 200, ROBOTS, { 'content-type': 'text/plain' }),
    );
    const { fetcher, tempDir } = harness();
    const urls = ['/public/1', '/public/2', '/private/secret.pdf', '/public/3', '/public/4'].map((p) => `${srv.url}${p}`);
    const outcomes = await Promise.allSettled(urls.map((url) => fetcher.fetch({ url })));
    assert.equal(robotsRequests(srv), 1);
    assert.deepEqual(
      documents(srv).map((request) => request.url).sort(),
      ['/public/1', '/public/2', '/public/3', '/public/4'],
    );
    const blocked = outcomes[2];
    assert.equal(blocked?.status, 'rejected');
    const error = (blocked as PromiseRejectedResult).reason as FetchError;
    assert.equal(error.failure, 'blocked-by-robots');
    assert.match(error.message, /line 5: Disallow: \/private\//);
    const fine = outcomes[0];
    assert.equal(fine?.status, 'fulfilled');
    const result = asBody((fine as PromiseFulfilledResult<FetchResult>).value);
    assert.deepEqual(result.robots, { state: 'rules', crawlDelayMs: 2000 });
    assert.equal(fetcher.crawlDelayMs?.(`${srv.url}/anything`), 2000);
    // Only the four allowed bodies are in the temp dir.
    assert.equal((await leftovers(tempDir)).length, 4);
  });

  it('robots.txt 404: everything allowed, asked once', T, async () => {
    const srv = await site((_req, res) => send(res, 200, 'doc'));
    const { fetcher } = harness();
    const first = asBody(await fetcher.fetch({ url: `${srv.url}/a` }));
    asBody(await fetcher.fetch({ url: `${srv.url}/b` }));
    assert.deepEqual(first.robots, { state: 'none', detail: 'HTTP 404' });
    assert.equal(robotsRequests(srv), 1);
    assert.equal(documents(srv).length, 2);
  });

  it('robots.txt 500: treated as allowing everything, remembered as unreachable (tried twice, once per run)', T, async () => {
    const srv = await site(
      (_req, res) => send(res, 200, 'doc'),
      (_req, res) => send(res, 500, 'robots broken'),
    );
    const { fetcher, sleeps } = harness();
    const first = asBody(await fetcher.fetch({ url: `${srv.url}/a` }));
    const second = asBody(await fetcher.fetch({ url: `${srv.url}/b` }));
    assert.equal(first.robots?.state, 'unreachable');
    assert.match(first.robots?.detail ?? '', /HTTP 500/);
    assert.equal(second.robots?.state, 'unreachable');
    assert.equal(robotsRequests(srv), 2);
    assert.equal(documents(srv).length, 2);
    assert.deepEqual(sleeps, [250]);
  });

  it('robots.txt that stalls: unreachable after its own timeouts, the document still fetched', T, async () => {
    const srv = await site(
      (_req, res) => send(res, 200, 'doc'),
      () => undefined,
    );
    const { fetcher } = harness({ timeoutMs: 200 });
    const result = asBody(await fetcher.fetch({ url: `${srv.url}/a` }));
    assert.equal(result.robots?.state, 'unreachable');
    assert.equal(result.tries, 1);
    assert.equal(robotsRequests(srv), 2);
  });

  it('robots.txt over 512 KB: the first 512 KB are obeyed, the rest ignored', T, async () => {
    const big = `User-agent: *\nDisallow: /early\n${'# padding padding padding\n'.repeat(30_000)}Disallow: /late\n`;
    assert.ok(Buffer.byteLength(big) > 600 * 1024);
    const srv = await site(
      (_req, res) => send(res, 200, 'doc'),
      (_req, res) => send(res, 200, big),
    );
    const { fetcher } = harness();
    await failsWith(fetcher.fetch({ url: `${srv.url}/early` }), 'blocked-by-robots');
    asBody(await fetcher.fetch({ url: `${srv.url}/late` }));
    assert.equal(robotsRequests(srv), 1);
  });

  it('a redirected robots.txt is followed and its rules apply to the original origin', T, async () => {
    const srv = await site(
      (req, res) => (req.url === '/real-robots.txt' ? send(res, 200, 'User-agent: *\nDisallow: /no\n') : send(res, 200, 'doc')),
      (_req, res) => redirect(res, '/real-robots.txt', 301),
    );
    const { fetcher } = harness();
    await failsWith(fetcher.fetch({ url: `${srv.url}/no/1` }), 'blocked-by-robots');
    asBody(await fetcher.fetch({ url: `${srv.url}/yes` }));
    assert.deepEqual(
      srv.requests.map((request) => request.url),
      ['/robots.txt', '/real-robots.txt', '/yes'],
    );
  });

  it('ignoreRobots: robots.txt is not even asked for', T, async () => {
    const srv = await site(
      (_req, res) => send(res, 200, 'doc'),
      (_req, res) => send(res, 200, 'User-agent: *\nDisallow: /\n'),
    );
    const { fetcher } = harness();
    const result = asBody(await fetcher.fetch({ url: `${srv.url}/private`, ignoreRobots: true }));
    assert.deepEqual(result.robots, { state: 'ignored' });
    assert.equal(robotsRequests(srv), 0);
    assert.equal(documents(srv).length, 1);
  });

  it('robots.txt of a redirect target is obeyed too', T, async () => {
    const srv = await site(
      (req, res) => {
        if (hostOf(req) === 'a.example.org') redirect(res, `http://b.example.org:${req.socket.localPort}/private/doc`);
        else send(res, 200, 'should not be fetched');
      },
      (req, res) =>
        hostOf(req) === 'b.example.org' ? send(res, 200, 'User-agent: leakmirror\nDisallow: /private\n') : send(res, 404, ''),
    );
    const { fetcher } = harness({ lookup });
    const error = await failsWith(fetcher.fetch({ url: `http://a.example.org:${srv.port}/start` }), 'blocked-by-robots');
    assert.match(error.message, /b\.example\.org/);
    assert.equal(requestsTo(srv, 'b.example.org').length, 0);
    assert.equal(requestsTo(srv, 'b.example.org', true).length, 1);
  });
});

describe('fault injection: redirects and secrets', () => {
  it('a cross-site redirect is blocked, naming both hosts and the option', T, async () => {
    const srv = await site((req, res) => {
      if (hostOf(req) === 'a.example.org') redirect(res, `http://other.example.net:${req.socket.localPort}/landing`);
      else send(res, 200, `on ${hostOf(req)}`);
    });
    const { fetcher, sleeps } = harness({ lookup });
    const error = await failsWith(fetcher.fetch({ url: `http://a.example.org:${srv.port}/doc` }), 'blocked-redirect');
    assert.match(error.message, /a\.example\.org/);
    assert.match(error.message, /other\.example\.net/);
    assert.match(error.message, /allowCrossSiteRedirects/);
    assert.equal(requestsTo(srv, 'other.example.net', true).length, 0);
    assert.equal(requestsTo(srv, 'a.example.org').length, 1);
    assert.deepEqual(sleeps, []);

    // The same redirect with allowCrossSiteRedirects is followed.
    const result = asBody(
      await fetcher.fetch({ url: `http://a.example.org:${srv.port}/doc`, allowCrossSiteRedirects: true }),
    );
    assert.equal(result.finalUrl, `http://other.example.net:${srv.port}/landing`);
    assert.equal(await readFile(result.filePath, 'utf8'), 'on other.example.net');
  });

  it('a same-site redirect (a.example.org -> b.example.org) is followed; robots.txt asked on both hosts', T, async () => {
    const srv = await site((req, res) => {
      if (hostOf(req) === 'a.example.org') redirect(res, `http://b.example.org:${req.socket.localPort}/moved`, 301);
      else send(res, 200, `on ${hostOf(req)}`);
    });
    const { fetcher } = harness({ lookup });
    const result = asBody(await fetcher.fetch({ url: `http://a.example.org:${srv.port}/doc` }));
    assert.deepEqual(result.redirects, [`http://a.example.org:${srv.port}/doc`, `http://b.example.org:${srv.port}/moved`]);
    assert.equal(await readFile(result.filePath, 'utf8'), 'on b.example.org');
    assert.equal(requestsTo(srv, 'a.example.org', true).length, 2);
    assert.equal(requestsTo(srv, 'b.example.org', true).length, 2);
  });

  it('secret headers go to the requested origin only and appear in no result, error or cause', T, async () => {
    const token = 'Bearer sekrit-token-0123456789';
    const apiKey = 'key-sekrit-abcdef';
    const srv = await site((req, res) => {
      const host = hostOf(req);
      if (host === 'a.example.org' && req.url === '/start') {
        redirect(res, `http://other.example.net:${req.socket.localPort}/fail`);
      } else if (host === 'a.example.org' && req.url === '/echo') {
        // A hostile server echoes the token into the Location it sends us to.
        redirect(res, `/landing?t=${encodeURIComponent('sekrit-token-0123456789')}`);
      } else if (host === 'other.example.net') {
        send(res, 500, `you sent ${req.headers.authorization ?? 'nothing'}`);
      } else {
        send(res, 200, 'private doc');
      }
    });
    const { fetcher } = harness({ lookup });
    const headers = { Authorization: token, 'X-Api-Key': apiKey };
    const error = await failsWith(
      fetcher.fetch({ url: `http://a.example.org:${srv.port}/start`, headers, allowCrossSiteRedirects: true }),
      'http-500',
    );
    const start = requestsTo(srv, 'a.example.org').filter((request) => request.url === '/start');
    assert.ok(start.length >= 1);
    for (const request of start) {
      assert.equal(request.headers.authorization, token);
      assert.equal(request.headers['x-api-key'], apiKey);
    }
    // Not to the other origin (documents and robots.txt), nor to robots.txt of the requested one.
    for (const request of [...requestsTo(srv, 'other.example.net', true), ...srv.requests.filter((r) => r.url === '/robots.txt')]) {
      assert.equal(request.headers.authorization, undefined);
      assert.equal(request.headers['x-api-key'], undefined);
    }
    const everything = (value: unknown): string => {
      const parts: string[] = [];
      for (let current = value, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
        parts.push(current.message, current.stack ?? '', JSON.stringify(current), String((current as FetchError).hint));
      }
      return parts.join('\n');
    };
    assert.doesNotMatch(everything(error), /sekrit/);

    const echoed = asBody(await fetcher.fetch({ url: `http://a.example.org:${srv.port}/echo`, headers }));
    assert.doesNotMatch(JSON.stringify(echoed), /sekrit/);
    assert.match(echoed.finalUrl, /\[redacted\]/);
  });

  it('HTML declared windows-1251 and shift_jis is stored byte for byte (the fetcher does not decode)', T, async () => {
    const cp1251 = Buffer.concat([
      Buffer.from('<html><head><meta charset="windows-1251"></head><body><p>', 'latin1'),
      // "Проект регламента" in windows-1251
      Buffer.from([0xcf, 0xf0, 0xee, 0xe5, 0xea, 0xf2, 0x20, 0xf0, 0xe5, 0xe3, 0xeb, 0xe0, 0xec, 0xe5, 0xed, 0xf2, 0xe0]),
      Buffer.from('</p></body></html>', 'latin1'),
    ]);
    const sjis = Buffer.concat([
      Buffer.from('<html><head><meta charset="shift_jis"></head><body><p>', 'latin1'),
      // "国際電気通信" in Shift_JIS
      Buffer.from([0x8d, 0x91, 0x8d, 0xdb, 0x93, 0x64, 0x8b, 0x43, 0x92, 0xca, 0x90, 0x4d]),
      Buffer.from('</p></body></html>', 'latin1'),
    ]);
    const srv = await site((req, res) => {
      if (req.url === '/ru') send(res, 200, cp1251, { 'content-type': 'text/html; charset=windows-1251' });
      else send(res, 200, sjis, { 'content-type': 'text/html; charset=shift_jis' });
    });
    const { fetcher } = harness();
    for (const [pathName, bytes, charset] of [['/ru', cp1251, 'windows-1251'], ['/ja', sjis, 'shift_jis']] as const) {
      const result = asBody(await fetcher.fetch({ url: `${srv.url}${pathName}` }));
      assert.equal(result.sha256, sha256(bytes));
      assert.deepEqual(await readFile(result.filePath), bytes);
      assert.equal(result.contentType, `text/html; charset=${charset}`);
    }
  });
});

describe('fault injection: close()', () => {
  it('20 concurrent fetches through 503s: bounded tries, robots.txt once, no listener warning, sockets released on close', T, async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(`${warning.name}: ${warning.message}`);
    };
    process.on('warning', onWarning);
    try {
      let served = 0;
      const srv = await site((_req, res) => (++served <= 30 ? send(res, 503, 'busy') : send(res, 200, 'ok')));
      const { fetcher, sleeps } = harness();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => fetcher.fetch({ url: `${srv.url}/doc/${i}` })),
      );
      assert.equal(robotsRequests(srv), 1);
      // Each document is tried at most 3 times, so at most 60 requests; every wait was a backoff.
      assert.ok(documents(srv).length <= 60);
      assert.equal(sleeps.length, documents(srv).length - 20);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') assert.equal((outcome.reason as FetchError).failure, 'http-503');
      }
      assert.ok(srv.openConnections > 0, 'keep-alive connections stay open until close()');
      await fetcher.close();
      for (let i = 0; i < 200 && srv.openConnections > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(srv.openConnections, 0);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('close() during a wait between tries ends the fetch at once (real timer, 60 s backoff)', T, async () => {
    const srv = await site((_req, res) => send(res, 503, 'busy'));
    const tempDir = path.join(root, `t${++testCount}`, 'tmp');
    // Default sleep (a real timer): without close() this would wait about a minute.
    const fetcher = createFetcher({
      tempDir,
      userAgent: 'leakmirror-test',
      maxBytes: MB,
      connectTimeoutMs: 400,
      timeoutMs: 400,
      maxRedirects: 5,
      allowPrivateNetwork: true,
      retryBaseMs: 60_000,
      retryMaxDelayMs: 60_000,
      random: () => 0.99,
    });
    const pending = fetcher.fetch({ url: `${srv.url}/doc` });
    while (documents(srv).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const failed = failsWith(pending, 'network');
    await fetcher.close();
    const error = await failed;
    assert.match(error.message, /closed/);
    assert.equal(documents(srv).length, 1);
    await failsWith(fetcher.fetch({ url: `${srv.url}/later` }), 'network');
  });

  it('close() during a stalled body ends the fetch and leaves no temp file', T, async () => {
    const srv = await site((_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write('a little');
    });
    const { fetcher, tempDir } = harness({ timeoutMs: 60_000 });
    const pending = fetcher.fetch({ url: `${srv.url}/doc` });
    while (documents(srv).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const failed = failsWith(pending, 'network');
    await fetcher.close();
    await failed;
    assert.deepEqual(await leftovers(tempDir), []);
  });
});
