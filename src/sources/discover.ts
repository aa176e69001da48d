// Discovery: which documents a source has right now. A `page` source is its own URL; an `index`
// source is a page whose links are the documents. A failed discovery is reported, never fatal, and
// removes nothing (a flaky index page must not read as every document gone).
import { readFile, rm } from 'node:fs/promises';
import type { SourceConfig } from '../config/schema.js';
import { DocumentError } from '../errors.js';
import type { Fetcher, FetchRequest } from '../fetch/types.js';
import { canonicalUrl, linksFromHtml } from './links.js';

/** Runs a request under the per-host politeness rules of the run. */
export type Politely = <T>(source: SourceConfig, url: string, task: () => Promise<T>) => Promise<T>;

/** The request for a URL of a source (its headers, robots and redirect settings). */
export type RequestFor = (source: SourceConfig, url: string) => FetchRequest;

export interface DiscoveryContext {
  fetcher: Fetcher;
  politely: Politely;
  requestFor: RequestFor;
}

export interface Discovery {
  /** Canonical document URLs, in the order the source lists them, without duplicates. */
  urls: string[];
  error?: DocumentError;
}

export async function discoverDocuments(source: SourceConfig, context: DiscoveryContext): Promise<Discovery> {
  const url = canonicalUrl(source.url) ?? source.url;
  if (source.kind === 'page') return { urls: [url] };
  try {
    const html = await fetchPage(url, source, context);
    return { urls: linksFromHtml(html.text, html.finalUrl, { links: source.links, match: source.match }) };
  } catch (error) {
    if (error instanceof DocumentError) return { urls: [], error };
    throw error;
  }
}

/** Fetch and decode an index page (temporary file removed whatever happens). */
async function fetchPage(url: string, source: SourceConfig, context: DiscoveryContext): Promise<{ text: string; finalUrl: string }> {
  const result = await context.politely(source, url, () => context.fetcher.fetch(context.requestFor(source, url)));
  if (result.kind !== 'body') {
    throw new DocumentError(result.kind === 'gone' ? `http-${result.httpStatus}` : 'bad-content', `the index page answered ${result.httpStatus}`);
  }
  try {
    const bytes = await readFile(result.filePath);
    const { decodeHtml } = await import('../extract/charset.js');
    return { text: decodeHtml(bytes, result.contentType).text, finalUrl: result.finalUrl };
  } finally {
    await rm(result.filePath, { force: true });
  }
}
