// `verify`: re-hash every text and raw file of the mirror and compare with what the metadata says
// (textSha256, sha256) and with the Content-SHA256 / Text-SHA256 trailers of the latest commit that
// recorded the document. The history comes from one `git log` over meta/; files are hashed streaming,
// a few at a time, so a mirror of large PDFs does not need them in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { FatalError } from '../errors.js';
import { mapPool } from '../util/map-pool.js';
import { readAllMeta } from '../store/metadata.js';
import { allVersions, type Version } from './history.js';
import type { Mirror } from './mirror.js';

export type VerifyProblemKind = 'text-mismatch' | 'raw-mismatch' | 'missing-file' | 'commit-mismatch' | 'not-recorded';

export interface VerifyProblem {
  id: string;
  kind: VerifyProblemKind;
  /** The file (relative to the mirror root) or commit the problem is about. */
  path?: string | undefined;
  commit?: string | undefined;
  expected?: string | undefined;
  actual?: string | undefined;
  message: string;
}

export interface VerifyResult {
  documents: number;
  /** Files re-hashed. */
  files: number;
  problems: VerifyProblem[];
  ok: boolean;
}

/** verify found mismatches: exit 1. */
export class VerifyError extends FatalError {
  readonly problems: VerifyProblem[];
  constructor(problems: VerifyProblem[]) {
    super(`verify: ${problems.length} problem${problems.length === 1 ? '' : 's'} found`, {
      hint: 'a file that no longer matches its recorded hash was changed outside leakmirror; `git -C <mirror> status` and `git diff` show how',
    });
    this.problems = problems;
  }
}

async function hashFile(path: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return hash.digest('hex');
}

export async function verifyMirror(mirror: Mirror, options: { concurrency?: number } = {}): Promise<VerifyResult> {
  const [metas, versions] = await Promise.all([readAllMeta(mirror.dir), allVersions(mirror.repo)]);
  const latest = new Map<string, Version>();
  // Newest first: the first version seen of a document is its latest commit.
  for (const version of versions) if (!latest.has(version.documentId)) latest.set(version.documentId, version);
  const problems: VerifyProblem[] = [];
  let files = 0;

  await mapPool(metas, options.concurrency ?? 8, async (meta) => {
    const checks: Array<{ path: string; expected: string; kind: 'text-mismatch' | 'raw-mismatch' }> = [{ path: meta.text, expected: meta.textSha256, kind: 'text-mismatch' }];
    if (meta.raw !== null) checks.push({ path: meta.raw, expected: meta.sha256, kind: 'raw-mismatch' });
    for (const check of checks) {
      const actual = await hashFile(join(mirror.dir, check.path));
      files += 1;
      if (actual === undefined) {
        problems.push({ id: meta.id, kind: 'missing-file', path: check.path, expected: check.expected, message: `${check.path} is missing` });
      } else if (actual !== check.expected) {
        problems.push({
          id: meta.id,
          kind: check.kind,
          path: check.path,
          expected: check.expected,
          actual,
          message: `${check.path}: sha256 ${actual.slice(0, 12)}… but the metadata records ${check.expected.slice(0, 12)}…`,
        });
      }
    }
    const version = latest.get(meta.id);
    if (version === undefined) {
      problems.push({ id: meta.id, kind: 'not-recorded', path: mirror.repo.layout.documentPaths(meta.id).meta, message: `no commit records ${meta.id} (its metadata was never committed)` });
      return;
    }
    for (const [trailer, recorded, expected] of [
      ['Content-SHA256', version.sha256, meta.sha256],
      ['Text-SHA256', version.textSha256, meta.textSha256],
    ] as const) {
      if (recorded !== expected) {
        problems.push({
          id: meta.id,
          kind: 'commit-mismatch',
          commit: version.commit,
          expected: recorded,
          actual: expected,
          message: `the metadata's ${trailer === 'Content-SHA256' ? 'sha256' : 'textSha256'} ${expected.slice(0, 12)}… differs from the ${trailer} trailer ${recorded.slice(0, 12) || '(none)'}… of commit ${version.commit.slice(0, 10)}`,
        });
      }
    }
  });
  problems.sort((a, b) => a.id.localeCompare(b.id) || a.kind.localeCompare(b.kind));
  return { documents: metas.length, files, problems, ok: problems.length === 0 };
}
