// Atomic file writes: write a temporary file, then rename it over the target. A crash at any moment
// leaves either the old file or the new one, never half of one (rename is atomic on one filesystem).
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { uniqueTempSuffix } from '../util/temp-name.js';

/**
 * Write `data` to `path` atomically. `tempDir` must be on the same filesystem as `path`; by default
 * the temporary file sits beside the target with a dot name.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, tempDir?: string): Promise<void> {
  const dir = tempDir ?? dirname(path);
  const temp = join(dir, `.${basename(path)}.${uniqueTempSuffix()}.tmp`);
  await mkdir(dirname(path), { recursive: true });
  if (tempDir !== undefined) await mkdir(tempDir, { recursive: true });
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Move a finished temporary file into place (same filesystem), creating parent directories. */
export async function moveIntoPlace(tempPath: string, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await rename(tempPath, path);
}
