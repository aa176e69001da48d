// Where things live in a mirror. Three parallel trees keyed by document id, so the text of every
// document can be browsed (and diffed by git) directly:
//   text/…/<name>.txt   normalized text       meta/…/<name>.json   metadata
//   raw/…/<name>.<ext>  bytes as fetched      .leakmirror/         local state (git-ignored: lock, temp files)
//
// Two layouts, fixed for the life of a mirror (state/layout.json says which; no file: layout 1):
//   1  text/<id>.txt: mirrors made before layout 2 existed.
//   2  text/<source>/<xx>/<name>.txt for an id `<source>/<name>`, xx the first two hex digits of the
//      id's sha256; an id without a slash (a single-page source) stays text/<id>.txt. Made by `init`.
// Why layout 2: every commit rewrites each git tree on the path of a file it changes. In layout 1 the
// three <source>/ directories hold every document of the source, so one commit writes three trees of
// N entries and a first sync of N documents writes O(N²) bytes of trees (2.0 s of git fast-import's
// 4.6 s for 1,600 pages; sharded, 0.55 s, BENCHMARKS.md). 256 shards keep each tree small up to
// tens of thousands of documents a source.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors.js';

export const TEXT_DIR = 'text';
export const RAW_DIR = 'raw';
export const META_DIR = 'meta';
export const STATE_DIR = '.leakmirror';
/** Tracked: which layout the mirror's files follow. */
export const LAYOUT_FILE = 'state/layout.json';

export type LayoutVersion = 1 | 2;
/** What `init` makes. */
export const CURRENT_LAYOUT: LayoutVersion = 2;

export interface DocumentPaths {
  text: string;
  meta: string;
}

/** How a mirror names its files. Paths are relative to the mirror root, with forward slashes (they also name git paths). */
export interface MirrorLayout {
  readonly version: LayoutVersion;
  documentPaths(id: string): DocumentPaths;
  rawPath(id: string, mediaType: string): string;
  /**
   * The id a metadata file names: `name` is its path under meta/ without `.json`, `/`-separated.
   * Undefined for a path this layout would not write (a stray file).
   */
  idFromMetaName(name: string): string | undefined;
}

/** The first two hex digits of the id's sha256: the shard of a layout 2 path. */
export function shardOf(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 2);
}

/** `<source>/<name>` -> `<source>/<xx>/<name>` (the shard before the last segment); a one-segment id is left alone. */
function shardedStem(id: string): string {
  const slash = id.lastIndexOf('/');
  if (slash < 0) return id;
  return `${id.slice(0, slash)}/${shardOf(id)}/${id.slice(slash + 1)}`;
}

function layoutOf(version: LayoutVersion, stem: (id: string) => string, idOf: (name: string) => string | undefined): MirrorLayout {
  return Object.freeze({
    version,
    documentPaths: (id: string): DocumentPaths => {
      const name = stem(id); // once: layout 2's is a sha256 of the id
      return { text: `${TEXT_DIR}/${name}.txt`, meta: `${META_DIR}/${name}.json` };
    },
    rawPath: (id: string, mediaType: string): string => `${RAW_DIR}/${stem(id)}.${extensionFor(mediaType)}`,
    idFromMetaName: idOf,
  });
}

export const FLAT_LAYOUT: MirrorLayout = layoutOf(1, (id) => id, (name) => (name === '' ? undefined : name));

export const SHARDED_LAYOUT: MirrorLayout = layoutOf(2, shardedStem, (name) => {
  const segments = name.split('/');
  if (segments.length === 1) return name === '' ? undefined : name;
  if (segments.length === 2) return undefined;
  const shard = segments[segments.length - 2] as string;
  const id = [...segments.slice(0, -2), segments[segments.length - 1]].join('/');
  return shard === shardOf(id) ? id : undefined;
});

export function layoutByVersion(version: LayoutVersion): MirrorLayout {
  return version === 2 ? SHARDED_LAYOUT : FLAT_LAYOUT;
}

/** The text of state/layout.json for a layout. */
export function layoutFileText(version: LayoutVersion): string {
  const paths = version === 2
    ? 'text/<source>/<xx>/<name>.txt, raw/<source>/<xx>/<name>.<ext>, meta/<source>/<xx>/<name>.json for id <source>/<name>; xx: the first two hex digits of the sha256 of the id'
    : 'text/<id>.txt, raw/<id>.<ext>, meta/<id>.json';
  return `${JSON.stringify({ layout: version, paths }, null, 2)}\n`;
}

/** Pure: the layout a state/layout.json text names (undefined text: no file, layout 1). */
export function parseLayoutFile(text: string | undefined): MirrorLayout {
  if (text === undefined) return FLAT_LAYOUT;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StoreError(`corrupt ${LAYOUT_FILE}: ${(error as Error).message}`, { cause: error });
  }
  const version = data !== null && typeof data === 'object' ? (data as { layout?: unknown }).layout : undefined;
  if (version === 1 || version === 2) return layoutByVersion(version);
  if (typeof version === 'number' && Number.isInteger(version) && version > 2) {
    throw new StoreError(`this mirror's files follow layout ${version} (${LAYOUT_FILE}), which this version of leakmirror does not know: upgrade leakmirror`);
  }
  throw new StoreError(`corrupt ${LAYOUT_FILE}: "layout" must be 1 or 2`);
}

/** The layout of the mirror in `mirrorDir`, from its work tree. */
export async function readLayout(mirrorDir: string): Promise<MirrorLayout> {
  const path = join(mirrorDir, LAYOUT_FILE);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw new StoreError(`cannot read ${path}: ${error.message}`, { cause: error });
  });
  return parseLayoutFile(text);
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/msword': 'doc',
  'application/json': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
};

export function extensionFor(mediaType: string): string {
  return EXTENSIONS[mediaType.toLowerCase()] ?? 'bin';
}

export function tempDir(mirrorDir: string): string {
  return join(mirrorDir, STATE_DIR, 'tmp');
}

export function lockTarget(mirrorDir: string): string {
  return join(mirrorDir, STATE_DIR, 'sync');
}

// Anchored with a leading slash: an unanchored `site/` would also hide a source named "site".
export const MIRROR_GITIGNORE = `# leakmirror's local state: lock and temporary files, never published\n/${STATE_DIR}/\n# the static site built by \`leakmirror publish\`\n/site/\n`;
