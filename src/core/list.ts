// `list` and `changes`: the documents of a mirror with their version counts, and the versions
// recorded across the mirror in a time window. One pass over the history serves all documents.
import type { ChangeType } from '../store/git.js';
import { readAllMeta, type DocumentMeta } from '../store/metadata.js';
import { allVersions, metasAt, parseDateArgument, versionChanges, type RepoDir, type Version } from './history.js';
import type { Mirror } from './mirror.js';

export interface ListedDocument {
  id: string;
  source: string;
  url: string;
  title: string | null;
  /** Text file, relative to the mirror root. */
  path: string;
  /** Raw file, relative to the mirror root (null when raw copies are off). */
  raw: string | null;
  versions: number;
  /** Date of the last content change or removal (technical changes do not count). */
  lastChanged: string | null;
  status: DocumentMeta['status'];
  extraction: DocumentMeta['extraction'];
}

export async function listDocuments(mirror: Mirror): Promise<ListedDocument[]> {
  const [metas, versions] = await Promise.all([readAllMeta(mirror.dir), allVersions(mirror.repo)]);
  const counts = new Map<string, number>();
  const lastChanged = new Map<string, string>();
  for (const version of versions) {
    counts.set(version.documentId, (counts.get(version.documentId) ?? 0) + 1);
    // Versions come newest first: the first content or removal seen is the last change.
    if (version.status !== 'technical' && !lastChanged.has(version.documentId)) lastChanged.set(version.documentId, version.date);
  }
  return metas.map((meta) => ({
    id: meta.id,
    source: meta.source,
    url: meta.url,
    title: meta.title,
    path: meta.text,
    raw: meta.raw,
    versions: counts.get(meta.id) ?? 0,
    lastChanged: lastChanged.get(meta.id) ?? null,
    status: meta.status,
    extraction: meta.extraction,
  }));
}

export interface ChangesOptions {
  since?: string | undefined;
  until?: string | undefined;
  type?: ChangeType | undefined;
  /** Count the words each version added and removed: always, never, or (default) when the window
   * holds at most CHANGES_STATS_LIMIT versions. */
  stats?: boolean | undefined;
}

/** Above this many versions, `changes` counts words only when asked (it reads two texts a version). */
export const CHANGES_STATS_LIMIT = 10_000;

export interface RecordedChange extends Version {
  title: string | null;
  url: string | null;
  /** Words this version added to and removed from the text (0 when the text did not change);
   * absent when stats were not asked for. */
  wordsAdded?: number;
  wordsRemoved?: number;
}

/**
 * Every version recorded in the window, newest first, with the document's current title and URL (as
 * committed)
 * and (unless `stats: false`) the words each version added and removed.
 */
export async function listChanges(mirror: Pick<Mirror, 'dir'> & { repo: RepoDir }, options: ChangesOptions): Promise<RecordedChange[]> {
  const since = options.since === undefined ? undefined : parseDateArgument(options.since, '--since');
  const until = options.until === undefined ? undefined : parseDateArgument(options.until, '--until');
  const versions = (await allVersions(mirror.repo, { since, until })).filter((version) => options.type === undefined || version.status === options.type);
  // Titles and URLs from the committed metadata: one git process (thousands of small files read one
  // by one cost more than the whole history walk), alongside the one that reads the texts.
  const [metas, changes] = await Promise.all([
    metasAt(mirror.repo, new Set(versions.map((version) => version.documentId))),
    options.stats === false || (options.stats === undefined && versions.length > CHANGES_STATS_LIMIT)
      ? undefined
      : versionChanges(mirror.repo, versions, { previousFromParent: true }),
  ]);
  return versions.map((version, k) => {
    const meta = metas.get(version.documentId);
    const change = changes?.[k];
    return {
      ...version,
      title: meta?.title ?? null,
      url: meta?.url ?? null,
      ...(change === undefined ? {} : { wordsAdded: change.wordsAdded, wordsRemoved: change.wordsRemoved }),
    };
  });
}
