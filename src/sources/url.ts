// Document URLs in canonical form, so one document is never mirrored twice under two URLs. Pure,
// and light: no HTML parser here (the config schema and the read-side commands may load it).
import { siteOf } from '../fetch/redirect-policy.js';

/**
 * Query parameters that only track how a reader arrived (campaigns, click ids, newsletter ids).
 * They never select a different document, so they are dropped: otherwise the same PDF linked from
 * a newsletter and from the site would be mirrored twice. A trailing `*` matches a prefix.
 */
export const DEFAULT_STRIP_PARAMS: readonly string[] = [
  'utm_*',
  'fbclid',
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'twclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'oly_anon_id',
  'oly_enc_id',
  'vero_id',
  'vero_conv',
  'rb_clickid',
  's_cid',
];

export interface CanonicalOptions {
  /** Parameter names to drop besides the defaults (case-insensitive; `name*` matches a prefix). */
  stripParams?: readonly string[] | undefined;
}

const matcherCache = new Map<string, (name: string) => boolean>();

/** A predicate telling which query parameter names are dropped. */
function paramStripper(extra: readonly string[] | undefined): (name: string) => boolean {
  const key = (extra ?? []).join('\n');
  let matcher = matcherCache.get(key);
  if (matcher === undefined) {
    const exact = new Set<string>();
    const prefixes: string[] = [];
    for (const raw of [...DEFAULT_STRIP_PARAMS, ...(extra ?? [])]) {
      const name = raw.trim().toLowerCase();
      if (name === '' || name === '*') continue;
      if (name.endsWith('*')) prefixes.push(name.slice(0, -1));
      else exact.add(name);
    }
    matcher = (name: string) => {
      const lower = name.toLowerCase();
      return exact.has(lower) || prefixes.some((prefix) => lower.startsWith(prefix));
    };
    if (matcherCache.size > 100) matcherCache.clear();
    matcherCache.set(key, matcher);
  }
  return matcher;
}

const upperEscapes = (text: string): string => text.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());

/**
 * A URL in canonical form, so one document never gets two URLs: absolute (resolved against `base`),
 * http(s) only, no fragment, host lowercased without a trailing dot, default port dropped,
 * percent-escapes in upper case, tracking parameters dropped (the others keep their order and their
 * exact encoding), no empty `?`. Undefined for anything that is not an http(s) URL.
 */
export function canonicalUrl(href: string, base?: string, options: CanonicalOptions = {}): string | undefined {
  let url: URL;
  try {
    url = base === undefined ? new URL(href) : new URL(href, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname === '') return undefined;
  url.hash = '';
  // WHATWG URL parsing already lowercases the host, drops :80/:443 and resolves dot segments.
  if (url.hostname.endsWith('.') && !url.hostname.endsWith('..')) url.hostname = url.hostname.slice(0, -1);
  url.pathname = upperEscapes(url.pathname);
  const query = url.search.slice(1);
  if (query === '') {
    url.search = '';
  } else {
    const strip = paramStripper(options.stripParams);
    // Filter the raw pairs: re-serializing through URLSearchParams would re-encode the others.
    const kept = query.split('&').filter((pair) => {
      if (pair === '') return false;
      const rawName = pair.split('=', 1)[0] ?? '';
      let name: string;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        name = rawName;
      }
      return !strip(name);
    });
    url.search = kept.length === 0 ? '' : `?${upperEscapes(kept.join('&'))}`;
  }
  return url.toString();
}

/** The site (registrable domain, or the host for IP addresses and single-label hosts) of a URL. */
export function siteOfUrl(url: string): string | undefined {
  try {
    return siteOf(new URL(url));
  } catch {
    return undefined;
  }
}

/** Compiles the match/exclude rules of a source into one URL predicate. */
export function urlFilter(rules: { match?: string | undefined; exclude?: string | undefined }): (url: string) => boolean {
  const match = rules.match === undefined ? undefined : new RegExp(rules.match, 'u');
  const exclude = rules.exclude === undefined ? undefined : new RegExp(rules.exclude, 'u');
  return (url) => (match === undefined || match.test(url)) && (exclude === undefined || !exclude.test(url));
}
