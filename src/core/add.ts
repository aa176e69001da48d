// Adding a source: validate it, write it into leakmirror.yaml (comments kept), commit the change.
import { withSourceAdded, writeConfigText, type NewSource } from '../config/file.js';
import { CONFIG_FILE, SOURCE_NAME_PATTERN } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { canonicalUrl } from '../sources/links.js';
import { sanitizeSegment, slugFromUrl } from '../store/ids.js';
import { lockTarget } from '../store/layout.js';
import { acquireLock } from '../store/lock.js';
import { openMirror } from './mirror.js';

export interface AddOptions {
  mirrorDir: string;
  url: string;
  name?: string | undefined;
  links?: string | undefined;
  match?: string | undefined;
  select?: string | undefined;
  remove?: string[] | undefined;
}

export interface AddResult {
  name: string;
  source: NewSource;
  commit: string;
}

export async function addSource(options: AddOptions): Promise<AddResult> {
  const url = canonicalUrl(options.url);
  if (url === undefined) throw new UsageError(`not an http(s) URL: ${options.url}`, { hint: 'give the full address, e.g. https://example.org/leaks/' });
  if (options.name !== undefined && !SOURCE_NAME_PATTERN.test(options.name)) {
    throw new UsageError(`invalid source name "${options.name}": use lowercase letters, digits, ".", "_" and "-" (at most 64)`);
  }
  const mirror = await openMirror(options.mirrorDir);
  const lock = await acquireLock(lockTarget(mirror.dir), 'add');
  try {
    const taken = new Set(mirror.config.sources.map((source) => source.name));
    const name = options.name ?? uniqueName(defaultSourceName(url), taken);
    const source: NewSource = {
      url,
      ...(options.links !== undefined ? { kind: 'index' as const, links: options.links } : {}),
      ...(options.match !== undefined ? { kind: 'index' as const, links: options.links ?? 'a[href]', match: options.match } : {}),
      ...(options.select !== undefined ? { select: options.select } : {}),
      ...(options.remove !== undefined && options.remove.length > 0 ? { remove: options.remove } : {}),
    };
    const text = withSourceAdded(mirror.configText, name, source, mirror.config.name);
    await writeConfigText(mirror.dir, text);
    const commit = await mirror.repo.commitPaths([CONFIG_FILE], `Add source ${name}\n\nSource-URL: ${url}\n`);
    return { name, source, commit };
  } finally {
    await lock.release();
  }
}

export function defaultSourceName(url: string): string {
  const slug = slugFromUrl(url);
  const host = sanitizeSegment(new URL(url).hostname.replace(/^www\./, ''));
  const name = slug === host ? host : slug;
  return (SOURCE_NAME_PATTERN.test(name) ? name : `source-${name}`).slice(0, 64);
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let counter = 2; ; counter += 1) {
    const candidate = `${base.slice(0, 60)}-${counter}`;
    if (!taken.has(candidate)) return candidate;
  }
}
