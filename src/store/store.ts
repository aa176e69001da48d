// Recording versions: files written atomically, then one git commit per document version. Writes
// and commits are serialized (one git index), while fetching and extraction run in parallel.
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors.js';
import { moveIntoPlace, writeFileAtomic } from './atomic.js';
import { FastImportSession, type FileChange } from './fast-import.js';
import { commitMessage, type ChangeType, type MirrorRepo } from './git.js';
import { documentPaths, tempDir } from './layout.js';
import { serializeMeta, type DocumentMeta } from './metadata.js';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface VersionToRecord {
  meta: DocumentMeta;
  /** New normalized text; undefined keeps the text file as it is. */
  text: string | undefined;
  /** Temporary file holding the raw bytes to store at meta.raw; undefined keeps the raw file. */
  rawTempFile: string | undefined;
  /** The raw bytes, when the caller already holds them (spares reading the file back). */
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

export class DocumentStore {
  private queue: Promise<unknown> = Promise.resolve();
  private session: FastImportSession | undefined;
  /** Paths committed through fast-import, whose index entries must be refreshed at the end. */
  private readonly touched = new Set<string>();
  private aborted = false;
  readonly tempDir: string;

  constructor(
    readonly mirrorDir: string,
    readonly repo: MirrorRepo,
  ) {
    this.tempDir = tempDir(mirrorDir);
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
    if (await this.repo.signsCommits()) return;
    this.session = await FastImportSession.start(this.mirrorDir, await this.repo.identities());
  }

  /** Finish the run's commits and bring git's index up to date with them. */
  async end(): Promise<void> {
    await this.serialize(async () => {
      const session = this.session;
      this.session = undefined;
      if (session !== undefined) {
        await session.finish();
        await this.repo.refreshIndex([...this.touched]);
        if (this.touched.size > 0) await this.repo.writeCommitGraph();
      }
      this.touched.clear();
    });
  }

  /** Stop after a fatal error: commits since the last checkpoint are dropped; the next run redoes them. */
  async abort(): Promise<void> {
    this.aborted = true;
    const session = this.session;
    this.session = undefined;
    await session?.abort();
  }

  /** Write the version's files and commit them; returns the commit id. */
  record(version: VersionToRecord): Promise<string> {
    return this.serialize(async () => {
      if (this.aborted) throw new StoreError('the run was stopped after a storage error; nothing more is recorded');
      const { meta } = version;
      const metaPath = documentPaths(meta.id).meta;
      const metaText = serializeMeta(meta);
      const changes: FileChange[] = [];
      try {
        if (version.text !== undefined) {
          await writeFileAtomic(join(this.mirrorDir, meta.text), version.text, this.tempDir);
          changes.push({ path: meta.text, data: version.text });
        }
        if (version.rawTempFile !== undefined && meta.raw !== null) {
          const rawFile = join(this.mirrorDir, meta.raw);
          await moveIntoPlace(version.rawTempFile, rawFile);
          changes.push({ path: meta.raw, data: this.session === undefined ? '' : (version.rawBytes ?? (await readFile(rawFile))) });
        }
        if (version.previousRaw && version.previousRaw !== meta.raw) {
          await rm(join(this.mirrorDir, version.previousRaw), { force: true });
          changes.push({ path: version.previousRaw, data: null });
        }
        await writeFileAtomic(join(this.mirrorDir, metaPath), metaText, this.tempDir);
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
      if (this.session === undefined) {
        return this.repo.commitPaths(
          changes.map((change) => change.path),
          message,
          version.authorDate,
        );
      }
      for (const change of changes) this.touched.add(change.path);
      return this.session.commit({ message, authorDate: version.authorDate, changes });
    });
  }
}
