// Documents listed by a feed: each item's link, and with `enclosures` its attachments (the PDF a
// post carries). RSS 0.9x/2.0, Atom 0.3/1.0, RDF and JSON Feed 1.0/1.1 through feedsmith. Pure.
import { parseFeed } from 'feedsmith';
import { DocumentError } from '../errors.js';
import { canonicalUrl, type CanonicalOptions } from './url.js';

export interface FeedRules extends CanonicalOptions {
  /** Also list each item's enclosures / attachments as documents. */
  enclosures?: boolean | undefined;
}

export interface FeedLinks {
  format: 'rss' | 'atom' | 'rdf' | 'json';
  title: string | undefined;
  /** Document URLs in feed order (item link, then its enclosures), canonical, without duplicates. */
  urls: string[];
}

/** Throws DocumentError(bad-content) naming the feed when the text is not a feed it can read. */
export function linksFromFeed(text: string, feedUrl: string, rules: FeedRules = {}): FeedLinks {
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DocumentError('bad-content', `${feedUrl} is not a valid RSS, Atom, RDF or JSON feed: ${reason}`);
  }
  const raw: Array<string | undefined> = [];
  let title: string | undefined;
  switch (parsed.format) {
    case 'rss': {
      title = parsed.feed.title;
      for (const item of parsed.feed.items ?? []) {
        // An item without <link> may still name its page by a permalink <guid>.
        const guid = item.guid?.isPermaLink === false ? undefined : item.guid?.value;
        raw.push(item.link ?? (guid !== undefined && /^https?:\/\//i.test(guid) ? guid : undefined));
        if (rules.enclosures === true) for (const enclosure of item.enclosures ?? []) raw.push(enclosure.url);
      }
      break;
    }
    case 'rdf': {
      title = parsed.feed.title;
      for (const item of parsed.feed.items ?? []) raw.push(item.link);
      break;
    }
    case 'atom': {
      title = parsed.feed.title?.value;
      for (const entry of parsed.feed.entries ?? []) {
        const links = entry.links ?? [];
        const alternate = links.find((link) => link.rel === undefined || link.rel === 'alternate') ?? links.find((link) => link.rel !== 'enclosure' && link.rel !== 'self' && link.rel !== 'edit');
        raw.push(alternate?.href);
        if (rules.enclosures === true) for (const link of links.filter((candidate) => candidate.rel === 'enclosure')) raw.push(link.href);
      }
      break;
    }
    case 'json': {
      title = parsed.feed.title;
      for (const item of parsed.feed.items ?? []) {
        raw.push(item.url ?? item.external_url);
        if (rules.enclosures === true) for (const attachment of item.attachments ?? []) raw.push(attachment.url);
      }
      break;
    }
  }
  const seen = new Set<string>();
  const urls: string[] = [];
  for (const href of raw) {
    if (href === undefined) continue;
    // Relative links resolve against the feed's own URL.
    const url = canonicalUrl(href.trim(), feedUrl, rules);
    if (url === undefined || seen.has(url)) continue;
    seen.add(url);
    urls.push(url);
  }
  return { format: parsed.format, title, urls };
}
