// Reading and editing leakmirror.yaml on disk. Edits go through the YAML document model so that the
// user's comments and key order survive `leakmirror add`.
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { isMap, parseDocument, YAMLMap } from 'yaml';
import { ConfigError, NotAMirrorError, StoreError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic.js';
import { CONFIG_FILE, parseConfig, type MirrorConfig, type RawConfig } from './schema.js';

export interface LoadedConfig {
  config: MirrorConfig;
  /** The file's text, for edits that must keep comments. */
  text: string;
  path: string;
}

export function configPath(mirrorDir: string): string {
  return join(mirrorDir, CONFIG_FILE);
}

/** Load and validate the mirror's configuration; throws NotAMirrorError or ConfigError. */
export async function loadConfig(mirrorDir: string): Promise<LoadedConfig> {
  const path = configPath(mirrorDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new NotAMirrorError(mirrorDir);
    }
    throw new StoreError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const result = parseConfig(text, basename(resolve(mirrorDir)));
  if (!result.ok) {
    const first = result.issues[0];
    const lines = result.issues.map(
      (issue) => `  ${CONFIG_FILE}${issue.line === undefined ? '' : `:${issue.line}`}: ${issue.key === '' ? '' : `${issue.key}: `}${issue.message}`,
    );
    throw new ConfigError(`invalid ${CONFIG_FILE}:\n${lines.join('\n')}`, {
      file: path,
      line: first?.line,
      key: first?.key,
    });
  }
  return { config: result.config, text, path };
}

export function initialConfigText(name: string): string {
  return [
    '# leakmirror configuration: see `leakmirror --help` and the README.',
    `name: ${JSON.stringify(name)}`,
    '# contact: https://example.org/contact   # named in the User-Agent so site operators can reach you',
    '# rawCopies: true                        # keep the bytes as fetched beside the text',
    '# fetch:',
    '#   delayMs: 1000                        # minimum delay between requests to one host',
    '#   concurrency: 4',
    '#   maxBytes: 104857600',
    'sources: {}',
    '',
  ].join('\n');
}

export type NewSource = NonNullable<RawConfig['sources']>[string];

/**
 * The config text with one more source, comments preserved. Pure: validates the result and throws
 * ConfigError when the source is invalid or the name is taken.
 */
export function withSourceAdded(text: string, name: string, source: NewSource, fallbackName: string): string {
  const document = parseDocument(text);
  let sources = document.get('sources', true);
  if (!isMap(sources)) {
    sources = new YAMLMap();
    document.set('sources', sources);
  }
  if ((sources as YAMLMap).has(name)) {
    throw new ConfigError(`a source named "${name}" already exists`, { key: `sources.${name}` }, {
      hint: 'choose another name with --name',
    });
  }
  const clean = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined));
  // An empty flow map (`sources: {}`) would stay flow style; block style reads better once filled.
  (sources as YAMLMap).flow = false;
  (sources as YAMLMap).set(name, document.createNode(clean));
  const next = document.toString();
  const check = parseConfig(next, fallbackName);
  if (!check.ok) {
    const issue = check.issues[0];
    throw new ConfigError(`invalid source: ${issue?.key ?? ''}: ${issue?.message ?? 'invalid'}`, { key: issue?.key });
  }
  return next;
}

export async function writeConfigText(mirrorDir: string, text: string): Promise<void> {
  await writeFileAtomic(configPath(mirrorDir), text);
}
