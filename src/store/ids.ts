// Document ids: stable, readable, safe as file paths. Derived from the source name and the URL,
// never from untrusted names alone, and never renamed once assigned (the mirror remembers them).
import { createHash } from 'node:crypto';

const MAX_SLUG = 80;
// Names Windows refuses as file names, whatever the extension (mirrors get cloned on Windows too).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** A file-name-safe segment: lowercase ASCII letters, digits, `-`, `_` and inner `.` only. */
export function sanitizeSegment(raw: string): string {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    text = raw;
  }
  let slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents off: "réglement" -> "reglement"
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
  if (slug.length > MAX_SLUG) slug = slug.slice(0, MAX_SLUG).replace(/[-._]+$/g, '');
  if (WINDOWS_RESERVED.test(slug.split('.')[0] ?? '')) slug = `_${slug}`;
  return slug;
}

const KNOWN_DOCUMENT_EXTENSIONS = /\.(pdf|html?|php|aspx?|jsp|txt|md|docx?|odt|rtf|xml|json)$/i;

/** The readable part of a document id, from its URL: the path's last meaningful segments. */
export function slugFromUrl(url: string): string {
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/').filter((segment) => segment !== '');
  let last = segments.at(-1) ?? '';
  last = last.replace(KNOWN_DOCUMENT_EXTENSIONS, '');
  let base = last;
  // "index" or "" says nothing: use the directory name (or the host) instead.
  if (base === '' || /^(index|default|home)$/i.test(base)) {
    base = segments.length >= 2 ? (segments.at(-2) ?? '') : parsed.hostname;
  }
  if (parsed.search !== '') base = `${base}-${parsed.search.slice(1)}`;
  return sanitizeSegment(base) || 'document';
}

export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * Ids for URLs that have none yet. Existing ids are never changed; a new URL whose slug is taken
 * gets the slug plus a short hash of the URL, so the result does not depend on discovery order.
 * A source with a single document (kind page) uses the source name alone.
 */
export function assignIds(
  sourceName: string,
  urls: readonly string[],
  existing: ReadonlyMap<string, string>,
  takenIds: ReadonlySet<string>,
  options: { single: boolean },
): Map<string, string> {
  const assigned = new Map<string, string>();
  const taken = new Set(takenIds);
  const fresh: string[] = [];
  for (const url of urls) {
    const id = existing.get(url);
    if (id !== undefined) assigned.set(url, id);
    else fresh.push(url);
  }
  // Sorting makes the outcome independent of the order links appeared on the page.
  for (const url of [...new Set(fresh)].sort()) {
    let id = options.single ? sourceName : `${sourceName}/${slugFromUrl(url)}`;
    if (taken.has(id)) id = `${id}-${shortHash(url)}`;
    while (taken.has(id)) id = `${id}-${shortHash(id)}`;
    taken.add(id);
    assigned.set(url, id);
  }
  return assigned;
}

/** True when an id, as typed by a user or read from a file, is safe to turn into a path. */
export function isSafeId(id: string): boolean {
  if (id.length === 0 || id.length > 200) return false;
  return id.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..' && /^[a-z0-9][a-z0-9._-]*$/.test(segment));
}
