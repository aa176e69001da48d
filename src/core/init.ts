// Creating a mirror: directory, git repository, leakmirror.yaml, .gitignore, first commit.
// Idempotent: on an existing mirror it changes nothing.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { configPath, initialConfigText, loadConfig } from '../config/file.js';
import { CONFIG_FILE } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { MirrorRepo } from '../store/git.js';
import { MIRROR_GITIGNORE } from '../store/layout.js';

export interface InitOptions {
  dir: string;
  name?: string | undefined;
}

export interface InitResult {
  dir: string;
  name: string;
  created: boolean;
  commit?: string;
}

export async function initMirror(options: InitOptions): Promise<InitResult> {
  const dir = resolve(options.dir);
  const info = await stat(dir).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) throw new UsageError(`${options.dir} exists and is not a directory`);
  const repo = new MirrorRepo(dir);
  const hasConfig = (await stat(configPath(dir)).catch(() => undefined)) !== undefined;
  if (hasConfig && info !== undefined && (await repo.isRepo())) {
    // Already a mirror: validate it (a broken config deserves a message) and change nothing.
    const { config } = await loadConfig(dir);
    return { dir, name: config.name, created: false };
  }
  await mkdir(dir, { recursive: true });
  if (!(await repo.isRepo())) await repo.init();
  const name = options.name ?? basename(dir);
  const paths = [CONFIG_FILE, '.gitignore'];
  if (!hasConfig) await writeFile(configPath(dir), initialConfigText(name), { flag: 'wx' });
  await writeFile(join(dir, '.gitignore'), MIRROR_GITIGNORE, { flag: 'a' });
  const commit = await repo.commitPaths(paths, `Initialize leakmirror mirror ${name}\n`);
  return { dir, name, created: true, commit };
}
