// The read side of a mirror: documents, their versions, revisions named by commit, date or
// position, the text of any version, and how many words each version changed. Everything comes
// from the metadata files and git history.
//
// This is the path of `diff`, `log`, `show` and `changes`, so it stays lean: it spawns git itself
// (one `git log`, one `git cat-file --batch` for any number of texts) instead of loading simple-git,
// and needs neither the configuration (yaml, zod) nor anything of the fetch side.
import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LineBlock } from '../diff/types.js';
import { NotAMirrorError, StoreError, UnknownDocumentError, UnknownRevisionError } from '../errors.js';
import { LOG_FORMAT, parseLog, type ChangeType, type CommitRecord } from '../store/commit-log.js';
import { gitFailure, runGit } from '../store/git-process.js';
import { isSafeId } from '../store/ids.js';
import { META_DIR, readLayout, type MirrorLayout } from '../store/layout.js';
import { parseMeta, type DocumentMeta } from '../store/metadata.js';

/** Anything with the mirror's directory: a Mirror's `repo` (MirrorRepo) or `openHistory`'s result. */
export interface RepoDir {
  readonly dir: string;
  /** How the mirror names its files (state/layout.json). */
  readonly layout: MirrorLayout;
}

/** A mirror opened for reading only: its root, without loading or validating the configuration. */
export interface MirrorHistory {
  /** Absolute path of the mirror's root. */
  dir: string;
  /** The same, for functions that take a repository (documentVersions, textAt…). */
  repo: RepoDir;
}

const CONFIG_FILE = 'leakmirror.yaml';

/**
 * Open a mirror for reading history: the directory must hold leakmirror.yaml and be the top of a git
 * work tree (a `.git` directory or file). Cheaper than openMirror: no YAML, no schema, no git call.
 */
export async function openHistory(dirInput: string): Promise<MirrorHistory> {
  const dir = resolve(dirInput);
  const [config, dotGit] = await Promise.all([stat(join(dir, CONFIG_FILE)).catch(() => undefined), stat(join(dir, '.git')).catch(() => undefined)]);
  if (config === undefined || !config.isFile() || dotGit === undefined) throw new NotAMirrorError(dirInput);
  const layout = await readLayout(dir);
  return { dir, repo: { dir, layout } };
}

// ---- git, spawned directly ----

/** `git log` records (newest first); none in a repository without commits. */
export async function logRecords(repo: RepoDir, options: { paths?: readonly string[]; since?: string; until?: string } = {}): Promise<CommitRecord[]> {
  const args = ['log', LOG_FORMAT];
  if (options.since !== undefined) args.push(`--since=${options.since}`);
  if (options.until !== undefined) args.push(`--until=${options.until}`);
  if (options.paths !== undefined) args.push('--', ...options.paths);
  const run = await runGit(repo.dir, args);
  if (run.code !== 0) {
    if (/does not have any commits|bad default revision|unknown revision or path/.test(run.stderr)) return [];
    throw gitFailure(repo.dir, 'log', run);
  }
  return parseLog(run.stdout.toString('utf8'));
}

/**
 * Contents of `<rev>:<path>` objects, one `git cat-file --batch` for all of them (binary-safe);
 * undefined for an object that does not exist (a path absent at that commit, a root commit's `^`).
 */
export async function readObjects(repo: RepoDir, specs: readonly string[]): Promise<Array<Buffer | undefined>> {
  if (specs.length === 0) return [];
  return objectReader(repo).read(specs);
}

/** A `git cat-file --batch` started ahead of time: `read` once, or `close` if it is not needed. */
export interface ObjectReader {
  read(specs: readonly string[]): Promise<Array<Buffer | undefined>>;
  close(): void;
}

/**
 * Start `git cat-file --batch` now, to be given its object names later: its start-up then overlaps
 * with other work (the `git log` that says which versions to read). The caller must `read` or
 * `close` it (the process waits for its input until then).
 */
export function objectReader(repo: RepoDir): ObjectReader {
  const child = spawn('git', ['-c', 'core.quotepath=off', 'cat-file', '--batch'], { cwd: repo.dir, stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  let failure: Error | undefined;
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined); // git exiting early is reported by its exit code
  const exited = new Promise<number | null>((done) => {
    child.on('error', (error) => {
      failure = error;
      done(null);
    });
    child.on('close', done);
  });
  let started = false;
  return {
    async read(specs) {
      if (started) throw new Error('objectReader: read or closed already');
      started = true;
      for (const spec of specs) if (/[\n\r]/.test(spec)) throw new StoreError(`not a git object name: ${JSON.stringify(spec)}`);
      child.stdin.end(specs.length === 0 ? '' : `${specs.join('\n')}\n`);
      const code = await exited;
      if (failure !== undefined) throw new StoreError(`cannot run git cat-file: ${failure.message}`, { cause: failure });
      if (code !== 0) throw gitFailure(repo.dir, 'cat-file', { code, stderr });
      return parseBatch(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), specs, repo.dir);
    },
    close() {
      if (started) return;
      started = true;
      child.stdin.end();
    },
  };
}

function parseBatch(out: Buffer, specs: readonly string[], dir: string): Array<Buffer | undefined> {
  const objects: Array<Buffer | undefined> = [];
  let pos = 0;
  for (let k = 0; k < specs.length; k++) {
    const nl = out.indexOf(10, pos);
    if (nl === -1) throw new StoreError(`git cat-file: output ended early in ${dir}`);
    const header = out.toString('utf8', pos, nl);
    if (/ (missing|ambiguous)$/.test(header)) {
      objects.push(undefined);
      pos = nl + 1;
      continue;
    }
    const size = Number(header.slice(header.lastIndexOf(' ') + 1));
    if (!Number.isSafeInteger(size)) throw new StoreError(`git cat-file: unexpected output "${header}" in ${dir}`);
    objects.push(out.subarray(nl + 1, nl + 1 + size));
    pos = nl + 1 + size + 1;
  }
  return objects;
}

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

/** The document with this id, or UnknownDocumentError listing the nearest ids. Reads only its own
 * metadata file (a mirror may hold tens of thousands); all ids only to suggest some. */
export async function findDocument(repo: RepoDir, id: string): Promise<DocumentMeta> {
  if (isSafeId(id)) {
    const path = join(repo.dir, repo.layout.documentPaths(id).meta);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'EISDIR') return undefined;
      throw new StoreError(`cannot read ${path}: ${error.message}`, { cause: error });
    });
    if (text !== undefined) {
      const meta = parseMeta(text, path);
      if (meta.id === id) return meta;
    }
  }
  throw new UnknownDocumentError(id, nearestIds(id, await documentIds(repo)));
}

/** Every document id of the mirror's work tree, from the metadata file names (nothing parsed). */
export async function documentIds(repo: RepoDir): Promise<string[]> {
  const root = join(repo.dir, META_DIR);
  const entries = await readdir(root, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw new StoreError(`cannot read ${root}: ${error.message}`, { cause: error });
  });
  return entries
    .filter((entry) => entry.endsWith('.json'))
    .map((entry) => repo.layout.idFromMetaName(entry.slice(0, -'.json'.length).split('\\').join('/')))
    .filter((id): id is string => id !== undefined)
    .sort();
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
export async function documentVersions(repo: RepoDir, id: string): Promise<Version[]> {
  const records = await logRecords(repo, { paths: [repo.layout.documentPaths(id).meta] });
  return records.map(versionFromCommit).filter((version): version is Version => version !== undefined && version.documentId === id);
}

/** Versions of every document recorded in a window (author dates), newest first. */
export async function allVersions(repo: RepoDir, window: { since?: string | undefined; until?: string | undefined } = {}): Promise<Version[]> {
  // git filters by committer date, which is never earlier than the author date: a safe pre-filter.
  // Every version commit touches meta/, and carries a Document-Id trailer, which is what is kept:
  // no pathspec, so git does not diff 50,000 trees to find what it would keep anyway.
  const records = await logRecords(repo, { since: window.since === undefined ? undefined : new Date(Math.floor(Date.parse(window.since) / 1000) * 1000).toISOString() });
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

/** The text of a document at a version ('' when that version has no text file). */
export async function textAt(repo: RepoDir, id: string, version: Pick<Version, 'commit'>): Promise<string> {
  const [text] = await textsAt(repo, id, [version]);
  return text ?? '';
}

/** The texts of several versions of a document, read by one git process (`reader`, when one was
 * started ahead of time). */
export async function textsAt(repo: RepoDir, id: string, versions: ReadonlyArray<Pick<Version, 'commit'>>, reader?: ObjectReader): Promise<string[]> {
  const path = repo.layout.documentPaths(id).text;
  const specs = versions.map((version) => `${version.commit}:${path}`);
  const objects = reader === undefined ? await readObjects(repo, specs) : await reader.read(specs);
  return objects.map((object) => object?.toString('utf8') ?? '');
}

// `@@ -start[,count] +start[,count] @@` (a missing count is 1; with count 0, start is the line before).
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm;

/** The changed line blocks of a zero-context unified diff (git diff -U0). Pure. */
export function parseZeroContextHunks(patch: string): LineBlock[] {
  const blocks: LineBlock[] = [];
  for (const match of patch.matchAll(HUNK_HEADER)) {
    const oldCount = match[2] === undefined ? 1 : Number(match[2]);
    const newCount = match[4] === undefined ? 1 : Number(match[4]);
    const a0 = oldCount === 0 ? Number(match[1]) : Number(match[1]) - 1;
    const b0 = newCount === 0 ? Number(match[3]) : Number(match[3]) - 1;
    blocks.push({ a0, a1: a0 + oldCount, b0, b1: b0 + newCount });
  }
  return blocks;
}

/**
 * Which lines changed between a document's text at two versions, by git's own diff of the stored
 * blobs (histogram, no context): native code, so a megabyte text costs git's few milliseconds
 * instead of a cold JavaScript line diff. Undefined when git cannot say (a version without a text
 * file, git failing); the diff engine checks the blocks against the texts before it trusts them.
 */
export async function changedLines(repo: RepoDir, id: string, from: Pick<Version, 'commit'>, to: Pick<Version, 'commit'>): Promise<LineBlock[] | undefined> {
  const path = repo.layout.documentPaths(id).text;
  // Every option that changes what git prints is set here, whatever the user's configuration says.
  const run = await runGit(repo.dir, [
    'diff', '--no-color', '--no-ext-diff', '--no-textconv', '--text', '--histogram', '--unified=0', '--inter-hunk-context=0',
    `${from.commit}:${path}`, `${to.commit}:${path}`,
  ]).catch(() => undefined);
  if (run === undefined || run.code !== 0) return undefined;
  return parseZeroContextHunks(run.stdout.toString('utf8'));
}

/** The metadata file of a document as recorded at a version (undefined if that commit has none). */
export async function metaAt(repo: RepoDir, id: string, version: Pick<Version, 'commit'>): Promise<DocumentMeta | undefined> {
  const path = repo.layout.documentPaths(id).meta;
  const [object] = await readObjects(repo, [`${version.commit}:${path}`]);
  return object === undefined ? undefined : parseMeta(object.toString('utf8'), `${path} at ${version.commit.slice(0, 10)}`);
}

/**
 * The metadata of several documents as committed at `rev` (default HEAD), read by one git process:
 * on a mirror of tens of thousands of documents, far cheaper than opening each file. Documents
 * without metadata there (or with a corrupt file) are left out.
 */
export async function metasAt(repo: RepoDir, ids: Iterable<string>, rev = 'HEAD'): Promise<Map<string, DocumentMeta>> {
  const list = [...ids].filter(isSafeId);
  const objects = await readObjects(
    repo,
    list.map((id) => `${rev}:${repo.layout.documentPaths(id).meta}`),
  );
  const out = new Map<string, DocumentMeta>();
  objects.forEach((object, k) => {
    if (object === undefined) return;
    const id = list[k] as string;
    try {
      out.set(id, parseMeta(object.toString('utf8'), repo.layout.documentPaths(id).meta));
    } catch {
      // A corrupt metadata file only loses what it would have added here; `list` reports it.
    }
  });
  return out;
}

/** Words and lines a version added and removed in the text (all 0 when its text did not change). */
export interface VersionChange {
  wordsAdded: number;
  wordsRemoved: number;
  linesAdded: number;
  linesRemoved: number;
}

const NO_CHANGE: VersionChange = Object.freeze({ wordsAdded: 0, wordsRemoved: 0, linesAdded: 0, linesRemoved: 0 });

/** A version whose text is needed: read by `<spec>`, known by `key` (its Text-SHA256 when known). */
interface TextRef {
  key: string;
  spec: string;
}

/**
 * For each version, what it changed in the text compared with the text before it: for `log`
 * (previous: the next older version of the same list, nothing before the oldest) and `changes`
 * (previous: the version before it in the list when there, else the text at the commit's parent).
 * Texts are told apart by their Text-SHA256 trailer: a version whose text is the previous one's
 * costs nothing; every distinct text is read once, all by one git process, and each pair is diffed
 * word by word over its changed middle only (diffStats).
 */
export async function versionChanges(repo: RepoDir, versions: readonly Version[], options: { previousFromParent?: boolean } = {}): Promise<VersionChange[]> {
  if (versions.length === 0) return [];
  // Newer to older per document: the previous text of versions[k] is the next entry of its document.
  const nextOlder = new Map<number, number>();
  const lastSeen = new Map<string, number>();
  for (let k = versions.length - 1; k >= 0; k--) {
    const id = (versions[k] as Version).documentId;
    const older = lastSeen.get(id);
    if (older !== undefined) nextOlder.set(k, older);
    lastSeen.set(id, k);
  }
  const refOf = (version: Version): TextRef => {
    const spec = `${version.commit}:${repo.layout.documentPaths(version.documentId).text}`;
    return { key: version.textSha256 !== '' ? `sha:${version.textSha256}` : `spec:${spec}`, spec };
  };
  const pairs: Array<[TextRef | undefined, TextRef] | undefined> = versions.map((version, k) => {
    const current = refOf(version);
    const olderIndex = nextOlder.get(k);
    let previous: TextRef | undefined;
    if (olderIndex !== undefined) previous = refOf(versions[olderIndex] as Version);
    else if (options.previousFromParent === true) {
      const spec = `${version.commit}^:${repo.layout.documentPaths(version.documentId).text}`;
      previous = { key: `spec:${spec}`, spec };
    }
    if (previous !== undefined && previous.key === current.key) return undefined; // same text
    return [previous, current];
  });
  const wanted = new Map<string, string>();
  for (const pair of pairs) {
    if (pair === undefined) continue;
    for (const ref of pair) if (ref !== undefined && !wanted.has(ref.key)) wanted.set(ref.key, ref.spec);
  }
  const keys = [...wanted.keys()];
  const objects = await readObjects(repo, [...wanted.values()]);
  const texts = new Map<string, string>();
  keys.forEach((key, k) => texts.set(key, objects[k]?.toString('utf8') ?? ''));
  const { diffStats } = await import('../diff/stats.js');
  return pairs.map((pair) => {
    if (pair === undefined) return { ...NO_CHANGE };
    const [previous, current] = pair;
    const before = previous === undefined ? '' : (texts.get(previous.key) ?? '');
    const after = texts.get(current.key) ?? '';
    if (before === after) return { ...NO_CHANGE };
    return diffStats(before, after);
  });
}
