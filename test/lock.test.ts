// The mirror's lock: one run at a time, the holder named, and a lock left by a dead process taken
// over at once, however the process died (before or after it took the lock, or while writing its
// record). Dead processes are real ones: children run to their end or killed with SIGKILL.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LockError } from '../src/errors.js';
import { acquireLock } from '../src/store/lock.js';
import { tempDir } from './helpers/temp.js';

const LOCK_MODULE = pathToFileURL(new URL('../src/store/lock.js', import.meta.url).pathname).href;

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** A child that takes the lock and is then killed with SIGKILL, releasing nothing. */
function lockThenDie(target: string): Promise<number> {
  const script = `const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)});
await acquireLock(${JSON.stringify(target)}, 'sync (killed)');
process.stdout.write(String(process.pid));
process.kill(process.pid, 'SIGKILL');`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(Number(out)) : reject(new Error(`the child ended without SIGKILL: ${out}`))));
  });
}

async function newTarget(): Promise<{ dir: string; target: string }> {
  const dir = join(await tempDir(), '.leakmirror');
  await mkdir(dir, { recursive: true });
  return { dir, target: join(dir, 'sync') };
}

describe('acquireLock', () => {
  it('lets one holder in at a time, naming it, and leaves no record behind after release', async () => {
    const { dir, target } = await newTarget();
    const first = await acquireLock(target, 'sync (first)');
    await assert.rejects(acquireLock(target, 'sync (second)'), (error: unknown) => error instanceof LockError && new RegExp(`locked by process ${process.pid} .*sync \\(first\\)`).test(error.message));
    await first.release();
    const again = await acquireLock(target, 'sync (again)');
    assert.equal(again.tookOverFrom, undefined);
    await again.release();
    assert.deepEqual((await readdir(dir)).filter((name) => name.includes('holder')), []);
  });

  it('takes over at once from a process killed while it held the lock', async () => {
    const { dir, target } = await newTarget();
    const pid = await lockThenDie(target);
    const lock = await acquireLock(target, 'sync (next)');
    assert.equal(lock.tookOverFrom?.pid, pid);
    assert.equal(lock.tookOverFrom?.command, 'sync (killed)');
    await lock.release();
    assert.deepEqual((await readdir(dir)).filter((name) => name.includes('holder')), [], 'the dead holder\'s record is gone too');
  });

  it('takes over from a process killed while writing its record (the record cut short)', async () => {
    const { target } = await newTarget();
    const pid = deadPid();
    await mkdir(`${target}.lock`);
    await writeFile(`${target}.holder-${pid}-0a1b.json`, '{"pid":');
    const lock = await acquireLock(target, 'sync (next)');
    assert.equal(lock.tookOverFrom?.pid, pid);
    await lock.release();
  });

  it('takes over from a dead holder named in the record of earlier versions (sync.holder.json)', async () => {
    const { target } = await newTarget();
    const pid = deadPid();
    await mkdir(`${target}.lock`);
    await writeFile(`${target}.holder.json`, `${JSON.stringify({ pid, host: hostname(), startedAt: '2012-12-03T10:00:00Z', command: 'sync' })}\n`);
    const lock = await acquireLock(target, 'sync (next)');
    assert.equal(lock.tookOverFrom?.pid, pid);
    await lock.release();
  });

  it('leaves alone a lock no record accounts for, and one whose recorded holder lives', async () => {
    const { target } = await newTarget();
    await mkdir(`${target}.lock`);
    await assert.rejects(acquireLock(target, 'sync'), (error: unknown) => error instanceof LockError && /locked by another process/.test(error.message));
    // A dead record beside a live one: the live one may be the holder.
    await writeFile(`${target}.holder-${deadPid()}-0a1b.json`, '');
    await writeFile(`${target}.holder-${process.pid}-0c1d.json`, `${JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2012-12-03T10:00:00Z', command: 'sync (alive)' })}\n`);
    await assert.rejects(acquireLock(target, 'sync'), (error: unknown) => error instanceof LockError && /locked by process \d+ .*sync \(alive\)/.test(error.message));
  });
});
