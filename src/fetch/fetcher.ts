// The fetch stage: one GET per document over a pooled undici Agent, redirects followed by hand,
// bodies streamed (decoded, measured, hashed) into a temporary file. Every failure becomes a
// classified FetchError; nothing that came from the user's credentials or headers is ever put
// into a result or an error message, since both end up in a public mirror.

import { createHash, randomBytes } from 'node:crypto';
import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { isIP } from 'node:net';
import path from 'node:path';
import { Readable, pipeline as pipelineCallback, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import { FetchError, StoreError, errorMessage, type FailureClass } from '../errors.js';
import { describeAddress } from './address-policy.js';
import type { FetchRequest, FetchResult, Fetcher, FetcherOptions, LookupFunction, Validators } from './types.js';
import {
  bareHostname,
  basicAuthorization,
  parseFetchUrl,
  redactUrl,
  requestPath,
  resolveLocation,
} from './url.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Bodies of redirects and errors are read up to this much (to keep the connection) then dropped. */
const DISCARD_LIMIT = 64 * 1024;

export function createFetcher(options: FetcherOptions): Fetcher {
  const resolve: LookupFunction = options.lookup ?? defaultLookup;
  const guard = !options.allowPrivateNetwork;

  // The address check lives in the connector, so it runs for every new connection: first request,
  // every redirect hop, and again after DNS changes. Host names are checked after resolution (in
  // the lookup net.connect calls); IP literals skip lookup, so they are checked before connecting.
  const baseConnect = buildConnector({
    timeout: options.connectTimeoutMs,
    lookup: guardedLookup(resolve, guard),
  });
  const connect: buildConnector.connector = (connectOptions, callback) => {
    const refusal = guard ? literalRefusal(connectOptions.hostname) : undefined;
    if (refusal !== undefined) {
      process.nextTick(() => callback(refusal, null));
      return;
    }
    baseConnect(connectOptions, callback);
  };
  const agent = new Agent({
    connect,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  let closing: Promise<void> | undefined;

  return {
    fetch: (fetchRequest) => fetchDocument(agent, options, fetchRequest),
    close: () => {
      closing ??= agent.close();
      return closing;
    },
  };
}

/** What a failure message needs to know about where the fetch was. */
interface Progress {
  /** Redacted URL of the current hop. */
  url: string;
  /** 'connect' until response headers arrive, then 'body'. */
  phase: 'connect' | 'body';
  timedOut: boolean;
}

async function fetchDocument(agent: Agent, options: FetcherOptions, fetchRequest: FetchRequest): Promise<FetchResult> {
  const first = parseFetchUrl(fetchRequest.url);
  const progress: Progress = { url: redactUrl(first), phase: 'connect', timedOut: false };
  // One deadline for the whole fetch, redirects and body included.
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    progress.timedOut = true;
    deadline.abort(timeoutError(progress, options));
  }, options.timeoutMs);
  try {
    return await followRedirects(agent, options, fetchRequest, first, progress, deadline.signal);
  } catch (error) {
    throw classify(error, progress, options);
  } finally {
    clearTimeout(timer);
  }
}

async function followRedirects(
  agent: Agent,
  options: FetcherOptions,
  fetchRequest: FetchRequest,
  first: URL,
  progress: Progress,
  signal: AbortSignal,
): Promise<FetchResult> {
  const asked = redactUrl(first);
  const visited = [asked];
  const seen = new Set([withoutHash(first)]);
  const firstAuthorization = basicAuthorization(first);
  let url = first;

  for (let followed = 0; ; followed++) {
    progress.url = redactUrl(url);
    progress.phase = 'connect';
    if (!options.allowPrivateNetwork) {
      // Also done by the connector; checking here first gives the plainest error and no socket.
      const refusal = literalRefusal(bareHostname(url));
      if (refusal !== undefined) throw refusal;
    }
    // URL credentials go to their own origin only: a redirect elsewhere must not receive them.
    const authorization = basicAuthorization(url) ?? (url.origin === first.origin ? firstAuthorization : undefined);
    const response = await request(`${url.origin}${requestPath(url)}`, {
      dispatcher: agent,
      method: 'GET',
      headers: requestHeaders(options, fetchRequest.validators, authorization),
      signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    progress.phase = 'body';
    const fetchedAt = new Date().toISOString();
    const status = response.statusCode;
    const base = { url: asked, finalUrl: progress.url, redirects: visited, httpStatus: status, fetchedAt };

    if (REDIRECT_STATUSES.has(status)) {
      const location = headerValue(response.headers, 'location');
      await discard(response.body, signal);
      if (location === undefined) {
        throw new FetchError(`http-${status}`, `${progress.url}: HTTP ${status} redirect without a Location header`);
      }
      const next = resolveLocation(location, url);
      if (followed >= options.maxRedirects) {
        throw new FetchError(
          'too-many-redirects',
          `${asked}: more than ${options.maxRedirects} redirects (last one to ${redactUrl(next)})`,
        );
      }
      const key = withoutHash(next);
      if (seen.has(key)) {
        throw new FetchError('too-many-redirects', `${asked}: redirect loop back to ${redactUrl(next)}`);
      }
      seen.add(key);
      visited.push(redactUrl(next));
      url = next;
      continue;
    }
    if (status === 304) {
      await discard(response.body, signal);
      return { kind: 'not-modified', ...base };
    }
    if (status === 404 || status === 410) {
      await discard(response.body, signal);
      return { kind: 'gone', ...base };
    }
    if (status < 200 || status > 299) {
      await discard(response.body, signal);
      const text = STATUS_CODES[status];
      throw new FetchError(`http-${status}`, `${progress.url}: server answered HTTP ${status}${text ? ` ${text}` : ''}`);
    }

    const saved = await saveBody(response, options, progress, signal);
    return {
      kind: 'body',
      ...base,
      ...saved,
      contentType: headerValue(response.headers, 'content-type'),
      dispositionName: dispositionFilename(headerValue(response.headers, 'content-disposition')),
      validators: responseValidators(response.headers),
    };
  }
}

function requestHeaders(
  options: FetcherOptions,
  validators: Validators | undefined,
  authorization: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: '*/*',
    'accept-encoding': 'gzip, deflate, br',
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  if (authorization !== undefined) headers.authorization = authorization;
  if (validators?.etag !== undefined) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified !== undefined) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

function responseValidators(headers: Dispatcher.ResponseData['headers']): Validators {
  const validators: Validators = {};
  const etag = headerValue(headers, 'etag');
  const lastModified = headerValue(headers, 'last-modified');
  if (etag !== undefined) validators.etag = etag;
  if (lastModified !== undefined) validators.lastModified = lastModified;
  return validators;
}

function headerValue(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function withoutHash(url: URL): string {
  const copy = new URL(url.href);
  copy.hash = '';
  return copy.href;
}

/** Reads a small body to the end (keeps the connection) or destroys it; never throws. */
async function discard(body: Dispatcher.ResponseData['body'], signal: AbortSignal): Promise<void> {
  try {
    await body.dump({ limit: DISCARD_LIMIT, signal });
  } catch {
    dropBody(body);
  }
}

/** Destroys a body we no longer want; the listener keeps undici's abort error from going uncaught. */
function dropBody(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

// ---- Body to temporary file ----

interface SavedBody {
  filePath: string;
  size: number;
  sha256: string;
}

async function saveBody(
  response: Dispatcher.ResponseData,
  options: FetcherOptions,
  progress: Progress,
  signal: AbortSignal,
): Promise<SavedBody> {
  const { body } = response;
  let decoders: Array<Transform | Decoder>;
  try {
    const declared = Number(headerValue(response.headers, 'content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      throw tooBig(progress, options, `Content-Length is ${declared} bytes`);
    }
    decoders = decodersFor(headerValue(response.headers, 'content-encoding'), progress);
  } catch (error) {
    dropBody(body);
    throw error;
  }

  const filePath = path.resolve(options.tempDir, `fetch-${randomBytes(12).toString('hex')}.part`);
  let fileHandle: FileHandle;
  try {
    await mkdir(options.tempDir, { recursive: true });
    fileHandle = await open(filePath, 'wx');
  } catch (error) {
    dropBody(body);
    throw new StoreError(`cannot create a temporary file in ${options.tempDir}: ${errorMessage(error)}`, { cause: error });
  }

  const hash = createHash('sha256');
  let size = 0;
  // The last stage counts decoded bytes, so a compression bomb stops at the limit (zlib streams
  // honour backpressure: little more than maxBytes is ever inflated), hashes and writes them.
  // stream.pipeline may report an AbortError instead of the error thrown by its last stage (when a
  // transform sits in between), so the stage's own error is kept here.
  let storeError: unknown;
  async function store(source: AsyncIterable<Buffer>): Promise<void> {
    try {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > options.maxBytes) throw tooBig(progress, options, 'the body is larger');
        hash.update(chunk);
        await writeChunk(chunk);
      }
    } catch (error) {
      storeError ??= error;
      throw error;
    }
  }
  async function writeChunk(chunk: Buffer): Promise<void> {
    try {
      for (let offset = 0; offset < chunk.length; ) {
        offset += (await fileHandle.write(chunk, offset)).bytesWritten;
      }
    } catch (error) {
      throw new StoreError(`cannot write a temporary file in ${options.tempDir}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }
  try {
    // Generator stages are fine at run time; the typings only know streams.
    const stages = [body, ...decoders, store] as unknown as NodeJS.ReadWriteStream[];
    await pipeline(stages, { signal });
    await fileHandle.close();
  } catch (error) {
    dropBody(body);
    await fileHandle.close().catch(() => undefined);
    await rm(filePath, { force: true });
    // Our own errors (too-big, disk) win; an upstream error reaches `store` as its source failing.
    throw storeError instanceof FetchError || storeError instanceof StoreError ? storeError : error;
  }
  return { filePath, size, sha256: hash.digest('hex') };
}

type Decoder = (source: AsyncIterable<Buffer>) => AsyncIterable<Buffer>;

/** Decoding stages for a Content-Encoding list, last-applied coding first. */
function decodersFor(contentEncoding: string | undefined, progress: Progress): Array<Transform | Decoder> {
  if (contentEncoding === undefined) return [];
  const codings = contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.reverse().map((coding) => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return createGunzip();
      case 'br':
        return createBrotliDecompress();
      case 'deflate':
        return inflateEither;
      default:
        throw new FetchError('bad-content', `${progress.url}: unsupported Content-Encoding ${JSON.stringify(coding)}`);
    }
  });
}

/**
 * "deflate" should be zlib-wrapped (RFC 9110) but many servers send raw deflate; look at the
 * first two bytes to pick the right inflater.
 */
async function* inflateEither(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let length = 0;
  while (length < 2) {
    const next = await iterator.next();
    if (next.done === true) break;
    head.push(next.value);
    length += next.value.length;
  }
  if (length === 0) return;
  const start = Buffer.concat(head);
  const inflater = looksLikeZlib(start) ? createInflate() : createInflateRaw();
  async function* input(): AsyncGenerator<Buffer> {
    yield start;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  const output = pipelineCallback(Readable.from(input()), inflater, () => {
    // Errors surface through iterating `output`.
  });
  for await (const chunk of output) yield chunk as Buffer;
}

function looksLikeZlib(bytes: Buffer): boolean {
  const cmf = bytes[0] ?? 0;
  const flg = bytes[1] ?? 0;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (cmf * 256 + flg) % 31 === 0;
}

// ---- Content-Disposition ----

/**
 * The filename of a Content-Disposition header (RFC 6266): filename* (RFC 8187, UTF-8 or
 * ISO-8859-1) wins over filename. Untrusted: the caller must sanitize it.
 */
export function dispositionFilename(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const params = new Map<string, string>();
  const paramPattern = /;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (const match of header.matchAll(paramPattern)) {
    const name = (match[1] ?? '').toLowerCase();
    let value = (match[2] ?? '').trim();
    if (value.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    if (!params.has(name)) params.set(name, value);
  }
  const extended = params.get('filename*');
  if (extended !== undefined) {
    const decoded = decodeExtValue(extended);
    if (decoded !== undefined && decoded !== '') return decoded;
  }
  const plain = params.get('filename');
  return plain === undefined || plain === '' ? undefined : latin1AsUtf8(plain);
}

function decodeExtValue(value: string): string | undefined {
  const match = /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(value);
  if (match === null) return undefined;
  const charset = (match[1] ?? '').toLowerCase();
  const bytes: number[] = [];
  const text = match[2] ?? '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i) & 0xff);
    }
  }
  if (charset === 'utf-8') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    } catch {
      return undefined;
    }
  }
  if (charset === 'iso-8859-1') return Buffer.from(bytes).toString('latin1');
  return undefined;
}

/** Header values arrive as latin1; servers often put raw UTF-8 in filename="...". */
function latin1AsUtf8(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

// ---- Address policy at connect time ----

async function defaultLookup(hostname: string): Promise<Array<{ address: string; family: 4 | 6 }>> {
  const addresses = await dns.lookup(hostname, { all: true, verbatim: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
}

type NetLookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A lookup for net.connect that resolves with `resolve` and refuses forbidden addresses. */
function guardedLookup(resolve: LookupFunction, guard: boolean) {
  return (hostname: string, lookupOptions: LookupOptions, callback: NetLookupCallback): void => {
    resolve(hostname).then(
      (found) => {
        const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : undefined;
        const addresses = found.filter((entry) => wanted === undefined || entry.family === wanted);
        const firstAddress = addresses[0];
        if (firstAddress === undefined) {
          const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          error.code = 'ENOTFOUND';
          callback(error, '');
          return;
        }
        if (guard) {
          // Any forbidden answer refuses the host: a name that resolves to both a public and a
          // private address is exactly what a rebinding attack looks like.
          for (const { address } of addresses) {
            const reason = describeAddress(address);
            if (reason !== undefined) {
              callback(blockedError(hostname, address, reason), '');
              return;
            }
          }
        }
        if (lookupOptions.all === true) callback(null, addresses);
        else callback(null, firstAddress.address, firstAddress.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

function literalRefusal(hostname: string): FetchError | undefined {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIP(host) === 0) return undefined;
  const reason = describeAddress(host);
  return reason === undefined ? undefined : blockedError(host, host, reason);
}

function blockedError(host: string, address: string, reason: string): FetchError {
  const where = host === address ? address : `${host} (${address})`;
  return new FetchError(
    'blocked-address',
    `refusing to connect to ${where}: ${reason} address; pass --allow-private-network to allow private addresses`,
    { hint: 'private, loopback and link-local addresses are refused unless --allow-private-network is given' },
  );
}

// ---- Error classification ----

function timeoutError(progress: Progress, options: FetcherOptions): FetchError {
  return new FetchError('timeout', `${progress.url}: no complete response within ${options.timeoutMs} ms`);
}

function tooBig(progress: Progress, options: FetcherOptions, detail: string): FetchError {
  return new FetchError('too-big', `${progress.url}: ${detail} than the limit of ${options.maxBytes} bytes`);
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EPIPE',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function classify(error: unknown, progress: Progress, options: FetcherOptions): Error {
  if (error instanceof FetchError || error instanceof StoreError) return error;
  if (progress.timedOut) {
    return new FetchError('timeout', timeoutError(progress, options).message, { cause: error });
  }
  const code = errorCode(error) ?? '';
  const detail = errorMessage(error);
  const fail = (failure: FailureClass, message: string): FetchError =>
    new FetchError(failure, `${progress.url}: ${message}`, { cause: error });

  if (TIMEOUT_CODES.has(code)) return fail('timeout', `timed out (${detail})`);
  if (DNS_CODES.has(code)) return fail('dns', `host name could not be resolved (${detail})`);
  if (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code.startsWith('ERR__')) {
    return fail('bad-content', `the body could not be decoded (${detail})`);
  }
  if (progress.phase === 'connect') {
    if (SOCKET_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('CERT_') || /SSL|TLS/.test(code)) {
      return fail('connect', `could not connect (${detail})`);
    }
    return fail('connect', `request failed before a response (${detail})`);
  }
  return fail('network', `transfer failed (${detail})`);
}
