// Keeping secrets out of what the fetcher reports. Request headers (an Authorization token read from
// the environment) and URL credentials are sent where they belong, but results and errors end up in
// a public mirror and its reports, so their values must never appear there: not in a message, not in
// a recorded URL (a hostile server could echo a token into a Location), not in an error's cause
// chain (node and undici errors carry extra fields such as `input`, the raw URL).

import { UsageError } from '../errors.js';

/** Header names the fetcher manages itself or that would break the exchange; refused from callers. */
const MANAGED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'accept-encoding',
  'if-none-match',
  'if-modified-since',
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;
// Field values: visible ASCII, obs-text, space and tab; no CR, LF or NUL (RFC 9110 5.5).
// eslint-disable-next-line no-control-regex
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]|[^\x00-\xff]/;

/**
 * Checks caller-supplied headers and returns them with lower-case names. A bad one is a
 * configuration mistake: UsageError naming the header, never showing its value.
 */
export function checkHeaders(headers: Record<string, string> | undefined, where: string): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers ?? {})) {
    const name = rawName.toLowerCase();
    if (!TOKEN.test(name)) throw new UsageError(`${where}: ${JSON.stringify(rawName)} is not a valid header name`);
    if (MANAGED_HEADERS.has(name)) {
      throw new UsageError(`${where}: the ${rawName} header is set by the fetcher and cannot be configured`);
    }
    if (typeof value !== 'string' || BAD_VALUE.test(value)) {
      throw new UsageError(`${where}: the value of the ${rawName} header is not a valid header value (value not shown)`);
    }
    checked[name] = value;
  }
  return checked;
}

/** Shorter strings are not scrubbed: replacing "1" or "yes" everywhere would garble messages. */
const MIN_SECRET_LENGTH = 6;

/**
 * The strings to scrub for a set of header values and URL user info: each value, the credential
 * part of "Scheme credential" values (what a server would echo), and their percent-encoded forms.
 */
export function secretStrings(values: Iterable<string>): string[] {
  const found = new Set<string>();
  const add = (text: string): void => {
    const trimmed = text.trim();
    if (trimmed.length < MIN_SECRET_LENGTH) return;
    found.add(trimmed);
    const encoded = encodeURIComponent(trimmed);
    if (encoded !== trimmed) found.add(encoded);
  };
  for (const value of values) {
    add(value);
    const space = value.trim().indexOf(' ');
    if (space !== -1) add(value.trim().slice(space + 1));
  }
  // Longest first, so a value is replaced whole before a part of it could be.
  return [...found].sort((a, b) => b.length - a.length);
}

export const REDACTED = '[redacted]';

/** The text with every secret replaced by [redacted]. */
export function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/**
 * A copy of a foreign error fit to be kept as a cause: name, scrubbed message, and the string
 * `code`, `errno` and `syscall` that classification and callers rely on; nothing else (no `input`,
 * `base`, sockets or request objects). Its own cause is copied the same way, a few levels deep.
 */
export function safeCause(error: unknown, secrets: readonly string[], depth = 0): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const copyCause = depth < 4 && source.cause !== undefined;
  const copy: Error & { code?: string; errno?: number; syscall?: string } = new Error(
    scrub(source.message, secrets),
    copyCause ? { cause: safeCause(source.cause, secrets, depth + 1) } : undefined,
  );
  Object.defineProperty(copy, 'name', { value: source.name, enumerable: false, configurable: true, writable: true });
  const { code, errno, syscall } = source as NodeJS.ErrnoException;
  if (typeof code === 'string') copy.code = code;
  if (typeof errno === 'number') copy.errno = errno;
  if (typeof syscall === 'string') copy.syscall = syscall;
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}
