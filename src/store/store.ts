// Recording versions: files written atomically, then one git commit per document version. Writes
// and commits are serialized (one git index), while fetching and extraction run in parallel.
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors.js';
import { moveIntoPlace, writeFileAtomic } from './atomic.js';
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

  /** Write the version's files and commit them; returns the commit id. */
  record(version: VersionToRecord): Promise<string> {
    return this.serialize(async () => {
      const { meta } = version;
      const metaPath = documentPaths(meta.id).meta;
      const paths = [metaPath];
      try {
        if (version.text !== undefined) {
          await writeFileAtomic(join(this.mirrorDir, meta.text), version.text, this.tempDir);
          paths.push(meta.text);
        }
        if (version.rawTempFile !== undefined && meta.raw !== null) {
          await moveIntoPlace(version.rawTempFile, join(this.mirrorDir, meta.raw));
          paths.push(meta.raw);
        }
        if (version.previousRaw && version.previousRaw !== meta.raw) {
          await rm(join(this.mirrorDir, version.previousRaw), { force: true });
          paths.push(version.previousRaw);
        }
        await writeFileAtomic(join(this.mirrorDir, metaPath), serializeMeta(meta), this.tempDir);
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
      return this.repo.commitPaths(paths, message, version.authorDate);
    });
  }
}
