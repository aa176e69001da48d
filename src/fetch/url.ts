// URL handling for the fetcher. Everything we record ends up in a public mirror, so every URL that
// leaves this module for a result or an error message goes through redactUrl first.

import { isIP } from 'node:net';
import { FetchError } from '../errors.js';

/** Parses a URL to fetch; only http: and https: are allowed. */
export function parseFetchUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // No cause: node's TypeError keeps the raw input (credentials included) in its `input` field.
    throw new FetchError('bad-url', `not a valid URL: ${redactRawUrl(raw)}`);
  }
  checkScheme(url);
  return url;
}

/** Resolves a redirect's Location against the URL that answered it. */
export function resolveLocation(location: string, base: URL): URL {
  let url: URL;
  try {
    url = new URL(location, base);
  } catch {
    // No cause: node's TypeError keeps `input` and `base` (with the base URL's credentials).
    throw new FetchError('bad-url', `${redactUrl(base)} redirects to an invalid URL: ${redactRawUrl(location)}`);
  }
  checkScheme(url, base);
  return url;
}

function checkScheme(url: URL, from?: URL): void {
  if (url.protocol === 'http:' || url.protocol === 'https:') return;
  const where = from === undefined ? '' : `${redactUrl(from)} redirects to `;
  throw new FetchError('bad-url', `${where}${redactUrl(url)}: only http and https URLs can be fetched`);
}

/** The URL without user info (and so fit to be published). */
export function redactUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/**
 * Best effort for strings that do not even parse: drop anything that looks like user info, up to
 * the last '@' before the path (a password may hold an unescaped '@'). Relative references without
 * a scheme ('//user:pw@host/x') are treated the same way.
 */
export function redactRawUrl(raw: string): string {
  return raw.replace(/^((?:[a-z][a-z0-9+.-]*:)?[\\/]*)[^/\\?#]*@/i, '$1');
}

/** The Basic Authorization header value for the URL's user info, if it has any. */
export function basicAuthorization(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const credentials = `${safeDecode(url.username)}:${safeDecode(url.password)}`;
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray '%' is kept as typed
  }
}

/** The host name as a connectable string: IPv6 literals lose their brackets. */
export function bareHostname(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** True when the URL's host is an IP literal (DNS lookup is skipped for those). */
export function hasIpLiteralHost(url: URL): boolean {
  return isIP(bareHostname(url)) !== 0;
}

/** The request target: path and query, never the fragment. */
export function requestPath(url: URL): string {
  return `${url.pathname}${url.search}`;
}
