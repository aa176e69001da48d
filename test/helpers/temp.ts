// Temporary directories for tests: created under the OS temp dir, removed when the test file ends.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

const created: string[] = [];

// Registered at import time on the file's root test, so it runs once every test of the file is done
// (an `after` registered inside a hook would run when that hook's scope ends).
after(async () => {
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

export async function tempDir(prefix = 'leakmirror-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
