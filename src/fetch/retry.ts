// When a failed fetch is tried again, and after how long. Pure: the fetcher supplies the clock, the
// random source and the sleep.

import { FetchError } from '../errors.js';

export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_BASE_MS = 500;
export const DEFAULT_RETRY_MAX_DELAY_MS = 30_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 120_000;

/** Error codes (anywhere in the cause chain) of failures that trying again cannot fix. */
function isPermanentCode(code: string | undefined): boolean {
  if (code === undefined) return false;
  return code.startsWith('ERR_TLS') || code.startsWith('CERT_') || /SSL|TLS/.test(code) || code.includes('SELF_SIGNED');
}

/**
 * Whether a failure may go away if the same request is made again: transient DNS (EAI_AGAIN),
 * connection, transfer and timeout failures (not TLS or certificate errors), 429 and 5xx. Never
 * other 4xx, too-big, bad-url, bad-content, blocked-*, too-many-redirects, or anything that is not
 * a FetchError (a disk error is not the network's fault).
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof FetchError)) return false;
  const code = causeCode(error);
  switch (error.failure) {
    case 'dns':
      return code === 'EAI_AGAIN';
    case 'connect':
      return !isPermanentCode(code);
    case 'network':
    case 'timeout':
      return true;
    default: {
      const status = httpStatusOf(error);
      return status !== undefined && (status === 429 || (status >= 500 && status <= 599));
    }
  }
}

/** The status of an `http-<code>` failure. */
export function httpStatusOf(error: FetchError): number | undefined {
  const match = /^http-(\d{3})$/.exec(error.failure);
  return match === null ? undefined : Number(match[1]);
}

/** The first string `code` in an error's cause chain (not the error's own). */
export function causeCode(error: Error): string | undefined {
  let current: unknown = error.cause;
  for (let depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * Exponential backoff with full jitter: a uniformly random delay in [0, min(maxMs, baseMs * 2^(n-1)))
 * before try n + 1, where n tries have failed (n >= 1). `random` returns a number in [0, 1).
 */
export function backoffDelay(failedTries: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, failedTries - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(ceiling * r);
}

/**
 * A Retry-After value (RFC 9110 10.2.3): delay-seconds or an HTTP-date, as milliseconds from `now`
 * (0 for a date in the past). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : Number.MAX_SAFE_INTEGER;
  }
  // HTTP-date (IMF-fixdate, or the obsolete RFC 850 and asctime forms Date.parse also reads). A bare
  // number with a sign or a fraction is not valid and is ignored rather than guessed at.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** "99999 s", "2 min", ... for messages. */
export function describeDelay(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}

export function triesText(tries: number): string {
  return `${tries} ${tries === 1 ? 'try' : 'tries'}`;
}
