// The shape of leakmirror.yaml, validated with zod. Pure: text in, a config or a list of errors out,
// each error naming the key path and the line, so a user can fix a file without guessing.
import { z } from 'zod';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { DEFAULT_REMOVE_AFTER_MISSING_RUNS, inferKind, LISTING_KINDS, SOURCE_KINDS, WAYBACK_DELAY_MS, waybackPattern, waybackPatternProblem, type SourceKind } from '../sources/kinds.js';

export const CONFIG_FILE = 'leakmirror.yaml';

/** Source names become directory names and document id prefixes: keep them boring. */
export const SOURCE_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const cssSelector = z.string().min(1, 'must be a non-empty CSS selector');

const regex = z.string().refine(
  (value) => {
    try {
      new RegExp(value, 'u');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a valid regular expression' },
);

const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: 'must be an absolute http:// or https:// URL' },
);

/** A source's URL: an http(s) URL, or `wayback:<url or prefix*>` for the Internet Archive's captures. */
const sourceUrl = z.string().superRefine((value, context) => {
  const pattern = waybackPattern(value);
  if (value.toLowerCase().startsWith('wayback:')) {
    const problem = pattern === undefined ? 'needs a URL or a prefix after it' : waybackPatternProblem(pattern);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: `wayback: ${problem}` });
    return;
  }
  if (!httpUrl.safeParse(value).success) {
    context.addIssue({ code: 'custom', message: 'must be an absolute http:// or https:// URL (or wayback:<url or prefix*>)' });
  }
});

const sourceSchema = z.strictObject({
  url: sourceUrl,
  /**
   * `page`: the URL is the document. `index`: the URL lists documents through links. `feed`: an RSS,
   * Atom, RDF or JSON feed whose items are documents. `sitemap`: a sitemap (or sitemap index, gzip
   * too). `wayback`: the Internet Archive's captures of `wayback:<url or prefix*>`, each a version.
   * Default: wayback for a wayback: URL, index with `links`, else page.
   */
  kind: z.enum(SOURCE_KINDS).optional(),
  /** CSS selector of the links that are documents (index sources). */
  links: cssSelector.optional(),
  /** Regex an absolute document URL must match (index, feed, sitemap, wayback). */
  match: regex.optional(),
  /** Regex an absolute document URL must not match (index, feed, sitemap, wayback). */
  exclude: regex.optional(),
  /** Index pages read: 1 is the source URL alone; 2 and 3 follow the `next` links (pagination, sub-indexes). */
  depth: z.number().int().min(1).max(3).optional(),
  /** CSS selector of the links to further index pages (default with depth > 1: rel="next" links). */
  next: cssSelector.optional(),
  /** Follow index pages and child sitemaps on the source's site only (default true). */
  sameSite: z.boolean().optional(),
  /** The most documents taken from the listing per run, in listing order (the rest is not fetched, nor removed). */
  maxDocuments: z.number().int().min(1).max(1_000_000).optional(),
  /** Feed sources: also mirror each item's enclosures (attached PDFs and the like). */
  enclosures: z.boolean().optional(),
  /** Query parameters dropped from document URLs besides utm_*, fbclid, gclid, mc_cid... (`name*` is a prefix). */
  stripParams: z.array(z.string().regex(/^[A-Za-z0-9_.[\]-]+\*?$/, 'must be a query parameter name, optionally ending in *')).optional(),
  /**
   * Runs a document may be missing from the listing before it is recorded as removed; a 404/410
   * when fetched directly removes it at once. 0: never for missing alone. Default 2 (feed: 0).
   */
  removeAfterMissingRuns: z.number().int().min(0).max(1000).optional(),
  /** Keep only this part of HTML documents. */
  select: cssSelector.optional(),
  /** HTML without `select`: keep the main content, leave out site furniture (default true). */
  mainContent: z.boolean().optional(),
  /** Drop these parts of HTML documents before extraction. */
  remove: z.array(cssSelector).optional(),
  /**
   * PDFs without a text layer (scans): read them with the `tesseract` command when the machine has
   * it, page by page under a time limit. Without tesseract they stay `needs-ocr` (never a failure).
   */
  ocr: z.boolean().optional(),
  /**
   * Content that changes on every fetch without being an edit, filtered out before text is compared
   * and stored (see src/extract/volatile.ts).
   */
  volatile: z
    .strictObject({
      /** Relative dates such as "3 hours ago" or "yesterday" (default true). */
      relativeDates: z.boolean().optional(),
      /** Session ids, CSRF tokens, nonces and tracking parameters in the page's markup (default true). */
      tokens: z.boolean().optional(),
      /** Lines of text matching any of these regular expressions ("Last updated: ...", "Printed on ..."). */
      dropLines: z.array(regex).optional(),
    })
    .optional(),
  /** Minimum delay between two requests to one host, in ms (overrides fetch.delayMs). */
  delayMs: z.number().int().min(0).max(600_000).optional(),
  /** Permit loopback and private addresses for this source. */
  allowPrivateNetwork: z.boolean().optional(),
  /** Fetch even what robots.txt disallows (a warning says so on every run). */
  ignoreRobots: z.boolean().optional(),
  /** Follow redirects to another site (default: same registrable domain only). */
  allowCrossSiteRedirects: z.boolean().optional(),
  /**
   * Request headers for this source's documents, sent only to its origin. A secret must come from
   * the environment (`{ env: NAME }`), since this file is published with the mirror.
   */
  headers: z
    .record(
      z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a valid HTTP header name'),
      z.union([
        z.string(),
        z.strictObject({
          env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
          prefix: z.string().optional(),
        }),
      ]),
    )
    .optional(),
  /**
   * Differences that are noise for this source ("Printed on 2012-12-10", a visit counter): a new
   * version differing only there is recorded as a technical change, and `diff` ignores them too.
   */
  ignore: z
    .strictObject({
      whitespace: z.boolean().optional(),
      case: z.boolean().optional(),
      patterns: z.array(regex).optional(),
    })
    .optional(),
});

const fetchSchema = z.strictObject({
  /** Maximum body size in bytes after decompression. */
  maxBytes: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
  connectTimeoutMs: z.number().int().positive().optional(),
  maxRedirects: z.number().int().min(0).max(20).optional(),
  /** Documents fetched at once across all hosts. */
  concurrency: z.number().int().min(1).max(64).optional(),
  /** Minimum delay between two requests to one host, in ms. */
  delayMs: z.number().int().min(0).max(600_000).optional(),
  /** Extra tries after a network error, a timeout, 429 or 5xx (with backoff). */
  retries: z.number().int().min(0).max(10).optional(),
  /** Requests in flight at once to one host. */
  perHostConcurrency: z.number().int().min(1).max(16).optional(),
});

const extractSchema = z.strictObject({
  /** Worker threads for PDF extraction (default: the number of cores). */
  workers: z.number().int().min(1).max(64).optional(),
  /** Time one PDF may take to extract before it is given up (ms). */
  pdfTimeoutMs: z.number().int().positive().optional(),
  /** Time OCR may take per page before the page is given up (ms). */
  ocrPageTimeoutMs: z.number().int().positive().optional(),
  /** tesseract's language(s) for OCR, e.g. `eng`, `fra`, `ara+eng` (default eng; each needs its tesseract-ocr-<lang> package). */
  ocrLanguage: z.string().regex(/^[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*$/, 'must be tesseract language codes joined by +, such as eng or ara+eng').optional(),
});

export const configSchema = z.strictObject({
  /** A name for the mirror, shown in reports and the published site. */
  name: z.string().min(1).optional(),
  /** A URL or e-mail address where site operators can reach the mirror's maintainers (User-Agent). */
  contact: z.string().min(1).optional(),
  /** Keep the raw bytes as fetched beside the text (default true). */
  rawCopies: z.boolean().optional(),
  fetch: fetchSchema.optional(),
  extract: extractSchema.optional(),
  sources: z
    .record(
      z.string().regex(SOURCE_NAME_PATTERN, 'source names are lowercase letters, digits, ".", "_" and "-" (at most 64)'),
      sourceSchema,
    )
    .optional(),
});

export type RawConfig = z.infer<typeof configSchema>;
export type SourceConfig = z.infer<typeof sourceSchema> & { name: string; kind: SourceKind };

export interface FetchSettings {
  maxBytes: number;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxRedirects: number;
  concurrency: number;
  delayMs: number;
  retries: number;
  perHostConcurrency: number;
}

/** The configuration with defaults merged in: what the rest of the program reads. */
export interface ExtractSettings {
  workers: number | undefined;
  pdfTimeoutMs: number;
  ocrPageTimeoutMs: number;
  ocrLanguage: string | undefined;
}

export interface MirrorConfig {
  name: string;
  contact: string | undefined;
  rawCopies: boolean;
  fetch: FetchSettings;
  extract: ExtractSettings;
  sources: SourceConfig[];
}

export const DEFAULT_FETCH: FetchSettings = {
  maxBytes: 100 * 1024 * 1024,
  timeoutMs: 120_000,
  connectTimeoutMs: 15_000,
  maxRedirects: 5,
  concurrency: 4,
  delayMs: 1000,
  retries: 2,
  perHostConcurrency: 2,
};

export interface ConfigIssue {
  /** Dotted key path, e.g. `sources.letter.url`; '' for the file as a whole. */
  key: string;
  /** 1-based line, when the key can be located in the file. */
  line: number | undefined;
  message: string;
}

export type ConfigParseResult = { ok: true; config: MirrorConfig; document: Document } | { ok: false; issues: ConfigIssue[] };

/** Parse and validate the text of leakmirror.yaml. Never throws. */
export function parseConfig(text: string, fallbackName = 'mirror'): ConfigParseResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;

  if (document.errors.length > 0) {
    return {
      ok: false,
      issues: document.errors.map((error) => ({
        key: '',
        line: lineOf(error.pos[0]),
        message: `YAML syntax: ${error.message.split('\n')[0] ?? error.message}`,
      })),
    };
  }

  const data: unknown = document.toJS() ?? {};
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => {
        const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
        // An unknown key is best located at the key itself.
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        const fullPath = keys.length > 0 ? [...path, keys[0] as string] : path;
        return {
          key: fullPath.join('.'),
          line: lineOf(nodeOffset(document, fullPath)),
          // zod reports a bad record key as "Invalid key in record" with the real reason inside.
          message: issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message,
        };
      }),
    };
  }

  const semantic = checkSemantics(parsed.data);
  if (semantic.length > 0) {
    return {
      ok: false,
      issues: semantic.map((issue) => ({ ...issue, line: lineOf(nodeOffset(document, issue.key.split('.'))) })),
    };
  }
  return { ok: true, config: withDefaults(parsed.data, fallbackName), document };
}

/** Rules that need more than one key: reported like schema errors. */
function checkSemantics(raw: RawConfig): Array<{ key: string; message: string }> {
  const issues: Array<{ key: string; message: string }> = [];
  for (const [name, source] of Object.entries(raw.sources ?? {})) {
    const kind = inferKind(source);
    if (kind === 'page' && (source.links !== undefined || source.match !== undefined)) {
      issues.push({ key: `sources.${name}.kind`, message: '`links` and `match` only apply to index sources (kind: index)' });
    }
    // Source kinds: which keys apply to which kind.
    const isWaybackUrl = waybackPattern(source.url) !== undefined;
    if (kind === 'wayback' && !isWaybackUrl) {
      issues.push({ key: `sources.${name}.url`, message: 'a wayback source\'s url is wayback:<url or prefix*>, e.g. wayback:example.org/docs/*' });
    } else if (kind !== 'wayback' && isWaybackUrl) {
      issues.push({ key: `sources.${name}.kind`, message: `a wayback: url makes a wayback source, not ${kind}` });
    }
    const only = (key: keyof typeof source, kinds: readonly SourceKind[]) => {
      if (source[key] !== undefined && !kinds.includes(kind)) {
        issues.push({ key: `sources.${name}.${key}`, message: `\`${key}\` only applies to ${kinds.join(', ')} sources (this one is ${kind})` });
      }
    };
    only('links', ['index']);
    only('depth', ['index']);
    only('next', ['index']);
    only('sameSite', ['index', 'sitemap']);
    only('enclosures', ['feed']);
    for (const key of ['exclude', 'maxDocuments'] as const) only(key, [...LISTING_KINDS, 'wayback']);
    if (kind !== 'page') only('match', [...LISTING_KINDS, 'wayback']);
    only('removeAfterMissingRuns', LISTING_KINDS);
  }
  return issues;
}

export function withDefaults(raw: RawConfig, fallbackName: string): MirrorConfig {
  return {
    name: raw.name ?? fallbackName,
    contact: raw.contact,
    rawCopies: raw.rawCopies ?? true,
    fetch: { ...DEFAULT_FETCH, ...stripUndefined(raw.fetch ?? {}) },
    extract: { workers: raw.extract?.workers, pdfTimeoutMs: raw.extract?.pdfTimeoutMs ?? 120_000, ocrPageTimeoutMs: raw.extract?.ocrPageTimeoutMs ?? 60_000, ocrLanguage: raw.extract?.ocrLanguage },
    sources: Object.entries(raw.sources ?? {}).map(([name, source]) => {
      const kind = inferKind(source);
      const removeAfterMissingRuns = source.removeAfterMissingRuns ?? DEFAULT_REMOVE_AFTER_MISSING_RUNS[kind];
      return {
        ...source,
        name,
        kind,
        // The archive asks for one request per second: the per-host scheduler keeps it at this delay.
        ...(kind === 'wayback' && source.delayMs === undefined ? { delayMs: WAYBACK_DELAY_MS } : {}),
        ...(removeAfterMissingRuns === undefined ? {} : { removeAfterMissingRuns }),
      };
    }),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Character offset of the node at a key path, or of its nearest existing parent. */
function nodeOffset(document: Document, path: ReadonlyArray<string | number>): number | undefined {
  let node: unknown = document.contents;
  let best: number | undefined = rangeStart(node);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (!pair) break;
      best = rangeStart(pair.key) ?? best;
      node = pair.value;
      // A scalar value's own position is best (it may sit on the next line); a collection is
      // best pointed at by its key.
      if (isScalar(node)) best = rangeStart(node) ?? best;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      best = rangeStart(node) ?? best;
    } else {
      break;
    }
  }
  return best;
}

function keyText(key: unknown): string | undefined {
  if (key !== null && typeof key === 'object' && 'value' in key) return String((key as { value: unknown }).value);
  return key === null || key === undefined ? undefined : String(key);
}

function rangeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === 'object' && 'range' in node) {
    const range = (node as Node).range;
    return range?.[0];
  }
  return undefined;
}
