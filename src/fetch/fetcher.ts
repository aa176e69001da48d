// The fetch stage: one GET per document over a pooled undici Agent, redirects followed by hand,
// bodies streamed (decoded, measured, hashed) into a temporary file. Every failure becomes a
// classified FetchError; nothing that came from the user's credentials or headers is ever put
// into a result or an error message, since both end up in a public mirror.
//
// A good citizen on a hostile network: robots.txt is read once per origin and obeyed on every hop;
// transient failures are tried again (bounded, exponential backoff with full jitter, Retry-After
// honoured up to a limit); redirects stay on the source's site unless it says otherwise; secret
// headers go to the requested origin only.

import { createHash } from 'node:crypto';
import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { setMaxListeners } from 'node:events';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { isIP } from 'node:net';
import path from 'node:path';
import { Readable, pipeline as pipelineCallback, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import { guardPausedParser } from './paused-parser-guard.js';
import { uniqueTempSuffix } from '../util/temp-name.js';
import { FetchError, StoreError, errorMessage, type FailureClass } from '../errors.js';
import { describeAddress } from './address-policy.js';
import { redirectRefusal } from './redirect-policy.js';
import {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRIES,
  DEFAULT_RETRY_BASE_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  backoffDelay,
  describeDelay,
  httpStatusOf,
  isRetryable,
  parseRetryAfter,
  triesText,
} from './retry.js';
import {
  ROBOTS_AGENT,
  ROBOTS_MAX_BYTES,
  ROBOTS_MAX_REDIRECTS,
  RobotsCache,
  RobotsRules,
  robotsText,
  type RobotsEntry,
} from './robots.js';
import { checkHeaders, safeCause, scrub, secretStrings } from './secrets.js';
import type {
  FetchRequest,
  FetchedBytes,
  FetchResult,
  Fetcher,
  FetcherOptions,
  LookupFunction,
  RobotsInfo,
  Validators,
} from './types.js';
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
/** Bytes of a body that may wait in memory for the disk, by default (FetcherOptions.bodyBufferBytes). */
const BODY_BUFFER = 8 * 1024 * 1024;
/** Tries of one robots.txt at most: it is retried once, not more. */
const ROBOTS_TRIES = 2;

interface Settings {
  retries: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/** What every fetch of one fetcher shares. */
interface Context {
  agent: Agent;
  options: FetcherOptions;
  settings: Settings;
  /** FetcherOptions.headers, checked, lower-case names. */
  commonHeaders: Record<string, string>;
  /** Aborted by close(): ends requests in flight and waits between tries. */
  lifetime: AbortSignal;
  robots: RobotsCache;
}

export function createFetcher(options: FetcherOptions): Fetcher {
  const resolve: LookupFunction = options.lookup ?? defaultLookup;
  const guard = !options.allowPrivateNetwork;
  const commonHeaders = checkHeaders(options.headers, 'fetcher headers');
  const lifetime = new AbortController();
  // Every fetch in flight (and every wait between tries) listens for close(): as many listeners as
  // the caller's concurrency, which is no leak.
  setMaxListeners(0, lifetime.signal);
  const settings = resolveSettings(options, lifetime.signal);

  // The address check lives in the connector, so it runs for every new connection: first request,
  // every redirect hop, robots.txt, and again after DNS changes. Host names are checked after
  // resolution (in the lookup net.connect calls); IP literals skip lookup, so they are checked
  // before connecting.
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
    // Every socket undici gets goes through the guard against nodejs/undici#5360 first.
    baseConnect(connectOptions, (error, socket) => {
      if (error !== null || socket === null) callback(error ?? new Error('no socket'), null);
      else callback(null, guardPausedParser(socket));
    });
  };
  const agent = new Agent({
    connect,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const context: Context = {
    agent,
    options,
    settings,
    commonHeaders,
    lifetime: lifetime.signal,
    robots: new RobotsCache((origin) => loadRobots(context, origin)),
  };
  let closing: Promise<void> | undefined;

  return {
    // One implementation for both overloads: 'bytes' only comes back when inMemoryUpTo is given.
    fetch: ((fetchRequest: FetchRequest) => fetchWithRetries(context, fetchRequest)) as Fetcher['fetch'],
    crawlDelayMs: (url) => {
      const origin = originOf(url);
      return origin === undefined ? undefined : context.robots.peek(origin)?.rules?.crawlDelayMs();
    },
    close: () => {
      // Abort first (requests in flight, robots.txt loads, waits between tries), then drop every
      // socket: nothing the fetcher started outlives close().
      closing ??= (async () => {
        lifetime.abort(closedError());
        await agent.destroy();
      })();
      return closing;
    },
  };
}

function resolveSettings(options: FetcherOptions, lifetime: AbortSignal): Settings {
  return {
    retries: nonNegativeInteger(options.retries, DEFAULT_RETRIES, 'retries'),
    retryBaseMs: nonNegativeInteger(options.retryBaseMs, DEFAULT_RETRY_BASE_MS, 'retryBaseMs'),
    retryMaxDelayMs: nonNegativeInteger(options.retryMaxDelayMs, DEFAULT_RETRY_MAX_DELAY_MS, 'retryMaxDelayMs'),
    maxRetryAfterMs: nonNegativeInteger(options.maxRetryAfterMs, DEFAULT_MAX_RETRY_AFTER_MS, 'maxRetryAfterMs'),
    // The default wait ends early (rejecting) when the fetcher is closed, so no timer outlives it.
    sleep: options.sleep ?? ((ms) => delay(ms, undefined, { signal: lifetime })),
    random: options.random ?? Math.random,
  };
}

function nonNegativeInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`fetcher option ${name} must be a non-negative integer`);
  return value;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function closedError(): FetchError {
  return new FetchError('network', 'the fetcher was closed before the fetch finished');
}

// ---- Tries ----

/** The Retry-After header of http-429/http-503 failures, kept beside the error. */
const retryAfterHeaders = new WeakMap<FetchError, string>();

async function fetchWithRetries(context: Context, fetchRequest: FetchRequest): Promise<FetchResult | FetchedBytes> {
  if (context.lifetime.aborted) throw closedError();
  const first = parseFetchUrl(fetchRequest.url);
  const secretHeaders = checkHeaders(fetchRequest.headers, `headers for ${redactUrl(first)}`);
  const secrets = secretStrings([
    ...Object.values(secretHeaders),
    ...Object.values(context.commonHeaders),
    ...userInfoOf(first),
  ]);
  const maxTries = 1 + context.settings.retries;

  for (let tries = 1; ; tries++) {
    let failure: unknown;
    try {
      const result = await fetchOnce(context, fetchRequest, first, secretHeaders, secrets);
      return scrubResult({ ...result, tries }, secrets);
    } catch (error) {
      failure = error;
    }
    const next = nextTry(context, failure, tries, maxTries);
    if (next.delayMs === undefined) throw finalError(context, failure, tries, next.note, secrets);
    await pause(context, next.delayMs);
  }
}

/** Whether to try again after `tries` failed tries, after how long; or why not (for the message). */
function nextTry(
  context: Context,
  error: unknown,
  tries: number,
  maxTries: number,
): { delayMs?: number | undefined; note?: string | undefined } {
  if (context.lifetime.aborted || !isRetryable(error)) return {};
  const failure = error as FetchError;
  const { settings } = context;
  const status = httpStatusOf(failure);
  const now = Date.now();
  const retryAfter =
    status === 429 || status === 503 ? parseRetryAfter(retryAfterHeaders.get(failure), now) : undefined;
  if (retryAfter !== undefined && retryAfter > settings.maxRetryAfterMs) {
    return {
      note: `the server asks to wait ${describeDelay(retryAfter)} (Retry-After), more than the ${describeDelay(settings.maxRetryAfterMs)} the fetcher waits: come back ${comeBack(now, retryAfter)}`,
    };
  }
  if (tries >= maxTries) {
    return { note: retryAfter === undefined ? undefined : `the server asked to come back ${comeBack(now, retryAfter)}` };
  }
  return {
    delayMs: retryAfter ?? backoffDelay(tries, settings.retryBaseMs, settings.retryMaxDelayMs, settings.random),
  };
}

function comeBack(now: number, waitMs: number): string {
  const at = new Date(now + waitMs);
  return Number.isNaN(at.getTime()) ? 'much later' : `after ${at.toISOString()}`;
}

/** The error a fetch ends with: its message says how many tries were made, secrets scrubbed. */
function finalError(context: Context, error: unknown, tries: number, note: string | undefined, secrets: readonly string[]): unknown {
  if (!(error instanceof FetchError)) return error;
  let message = error.message;
  if (note !== undefined) message += `; ${note}`;
  if (!context.lifetime.aborted && (tries > 1 || isRetryable(error))) {
    message += tries > 1 ? ` (gave up after ${triesText(tries)})` : ` (${triesText(tries)})`;
  }
  return new FetchError(error.failure, scrub(message, secrets), {
    cause: error.cause,
    hint: error.hint === undefined ? undefined : scrub(error.hint, secrets),
  });
}

/** Waits between tries; close() cuts the wait short with a `network` FetchError. */
async function pause(context: Context, ms: number): Promise<void> {
  if (context.lifetime.aborted) throw closedError();
  await raceAbort(context.settings.sleep(ms), context.lifetime);
}

/** The promise, or the signal's reason as soon as it aborts (the promise runs on, ignored). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

function userInfoOf(url: URL): string[] {
  const values = [url.username, url.password];
  for (const part of [url.username, url.password]) {
    try {
      values.push(decodeURIComponent(part));
    } catch {
      // kept as typed
    }
  }
  const basic = basicAuthorization(url);
  if (basic !== undefined) values.push(basic);
  return values.filter((value) => value !== '');
}

function scrubResult(result: FetchResult | FetchedBytes, secrets: readonly string[]): FetchResult | FetchedBytes {
  if (secrets.length === 0) return result;
  const clean = (text: string): string => scrub(text, secrets);
  const scrubbed = { ...result, url: clean(result.url), finalUrl: clean(result.finalUrl), redirects: result.redirects.map(clean) };
  if (scrubbed.kind !== 'body' && scrubbed.kind !== 'bytes') return scrubbed;
  return {
    ...scrubbed,
    contentType: scrubbed.contentType === undefined ? undefined : clean(scrubbed.contentType),
    dispositionName: scrubbed.dispositionName === undefined ? undefined : clean(scrubbed.dispositionName),
  };
}

// ---- One try ----

/** What a failure message needs to know about where the fetch was. */
interface Progress {
  /** Redacted URL of the current hop. */
  url: string;
  /** 'connect' until response headers arrive, then 'body'. */
  phase: 'connect' | 'body';
  timedOut: boolean;
}

/**
 * One deadline for a whole try (every hop, the body included), that can be paused: waiting for
 * another fetch's robots.txt load (bounded by its own deadline) does not count against it.
 */
class Deadline {
  readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private remaining: number;
  private startedAt = 0;

  constructor(
    ms: number,
    private readonly onExpire: () => Error,
  ) {
    this.remaining = ms;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  start(): void {
    if (this.timer !== undefined || this.signal.aborted) return;
    this.startedAt = Date.now();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.controller.abort(this.onExpire());
    }, Math.max(0, this.remaining));
  }

  pause(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remaining -= Date.now() - this.startedAt;
  }
}

/**
 * Runs `work` under a deadline of timeoutMs that close() also aborts; whatever it throws comes out
 * classified, with a cause fit to be kept.
 */
async function underDeadline<T>(
  context: Context,
  progress: Progress,
  secrets: readonly string[],
  work: (deadline: Deadline) => Promise<T>,
): Promise<T> {
  if (context.lifetime.aborted) throw closedError();
  const deadline = new Deadline(context.options.timeoutMs, () => {
    progress.timedOut = true;
    return timeoutError(progress, context.options);
  });
  const onClose = (): void => deadline.controller.abort(closedError());
  context.lifetime.addEventListener('abort', onClose, { once: true });
  deadline.start();
  try {
    return await work(deadline);
  } catch (error) {
    throw classify(error, progress, context, secrets);
  } finally {
    deadline.pause();
    context.lifetime.removeEventListener('abort', onClose);
  }
}

function fetchOnce(
  context: Context,
  fetchRequest: FetchRequest,
  first: URL,
  secretHeaders: Record<string, string>,
  secrets: readonly string[],
): Promise<FetchResult | FetchedBytes> {
  const progress: Progress = { url: redactUrl(first), phase: 'connect', timedOut: false };
  return underDeadline(context, progress, secrets, (deadline) =>
    followRedirects(context, fetchRequest, first, secretHeaders, progress, deadline),
  );
}

async function followRedirects(
  context: Context,
  fetchRequest: FetchRequest,
  first: URL,
  secretHeaders: Record<string, string>,
  progress: Progress,
  deadline: Deadline,
): Promise<FetchResult | FetchedBytes> {
  const { options } = context;
  const signal = deadline.signal;
  const asked = redactUrl(first);
  const visited = [asked];
  const seen = new Set([withoutHash(first)]);
  const firstAuthorization = basicAuthorization(first);
  let robots: RobotsInfo = { state: 'ignored' };
  let url = first;

  for (let followed = 0; ; followed++) {
    progress.url = redactUrl(url);
    progress.phase = 'connect';
    if (!options.allowPrivateNetwork) {
      // Also done by the connector; checking here first gives the plainest error and no socket.
      const refusal = literalRefusal(bareHostname(url));
      if (refusal !== undefined) throw refusal;
    }
    if (fetchRequest.ignoreRobots !== true) {
      const entry = await robotsFor(context, url, deadline);
      if (followed === 0) robots = robotsInfo(entry);
      checkRobots(entry, url, progress.url);
    }
    // Credentials (URL user info, secret headers) go to the requested origin only: a redirect
    // elsewhere, even on the same site or just to https, must not receive them.
    const sameOrigin = url.origin === first.origin;
    const authorization = basicAuthorization(url) ?? (sameOrigin ? firstAuthorization : undefined);
    const response = await request(`${url.origin}${requestPath(url)}`, {
      dispatcher: context.agent,
      method: 'GET',
      headers: requestHeaders(context, sameOrigin ? secretHeaders : {}, fetchRequest.validators, authorization),
      signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      // Room for the body to run ahead of the disk writes before undici pauses its parser (fewer
      // pauses and resumes on a fast connection); it bounds the memory a fast or hostile server can
      // take. A pause as the server closes the connection is handled by guardPausedParser.
      highWaterMark: options.bodyBufferBytes ?? BODY_BUFFER,
    });
    progress.phase = 'body';
    const fetchedAt = new Date().toISOString();
    const status = response.statusCode;
    const base = { url: asked, finalUrl: progress.url, redirects: visited, httpStatus: status, fetchedAt, robots };

    if (REDIRECT_STATUSES.has(status)) {
      const location = headerValue(response.headers, 'location');
      await discard(response.body, signal);
      if (location === undefined) {
        throw new FetchError(`http-${status}`, `${progress.url}: HTTP ${status} redirect without a Location header`);
      }
      const next = resolveLocation(location, url);
      const crossSite = redirectRefusal(first, next, fetchRequest.allowCrossSiteRedirects === true);
      if (crossSite !== undefined) {
        throw new FetchError(
          'blocked-redirect',
          `${progress.url} redirects to ${redactUrl(next)}: ${crossSite}; set allowCrossSiteRedirects on the source to follow it`,
          { hint: 'a source follows redirects within its own site only, unless allowCrossSiteRedirects is set' },
        );
      }
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
      throw statusError(status, progress.url, response.headers);
    }

    const saved = await saveBody(response, options, progress, signal, fetchRequest.inMemoryUpTo ?? 0);
    const described = {
      ...base,
      contentType: headerValue(response.headers, 'content-type'),
      dispositionName: dispositionFilename(headerValue(response.headers, 'content-disposition')),
      validators: responseValidators(response.headers),
    };
    return saved.bytes !== undefined
      ? { kind: 'bytes', ...described, bytes: saved.bytes, size: saved.size, sha256: saved.sha256 }
      : { kind: 'body', ...described, filePath: saved.filePath, size: saved.size, sha256: saved.sha256 };
  }
}

/** http-<status>, with the Retry-After of a 429 or 503 kept for the retry decision. */
function statusError(status: number, where: string, headers: Dispatcher.ResponseData['headers']): FetchError {
  const text = STATUS_CODES[status];
  const error = new FetchError(`http-${status}`, `${where}: server answered HTTP ${status}${text ? ` ${text}` : ''}`);
  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter !== undefined && (status === 429 || status === 503)) retryAfterHeaders.set(error, retryAfter);
  return error;
}

function requestHeaders(
  context: Context,
  secretHeaders: Record<string, string>,
  validators: Validators | undefined,
  authorization: string | undefined,
): Record<string, string> {
  // Later wins: common headers, then URL credentials, then the source's own (secret) headers.
  const headers: Record<string, string> = baseHeaders(context);
  if (authorization !== undefined) headers.authorization = authorization;
  Object.assign(headers, secretHeaders);
  if (validators?.etag !== undefined) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified !== undefined) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

function baseHeaders(context: Context): Record<string, string> {
  return {
    'user-agent': context.options.userAgent,
    accept: '*/*',
    'accept-encoding': 'gzip, deflate, br',
    ...context.commonHeaders,
  };
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

// ---- robots.txt ----

/** The robots.txt entry of a URL's origin; the wait does not count against the try's deadline. */
async function robotsFor(context: Context, url: URL, deadline: Deadline): Promise<RobotsEntry> {
  const known = context.robots.peek(url.origin);
  if (known !== undefined) return known;
  deadline.pause();
  try {
    return await raceAbort(context.robots.get(url.origin), deadline.signal);
  } finally {
    deadline.start();
  }
}

function robotsInfo(entry: RobotsEntry): RobotsInfo {
  const info: RobotsInfo = { state: entry.state };
  const crawlDelayMs = entry.rules?.crawlDelayMs();
  if (crawlDelayMs !== undefined) info.crawlDelayMs = crawlDelayMs;
  if (entry.detail !== undefined) info.detail = entry.detail;
  return info;
}

function checkRobots(entry: RobotsEntry, url: URL, where: string): void {
  const verdict = entry.rules?.verdict(`${url.origin}${requestPath(url)}`);
  if (verdict === undefined || verdict.allowed) return;
  const rule =
    verdict.line === undefined ? '' : ` (line ${verdict.line}${verdict.rule === undefined ? '' : `: ${verdict.rule}`})`;
  throw new FetchError(
    'blocked-by-robots',
    `${where}: disallowed for ${ROBOTS_AGENT} by ${url.origin}/robots.txt${rule}`,
    { hint: 'the site asks crawlers not to fetch this URL; set ignoreRobots on the source only if you may mirror it anyway' },
  );
}

/**
 * Reads one origin's robots.txt (see robots.ts for what each outcome means). Only close() makes
 * this throw; every other failure is an entry. No secret header or URL credential is sent.
 */
async function loadRobots(context: Context, origin: string): Promise<RobotsEntry> {
  const robotsUrl = new URL('/robots.txt', origin);
  for (let tries = 1; ; tries++) {
    let failure: unknown;
    try {
      return await fetchRobotsOnce(context, robotsUrl);
    } catch (error) {
      failure = error;
    }
    if (context.lifetime.aborted) throw closedError();
    const next = nextTry(context, failure, tries, ROBOTS_TRIES);
    if (next.delayMs === undefined) return { state: 'unreachable', detail: errorMessage(failure) };
    await pause(context, next.delayMs);
  }
}

function fetchRobotsOnce(context: Context, robotsUrl: URL): Promise<RobotsEntry> {
  const progress: Progress = { url: robotsUrl.href, phase: 'connect', timedOut: false };
  return underDeadline(context, progress, [], async (deadline) => {
    const signal = deadline.signal;
    const seen = new Set([robotsUrl.href]);
    let url = robotsUrl;
    for (let followed = 0; ; followed++) {
      progress.url = redactUrl(url);
      progress.phase = 'connect';
      if (!context.options.allowPrivateNetwork) {
        const refusal = literalRefusal(bareHostname(url));
        if (refusal !== undefined) throw refusal;
      }
      const response = await request(`${url.origin}${requestPath(url)}`, {
        dispatcher: context.agent,
        method: 'GET',
        headers: baseHeaders(context),
        signal,
        headersTimeout: context.options.timeoutMs,
        bodyTimeout: context.options.timeoutMs,
      });
      progress.phase = 'body';
      const status = response.statusCode;
      if (REDIRECT_STATUSES.has(status)) {
        // Followed to any host (it is only the robots file; the address policy still applies).
        const location = headerValue(response.headers, 'location');
        await discard(response.body, signal);
        if (location === undefined) return { state: 'none', detail: `HTTP ${status} without a Location header` };
        const next = resolveLocation(location, url);
        if (followed >= ROBOTS_MAX_REDIRECTS || seen.has(withoutHash(next))) {
          return { state: 'none', detail: `more than ${ROBOTS_MAX_REDIRECTS} redirects or a redirect loop` };
        }
        seen.add(withoutHash(next));
        url = next;
        continue;
      }
      if (status >= 200 && status <= 299) {
        const { bytes, truncated } = await readSmallBody(response, progress, signal, ROBOTS_MAX_BYTES);
        return { state: 'rules', rules: new RobotsRules(robotsUrl.href, robotsText(bytes, truncated)) };
      }
      await discard(response.body, signal);
      if (status === 429 || status >= 500) throw statusError(status, progress.url, response.headers);
      return { state: 'none', detail: `HTTP ${status}` };
    }
  });
}

// ---- Bodies ----

/**
 * Streams a response body through its Content-Encoding decoders into `consume`, which sees decoded
 * chunks and may throw to stop. Errors thrown by `consume` win over the AbortError stream.pipeline
 * may report instead (when a transform sits in between). The body is destroyed on any failure.
 */
async function pumpBody(
  response: Dispatcher.ResponseData,
  progress: Progress,
  signal: AbortSignal,
  consume: (chunk: Buffer) => Promise<void> | void,
): Promise<void> {
  const { body } = response;
  let decoders: Array<Transform | Decoder>;
  try {
    decoders = decodersFor(headerValue(response.headers, 'content-encoding'), progress);
  } catch (error) {
    dropBody(body);
    throw error;
  }
  let consumeError: unknown;
  let failed = false;
  async function sink(source: AsyncIterable<Buffer>): Promise<void> {
    for await (const chunk of source) {
      try {
        await consume(chunk);
      } catch (error) {
        consumeError = error;
        failed = true;
        throw error;
      }
    }
  }
  try {
    // Generator stages are fine at run time; the typings only know streams.
    const stages = [body, ...decoders, sink] as unknown as NodeJS.ReadWriteStream[];
    await pipeline(stages, { signal });
  } catch (error) {
    dropBody(body);
    throw failed ? consumeError : error;
  }
}

type SavedBody = { filePath: string; bytes?: undefined; size: number; sha256: string } | { bytes: Buffer; size: number; sha256: string };

/**
 * The body, hashed as it arrives: in memory while it is at most `inMemoryUpTo` bytes (then no file
 * is ever made), else streamed to a temporary file (what was held so far is written first).
 */
async function saveBody(
  response: Dispatcher.ResponseData,
  options: FetcherOptions,
  progress: Progress,
  signal: AbortSignal,
  inMemoryUpTo: number,
): Promise<SavedBody> {
  const declared = Number(headerValue(response.headers, 'content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    dropBody(response.body);
    throw tooBig(progress, options, `Content-Length is ${declared} bytes`);
  }

  const filePath = path.resolve(options.tempDir, `fetch-${uniqueTempSuffix()}.part`);
  let fileHandle: FileHandle | undefined;
  const openFile = async (): Promise<FileHandle> => {
    try {
      // The directory exists after the first body: no mkdir for every one.
      return await open(filePath, 'wx').catch(async (error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await mkdir(options.tempDir, { recursive: true });
        return open(filePath, 'wx');
      });
    } catch (error) {
      throw new StoreError(`cannot create a temporary file in ${options.tempDir}: ${errorMessage(error)}`, { cause: error });
    }
  };
  const writeAll = async (handle: FileHandle, chunk: Buffer): Promise<void> => {
    try {
      for (let offset = 0; offset < chunk.length; ) {
        offset += (await handle.write(chunk, offset)).bytesWritten;
      }
    } catch (error) {
      throw new StoreError(`cannot write a temporary file in ${options.tempDir}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  };

  // In memory unless the declared length already says it is too large for that.
  let held: Buffer[] | undefined = inMemoryUpTo > 0 && !(Number.isFinite(declared) && declared > inMemoryUpTo) ? [] : undefined;
  if (held === undefined) {
    try {
      fileHandle = await openFile();
    } catch (error) {
      dropBody(response.body);
      throw error;
    }
  }

  const hash = createHash('sha256');
  let size = 0;
  // Counting decoded bytes makes a compression bomb stop at the limit (zlib streams honour
  // backpressure: little more than maxBytes is ever inflated).
  async function store(chunk: Buffer): Promise<void> {
    size += chunk.length;
    if (size > options.maxBytes) throw tooBig(progress, options, 'the body is larger');
    hash.update(chunk);
    if (held !== undefined) {
      if (size <= inMemoryUpTo) {
        held.push(chunk);
        return;
      }
      // Larger than announced (or than nothing announced): to a file after all.
      const earlier = held;
      held = undefined;
      fileHandle = await openFile();
      for (const part of earlier) await writeAll(fileHandle, part);
    }
    await writeAll(fileHandle as FileHandle, chunk);
  }
  try {
    await pumpBody(response, progress, signal, store);
    await fileHandle?.close();
  } catch (error) {
    if (fileHandle !== undefined) {
      await fileHandle.close().catch(() => undefined);
      await rm(filePath, { force: true });
    }
    throw error;
  }
  if (held !== undefined) return { bytes: held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held, size), size, sha256: hash.digest('hex') };
  return { filePath, size, sha256: hash.digest('hex') };
}

/** A body of at most `limit` decoded bytes, in memory; past the limit the rest is dropped. */
async function readSmallBody(
  response: Dispatcher.ResponseData,
  progress: Progress,
  signal: AbortSignal,
  limit: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const enough = new Error('enough');
  try {
    await pumpBody(response, progress, signal, (chunk) => {
      const room = limit - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (chunk.length > room) throw enough;
    });
  } catch (error) {
    if (error !== enough) throw error;
    return { bytes: Buffer.concat(chunks), truncated: true };
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
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

/**
 * A FetchError for whatever a try threw. Our own errors pass through; foreign ones (undici, node)
 * are classified, and kept as cause only as a sanitized copy (see safeCause), so nothing they carry
 * (a raw URL, a socket) reaches a report.
 */
function classify(error: unknown, progress: Progress, context: Context, secrets: readonly string[]): Error {
  if (error instanceof FetchError || error instanceof StoreError) return error;
  const cause = safeCause(error, secrets);
  if (progress.timedOut) {
    return new FetchError('timeout', timeoutError(progress, context.options).message, { cause });
  }
  if (context.lifetime.aborted) return new FetchError('network', closedError().message, { cause });
  const code = errorCode(error) ?? '';
  const detail = cause.message;
  const fail = (failure: FailureClass, message: string): FetchError =>
    new FetchError(failure, `${progress.url}: ${message}`, { cause });

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
