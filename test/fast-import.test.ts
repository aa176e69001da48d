import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commitCommands, FAST_IMPORT_COMPRESSION, fastImportEnv, FastImportSession, identityLine } from '../src/store/fast-import.js';
import { StoreError } from '../src/errors.js';
import { tempDir } from './helpers/temp.js';

const who = { name: 'Leak <Mirror>', email: 'm@example.org' };

describe('fast-import commands', () => {
  it('runs git with malloc settings that keep freed buffers, unless the user chose others', () => {
    const cases: Array<{ base: NodeJS.ProcessEnv; trim: string; mmap: string }> = [
      { base: { PATH: '/usr/bin' }, trim: String(64 * 1024 * 1024), mmap: String(16 * 1024 * 1024) },
      { base: { PATH: '/usr/bin', MALLOC_TRIM_THRESHOLD_: '0' }, trim: '0', mmap: String(16 * 1024 * 1024) },
      { base: { PATH: '/usr/bin', MALLOC_MMAP_THRESHOLD_: '4096' }, trim: String(64 * 1024 * 1024), mmap: '4096' },
    ];
    for (const { base, trim, mmap } of cases) {
      const before = { ...base };
      const env = fastImportEnv(base);
      assert.equal(env.MALLOC_TRIM_THRESHOLD_, trim);
      assert.equal(env.MALLOC_MMAP_THRESHOLD_, mmap);
      assert.equal(env.PATH, '/usr/bin');
      assert.deepEqual(base, before, 'the environment passed in is not changed');
    }
  });

  it('identity lines use epoch seconds in UTC and drop angle brackets from names', () => {
    assert.equal(identityLine(who, new Date('2012-12-03T09:00:00.900Z')), 'Leak Mirror <m@example.org> 1354525200 +0000');
  });

  it('encodes a commit with byte-counted data, deletions and a get-mark', () => {
    const parts = commitCommands(
      'refs/heads/main',
      7,
      { message: 'Update Δ\n\nChange-Type: content\n', authorDate: '2012-12-03T09:00:00Z', changes: [
        { path: 'text/a/b.txt', data: 'é\n' },
        { path: 'raw/a/b.pdf', data: new Uint8Array([0, 1, 2]) },
        { path: 'raw/a/old.html', data: null },
      ] },
      who,
      who,
      'refs/heads/main^0',
      new Date('2026-01-01T00:00:00Z'),
    );
    assert.ok(parts.every((part) => Buffer.isBuffer(part)));
    const stream = Buffer.concat(parts as Buffer[]);
    const expected = Buffer.concat([
      Buffer.from('commit refs/heads/main\nmark :7\nauthor Leak Mirror <m@example.org> 1354525200 +0000\ncommitter Leak Mirror <m@example.org> 1767225600 +0000\n'),
      Buffer.from(`data ${Buffer.byteLength('Update Δ\n\nChange-Type: content\n')}\nUpdate Δ\n\nChange-Type: content\n\n`),
      Buffer.from('from refs/heads/main^0\n'),
      Buffer.from('M 100644 inline text/a/b.txt\ndata 3\né\n\n'),
      Buffer.from('M 100644 inline raw/a/b.pdf\ndata 3\n'),
      Buffer.from([0, 1, 2]),
      Buffer.from('\nD raw/a/old.html\nget-mark :7\n'),
    ]);
    assert.deepEqual(stream, expected);
  });

  it('names a blob git already has by its id, and refuses anything else as an id', () => {
    const blob = '0123456789abcdef0123456789abcdef01234567';
    const parts = commitCommands('refs/heads/main', 1, { message: 'm\n', authorDate: '2012-12-03T09:00:00Z', changes: [{ path: 'raw/a/b.pdf', data: { blob } }] }, who, who, undefined, new Date(0));
    assert.ok(Buffer.concat(parts).toString('utf8').includes(`\nM 100644 ${blob} raw/a/b.pdf\nget-mark :1\n`));
    for (const bad of ['inline', `${blob}\nD text/x`, blob.slice(1), blob.toUpperCase()]) {
      assert.throws(() => commitCommands('refs/heads/main', 1, { message: 'm\n', authorDate: '2012-12-03T09:00:00Z', changes: [{ path: 'raw/a/b.pdf', data: { blob: bad } }] }, who, who, undefined, new Date(0)), StoreError);
    }
  });

  for (const path of ['text/a b.txt', 'text/a\nb', '"quoted"', '']) {
    it(`refuses the path ${JSON.stringify(path)}`, () => {
      assert.throws(() => commitCommands('refs/heads/main', 1, { message: 'm', authorDate: '2012-12-03T09:00:00Z', changes: [{ path, data: 'x' }] }, who, who, undefined, new Date()), StoreError);
    });
  }
});

describe('a fast-import session', () => {
  const git = (dir: string, ...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  const repo = async (): Promise<string> => {
    const dir = join(await tempDir(), 'repo');
    execFileSync('git', ['init', '--quiet', '--initial-branch=main', dir]);
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '--quiet', '--allow-empty', '-m', 'start');
    return dir;
  };
  const change = (index: number) => ({ message: `Add ${index}\n`, authorDate: '2012-12-03T09:00:00Z', changes: [{ path: `text/d${index}.txt`, data: `document ${index}\n` }] });

  it('pipelines commits: ids come back in order, each commit on the one before', async () => {
    const dir = await repo();
    const session = await FastImportSession.start(dir, { author: who, committer: who });
    // All queued before any answer is awaited.
    const ids = await Promise.all(Array.from({ length: 50 }, (_, index) => session.commit(change(index))));
    await session.finish();
    assert.equal(git(dir, 'rev-parse', 'refs/heads/main').trim(), ids.at(-1));
    const log = git(dir, 'log', '--format=%H %s').trim().split('\n').reverse();
    assert.deepEqual(log.slice(1), ids.map((id, index) => `${id} Add ${index}`));
    git(dir, 'fsck', '--strict', '--no-progress');
  });

  it('deflates at level 4 unless the repository sets a compression level', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
    const cmdline = async (dir: string): Promise<string[]> => {
      const session = await FastImportSession.start(dir, { author: who, committer: who });
      const args = (await readFile(`/proc/${session.pid as number}/cmdline`, 'utf8')).split('\0');
      await session.commit(change(1));
      await session.finish();
      return args;
    };
    const plain = await repo();
    assert.ok((await cmdline(plain)).includes(`pack.compression=${FAST_IMPORT_COMPRESSION}`));
    for (const key of ['core.compression', 'pack.compression']) {
      const chosen = await repo();
      git(chosen, 'config', key, '9');
      assert.ok(!(await cmdline(chosen)).some((arg) => arg.startsWith('pack.compression=')), `${key} set by the user is kept`);
    }
  });

  it('a commit names a blob that git hash-object stored beside the stream', async () => {
    const dir = await repo();
    const file = join(dir, '..', 'big.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    bytes.write('start', 0);
    bytes.write('end', bytes.length - 3);
    await writeFile(file, bytes);
    const blob = git(dir, 'hash-object', '-w', '--no-filters', '--', file).trim();
    const session = await FastImportSession.start(dir, { author: who, committer: who });
    const id = await session.commit({ message: 'Raw\n', authorDate: '2012-12-03T09:00:00Z', changes: [{ path: 'raw/big.bin', data: { blob } }, { path: 'text/big.txt', data: 'text\n' }] });
    await session.finish();
    assert.equal(git(dir, 'rev-parse', 'HEAD').trim(), id);
    const stored = execFileSync('git', ['-C', dir, 'cat-file', 'blob', 'HEAD:raw/big.bin'], { maxBuffer: 64 * 1024 * 1024 });
    assert.ok(stored.equals(bytes));
    git(dir, 'fsck', '--strict', '--no-progress');
  });

  it('a blob git does not have breaks the session: the commit fails, no ref moves', async () => {
    const dir = await repo();
    const before = git(dir, 'rev-parse', 'HEAD').trim();
    const session = await FastImportSession.start(dir, { author: who, committer: who });
    await assert.rejects(session.commit({ message: 'Raw\n', authorDate: '2012-12-03T09:00:00Z', changes: [{ path: 'raw/x.bin', data: { blob: 'ab'.repeat(20) } }] }), StoreError);
    await assert.rejects(session.finish(), StoreError);
    assert.equal(git(dir, 'rev-parse', 'HEAD').trim(), before);
    git(dir, 'fsck', '--strict', '--no-progress', '--no-dangling');
  });

  it('fast-import killed mid-batch: the unanswered commits and later calls fail, refs stay at the last checkpoint, fsck is clean', async () => {
    const dir = await repo();
    const session = await FastImportSession.start(dir, { author: who, committer: who });
    const first = await Promise.all(Array.from({ length: 5 }, (_, index) => session.commit(change(index))));
    await session.checkpoint();
    // Answered after the checkpoint was carried out: the branch is at first[4] now.
    await session.commit(change(5));
    assert.equal(git(dir, 'rev-parse', 'refs/heads/main').trim(), first[4]);
    const batch = [
      ...Array.from({ length: 20 }, (_, index) => session.commit(change(10 + index))),
      session.commit({ message: 'Big\n', authorDate: '2012-12-03T09:00:00Z', changes: [{ path: 'raw/big.bin', data: new Uint8Array(8 * 1024 * 1024).fill(1) }] }),
      ...Array.from({ length: 20 }, (_, index) => session.commit(change(30 + index))),
    ];
    process.kill(session.pid as number, 'SIGKILL');
    const outcomes = await Promise.allSettled(batch);
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
    assert.ok(failed.length > 0, 'the commits after the kill fail');
    for (const outcome of failed) assert.ok(outcome.reason instanceof StoreError, String(outcome.reason));
    // Once one commit failed, none after it succeeded.
    const firstFailure = outcomes.findIndex((outcome) => outcome.status === 'rejected');
    assert.ok(outcomes.slice(firstFailure).every((outcome) => outcome.status === 'rejected'));
    await assert.rejects(session.commit(change(99)), StoreError);
    await assert.rejects(session.finish(), StoreError);
    assert.equal(git(dir, 'rev-parse', 'refs/heads/main').trim(), first[4]);
    git(dir, 'fsck', '--strict', '--no-progress', '--no-dangling');
  });

  it('onDurable: called once git has carried out a checkpoint after the commit, never before', async () => {
    const dir = await repo();
    const session = await FastImportSession.start(dir, { author: who, committer: who });
    const durable: number[] = [];
    const first = await Promise.all([0, 1, 2].map((index) => session.commit(change(index), () => durable.push(index))));
    assert.equal(durable.length, 0, 'no checkpoint yet');
    await session.checkpoint();
    await session.commit(change(3), () => durable.push(3));
    // The answer for commit 3 came after git wrote the checkpoint: 0-2 are in a pack the branch names.
    assert.deepEqual(durable, [0, 1, 2]);
    assert.equal(git(dir, 'rev-parse', 'refs/heads/main').trim(), first[2]);
    assert.match(git(dir, 'cat-file', '-t', `${first[2]}:text/d1.txt`), /^blob$/m);
    await session.finish();
    assert.deepEqual(durable, [0, 1, 2], 'the last commit is made durable by finish(), which callers wait for');
  });

  it('abort() drops the commits since the last checkpoint', async () => {
    const dir = await repo();
    const before = git(dir, 'rev-parse', 'HEAD').trim();
    const session = await FastImportSession.start(dir, { author: who, committer: who });
    await Promise.all(Array.from({ length: 5 }, (_, index) => session.commit(change(index))));
    await session.abort();
    assert.equal(git(dir, 'rev-parse', 'HEAD').trim(), before);
    git(dir, 'fsck', '--strict', '--no-progress', '--no-dangling');
  });
});
