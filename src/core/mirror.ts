// Opening a mirror: the directory, its validated configuration and its git repository.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '../config/file.js';
import type { MirrorConfig, SourceConfig } from '../config/schema.js';
import { NotAMirrorError, UnknownSourceError } from '../errors.js';
import { MirrorRepo } from '../store/git.js';
import { readLayout } from '../store/layout.js';

export interface Mirror {
  /** Absolute path of the mirror's root. */
  dir: string;
  config: MirrorConfig;
  /** The configuration file's text, for edits that keep comments. */
  configText: string;
  /** Its git repository; `repo.layout` says how its files are named (state/layout.json). */
  repo: MirrorRepo;
}

export async function openMirror(dirInput: string): Promise<Mirror> {
  const dir = resolve(dirInput);
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) throw new NotAMirrorError(dirInput);
  const [{ config, text }, layout] = await Promise.all([loadConfig(dir), readLayout(dir)]);
  const repo = new MirrorRepo(dir, { layout });
  if (!(await repo.isRepo())) throw new NotAMirrorError(dirInput);
  return { dir, config, configText: text, repo };
}

/** The named sources (all when none are named); unknown names are a usage error. */
export function selectSources(config: MirrorConfig, names: readonly string[] | undefined): SourceConfig[] {
  if (names === undefined || names.length === 0) return config.sources;
  const known = config.sources.map((source) => source.name);
  return names.map((name) => {
    const source = config.sources.find((candidate) => candidate.name === name);
    if (source === undefined) throw new UnknownSourceError(name, known);
    return source;
  });
}
