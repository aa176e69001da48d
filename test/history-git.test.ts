// The read side against a real git repository in the mirror's layout: versions, texts and raw bytes
// at a version, words changed per version (log and changes), document lookup and its suggestions.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import {
  allVersions,
  documentIds,
  documentVersions,
  findDocument,
  metaAt,
  openHistory,
  readObjects,
  textAt,
  textsAt,
  versionChanges,
  type MirrorHistory,
} from '../src/core/history.js';
import { listChanges } from '../src/core/list.js';
import { NotAMirrorError, UnknownDocumentError } from '../src/errors.js';
import { commitMessage, type ChangeType } from '../src/store/git.js';
import { FLAT_LAYOUT } from '../src/store/layout.js';
import { sha256Hex } from '../src/store/store.js';
import { tempDir } from './helpers/temp.js';

const run = promisify(execFile);

interface Step {
  id: string;
  type: ChangeType;
  date: string;
  /** New text (undefined: the text file is left as it is). */
  text?: string;
  raw?: Uint8Array;
}

async function git(dir: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<string> {
  const child = run('git', args, { cwd: dir, env: { ...process.env, ...env } });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return (await child).stdout;
}

/** A mirror whose history is `steps`, one commit each, as sync would record them. */
async function buildMirror(steps: Step[]): Promise<{ dir: string; commits: string[] }> {
  const dir = await tempDir();
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
  await git(dir, ['config', 'user.name', 'test']);
  await git(dir, ['config', 'user.email', 'test@localhost']);
  await writeFile(join(dir, 'leakmirror.yaml'), 'name: test\nsources: {}\n');
  await git(dir, ['add', 'leakmirror.yaml']);
  await git(dir, ['commit', '--quiet', '-m', 'Initialize'], { GIT_AUTHOR_DATE: '2012-11-01T00:00:00Z', GIT_COMMITTER_DATE: '2012-11-01T00:00:00Z' });
  const texts = new Map<string, string>();
  const commits: string[] = [];
  for (const step of steps) {
    const write = async (path: string, data: string | Uint8Array): Promise<void> => {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), data);
    };
    if (step.text !== undefined) {
      texts.set(step.id, step.text);
      await write(`text/${step.id}.txt`, step.text);
    }
    if (step.raw !== undefined) await write(`raw/${step.id}.pdf`, step.raw);
    const text = texts.get(step.id) ?? '';
    await write(
      `meta/${step.id}.json`,
      JSON.stringify({
        id: step.id,
        url: `https://example.org/${step.id}.pdf`,
        title: `Title of ${step.id}`,
        status: step.type === 'removed' ? 'removed' : 'active',
        fetchedAt: step.date,
        text: `text/${step.id}.txt`,
        raw: step.id === 'a/doc' ? `raw/${step.id}.pdf` : null,
      }),
    );
    await git(dir, ['add', '--all']);
    const message = commitMessage(`Update ${step.id}`, undefined, {
      documentId: step.id,
      sourceUrl: `https://example.org/${step.id}.pdf`,
      contentSha256: sha256Hex(step.raw ?? text),
      textSha256: sha256Hex(text),
      changeType: step.type,
    });
    await git(dir, ['commit', '--quiet', '-F', '-'], { GIT_AUTHOR_DATE: step.date, GIT_COMMITTER_DATE: step.date }, message);
    commits.push((await git(dir, ['rev-parse', 'HEAD'])).trim());
  }
  return { dir, commits };
}

const PDF = Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0x0d, 0x0a, 0x00]);

describe('history against a real repository', () => {
  let mirror: MirrorHistory;
  let commits: string[];

  before(async () => {
    const built = await buildMirror([
      { id: 'a/doc', type: 'content', date: '2012-12-01T10:00:00Z', text: 'Article 1\nThe fee is 90 francs.\n', raw: PDF },
      { id: 'b/other', type: 'content', date: '2012-12-02T10:00:00Z', text: 'Other document.\n' },
      { id: 'a/doc', type: 'technical', date: '2012-12-03T10:00:00Z', raw: Uint8Array.from([...PDF, 1]) },
      { id: 'a/doc', type: 'content', date: '2012-12-04T10:00:00Z', text: 'Article 1\nThe fee is 30 francs, payable within ten days.\n' },
      { id: 'b/other', type: 'removed', date: '2012-12-05T10:00:00Z' },
      { id: 'a/doc', type: 'content', date: '2012-12-06T10:00:00Z', text: 'Article 1\nThe fee is 30 francs.\n' },
    ]);
    mirror = await openHistory(built.dir);
    commits = built.commits;
  });

  it('openHistory needs leakmirror.yaml and a git work tree', async () => {
    const empty = await tempDir();
    await assert.rejects(openHistory(empty), NotAMirrorError);
    await writeFile(join(empty, 'leakmirror.yaml'), 'name: x\n');
    await assert.rejects(openHistory(empty), NotAMirrorError);
    await assert.rejects(openHistory(join(empty, 'missing')), NotAMirrorError);
  });

  it('documentVersions: newest first, with change types and trailers', async () => {
    const versions = await documentVersions(mirror.repo, 'a/doc');
    assert.deepEqual(versions.map((v) => v.status), ['content', 'content', 'technical', 'content']);
    assert.deepEqual(versions.map((v) => v.commit), [commits[5], commits[3], commits[2], commits[0]]);
    assert.equal(versions[0]?.date, '2012-12-06T10:00:00+00:00');
    assert.equal(versions[0]?.documentId, 'a/doc');
    assert.match(versions[0]?.textSha256 ?? '', /^[0-9a-f]{64}$/);
  });

  it('versionChanges: words each version added and removed, 0 for a technical change', async () => {
    const versions = await documentVersions(mirror.repo, 'a/doc');
    const changes = await versionChanges(mirror.repo, versions);
    assert.deepEqual(
      changes.map((c) => [c.wordsAdded, c.wordsRemoved]),
      [
        [0, 4], // ", payable within ten days" removed
        [5, 1], // 90 -> 30, ", payable within ten days"
        [0, 0], // technical
        [7, 0], // added
      ],
    );
  });

  it('textsAt, textAt, metaAt and readObjects (binary-safe, missing objects)', async () => {
    const versions = await documentVersions(mirror.repo, 'a/doc');
    const [latest, , technical, first] = versions;
    assert.ok(latest && technical && first);
    assert.deepEqual(await textsAt(mirror.repo, 'a/doc', [first, latest]), ['Article 1\nThe fee is 90 francs.\n', 'Article 1\nThe fee is 30 francs.\n']);
    assert.equal(await textAt(mirror.repo, 'a/doc', technical), 'Article 1\nThe fee is 90 francs.\n');
    assert.equal(await textAt(mirror.repo, 'nothing/here', first), '');
    const meta = await metaAt(mirror.repo, 'a/doc', first);
    assert.equal(meta?.raw, 'raw/a/doc.pdf');
    const [bytes, missing] = await readObjects(mirror.repo, [`${first.commit}:raw/a/doc.pdf`, `${first.commit}:raw/none.pdf`]);
    assert.deepEqual(bytes, Buffer.from(PDF));
    assert.equal(missing, undefined);
    assert.deepEqual(await readObjects(mirror.repo, []), []);
  });

  it('findDocument reads one metadata file; unknown ids get suggestions from the file names', async () => {
    await writeFile(join(mirror.dir, 'meta', 'b', 'corrupt.json'), '{ not json');
    assert.equal((await findDocument(mirror.repo, 'a/doc')).title, 'Title of a/doc');
    await assert.rejects(findDocument(mirror.repo, 'a/dco'), (error: unknown) => error instanceof UnknownDocumentError && error.suggestions.includes('a/doc'));
    await assert.rejects(findDocument(mirror.repo, '../a/doc'), UnknownDocumentError);
    assert.deepEqual(await documentIds(mirror.repo), ['a/doc', 'b/corrupt', 'b/other']);
  });

  it('allVersions and listChanges: a window, a type, words per version from the parent commit', async () => {
    const window = await allVersions(mirror.repo, { since: '2012-12-03T00:00:00Z', until: '2012-12-05T23:59:59Z' });
    assert.deepEqual(window.map((v) => v.commit), [commits[4], commits[3], commits[2]]);
    const changes = await listChanges(mirror, { since: '2012-12-04', type: 'content' });
    assert.deepEqual(
      changes.map((c) => [c.documentId, c.wordsAdded, c.wordsRemoved, c.title, c.url]),
      [
        ['a/doc', 0, 4, 'Title of a/doc', 'https://example.org/a/doc.pdf'],
        // Its previous version (2012-12-03, technical) is outside the window: the parent commit's text.
        ['a/doc', 5, 1, 'Title of a/doc', 'https://example.org/a/doc.pdf'],
      ],
    );
    const all = await listChanges(mirror, {});
    assert.equal(all.length, 6);
    assert.deepEqual(all.find((c) => c.status === 'removed')?.wordsAdded, 0);
    const plain = await listChanges(mirror, { stats: false });
    assert.ok(plain.every((c) => !('wordsAdded' in c)));
  });

  it('a repository without commits has no versions', async () => {
    const dir = await tempDir();
    await git(dir, ['init', '--quiet']);
    assert.deepEqual(await allVersions({ dir, layout: FLAT_LAYOUT }), []);
    assert.deepEqual(await documentVersions({ dir, layout: FLAT_LAYOUT }, 'a/doc'), []);
  });
});
