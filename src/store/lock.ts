// One sync at a time per mirror. proper-lockfile gives an atomic lock (mkdir) kept fresh while held;
// beside it each run records who it is, so a second run can name the holder, and a lock left by a
// dead process on this machine can be taken over at once instead of after the staleness timeout.
//
// The record is written before the lock is taken, one file per attempt (`<target>.holder-<pid>-<n>.json`):
// a run killed between taking the lock and writing its record (a window any SIGKILL can hit) would
// otherwise leave a lock that names nobody, which no later run could tell from a live one. Now a
// lock is always covered by the record of whoever took it: when every record there belongs to a
// dead process on this machine, the lock's holder is dead too, and the lock is taken over.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
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

/** A record of a run that took, or tried to take, the lock. */
interface HolderRecord {
  path: string;
  holder: LockHolder;
  /** Whether the process may still be running: true unless it is on this machine and gone. */
  alive: boolean;
}

/** `holder-<pid>-<hex>.json`: the pid is in the name, so a record cut short by a kill still names it. */
const RECORD_NAME = /^holder-(\d+)-[0-9a-f]+\.json$/;

async function readRecord(path: string, pidFromName: number | undefined): Promise<HolderRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined; // released since the listing
  }
  let holder: LockHolder | undefined;
  try {
    const data = JSON.parse(text) as Partial<LockHolder>;
    if (typeof data.pid === 'number' && typeof data.host === 'string') {
      holder = { pid: data.pid, host: data.host, startedAt: String(data.startedAt ?? ''), command: String(data.command ?? '') };
    }
  } catch {
    // cut short: a process of this machine killed while writing a few hundred bytes (or writing
    // them now, which isAlive tells)
  }
  if (holder === undefined) {
    if (pidFromName === undefined) return undefined;
    holder = { pid: pidFromName, host: hostname(), startedAt: '', command: '' };
  }
  return { path, holder, alive: holder.host !== hostname() || isAlive(holder.pid) };
}

/** The records beside the lock, other than `own`; the record of earlier versions (`.holder.json`) too. */
async function otherRecords(target: string, own: string): Promise<HolderRecord[]> {
  const dir = dirname(target);
  const prefix = `${basename(target)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  const records: HolderRecord[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const path = join(dir, name);
    if (path === own) continue;
    const match = RECORD_NAME.exec(rest);
    if (match === null && rest !== 'holder.json') continue;
    const record = await readRecord(path, match === null ? undefined : Number(match[1]));
    if (record !== undefined) records.push(record);
  }
  return records;
}

/** Removes the records of dead processes (best effort: another run may be removing them too). */
async function removeDead(records: readonly HolderRecord[]): Promise<void> {
  await Promise.all(records.filter((record) => !record.alive).map((record) => rm(record.path, { force: true }).catch(() => undefined)));
}

/** Acquire the mirror's lock or throw LockError naming the holder. */
export async function acquireLock(target: string, command: string): Promise<HeldLock> {
  const lockPath = `${target}.lock`;
  await mkdir(dirname(target), { recursive: true });
  const own: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  const ownPath = `${target}.holder-${process.pid}-${randomBytes(6).toString('hex')}.json`;
  await writeFile(ownPath, `${JSON.stringify(own)}\n`);
  const options = { realpath: false, stale: STALE_MS, update: STALE_MS / 4, retries: 0, lockfilePath: lockPath, onCompromised: () => undefined };
  let tookOverFrom: LockHolder | undefined;
  let release: () => Promise<void>;
  try {
    try {
      release = await lockfile.lock(target, options);
      // Records left by runs killed before they got or after they lost the lock: tidy them.
      await removeDead(await otherRecords(target, ownPath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') {
        throw new LockError(`cannot lock the mirror (${lockPath}): ${(error as Error).message}`, { cause: error });
      }
      const records = await otherRecords(target, ownPath);
      const living = records.find((record) => record.alive);
      if (living !== undefined || records.length === 0) {
        // A live process holds it (or is about to), or a lock with no record at all: not ours to take.
        const who = living === undefined ? 'another process' : `process ${living.holder.pid} on ${living.holder.host} (${living.holder.command}, since ${living.holder.startedAt})`;
        throw new LockError(`the mirror is locked by ${who}`, {
          hint: `wait for that run to finish; if it is gone, remove ${lockPath}`,
        });
      }
      // Every run that took or tried to take the lock is dead (SIGKILL, power loss): so is its holder.
      await rm(lockPath, { recursive: true, force: true });
      release = await lockfile.lock(target, options).catch((retryError: unknown) => {
        throw new LockError(`cannot lock the mirror (${lockPath}): ${(retryError as Error).message}`, { cause: retryError });
      });
      tookOverFrom = records[0]?.holder;
      await removeDead(records);
    }
  } catch (error) {
    await rm(ownPath, { force: true });
    throw error;
  }
  return {
    tookOverFrom,
    async release() {
      await release();
      await rm(ownPath, { force: true });
    },
  };
}
