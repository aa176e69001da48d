// DocumentStore.end() and settled(): end() refreshes the index and starts the commit-graph write,
// which goes on beside the run's last commits; settled() waits for it. A failed refresh is still
// the run's error. Real git, real fast-import.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { initMirror } from '../src/core/init.js';
import { StoreError } from '../src/errors.js';
import { MirrorRepo, type CommitGraphWrite } from '../src/store/git.js';
import type { DocumentMeta } from '../src/store/metadata.js';
import { DocumentStore, sha256Hex, type VersionToRecord } from '../src/store/store.js';
import { tempDir } from './helpers/temp.js';

function version(id: string, text: string): VersionToRecord {
  const raw = new TextEncoder().encode(text);
  const meta: DocumentMeta = {
    id,
    source: 'test',
    url: `https://example.org/${id}`,
    finalUrl: `https://example.org/${id}`,
    title: id,
    status: 'active',
    extraction: 'text',
    error: null,
    contentType: 'text/plain',
    mediaType: 'text/plain',
    sha256: sha256Hex(raw),
    size: raw.byteLength,
    textSha256: sha256Hex(text),
    etag: null,
    lastModified: null,
    fetchedAt: '2026-12-04T01:00:00Z',
    removedAt: null,
    pages: null,
    author: null,
    created: null,
    modified: null,
    charset: 'utf-8',
    extractor: 'text@1',
    text: `text/${id}.txt`,
    raw: `raw/${id}.txt`,
  };
  return { meta, text, rawTempFile: undefined, rawBytes: raw, previousRaw: undefined, changeType: 'content', subject: `Add ${id}`, authorDate: meta.fetchedAt };
}

/** A repository whose commit-graph write is slow and says when it ends. */
class SlowGraphRepo extends MirrorRepo {
  graphFinished = false;
  override async writeCommitGraph(): Promise<CommitGraphWrite> {
    await sleep(300);
    const result = await super.writeCommitGraph();
    this.graphFinished = true;
    return result;
  }
}

/** And whose index refresh fails. */
class FailingIndexRepo extends SlowGraphRepo {
  override async refreshIndex(): Promise<void> {
    throw new StoreError('cannot refresh the index (test)');
  }
}

function graphChain(dir: string): string {
  return resolve(dir, execFileSync('git', ['-C', dir, 'rev-parse', '--git-path', 'objects/info/commit-graphs/commit-graph-chain'], { encoding: 'utf8' }).trim());
}

describe('DocumentStore.end()', () => {
  it('writes the commit-graph and refreshes the index, so that git status is clean', async () => {
    const dir = await tempDir();
    await initMirror({ dir, name: 'store-end' });
    const store = new DocumentStore(dir, new MirrorRepo(dir));
    await store.begin();
    await store.record(version('test/one', 'one\n'));
    await store.record(version('test/two', 'two\n'));
    await store.end();
    assert.equal(execFileSync('git', ['-C', dir, 'status', '--porcelain'], { encoding: 'utf8' }), '');
    await store.settled();
    assert.match(await readFile(graphChain(dir), 'utf8'), /^[0-9a-f]{40}$/m, 'a commit-graph chain with a layer');
  });

  it('returns before the commit-graph write ends, which git commits can go on beside; settled() waits for it', async () => {
    const dir = await tempDir();
    await initMirror({ dir, name: 'store-end-graph' });
    const repo = new SlowGraphRepo(dir);
    const store = new DocumentStore(dir, repo);
    await store.begin();
    await store.record(version('test/one', 'one\n'));
    await store.end();
    assert.equal(repo.graphFinished, false, 'end() waited for the commit-graph write');
    // A commit with git (a caller's own file) while the graph is written.
    await writeFile(join(dir, 'notes.txt'), 'run state\n');
    await repo.commitPaths(['notes.txt'], 'Record the run\n');
    await store.settled();
    assert.equal(repo.graphFinished, true);
    assert.match(await readFile(graphChain(dir), 'utf8'), /^[0-9a-f]{40}$/m);
    assert.equal(execFileSync('git', ['-C', dir, 'status', '--porcelain'], { encoding: 'utf8' }), '');
    execFileSync('git', ['-C', dir, 'fsck', '--no-progress'], { encoding: 'utf8' });
    execFileSync('git', ['-C', dir, 'commit-graph', 'verify'], { encoding: 'utf8' });
    assert.equal(execFileSync('git', ['-C', dir, 'log', '-2', '--format=%s'], { encoding: 'utf8' }), 'Record the run\nAdd test/one\n');
  });

  it('fails with the index refresh; settled() still waits for the commit-graph write', async () => {
    const dir = await tempDir();
    await initMirror({ dir, name: 'store-end-fails' });
    const repo = new FailingIndexRepo(dir);
    const store = new DocumentStore(dir, repo);
    await store.begin();
    await store.record(version('test/one', 'one\n'));
    await assert.rejects(store.end(), (error: unknown) => error instanceof StoreError && /cannot refresh the index/.test(error.message));
    await store.settled();
    assert.equal(repo.graphFinished, true, 'settled() returned before the commit-graph write ended');
    // The commit itself is there: only the index lags, which the next run's refresh mends.
    assert.match(execFileSync('git', ['-C', dir, 'log', '-1', '--format=%s'], { encoding: 'utf8' }), /^Add test\/one$/m);
  });
  it('recordFiles: the run\'s own files as its last commits through fast-import; none without a session', async () => {
    const dir = await tempDir();
    await initMirror({ dir, name: 'store-files' });
    const store = new DocumentStore(dir, new MirrorRepo(dir));
    await store.begin();
    assert.equal(await store.recordFiles([{ path: 'state/x.json', data: '{}\n' }], 'Nothing yet\n'), undefined, 'no session before the first version');
    const first = await store.record(version('test/one', 'one\n'));
    const state = await store.recordFiles([{ path: 'state/sources.json', data: '{"version":1}\n' }], 'Update source state\n');
    const log = await store.recordFiles([{ path: 'runs.jsonl', data: '{"run":1}\n' }, { path: '.gitattributes', data: '/runs.jsonl merge=union\n' }], 'Record sync run\n');
    await store.end();
    await store.settled();
    const git = (...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
    assert.equal(git('rev-parse', 'HEAD').trim(), log);
    assert.equal(git('rev-parse', 'HEAD~1').trim(), state);
    assert.equal(git('rev-parse', 'HEAD~2').trim(), first);
    assert.deepEqual(git('log', '-3', '--format=%s').trim().split('\n'), ['Record sync run', 'Update source state', 'Add test/one']);
    assert.equal(git('show', 'HEAD:runs.jsonl'), '{"run":1}\n');
    assert.equal(git('show', 'HEAD:.gitattributes'), '/runs.jsonl merge=union\n');
    assert.equal(git('show', 'HEAD~1:state/sources.json'), '{"version":1}\n');
    assert.equal(await readFile(join(dir, 'runs.jsonl'), 'utf8'), '{"run":1}\n', 'written into the work tree too');
    assert.equal(git('status', '--porcelain'), '', 'and the index refreshed for them');
    git('fsck', '--strict', '--no-progress');
  });
  it('refreshes the index of checkpointed commits during the run; a failed refresh is done again at the end', async () => {
    class CountingRepo extends MirrorRepo {
      batches: number[] = [];
      failFirst = false;
      override async refreshIndex(paths: string[]): Promise<void> {
        this.batches.push(paths.length);
        if (this.failFirst && this.batches.length === 1) throw new StoreError('index busy (test)');
        await super.refreshIndex(paths);
      }
    }
    for (const failFirst of [false, true]) {
      const dir = await tempDir();
      await initMirror({ dir, name: 'store-refresh' });
      const loose = (): string => execFileSync('git', ['-C', dir, 'count-objects'], { encoding: 'utf8' }).split(' ')[0] ?? '';
      const looseAtStart = loose(); // init's commit
      const repo = new CountingRepo(dir);
      repo.failFirst = failFirst;
      const store = new DocumentStore(dir, repo);
      await store.begin();
      // fast-import checkpoints after 1,000 commits: their 3,000 paths are refreshed once git answers
      // for the commit after it; the last 50 documents' at the end.
      const documents = 1050;
      for (let start = 0; start < documents; start += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, k) => store.record(version(`test/d${start + k}`, `document ${start + k}\n`))));
      }
      await store.end();
      await store.settled();
      assert.equal(repo.batches[0], 3000, `one refresh for the checkpointed commits: ${repo.batches.join(', ')}`);
      assert.equal(repo.batches.at(-1), failFirst ? 3 * documents : 3 * (documents - 1000), 'the end refreshes the rest (all, when the first failed)');
      assert.equal(repo.batches.length, 2);
      assert.equal(execFileSync('git', ['-C', dir, 'status', '--porcelain'], { encoding: 'utf8' }), '', `clean (${failFirst ? 'first refresh failed' : 'both refreshed'})`);
      assert.equal(loose(), looseAtStart, 'no new loose object: the refresh found every blob in a pack');
      execFileSync('git', ['-C', dir, 'fsck', '--strict', '--no-progress']);
    }
  });
});
