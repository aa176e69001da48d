// Adding a source: validate it, write it into leakmirror.yaml (comments kept), commit the change.
import { withSourceAdded, writeConfigText, type NewSource } from '../config/file.js';
import { CONFIG_FILE, SOURCE_NAME_PATTERN } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { isExactPattern, SOURCE_KINDS, WAYBACK_PREFIX, waybackHostAndPath, waybackPattern, waybackPatternProblem, type SourceKind } from '../sources/kinds.js';
import { canonicalUrl } from '../sources/url.js';
import { sanitizeSegment, slugFromUrl } from '../store/ids.js';
import { lockTarget } from '../store/layout.js';
import { acquireLock } from '../store/lock.js';
import { openMirror } from './mirror.js';

export interface AddOptions {
  mirrorDir: string;
  /** An http(s) URL, or `wayback:<url or prefix*>` for the Internet Archive's captures. */
  url: string;
  name?: string | undefined;
  /** page, index, feed, sitemap or wayback (default: from the URL and the other options). */
  kind?: string | undefined;
  links?: string | undefined;
  match?: string | undefined;
  exclude?: string | undefined;
  depth?: number | undefined;
  next?: string | undefined;
  /** false: follow index pages and child sitemaps on other sites too. */
  sameSite?: boolean | undefined;
  maxDocuments?: number | undefined;
  enclosures?: boolean | undefined;
  stripParams?: string[] | undefined;
  removeAfterMissingRuns?: number | undefined;
  select?: string | undefined;
  remove?: string[] | undefined;
}

export interface AddResult {
  name: string;
  source: NewSource;
  commit: string;
}

/** Options that make a source list documents: without --kind, they make it an index. */
const INDEX_OPTIONS = ['links', 'match', 'exclude', 'depth', 'next'] as const;

export async function addSource(options: AddOptions): Promise<AddResult> {
  const kind = kindOf(options);
  const url = kind === 'wayback' ? waybackUrl(options.url) : canonicalUrl(options.url.trim(), undefined, options);
  if (url === undefined) throw new UsageError(`not an http(s) URL: ${options.url}`, { hint: 'give the full address, e.g. https://example.org/leaks/ (or wayback:example.org/leaks/*)' });
  if (options.name !== undefined && !SOURCE_NAME_PATTERN.test(options.name)) {
    throw new UsageError(`invalid source name "${options.name}": use lowercase letters, digits, ".", "_" and "-" (at most 64)`);
  }
  const mirror = await openMirror(options.mirrorDir);
  const lock = await acquireLock(lockTarget(mirror.dir), 'add');
  try {
    const taken = new Set(mirror.config.sources.map((source) => source.name));
    const name = options.name ?? uniqueName(defaultSourceName(url), taken);
    const source: NewSource = {
      url,
      // page and wayback are inferred from the URL; index is written out as before.
      ...(kind === 'page' || kind === 'wayback' ? {} : { kind }),
      ...(kind === 'index' ? { links: options.links ?? 'a[href]' } : options.links !== undefined ? { links: options.links } : {}),
      ...(options.match !== undefined ? { match: options.match } : {}),
      ...(options.exclude !== undefined ? { exclude: options.exclude } : {}),
      ...(options.depth !== undefined ? { depth: options.depth } : {}),
      ...(options.next !== undefined ? { next: options.next } : {}),
      ...(options.sameSite === false ? { sameSite: false } : {}),
      ...(options.maxDocuments !== undefined ? { maxDocuments: options.maxDocuments } : {}),
      ...(options.enclosures === true ? { enclosures: true } : {}),
      ...(options.stripParams !== undefined && options.stripParams.length > 0 ? { stripParams: options.stripParams } : {}),
      ...(options.removeAfterMissingRuns !== undefined ? { removeAfterMissingRuns: options.removeAfterMissingRuns } : {}),
      ...(options.select !== undefined ? { select: options.select } : {}),
      ...(options.remove !== undefined && options.remove.length > 0 ? { remove: options.remove } : {}),
    };
    // The schema checks the rest (which options apply to which kind), naming the key.
    const text = withSourceAdded(mirror.configText, name, source, mirror.config.name);
    await writeConfigText(mirror.dir, text);
    const commit = await mirror.repo.commitPaths([CONFIG_FILE], `Add source ${name}\n\nSource-URL: ${url}\n`);
    return { name, source, commit };
  } finally {
    await lock.release();
  }
}

function kindOf(options: AddOptions): SourceKind {
  const isWayback = options.url.trim().toLowerCase().startsWith(WAYBACK_PREFIX);
  if (options.kind !== undefined) {
    if (!(SOURCE_KINDS as readonly string[]).includes(options.kind)) {
      throw new UsageError(`unknown source kind "${options.kind}": use ${SOURCE_KINDS.join(', ')}`);
    }
    if ((options.kind === 'wayback') !== isWayback) {
      throw new UsageError(isWayback ? `a wayback: URL makes a wayback source, not ${options.kind}` : 'a wayback source is added as wayback:<url or prefix*>', {
        hint: 'e.g. leakmirror add "wayback:example.org/docs/*" --match "\\.pdf$"',
      });
    }
    return options.kind as SourceKind;
  }
  if (isWayback) return 'wayback';
  return INDEX_OPTIONS.some((key) => options[key] !== undefined) ? 'index' : 'page';
}

function waybackUrl(input: string): string {
  const pattern = waybackPattern(input.trim());
  const problem = pattern === undefined ? 'needs a URL or a prefix after it' : waybackPatternProblem(pattern);
  if (pattern === undefined || problem !== undefined) {
    throw new UsageError(`invalid wayback source "${input}": ${problem ?? ''}`, { hint: 'e.g. wayback:wcitleaks.org/* (every capture under it) or wayback:example.org/draft.pdf' });
  }
  return `${WAYBACK_PREFIX}${pattern}`;
}

export function defaultSourceName(url: string): string {
  const pattern = waybackPattern(url);
  if (pattern !== undefined) {
    const parsed = waybackHostAndPath(pattern);
    const part = isExactPattern(pattern) ? slugFromUrl(parsed.toString()) : sanitizeSegment(parsed.hostname.replace(/^www\./, ''));
    return `wayback-${part}`.slice(0, 64).replace(/[-._]+$/, '');
  }
  const slug = slugFromUrl(url);
  const host = sanitizeSegment(new URL(url).hostname.replace(/^www\./, ''));
  const name = slug === host ? host : slug;
  return (SOURCE_NAME_PATTERN.test(name) ? name : `source-${name}`).slice(0, 64);
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let counter = 2; ; counter += 1) {
    const candidate = `${base.slice(0, 60)}-${counter}`;
    if (!taken.has(candidate)) return candidate;
  }
}
