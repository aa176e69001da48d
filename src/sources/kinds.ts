// The kinds of source and the few facts about them the configuration needs. Pure and dependency-free:
// the config schema imports it, and `log`/`diff`/`show` load the schema.

export const SOURCE_KINDS = ['page', 'index', 'feed', 'sitemap', 'wayback'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Kinds whose documents come from a listing (and may drop out of it). */
export const LISTING_KINDS: readonly SourceKind[] = ['index', 'feed', 'sitemap'];

export const WAYBACK_PREFIX = 'wayback:';
/** One request per second to the archive, as it asks of API clients (the per-host scheduler keeps it). */
export const WAYBACK_DELAY_MS = 1000;

/**
 * Runs a document may be missing from its listing before it is recorded as removed (unless it is
 * gone upstream first: a 404/410 removes it at once). An index page or a sitemap that leaves a
 * document out twice in a row has dropped it; once may be a flaky page. A feed only ever shows its
 * latest items, so leaving the feed says nothing: 0 means "never for that alone".
 */
export const DEFAULT_REMOVE_AFTER_MISSING_RUNS: Partial<Record<SourceKind, number>> = { index: 2, sitemap: 2, feed: 0 };

/** The kind a source has when its `kind` key is absent. */
export function inferKind(source: { url: string; kind?: SourceKind | undefined; links?: string | undefined }): SourceKind {
  if (source.kind !== undefined) return source.kind;
  if (waybackPattern(source.url) !== undefined) return 'wayback';
  return source.links === undefined ? 'page' : 'index';
}

/** `wayback:wcitleaks.org/*` -> `wcitleaks.org/*`; undefined when the text is not a wayback source. */
export function waybackPattern(url: string): string | undefined {
  if (!url.toLowerCase().startsWith(WAYBACK_PREFIX)) return undefined;
  const pattern = url.slice(WAYBACK_PREFIX.length).trim();
  return pattern === '' ? undefined : pattern;
}

/**
 * Why a wayback pattern is unusable, or undefined when it is fine. As the CDX API takes them: a URL
 * (with or without a scheme) for its captures alone, `example.org/docs/*` for every URL under a
 * prefix, or `*.example.org` for the host and all its subdomains.
 */
export function waybackPatternProblem(pattern: string): string | undefined {
  if (/\s/.test(pattern)) return 'must not contain spaces';
  let rest = pattern;
  if (rest.startsWith('*.')) {
    rest = rest.slice(2);
    if (rest.includes('*')) return 'a domain pattern (*.example.org) has no other `*`';
  } else {
    const star = rest.indexOf('*');
    if (star !== -1 && star !== rest.length - 1) return 'may contain one `*`, at the end (a prefix) or as `*.` at the start (a domain)';
    rest = rest.replace(/\*$/, '');
  }
  const withScheme = /^https?:\/\//i.test(rest) ? rest : `http://${rest}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return 'must be a URL or a URL prefix such as example.org/docs/*';
  }
  if (url.hostname === '' || (!url.hostname.includes('.') && url.hostname !== 'localhost')) return 'must name a host, e.g. example.org/*';
  return undefined;
}

/** The host a wayback pattern is about (`*.` and a trailing `*` aside), for naming the source. */
export function waybackHostAndPath(pattern: string): URL {
  const bare = pattern.replace(/^\*\./, '').replace(/\*$/, '');
  return new URL(/^https?:\/\//i.test(bare) ? bare : `http://${bare}`);
}

/** True when the pattern names one URL rather than a prefix. */
export function isExactPattern(pattern: string): boolean {
  return !pattern.includes('*');
}
