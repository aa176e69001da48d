// Documents listed by an index page: its links, resolved and filtered. Pure (HTML text in, URLs out).
import * as cheerio from 'cheerio';
import { UsageError } from '../errors.js';

export interface LinkRules {
  /** CSS selector of the link elements (default: every `a[href]`). */
  links?: string | undefined;
  /** Regex the absolute URL must match. */
  match?: string | undefined;
}

/** A URL in canonical form: absolute, no fragment, host lowercased, default port dropped. */
export function canonicalUrl(href: string, base?: string): string | undefined {
  let url: URL;
  try {
    url = base === undefined ? new URL(href) : new URL(href, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  return url.toString();
}

/** The document URLs an index page links to, in page order, without duplicates or the page itself. */
export function linksFromHtml(html: string, pageUrl: string, rules: LinkRules): string[] {
  const $ = cheerio.load(html);
  const baseHref = $('base[href]').first().attr('href');
  const base = (baseHref !== undefined ? canonicalUrl(baseHref, pageUrl) : undefined) ?? pageUrl;
  const selector = rules.links ?? 'a[href]';
  let elements: ReturnType<typeof $>;
  try {
    elements = $(selector);
  } catch (error) {
    throw new UsageError(`invalid links selector "${selector}": ${(error as Error).message}`);
  }
  const pattern = rules.match === undefined ? undefined : new RegExp(rules.match, 'u');
  const self = canonicalUrl(pageUrl);
  const seen = new Set<string>();
  const urls: string[] = [];
  elements.each((_, element) => {
    // The selector may name a container: then its links count.
    const anchors = $(element).is('[href]') ? [element] : $(element).find('a[href]').toArray();
    for (const anchor of anchors) {
      const href = $(anchor).attr('href');
      if (href === undefined) continue;
      const url = canonicalUrl(href.trim(), base);
      if (url === undefined || url === self || seen.has(url)) continue;
      if (pattern !== undefined && !pattern.test(url)) continue;
      seen.add(url);
      urls.push(url);
    }
  });
  return urls;
}
