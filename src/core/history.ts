// The read side of a mirror: documents, their versions, revisions named by commit, date or
// position, and the text of any version. Everything comes from the metadata files and git history.
import { UnknownDocumentError, UnknownRevisionError } from '../errors.js';
import type { ChangeType, CommitRecord, MirrorRepo } from '../store/git.js';
import { isSafeId } from '../store/ids.js';
import { documentPaths, META_DIR } from '../store/layout.js';
import { readAllMeta, type DocumentMeta } from '../store/metadata.js';

export interface Version {
  commit: string;
  /** Author date: when this version was fetched (or captured). */
  date: string;
  status: ChangeType;
  /** sha256 of the raw bytes of this version. */
  sha256: string;
  textSha256: string;
  message: string;
  documentId: string;
}

export function versionFromCommit(record: CommitRecord): Version | undefined {
  const id = record.trailers['Document-Id'];
  if (id === undefined) return undefined;
  const type = record.trailers['Change-Type'];
  return {
    commit: record.commit,
    date: record.date,
    status: type === 'technical' || type === 'removed' ? type : 'content',
    sha256: record.trailers['Content-SHA256'] ?? '',
    textSha256: record.trailers['Text-SHA256'] ?? '',
    message: record.subject,
    documentId: id,
  };
}

/** The document with this id, or UnknownDocumentError listing the nearest ids. */
export async function findDocument(mirrorDir: string, id: string): Promise<DocumentMeta> {
  const all = await readAllMeta(mirrorDir);
  const found = isSafeId(id) ? all.find((meta) => meta.id === id) : undefined;
  if (found !== undefined) return found;
  throw new UnknownDocumentError(id, nearestIds(id, all.map((meta) => meta.id)));
}

/** Up to five ids closest to a mistyped one: substring matches first, then by edit distance. */
export function nearestIds(wanted: string, ids: readonly string[]): string[] {
  const lower = wanted.toLowerCase();
  const scored = ids.map((id) => {
    const tail = id.split('/').at(-1) ?? id;
    const contains = id.includes(lower) || lower.includes(tail);
    return { id, score: contains ? 0 : Math.min(editDistance(lower, id), editDistance(lower, tail)) };
  });
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return scored
    .filter((entry) => entry.score <= limit)
    .sort((a, b) => a.score - b.score || a.id.localeCompare(b.id))
    .slice(0, 5)
    .map((entry) => entry.id);
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Versions of one document, newest first. */
export async function documentVersions(repo: MirrorRepo, id: string): Promise<Version[]> {
  const records = await repo.log({ paths: [documentPaths(id).meta] });
  return records.map(versionFromCommit).filter((version): version is Version => version !== undefined && version.documentId === id);
}

/** Versions of every document recorded in a window (author dates), newest first. */
export async function allVersions(repo: MirrorRepo, window: { since?: string; until?: string } = {}): Promise<Version[]> {
  // git filters by committer date, which is never earlier than the author date: a safe pre-filter.
  const records = await repo.log({ paths: [META_DIR], since: window.since === undefined ? undefined : new Date(Math.floor(Date.parse(window.since) / 1000) * 1000).toISOString() });
  // git keeps dates to the second: compare from the start of the second asked for.
  const since = window.since === undefined ? undefined : Math.floor(Date.parse(window.since) / 1000) * 1000;
  const until = window.until === undefined ? undefined : Date.parse(window.until);
  return records
    .map(versionFromCommit)
    .filter((version): version is Version => version !== undefined)
    .filter((version) => {
      const time = Date.parse(version.date);
      return (since === undefined || time >= since) && (until === undefined || time <= until);
    });
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseDateArgument(text: string, what: string): string {
  if (!ISO_DATE.test(text) || Number.isNaN(Date.parse(text))) {
    throw new UnknownRevisionError(`${what} must be an ISO 8601 date like 2012-12-03 or 2012-12-03T10:00:00Z, not "${text}"`);
  }
  return new Date(Date.parse(text)).toISOString();
}

/**
 * The version a revision names: `@N` (position, newest = @0), a commit id or unique prefix among the
 * document's versions, or an ISO date (the version in force then: the newest fetched at or before it).
 */
export function resolveRevision(versions: readonly Version[], rev: string): Version {
  const available = (): string =>
    versions
      .slice(0, 10)
      .map((version, index) => `  @${index}  ${version.commit.slice(0, 10)}  ${version.date}  ${version.status}`)
      .join('\n') + (versions.length > 10 ? `\n  … ${versions.length - 10} more (see \`leakmirror log\`)` : '');
  const fail = (message: string): never => {
    throw new UnknownRevisionError(`${message}\navailable versions:\n${available()}`);
  };
  if (versions.length === 0) throw new UnknownRevisionError('this document has no recorded versions');

  const position = /^@(\d+)$/.exec(rev);
  if (position !== null) {
    const version = versions[Number(position[1])];
    return version ?? fail(`no version ${rev}: the oldest is @${versions.length - 1}`);
  }
  if (ISO_DATE.test(rev)) {
    const at = Date.parse(rev);
    if (Number.isNaN(at)) return fail(`not a valid date: ${rev}`);
    // A bare date means the end of that day (UTC): "the version in force on 2012-12-03".
    const limit = /^\d{4}-\d{2}-\d{2}$/.test(rev) ? at + 86_400_000 - 1 : at;
    const version = versions.find((candidate) => Date.parse(candidate.date) <= limit);
    return version ?? fail(`no version existed yet at ${rev}`);
  }
  if (/^[0-9a-f]{4,40}$/i.test(rev)) {
    const matches = versions.filter((version) => version.commit.startsWith(rev.toLowerCase()));
    if (matches.length === 1) return matches[0] as Version;
    return fail(matches.length === 0 ? `no version of this document has commit ${rev}` : `commit prefix ${rev} is ambiguous`);
  }
  return fail(`not a revision: "${rev}" (use a commit id from \`leakmirror log\`, an ISO date, or @N)`);
}

/**
 * The default pair for `diff`: the latest version, and the newest older one whose text differs (so a
 * technical or removal commit on top does not hide the last real change).
 */
export function defaultDiffPair(versions: readonly Version[]): { from: Version; to: Version } {
  const to = versions[0];
  if (to === undefined) throw new UnknownRevisionError('this document has no recorded versions');
  const from = versions.slice(1).find((version) => version.textSha256 !== to.textSha256) ?? versions[1] ?? to;
  return { from, to };
}

export async function textAt(repo: MirrorRepo, id: string, version: Version): Promise<string> {
  return repo.showText(version.commit, documentPaths(id).text);
}
