// Atom feeds of recorded changes, generated with feedsmith's generateAtomFeed (it escapes text as
// CDATA, splitting any "]]>", and attribute values as entities). Deterministic: `updated` is the
// newest version's date, never the time of publishing, so an unchanged mirror gives the same bytes.
import { generateAtomFeed } from 'feedsmith';

export interface FeedEntry {
  id: string;
  title: string;
  updated: string;
  /** Relative to the site root (made absolute when a base URL is known). */
  link: string;
  summary: string;
}

export interface FeedInput {
  id: string;
  title: string;
  subtitle?: string | undefined;
  /** Atom requires an author: the mirror's name. */
  author: string;
  /** Path of the feed itself, relative to the site root. */
  self: string;
  /** Page the feed is about, relative to the site root. */
  alternate: string;
  /** Absolute base URL of the published site (with a trailing slash), if known. */
  baseUrl?: string | undefined;
  /** Relative path from the feed's location to the site root, for relative links. */
  root: string;
  entries: FeedEntry[];
  generator: { name: string; version: string };
}

// XML 1.0 forbids most control characters, even escaped.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
const xmlSafe = (text: string): string => text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');

export function atomFeed(input: FeedInput): string {
  const link = (path: string): string => (input.baseUrl !== undefined ? new URL(path, input.baseUrl).href : `${input.root}${path}`);
  const updated = input.entries.reduce((latest, entry) => (entry.updated > latest ? entry.updated : latest), '1970-01-01T00:00:00.000Z');
  return generateAtomFeed({
    id: input.id,
    title: { value: xmlSafe(input.title) },
    ...(input.subtitle === undefined ? {} : { subtitle: { value: xmlSafe(input.subtitle) } }),
    updated: new Date(updated),
    authors: [{ name: xmlSafe(input.author) }],
    generator: { text: input.generator.name, version: input.generator.version },
    links: [
      { href: link(input.self), rel: 'self', type: 'application/atom+xml' },
      { href: link(input.alternate), rel: 'alternate', type: 'text/html' },
    ],
    entries: input.entries.map((entry) => ({
      id: entry.id,
      title: { value: xmlSafe(entry.title) },
      updated: new Date(entry.updated),
      links: [{ href: link(entry.link), rel: 'alternate', type: 'text/html' }],
      summary: { value: xmlSafe(entry.summary) },
    })),
  });
}
