// Which redirects the fetcher follows on its own. A source names a site; a redirect that leaves it
// (a hijacked page, an open redirect, a parked domain) would record someone else's document under
// the source's name, so it is refused unless the source says cross-site redirects are expected.
// Pure: no I/O.

import { getDomain } from 'tldts';
import { bareHostname, hasIpLiteralHost } from './url.js';

/**
 * The site of a host: its registrable domain from the Public Suffix List, private section included
 * (alice.github.io and bob.github.io are different sites, as browsers see them), or the host itself
 * for IP addresses, single-label names and public suffixes.
 */
export function siteOf(url: URL): string {
  if (hasIpLiteralHost(url)) return bareHostname(url);
  return getDomain(url.hostname, { allowPrivateDomains: true }) ?? url.hostname;
}

/**
 * Why a redirect from `first` (the URL asked for) to `target` must not be followed, or undefined
 * when it may be. Rules:
 * - the same host (any scheme or port, so an http -> https upgrade) is always followed;
 * - with `allowCrossSite`, everything else is followed too;
 * - otherwise another host is followed only on the same site, and never from https to http.
 */
export function redirectRefusal(first: URL, target: URL, allowCrossSite: boolean): string | undefined {
  if (target.hostname === first.hostname || allowCrossSite) return undefined;
  const from = first.hostname;
  const to = target.hostname;
  if (first.protocol === 'https:' && target.protocol === 'http:') {
    return `it would go from https on ${from} to plain http on ${to}`;
  }
  const firstSite = siteOf(first);
  const targetSite = siteOf(target);
  if (firstSite === targetSite) return undefined;
  return `${to} is on another site than ${from} (${targetSite}, not ${firstSite})`;
}
