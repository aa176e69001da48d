// Recording versions: files written atomically, then one git commit per document version.
//
// Through fast-import (the usual case) the documents' files are written concurrently (one document's
// versions in order), and each version's commit is queued to git as soon as its files are in place:
// record() resolves with the commit id when git has made it, but the next document does not wait
// for that. Raw bytes the caller holds (and that are small) go to git from memory; larger files are
// written into git's object store by `git hash-object` beside the stream, and the commit names the
// blob. Without fast-import (signed commits) everything is serialized (one git index).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StoreError } from '../errors.js';
import { FastImportSession, type FileChange } from './fast-import.js';
import { commitMessage, type ChangeType, type MirrorRepo } from './git.js';
import { tempDir, type MirrorLayout } from './layout.js';
import { uniqueTempSuffix } from '../util/temp-name.js';
import { serializeMeta, type DocumentMeta } from './metadata.js';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface VersionToRecord {
  meta: DocumentMeta;
  /** New normalized text; undefined keeps the text file as it is. */
  text: string | undefined;
  /**
   * Temporary file holding the raw bytes to store at meta.raw (moved into place); undefined (and
   * no rawBytes) keeps the raw file as it is.
   */
  rawTempFile: string | undefined;
  /**
   * The raw bytes, when the caller holds them. Without rawTempFile they are the raw file's new
   * content (written in place). With it, they spare reading the file back: committed from memory
   * when they are small and as long as the file (else the file is streamed, e.g. a detached buffer).
   */
  rawBytes?: Uint8Array | undefined;
  /** The raw path of the previous version, deleted when the new one lives elsewhere. */
  previousRaw: string | null | undefined;
  changeType: ChangeType;
  subject: string;
  body?: string | undefined;
  /** The commit's author date: when the version was fetched. */
  authorDate: string;
  extraTrailers?: Record<string, string> | undefined;
}

/** sessionFor(): the repository signs its commits, so they are made with `git commit`. */
class SignedCommits extends Error {}

/** Raw bytes up to this size are committed from the caller's buffer; larger ones are streamed from the file. */
export const IN_MEMORY_RAW_MAX = 4 * 1024 * 1024;

/** Durable paths (three a document) that start an index refresh during a run: few git processes, each of which reads and writes the whole index. */
const REFRESH_BATCH = 600;

export class DocumentStore {
  private queue: Promise<unknown> = Promise.resolve();
  /** begin() was called: commits go through fast-import, started with the first of them. */
  private fast = false;
  private starting: Promise<FastImportSession> | undefined;
  private session: FastImportSession | undefined;
  /** Per document id: its last record's file writes and commit queueing (versions stay in order). */
  private readonly perDocument = new Map<string, Promise<unknown>>();
  /** Whether the run has committed anything through fast-import (then the commit-graph is written). */
  private committed = false;
  /** Paths committed through fast-import whose index entries no refresh has covered since they were written. */
  private readonly unrefreshed = new Set<string>();
  /** Of those, the ones in a commit a checkpoint has made durable (noteDurable). */
  private readonly durable = new Set<string>();
  private refreshQueued = false;
  /** The index refresh under way during the run, if any; never rejects (a failure puts its paths back). */
  private refreshing: Promise<void> | undefined;
  private aborted = false;
  /** The commit-graph write end() started, if any (it never rejects). */
  private graphWrite: Promise<unknown> | undefined;
  readonly tempDir: string;

  constructor(
    readonly mirrorDir: string,
    readonly repo: MirrorRepo,
  ) {
    this.tempDir = tempDir(mirrorDir);
  }

  /** How the mirror names its files: the repository's layout. */
  get layout(): MirrorLayout {
    return this.repo.layout;
  }

  /** Run store work one piece at a time, in arrival order. */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async readText(relativePath: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.mirrorDir, relativePath), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError(`cannot read ${relativePath}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Commit through one `git fast-import` for the whole run (unless the repository signs its commits,
   * which fast-import cannot do: then each version is committed with `git commit`). Call end() after.
   */
  async begin(): Promise<void> {
    // fast-import (and the git calls it needs) starts with the first commit: a run that records
    // nothing, the usual case, starts no git process for it.
    this.fast = true;
  }

  /** The run's fast-import session, started once; undefined when commits are signed (`git commit`). */
  private sessionFor(): Promise<FastImportSession | undefined> {
    if (!this.fast) return Promise.resolve(undefined);
    this.starting ??= (async () => {
      if (await this.repo.signsCommits()) {
        this.fast = false;
        throw new SignedCommits();
      }
      this.session = await FastImportSession.start(this.mirrorDir, await this.repo.identities());
      return this.session;
    })();
    return this.starting.catch((error: unknown) => {
      if (error instanceof SignedCommits) return undefined;
      throw error;
    });
  }

  /** Finish the run's commits and bring git's index up to date with them. */
  async end(): Promise<void> {
    // Every record() in progress has queued its commit (or failed) before the session finishes.
    await Promise.allSettled([...this.perDocument.values()]);
    await this.starting?.catch(() => undefined);
    this.fast = false;
    await this.serialize(async () => {
      const session = this.session;
      this.session = undefined;
      if (session !== undefined) {
        await session.finish();
        // The commit-graph is written beside the index refresh of the paths the refreshes during the
        // run have not covered; settled() waits for it (the next git commands may run beside it, as
        // beside git's own background maintenance). writeCommitGraph never fails (an optimisation).
        if (this.committed) this.graphWrite = this.repo.writeCommitGraph();
        await this.refreshing;
        await this.repo.refreshIndex([...this.unrefreshed]);
      }
      this.committed = false;
      this.unrefreshed.clear();
      this.durable.clear();
    });
  }

  /** Wait for what end() left running (the commit-graph write): before the mirror lock is released. */
  async settled(): Promise<void> {
    await this.graphWrite;
  }

  /** Stop after a fatal error: commits since the last checkpoint are dropped; the next run redoes them. */
  async abort(): Promise<void> {
    this.aborted = true;
    this.fast = false;
    await this.starting?.catch(() => undefined);
    const session = this.session;
    this.session = undefined;
    await session?.abort();
    // No git process of this run left holding the index lock.
    await this.refreshing;
  }

  /** These paths were written: the end refreshes their index entries, unless a refresh during the run does. */
  private noteWritten(paths: Iterable<string>): void {
    this.committed = true;
    for (const path of paths) this.unrefreshed.add(path);
  }

  /**
   * A checkpoint has put the commit that wrote these paths in a pack git reads: their index entries
   * can be refreshed now, during the run, rather than all after its last commit. fast-import does not
   * touch git's index, and refreshing thousands of files at the end (each read and hashed) was
   * 0.55-0.65 s of one core after the last commit of a 1,600-page first sync, the longest step of the
   * run's end. Not before the checkpoint: `update-index` would write every blob again, as a loose
   * object, and a run killed then would leave an index naming objects no pack has.
   */
  private noteDurable(paths: readonly string[]): void {
    for (const path of paths) if (this.unrefreshed.has(path)) this.durable.add(path);
    // A checkpoint makes a thousand commits durable in one go: one refresh for all of them.
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    queueMicrotask(() => {
      this.refreshQueued = false;
      this.refreshDurable();
    });
  }

  private refreshDurable(): void {
    if (this.refreshing !== undefined || this.aborted || this.durable.size < REFRESH_BATCH) return;
    const batch = [...this.durable];
    this.durable.clear();
    for (const path of batch) this.unrefreshed.delete(path);
    this.refreshing = this.repo
      .refreshIndex(batch)
      .catch(() => {
        // end() refreshes them again; a failure there is the run's.
        for (const path of batch) this.unrefreshed.add(path);
      })
      .finally(() => {
        this.refreshing = undefined;
      });
  }

  /** Write the version's files and commit them; returns the commit id. */
  async record(version: VersionToRecord): Promise<string> {
    if (this.aborted) throw new StoreError('the run was stopped after a storage error; nothing more is recorded');
    const session = this.session ?? (await this.sessionFor());
    if (session === undefined) return this.serialize(() => this.recordWithGit(version));
    const id = version.meta.id;
    const before = this.perDocument.get(id) ?? Promise.resolve();
    const queued = before.then(
      () => this.queueCommit(version),
      () => this.queueCommit(version),
    );
    const settled = queued.then(
      () => undefined,
      () => undefined,
    );
    this.perDocument.set(id, settled);
    void settled.then(() => {
      if (this.perDocument.get(id) === settled) this.perDocument.delete(id);
    });
    // The commit id, once git has made the commit (later versions need not wait for it).
    return queued.then((commit) => commit.id);
  }

  /** Write the files, then queue the commit; resolves once it is queued, with the promise of its id. */
  private async queueCommit(version: VersionToRecord): Promise<{ id: Promise<string> }> {
    if (this.aborted || this.session === undefined) throw new StoreError('the run was stopped after a storage error; nothing more is recorded');
    const { changes, message } = await this.writeFiles(version, true);
    const session = this.session;
    if (this.aborted || session === undefined) throw new StoreError('the run was stopped after a storage error; nothing more is recorded');
    const paths = changes.map((change) => change.path);
    this.noteWritten(paths);
    const id = session.commit({ message, authorDate: version.authorDate, changes }, () => this.noteDurable(paths));
    // Rejections are handled by record()'s caller; this keeps the wrapper from counting as unhandled.
    id.catch(() => undefined);
    return { id };
  }

  /**
   * Commit these files (whole contents, paths relative to the mirror) through the run's git
   * fast-import, after every version queued so far: the run's own closing commits (source state, run
   * log). Written into the work tree first, each atomically. Undefined when no fast-import session is
   * open (nothing was recorded in this run, commits are signed, or the run was stopped): the caller
   * then commits with git. Through fast-import they cost next to nothing; `git commit` of one file
   * rebuilt the trees of every directory, 70-80 ms each after a first sync of 1,600 pages.
   */
  async recordFiles(files: ReadonlyArray<{ path: string; data: string }>, message: string): Promise<string | undefined> {
    const session = this.session;
    if (this.aborted || session === undefined) return undefined;
    try {
      for (const file of files) await this.writeAtomic(file.path, file.data);
    } catch (error) {
      throw new StoreError(`cannot write ${files.map((file) => file.path).join(', ')}: ${(error as Error).message}`, { cause: error });
    }
    if (this.aborted || this.session !== session) throw new StoreError('the run was stopped after a storage error; nothing more is recorded');
    this.noteWritten(files.map((file) => file.path));
    return session.commit({ message, authorDate: new Date().toISOString(), changes: files.map((file) => ({ path: file.path, data: file.data })) });
  }

  /** The serialized path: `git add` and `git commit` of exactly these files. */
  private async recordWithGit(version: VersionToRecord): Promise<string> {
    if (this.aborted) throw new StoreError('the run was stopped after a storage error; nothing more is recorded');
    const { changes, message } = await this.writeFiles(version, false);
    return this.repo.commitPaths(
      changes.map((change) => change.path),
      message,
      version.authorDate,
    );
  }

  /**
   * Write text, raw and metadata into the work tree (each atomically) and say what the commit
   * changes. With `contents`, each change carries what git should store: the text and metadata from
   * memory, the raw bytes from the caller's buffer or, when large, as a blob git has just stored.
   */
  private async writeFiles(version: VersionToRecord, contents: boolean): Promise<{ changes: FileChange[]; message: string }> {
    const { meta } = version;
    const metaPath = this.layout.documentPaths(meta.id).meta;
    const metaText = serializeMeta(meta);
    const changes: FileChange[] = [];
    try {
      if (version.rawTempFile === undefined && version.rawBytes !== undefined && meta.raw !== null) {
        if (version.rawBytes.byteLength !== meta.size) throw new StoreError(`the raw bytes of ${meta.id} are ${version.rawBytes.byteLength} bytes, not the ${meta.size} its metadata says`);
        await this.writeAtomic(meta.raw, version.rawBytes);
        changes.push({ path: meta.raw, data: contents ? version.rawBytes : '' });
      } else if (version.rawTempFile !== undefined && meta.raw !== null) {
        const rawFile = join(this.mirrorDir, meta.raw);
        await this.moveIntoPlace(version.rawTempFile, rawFile);
        const bytes = version.rawBytes;
        if (!contents) changes.push({ path: meta.raw, data: '' });
        else if (bytes !== undefined && bytes.byteLength === meta.size && bytes.byteLength <= IN_MEMORY_RAW_MAX) changes.push({ path: meta.raw, data: bytes });
        // A large file goes into git's object store by a process of its own, beside the commit stream:
        // fast-import reads and deflates a blob before it reads the next command, so an 80 MiB PDF
        // sent through it held up every other document's commit for seconds. The commit then names
        // the blob. (A later version of this document waits for this one: the file cannot change under
        // git here.) A crash before the commit leaves only a dangling blob, which fsck accepts.
        else changes.push({ path: meta.raw, data: { blob: await this.repo.writeBlob(meta.raw) } });
      }
      if (version.previousRaw && version.previousRaw !== meta.raw) {
        await rm(join(this.mirrorDir, version.previousRaw), { force: true });
        changes.push({ path: version.previousRaw, data: null });
      }
      // The text after the raw bytes: fast-import tries each inline blob as a delta against the one
      // before it, and a page's text is mostly runs copied from its own markup (a replayed HTML cold
      // sync: 5% less of git's CPU, and a smaller pack, than text first).
      if (version.text !== undefined) {
        await this.writeAtomic(meta.text, version.text);
        changes.push({ path: meta.text, data: version.text });
      }
      await this.writeAtomic(metaPath, metaText);
      changes.push({ path: metaPath, data: metaText });
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`cannot write the files of ${meta.id}: ${(error as Error).message}`, { cause: error });
    }
    const message = commitMessage(version.subject, version.body, {
      documentId: meta.id,
      sourceUrl: meta.url,
      contentSha256: meta.sha256,
      textSha256: meta.textSha256,
      changeType: version.changeType,
      extra: version.extraTrailers,
    });
    return { changes, message };
  }

  /**
   * writeFileAtomic without a mkdir per call: directories are created only when a write or rename
   * finds one missing (a mirror has a few directories and thousands of files).
   */
  private async writeAtomic(relativePath: string, data: string | Uint8Array): Promise<void> {
    const path = join(this.mirrorDir, relativePath);
    const temp = join(this.tempDir, `.${basename(path)}.${uniqueTempSuffix()}.tmp`);
    try {
      await retryMissingDir(this.tempDir, () => writeFile(temp, data));
      await retryMissingDir(dirname(path), () => rename(temp, path));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  private moveIntoPlace(tempPath: string, path: string): Promise<void> {
    return retryMissingDir(dirname(path), () => rename(tempPath, path));
  }
}

/** Run `work`; if it fails because a directory is missing, create `dir` and run it once more. */
async function retryMissingDir(dir: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dir, { recursive: true });
    await work();
  }
}

