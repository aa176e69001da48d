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
  /** Extra request headers (never written to the mirror). */
  headers?: Record<string, string> | undefined;
  /** DNS resolution, injectable so tests never send a packet anywhere but 127.0.0.1. */
  lookup?: LookupFunction | undefined;
}

/** Resolves a host name to its addresses (like dns.promises.lookup with all: true). */
export type LookupFunction = (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;

export interface FetchRequest {
  url: string;
  validators?: Validators | undefined;
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
  /** Fetch one document; throws FetchError (classified) on failure. */
  fetch(request: FetchRequest): Promise<FetchResult>;
  /** Release connections. */
  close(): Promise<void>;
}
