// `sync --shard k/n`: split a mirror's documents between n runs (CI jobs, machines) so that each
// document belongs to exactly one shard, always the same one: by a hash of its id, which never
// changes once assigned. Pure.
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';

export interface Shard {
  /** 1-based: shard k of `k/n`. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new UsageError(`invalid shard "${text}": use k/n with 1 ≤ k ≤ n, e.g. --shard 1/4`);
  }
  return { index, count };
}

/** The shard (1..count) a document id belongs to. */
export function shardOf(id: string, count: number): number {
  const digest = createHash('sha256').update(id).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function inShard(id: string, shard: Shard | undefined): boolean {
  return shard === undefined || shard.count === 1 || shardOf(id, shard.count) === shard.index;
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
