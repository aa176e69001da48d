// Discovery: which documents a source has right now. A `page` source is its own URL; an `index`
// source is a page whose links are the documents (optionally followed through pagination); a `feed`
// lists documents as items; a `sitemap` as <loc> entries. (Wayback sources are listed and imported
// by src/core/wayback.ts: their documents have many versions per run.)
//
// A failed discovery is reported, never fatal, and removes nothing (a flaky index page must not read
// as every document gone). A listing read only in part (a later page or a child sitemap failed) is
// marked incomplete, so no document counts as missing from it either.
import { readFile, rm } from 'node:fs/promises';
import type { SourceConfig } from '../config/schema.js';
import { DocumentError } from '../errors.js';
import type { Fetcher, FetchRequest } from '../fetch/types.js';
import { parseIndexPage } from './links.js';
import { canonicalUrl, siteOfUrl, urlFilter } from './url.js';

/** Runs a request under the per-host politeness rules of the run. */
export type Politely = <T>(source: SourceConfig, url: string, task: () => Promise<T>) => Promise<T>;

/** The request for a URL of a source (its headers, robots and redirect settings). */
export type RequestFor = (source: SourceConfig, url: string) => FetchRequest;

export interface DiscoveryContext {
  fetcher: Fetcher;
  politely: Politely;
  requestFor: RequestFor;
  /** Something worth telling the user that is not a failure (a cap reached). */
  warn?: ((message: string) => void) | undefined;
}

/** A part of a listing that could not be read: reported as a failure of the source. */
export interface ListingFailure {
  url: string;
  error: DocumentError;
}

export interface Discovery {
  /** Canonical document URLs to fetch this run, in the order the source lists them, without duplicates. */
  urls: string[];
  /** Every document URL the listing has, `urls` included: beyond `maxDocuments` too (default `urls`). */
  listed?: string[] | undefined;
  /** False when part of the listing could not be read: then nothing counts as missing (default true). */
  complete?: boolean | undefined;
  /** `maxDocuments` cut the list. */
  truncated?: boolean | undefined;
  /** Listing pages or files fetched. */
  pages?: number | undefined;
  /** Later pages or child sitemaps that failed (the listing is then incomplete). */
  failures?: ListingFailure[] | undefined;
  /** The listing itself failed: no documents, nothing removed. */
  error?: DocumentError;
}

/** Pagination links followed when `depth` > 1 and no `next` selector is set. */
export const DEFAULT_NEXT_SELECTOR = 'a[rel~="next"], link[rel~="next"]';
/** At most this many index pages per source and run, whatever the depth and the pages say. */
export const MAX_INDEX_PAGES = 100;
/** At most this many sitemap files per source and run (an index and its children). */
export const MAX_SITEMAP_FILES = 100;
/** Sitemap indexes nested deeper than this are not followed. */
const MAX_SITEMAP_NESTING = 3;

export async function discoverDocuments(source: SourceConfig, context: DiscoveryContext): Promise<Discovery> {
  if (source.kind === 'wayback') throw new Error(`wayback source ${source.name} is listed by core/wayback.ts, not by discoverDocuments`);
  const url = canonicalUrl(source.url, undefined, source) ?? source.url;
  if (source.kind === 'page') return { urls: [url], pages: 0 };
  try {
    switch (source.kind) {
      case 'feed':
        return await discoverFeed(url, source, context);
      case 'sitemap':
        return await discoverSitemap(url, source, context);
      default:
        return await discoverIndex(url, source, context);
    }
  } catch (error) {
    if (error instanceof DocumentError) return { urls: [], error };
    throw error;
  }
}

/** The `maxDocuments` cut: what is fetched, and what still counts as listed. */
function capped(source: SourceConfig, listed: string[], rest: Omit<Discovery, 'urls' | 'listed' | 'truncated'>, context: DiscoveryContext): Discovery {
  const max = source.maxDocuments;
  if (max === undefined || listed.length <= max) return { ...rest, urls: listed, listed };
  context.warn?.(`source ${source.name}: ${listed.length} documents listed, only the first ${max} are fetched (maxDocuments)`);
  return { ...rest, urls: listed.slice(0, max), listed, truncated: true };
}

async function discoverIndex(url: string, source: SourceConfig, context: DiscoveryContext): Promise<Discovery> {
  const depth = source.depth ?? 1;
  const nextSelector = source.next ?? (depth > 1 ? DEFAULT_NEXT_SELECTOR : undefined);
  const site = siteOfUrl(url);
  const followable = (candidate: string) => source.sameSite === false || siteOfUrl(candidate) === site;
  const visited = new Set<string>([url]);
  const pageLinks = new Set<string>([url]);
  const documents: string[] = [];
  const seen = new Set<string>();
  const failures: ListingFailure[] = [];
  let complete = true;
  let pages = 0;
  let level = [url];
  for (let current = 1; current <= depth && level.length > 0; current += 1) {
    const following: string[] = [];
    for (const pageUrl of level) {
      if (pages >= MAX_INDEX_PAGES) {
        context.warn?.(`source ${source.name}: stopped after ${MAX_INDEX_PAGES} index pages`);
        complete = false;
        break;
      }
      pages += 1;
      let page: { text: string; finalUrl: string };
      try {
        page = await fetchText(pageUrl, source, context, 'index page');
      } catch (error) {
        // The first page failing is the source failing; a later one leaves the listing incomplete.
        if (current === 1 || !(error instanceof DocumentError)) throw error;
        failures.push({ url: pageUrl, error });
        complete = false;
        continue;
      }
      const parsed = parseIndexPage(page.text, page.finalUrl, source, nextSelector);
      for (const next of parsed.next) pageLinks.add(next);
      for (const document of parsed.documents) {
        if (seen.has(document)) continue;
        seen.add(document);
        documents.push(document);
      }
      if (current < depth) {
        for (const next of parsed.next) {
          if (visited.has(next) || !followable(next)) continue;
          visited.add(next);
          following.push(next);
        }
      }
    }
    level = following;
  }
  // A page of the listing is never one of its documents.
  const listed = documents.filter((document) => !pageLinks.has(document));
  return capped(source, listed, { complete, pages, failures }, context);
}

async function discoverFeed(url: string, source: SourceConfig, context: DiscoveryContext): Promise<Discovery> {
  // The feed parser (feedsmith) takes about 0.1 s to load: only runs with a feed source pay for it.
  const [page, { linksFromFeed }] = await Promise.all([fetchText(url, source, context, 'feed'), import('./feed.js')]);
  const feed = linksFromFeed(page.text, page.finalUrl, source);
  const keep = urlFilter(source);
  return capped(source, feed.urls.filter(keep), { pages: 1 }, context);
}

async function discoverSitemap(url: string, source: SourceConfig, context: DiscoveryContext): Promise<Discovery> {
  // The XML parser takes tens of milliseconds to load: only runs with a sitemap source pay for it.
  const { MAX_SITEMAP_BYTES, parseSitemap, sitemapBytes } = await import('./sitemap.js');
  const site = siteOfUrl(url);
  const keep = urlFilter(source);
  const visited = new Set<string>([url]);
  const queue: Array<{ url: string; nesting: number }> = [{ url, nesting: 0 }];
  const documents: string[] = [];
  const seen = new Set<string>();
  const failures: ListingFailure[] = [];
  let complete = true;
  let files = 0;
  while (queue.length > 0) {
    const item = queue.shift() as { url: string; nesting: number };
    if (files >= MAX_SITEMAP_FILES) {
      context.warn?.(`source ${source.name}: stopped after ${MAX_SITEMAP_FILES} sitemap files`);
      complete = false;
      break;
    }
    files += 1;
    let sitemap;
    try {
      const body = await fetchBytes(item.url, source, context, 'sitemap');
      const bytes = await sitemapBytes(body.bytes, item.url, MAX_SITEMAP_BYTES);
      const { decodeHtml } = await import('../extract/charset.js');
      sitemap = parseSitemap(decodeHtml(bytes, body.contentType).text, body.finalUrl, source);
    } catch (error) {
      if (item.nesting === 0 || !(error instanceof DocumentError)) throw error;
      failures.push({ url: item.url, error });
      complete = false;
      continue;
    }
    if (sitemap.kind === 'urlset') {
      for (const document of sitemap.urls) {
        if (seen.has(document) || !keep(document)) continue;
        seen.add(document);
        documents.push(document);
      }
      continue;
    }
    for (const child of sitemap.sitemaps) {
      if (visited.has(child)) continue;
      // The protocol keeps a site's sitemaps on that site; one elsewhere is not followed.
      if (source.sameSite !== false && siteOfUrl(child) !== site) {
        context.warn?.(`source ${source.name}: sitemap ${child} is on another site: not followed (sameSite: false follows it)`);
        continue;
      }
      if (item.nesting + 1 > MAX_SITEMAP_NESTING) {
        context.warn?.(`source ${source.name}: sitemap indexes nested deeper than ${MAX_SITEMAP_NESTING}: ${child} not followed`);
        complete = false;
        continue;
      }
      visited.add(child);
      queue.push({ url: child, nesting: item.nesting + 1 });
    }
  }
  return capped(source, documents, { complete, pages: files, failures }, context);
}

/** Fetch a listing's bytes (temporary file removed whatever happens). */
export async function fetchBytes(
  url: string,
  source: SourceConfig,
  context: Pick<DiscoveryContext, 'fetcher' | 'politely' | 'requestFor'>,
  what: string,
): Promise<{ bytes: Buffer; contentType: string | undefined; finalUrl: string }> {
  const result = await context.politely(source, url, () => context.fetcher.fetch(context.requestFor(source, url)));
  if (result.kind !== 'body') {
    throw new DocumentError(result.kind === 'gone' ? `http-${result.httpStatus}` : 'bad-content', `the ${what} ${url} answered ${result.httpStatus}`);
  }
  try {
    return { bytes: await readFile(result.filePath), contentType: result.contentType, finalUrl: result.finalUrl };
  } finally {
    await rm(result.filePath, { force: true });
  }
}

/** Fetch and decode a listing (charset from BOM, header, <meta> or the XML declaration). */
async function fetchText(url: string, source: SourceConfig, context: DiscoveryContext, what: string): Promise<{ text: string; finalUrl: string }> {
  const body = await fetchBytes(url, source, context, what);
  const { decodeHtml } = await import('../extract/charset.js');
  return { text: decodeHtml(body.bytes, body.contentType).text, finalUrl: body.finalUrl };
}
