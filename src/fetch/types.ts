// The fetch stage's contract: what the sync pipeline asks for and what it gets back.

/** The stored HTTP validators of a document, sent as a conditional request. */
export interface Validators {
  etag?: string | undefined;
  lastModified?: string | undefined;
}

export interface FetcherOptions {
  /** Directory (inside the mirror, git-ignored) where bodies are streamed to temporary files. */
  tempDir: string;
  /** Full User-Agent header value. */
  userAgent: string;
  /** Maximum decoded body size in bytes; larger bodies are aborted with failure class `too-big`. */
  maxBytes: number;
  /** Time allowed to establish a connection (ms). */
  connectTimeoutMs: number;
  /** Time allowed for the whole request, body included (ms). */
  timeoutMs: number;
  /** Redirects followed at most; more gives failure class `too-many-redirects`. */
  maxRedirects: number;
  /** Permit loopback, private, link-local and metadata addresses (refused by default). */
  allowPrivateNetwork: boolean;
  /** Extra request headers for every request to every host, redirects included (never written to the mirror); secrets belong in FetchRequest.headers. */
  headers?: Record<string, string> | undefined;
  /** Bytes of one body that may wait in memory for the disk before undici pauses reading it; default 8 MiB. */
  bodyBufferBytes?: number | undefined;
  /** DNS resolution, injectable so tests never send a packet anywhere but 127.0.0.1. */
  lookup?: LookupFunction | undefined;
  /** Extra tries after a transient failure (network, timeout, transient DNS, 429, 5xx); default 2, so 3 tries in all. */
  retries?: number | undefined;
  /** Backoff base (ms): the delay before try n+1 is uniformly random in [0, min(retryMaxDelayMs, retryBaseMs * 2^(n-1))); default 500. */
  retryBaseMs?: number | undefined;
  /** Longest backoff delay between two tries (ms); default 30000. */
  retryMaxDelayMs?: number | undefined;
  /** Longest Retry-After (429, 503) waited for (ms); a longer one fails at once with http-429/http-503; default 120000. */
  maxRetryAfterMs?: number | undefined;
  /** Waits between tries, injectable so tests neither wait nor guess the delays; default a timer (cut short by close()). */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Random numbers in [0, 1) for the backoff jitter; default Math.random. */
  random?: (() => number) | undefined;
}

/** Resolves a host name to its addresses (like dns.promises.lookup with all: true). */
export type LookupFunction = (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;

export interface FetchRequest {
  url: string;
  validators?: Validators | undefined;
  /** Secret headers of this source (e.g. Authorization), sent only to the origin of `url`, never to robots.txt or other origins, never reported. */
  headers?: Record<string, string> | undefined;
  /** Skip robots.txt for this request (the caller warns that it does). */
  ignoreRobots?: boolean | undefined;
  /** Follow redirects to other sites (another registrable domain, or https -> http on another host); refused by default with `blocked-redirect`. */
  allowCrossSiteRedirects?: boolean | undefined;
  /**
   * A 200 body of at most this many bytes comes back in memory (`kind: 'bytes'`) and is never
   * written to disk; larger ones are streamed to a temporary file as usual. Default 0: always a file.
   */
  inMemoryUpTo?: number | undefined;
}

/** What robots.txt said about the origin of the requested URL (see robots.ts for the choices). */
export interface RobotsInfo {
  /** rules: a robots.txt was read and obeyed; none: there is none (4xx), all allowed; unreachable: 5xx or network failure, treated as allowing all for this run; ignored: ignoreRobots was set. */
  state: 'rules' | 'none' | 'unreachable' | 'ignored';
  /** Crawl-delay for leakmirror (ms), if the file sets one; the fetcher does not schedule by it. */
  crawlDelayMs?: number | undefined;
  /** For none and unreachable: what happened, e.g. "HTTP 503". */
  detail?: string | undefined;
}

interface FetchResultBase {
  /** The URL asked for. */
  url: string;
  /** The URL after redirects. */
  finalUrl: string;
  /** Every URL visited, the asked one first. */
  redirects: string[];
  httpStatus: number;
  /** ISO 8601 time the response arrived. */
  fetchedAt: string;
  /** How many tries this took (1 unless a transient failure was retried). */
  tries?: number | undefined;
  /** robots.txt of the requested URL's origin. */
  robots?: RobotsInfo | undefined;
}

/** 200: the body is in a temporary file the caller must move or delete. */
export interface FetchedBody extends FetchResultBase {
  kind: 'body';
  /** Absolute path of the temporary file holding the (decoded) body. */
  filePath: string;
  size: number;
  /** sha256 of the body bytes, lowercase hex. */
  sha256: string;
  /** Content-Type header as sent (may be absent or wrong: extraction sniffs too). */
  contentType: string | undefined;
  /** Content-Disposition filename, if any (untrusted: sanitize before use). */
  dispositionName: string | undefined;
  validators: Validators;
}

/** 200 with a body of at most FetchRequest.inMemoryUpTo bytes: the body in memory, no file. */
export interface FetchedBytes extends Omit<FetchedBody, 'kind' | 'filePath'> {
  kind: 'bytes';
  bytes: Buffer;
}

/** 304 after a conditional request: nothing downloaded. */
export interface NotModified extends FetchResultBase {
  kind: 'not-modified';
}

/** 404 or 410: the document is gone upstream. */
export interface Gone extends FetchResultBase {
  kind: 'gone';
}

export type FetchResult = FetchedBody | NotModified | Gone;

export interface Fetcher {
  /** Fetch one document; throws FetchError (classified) on failure, UsageError for invalid headers. */
  fetch(request: FetchRequest & { inMemoryUpTo: number }): Promise<FetchResult | FetchedBytes>;
  fetch(request: FetchRequest): Promise<FetchResult>;
  /** Crawl-delay (ms) the robots.txt of the URL's origin asks of leakmirror, once that file has been read. */
  crawlDelayMs?(url: string): number | undefined;
  /** Release connections; fetches in flight (or waiting to retry) end with a `network` FetchError, later ones fail at once. */
  close(): Promise<void>;
}
