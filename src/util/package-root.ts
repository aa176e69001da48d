// The directory of leakmirror's own package.json: where `mirror/` (the sample site) lives. Found by
// walking up from the running module, since that module may be the compiled file in dist/src/ or a
// chunk of the bundled CLI in dist/cli/, at different depths.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { root: string; version: string } | undefined;

function find(): { root: string; version: string } {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'leakmirror' && typeof manifest.version === 'string') {
        cached = { root: dir, version: manifest.version };
        return cached;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`leakmirror's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Absolute path of the directory holding leakmirror's package.json. */
export function packageRoot(): string {
  return find().root;
}

/** The version in leakmirror's package.json. */
export function packageVersion(): string {
  return find().version;
}
