// One sync at a time per mirror. proper-lockfile gives an atomic lock (mkdir) kept fresh while held;
// beside it we record who holds it, so a second run can name the holder, and a lock left by a dead
// process on this machine can be taken over at once instead of after the staleness timeout.
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { LockError } from '../errors.js';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export interface HeldLock {
  release(): Promise<void>;
  /** Set when the lock was taken over from a dead process. */
  tookOverFrom: LockHolder | undefined;
}

const STALE_MS = 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(infoPath: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(infoPath, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Acquire the mirror's lock or throw LockError naming the holder. */
export async function acquireLock(target: string, command: string): Promise<HeldLock> {
  const lockPath = `${target}.lock`;
  const infoPath = `${target}.holder.json`;
  await mkdir(dirname(target), { recursive: true });
  let tookOverFrom: LockHolder | undefined;
  const options = { realpath: false, stale: STALE_MS, update: STALE_MS / 4, retries: 0, lockfilePath: lockPath, onCompromised: () => undefined };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') {
      throw new LockError(`cannot lock the mirror (${lockPath}): ${(error as Error).message}`, { cause: error });
    }
    const holder = await readHolder(infoPath);
    if (holder !== undefined && holder.host === hostname() && holder.pid !== process.pid && !isAlive(holder.pid)) {
      // The holder died without releasing (SIGKILL, power loss): take over now.
      await rm(lockPath, { recursive: true, force: true });
      release = await lockfile.lock(target, options).catch((retryError: unknown) => {
        throw new LockError(`cannot lock the mirror (${lockPath}): ${(retryError as Error).message}`, { cause: retryError });
      });
      tookOverFrom = holder;
    } else {
      const who = holder === undefined ? 'another process' : `process ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.startedAt})`;
      throw new LockError(`the mirror is locked by ${who}`, {
        hint: `wait for that run to finish; if it is gone, remove ${lockPath}`,
      });
    }
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  await writeFile(infoPath, `${JSON.stringify(holder)}\n`);
  return {
    tookOverFrom,
    async release() {
      await rm(infoPath, { force: true });
      await release();
    },
  };
}
