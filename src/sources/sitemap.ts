// Sitemaps (sitemaps.org 0.9): a <urlset> lists documents, a <sitemapindex> lists further sitemaps;
// either may be gzipped; a plain-text sitemap lists one URL per line. Pure.
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DocumentError } from '../errors.js';
import { canonicalUrl, type CanonicalOptions } from './url.js';

/** The protocol's limit for one sitemap file, uncompressed (50 MB): a larger one is refused. */
export const MAX_SITEMAP_BYTES = 50 * 1024 * 1024;

export type Sitemap = { kind: 'urlset'; urls: string[] } | { kind: 'index'; sitemaps: string[] };

const gunzipAsync = promisify(gunzip);

/**
 * The body of a sitemap file as bytes to parse: gunzipped when it is gzip (a `.xml.gz` served as
 * application/gzip arrives compressed: the fetcher only decodes Content-Encoding), never more than
 * `maxBytes` once decompressed, so a compression bomb stops at the limit.
 */
export async function sitemapBytes(bytes: Uint8Array, url: string, maxBytes = MAX_SITEMAP_BYTES): Promise<Buffer> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!(buffer[0] === 0x1f && buffer[1] === 0x8b)) {
    if (buffer.length > maxBytes) throw new DocumentError('too-big', `the sitemap ${url} is larger than ${maxBytes} bytes`);
    return buffer;
  }
  try {
    return await gunzipAsync(buffer, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new DocumentError('too-big', `the gzipped sitemap ${url} is larger than ${maxBytes} bytes once decompressed`);
    }
    throw new DocumentError('bad-content', `the gzipped sitemap ${url} cannot be decompressed: ${(error as Error).message}`);
  }
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  isArray: (name) => name === 'url' || name === 'sitemap' || name === 'loc',
});

/** Parse a sitemap's text; throws DocumentError(bad-content) naming the file and the line. */
export function parseSitemap(text: string, url: string, options: CanonicalOptions = {}): Sitemap {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  if (trimmed === '') throw new DocumentError('bad-content', `the sitemap ${url} is empty`);
  if (!trimmed.startsWith('<')) return { kind: 'urlset', urls: textSitemap(body, url, options) };
  // Sitemaps have no use for entity declarations; refusing them rules out entity expansion bombs.
  if (/<!ENTITY/i.test(body)) throw new DocumentError('bad-content', `the sitemap ${url} declares XML entities, which sitemaps never need`);
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    throw new DocumentError('bad-content', `the sitemap ${url} is not well-formed XML (line ${valid.err.line}, column ${valid.err.col}): ${valid.err.msg}`);
  }
  const data = parser.parse(body) as Record<string, unknown>;
  const locs = (entries: unknown): string[] => {
    if (!Array.isArray(entries)) return [];
    const found: string[] = [];
    for (const entry of entries) {
      const loc = (entry as { loc?: unknown } | null)?.loc;
      const first = Array.isArray(loc) ? loc[0] : loc;
      if (typeof first === 'string' && first.trim() !== '') found.push(first.trim());
    }
    return found;
  };
  const unique = (values: string[]): string[] => {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const value of values) {
      const canonical = canonicalUrl(value, url, options);
      if (canonical === undefined || seen.has(canonical)) continue;
      seen.add(canonical);
      out.push(canonical);
    }
    return out;
  };
  const urlset = data.urlset;
  if (urlset !== undefined) return { kind: 'urlset', urls: unique(locs(urlset === '' ? [] : (urlset as { url?: unknown }).url)) };
  const index = data.sitemapindex;
  if (index !== undefined) return { kind: 'index', sitemaps: unique(locs(index === '' ? [] : (index as { sitemap?: unknown }).sitemap)) };
  const root = Object.keys(data).find((key) => !key.startsWith('?')) ?? '(none)';
  throw new DocumentError('bad-content', `${url} is not a sitemap: its root element is <${root}>, not <urlset> or <sitemapindex>`);
}

/** A text sitemap: one absolute URL per line; anything else on a line means it is not one. */
function textSitemap(text: string, url: string, options: CanonicalOptions): string[] {
  const urls: string[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const value = line.trim();
    if (value === '') continue;
    const canonical = /^https?:\/\/\S+$/i.test(value) ? canonicalUrl(value, undefined, options) : undefined;
    if (canonical === undefined) {
      throw new DocumentError('bad-content', `the sitemap ${url} is neither XML nor a text sitemap (line ${index + 1} is not a URL)`);
    }
    if (!seen.has(canonical)) {
      seen.add(canonical);
      urls.push(canonical);
    }
  }
  return urls;
}
