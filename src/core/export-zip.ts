// `export --format zip`: every version's text as a file (`<id>/<date>_<commit>.txt`) plus
// `versions.jsonl`, the same records as the JSON lines export without the text, for data users who
// want files rather than a stream. Written to a temporary file and renamed, so no partial zip.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import yazl from 'yazl';
import { exportVersions, type ExportRecord } from './export.js';
import type { Mirror } from './mirror.js';

export interface ExportZipOptions {
  ids?: readonly string[] | undefined;
  /** Absolute path of the zip file to write. */
  output: string;
}

/** The file name of a version inside the zip: safe, sortable by date, unique by commit. */
export function versionEntryName(record: Pick<ExportRecord, 'id' | 'date' | 'commit'>): string {
  const stamp = new Date(record.date).toISOString().replace(/[:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${record.id}/${stamp}_${record.commit.slice(0, 12)}.txt`;
}

export async function exportZip(mirror: Mirror, options: ExportZipOptions): Promise<{ versions: number }> {
  const zip = new yazl.ZipFile();
  const temp = `${options.output}.${process.pid}.tmp`;
  const out = createWriteStream(temp);
  zip.outputStream.pipe(out);
  const index: string[] = [];
  try {
    const result = await exportVersions(mirror, {
      ids: options.ids,
      write: (line) => {
        const record = JSON.parse(line) as ExportRecord;
        const file = versionEntryName(record);
        const { text, ...rest } = record;
        zip.addBuffer(Buffer.from(text, 'utf8'), file, { mtime: new Date(record.date) });
        index.push(`${JSON.stringify({ ...rest, file })}\n`);
      },
    });
    zip.addBuffer(Buffer.from(index.join(''), 'utf8'), 'versions.jsonl');
    zip.end();
    await once(out, 'finish');
    await rename(temp, options.output);
    return result;
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}
