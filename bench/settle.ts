// ext4 without a journal (this machine's disk) does not reuse an inode freed in the last 60 s, or
// 360 s while its inode-table block is dirty (the kernel's `recently_deleted`), and scans past every
// such inode for each file it creates. A sync benchmark deletes its mirrors (about 20,000 files) when
// it ends; the next one, started at once, then paid 0.8-1.8 s more system time in its HTML cold sync
// (the penalty of tools that create files, not of urlwatch, which creates few). So a run that starts
// within that window of the last one's cleanup waits for it to pass first, and says so.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** How long after a mass deletion file creation may still be slowed: the kernel's longest window. */
export const SETTLE_WINDOW_MS = 6 * 60_000;

/** Pure: how long to wait before measuring, given when the last cleanup ended (ISO 8601, or undefined). */
export function settleWaitMs(lastCleanup: string | undefined, now: number, windowMs = SETTLE_WINDOW_MS): number {
  if (lastCleanup === undefined) return 0;
  const at = Date.parse(lastCleanup);
  if (!Number.isFinite(at) || at > now) return 0; // unreadable, or a clock that went back: do not wait
  return Math.max(0, at + windowMs - now);
}

/** The time of the last cleanup recorded in `markerFile` (undefined when none or unreadable). */
export async function readLastCleanup(markerFile: string): Promise<string | undefined> {
  try {
    const data = JSON.parse(await readFile(markerFile, 'utf8')) as { at?: unknown };
    return typeof data.at === 'string' ? data.at : undefined;
  } catch {
    return undefined;
  }
}

export async function recordCleanup(markerFile: string, at: Date, files: string): Promise<void> {
  await mkdir(dirname(markerFile), { recursive: true });
  await writeFile(markerFile, `${JSON.stringify({ at: at.toISOString(), deleted: files }, null, 2)}\n`);
}
