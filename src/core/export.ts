// `export --format jsonl`: one JSON record per recorded version (oldest first): id, url, date,
// sha256 (raw bytes), textSha256, status, commit, and the normalized text of that version. The
// history is one `git log` over meta/; texts come through one `git cat-file --batch`.
import { CatFile } from '../publish/cat-file.js';
import { readAllMeta } from '../store/metadata.js';
import { allVersions } from './history.js';
import type { Mirror } from './mirror.js';

export interface ExportRecord {
  id: string;
  url: string | null;
  date: string;
  status: string;
  commit: string;
  sha256: string;
  textSha256: string;
  text: string;
}

export interface ExportOptions {
  /** Only these document ids (all by default). */
  ids?: readonly string[] | undefined;
  write(line: string): void | Promise<void>;
}

export async function exportVersions(mirror: Mirror, options: ExportOptions): Promise<{ versions: number }> {
  const [metas, versions] = await Promise.all([readAllMeta(mirror.dir), allVersions(mirror.repo)]);
  const urls = new Map(metas.map((meta) => [meta.id, meta.url]));
  const wanted = options.ids === undefined || options.ids.length === 0 ? undefined : new Set(options.ids);
  const catFile = new CatFile(mirror.dir);
  let count = 0;
  try {
    for (const version of versions.reverse()) {
      if (wanted !== undefined && !wanted.has(version.documentId)) continue;
      const text = (await catFile.readText(`${version.commit}:${mirror.repo.layout.documentPaths(version.documentId).text}`)) ?? '';
      const record: ExportRecord = {
        id: version.documentId,
        url: urls.get(version.documentId) ?? null,
        date: version.date,
        status: version.status,
        commit: version.commit,
        sha256: version.sha256,
        textSha256: version.textSha256,
        text,
      };
      await options.write(`${JSON.stringify(record)}\n`);
      count += 1;
    }
  } finally {
    await catFile.close();
  }
  return { versions: count };
}
