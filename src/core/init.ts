// Creating a mirror: directory, git repository, leakmirror.yaml, .gitignore, first commit.
// Idempotent: on an existing mirror it changes nothing.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { configPath, initialConfigText, loadConfig } from '../config/file.js';
import { CONFIG_FILE } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { MirrorRepo } from '../store/git.js';
import { CURRENT_LAYOUT, LAYOUT_FILE, layoutFileText, META_DIR, MIRROR_GITIGNORE } from '../store/layout.js';
import { VERSION } from '../version.js';
import { CI_FILES, ciWorkflow, type CiKind } from './ci-templates.js';

export interface InitOptions {
  dir: string;
  name?: string | undefined;
  /** Also write a ready CI workflow (added to an existing mirror too, if it has none). */
  ci?: CiKind | undefined;
}

export interface InitResult {
  dir: string;
  name: string;
  created: boolean;
  commit?: string;
  /** The CI workflow file written, relative to the mirror. */
  ciFile?: string;
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
    if (options.ci !== undefined) {
      const ciFile = CI_FILES[options.ci];
      if ((await stat(join(dir, ciFile)).catch(() => undefined)) !== undefined) return { dir, name: config.name, created: false, ciFile };
      await writeCi(dir, options.ci);
      const commit = await repo.commitPaths([ciFile], `Add a ${options.ci} workflow for leakmirror\n`);
      return { dir, name: config.name, created: false, commit, ciFile };
    }
    return { dir, name: config.name, created: false };
  }
  await mkdir(dir, { recursive: true });
  if (!(await repo.isRepo())) await repo.init();
  const name = options.name ?? basename(dir);
  const paths = [CONFIG_FILE, '.gitignore'];
  // A directory that already holds documents (files copied without their .git) keeps layout 1, the
  // layout they were written in; anything else starts in the current one.
  if ((await stat(join(dir, LAYOUT_FILE)).catch(() => undefined)) !== undefined) paths.push(LAYOUT_FILE);
  else if ((await stat(join(dir, META_DIR)).catch(() => undefined)) === undefined) {
    await mkdir(join(dir, dirname(LAYOUT_FILE)), { recursive: true });
    await writeFile(join(dir, LAYOUT_FILE), layoutFileText(CURRENT_LAYOUT), { flag: 'wx' });
    paths.push(LAYOUT_FILE);
  }
  if (options.ci !== undefined) {
    await writeCi(dir, options.ci);
    paths.push(CI_FILES[options.ci]);
  }
  if (!hasConfig) await writeFile(configPath(dir), initialConfigText(name), { flag: 'wx' });
  await writeFile(join(dir, '.gitignore'), MIRROR_GITIGNORE, { flag: 'a' });
  const commit = await repo.commitPaths(paths, `Initialize leakmirror mirror ${name}\n`);
  return { dir, name, created: true, commit, ...(options.ci === undefined ? {} : { ciFile: CI_FILES[options.ci] }) };
}

async function writeCi(dir: string, kind: CiKind): Promise<void> {
  const path = join(dir, CI_FILES[kind]);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, ciWorkflow(kind, VERSION), { flag: 'wx' });
}
