// Documents listed by an index page: its links, resolved and filtered. Pure (HTML text in, URLs out).
import * as cheerio from 'cheerio';
import type { Document } from 'domhandler';
import { UsageError } from '../errors.js';
import { fastParseHtml } from '../extract/html-fast-parse.js';
import { canonicalUrl, urlFilter, type CanonicalOptions } from './url.js';

export { canonicalUrl, DEFAULT_STRIP_PARAMS, siteOfUrl, urlFilter, type CanonicalOptions } from './url.js';

export interface LinkRules extends CanonicalOptions {
  /** CSS selector of the link elements (default: every `a[href]`). */
  links?: string | undefined;
  /** Regex the absolute URL must match. */
  match?: string | undefined;
  /** Regex an absolute URL must not match. */
  exclude?: string | undefined;
}

export interface IndexPage {
  /** Document URLs in page order, without duplicates or the page itself. */
  documents: string[];
  /** URLs of further index pages (pagination, sub-indexes) matched by the `next` selector. */
  next: string[];
}

/** Thrown to leave a very deep page to parse5 (which parses it without a depth limit here). */
class TooDeepForFastParse extends Error {}

/**
 * The page parsed by htmlparser2 when that gives parse5's very tree (html-fast-parse.ts), else by
 * parse5: an index of 2,000 links parses in about half the time.
 */
function loadPage(html: string): cheerio.CheerioAPI {
  let tree: Document | undefined;
  try {
    tree = fastParseHtml(html, { maxDepth: 2_000, onTooDeep: () => new TooDeepForFastParse() });
  } catch (error) {
    if (!(error instanceof TooDeepForFastParse)) throw error;
  }
  return tree === undefined ? cheerio.load(html) : cheerio.load(tree);
}

/** The document URLs an index page links to, in page order, without duplicates or the page itself. */
export function linksFromHtml(html: string, pageUrl: string, rules: LinkRules): string[] {
  return parseIndexPage(html, pageUrl, rules).documents;
}

/** Links of an index page: the documents (selector, match, exclude) and, with `next`, further pages. */
export function parseIndexPage(html: string, pageUrl: string, rules: LinkRules, next?: string): IndexPage {
  const $ = loadPage(html);
  const canonical = (href: string, base?: string) => canonicalUrl(href, base, rules);
  const baseHref = $('base[href]').first().attr('href');
  const base = (baseHref !== undefined ? canonical(baseHref.trim(), pageUrl) : undefined) ?? pageUrl;
  const self = canonical(pageUrl);
  const select = (selector: string, what: string) => {
    try {
      return $(selector);
    } catch (error) {
      throw new UsageError(`invalid ${what} selector "${selector}": ${(error as Error).message}`);
    }
  };
  const collect = (selector: string, what: string, keep: (url: string) => boolean): string[] => {
    const seen = new Set<string>();
    const urls: string[] = [];
    select(selector, what).each((_, element) => {
      // The selector may name a container: then its links count.
      const anchors = $(element).is('[href]') ? [element] : $(element).find('a[href]').toArray();
      for (const anchor of anchors) {
        const href = $(anchor).attr('href');
        if (href === undefined) continue;
        const url = canonical(href.trim(), base);
        if (url === undefined || url === self || seen.has(url) || !keep(url)) continue;
        seen.add(url);
        urls.push(url);
      }
    });
    return urls;
  };
  const nextPages = next === undefined ? [] : collect(next, 'next', () => true);
  const pages = new Set(nextPages);
  const wanted = urlFilter(rules);
  // A pagination link is never a document, even when the links selector also matches it.
  const documents = collect(rules.links ?? 'a[href]', 'links', (url) => !pages.has(url) && wanted(url));
  return { documents, next: nextPages };
}
