/**
 * Sharded runs (`--shard I/N`): the I-th of N disjoint parts of an input, so that N runs anywhere
 * together cover it exactly once. An item belongs to the shard where the SHA-256 of its key (the
 * item id; for `scan`, the file's path below the scanned folder), read as a number in [0, 1) and
 * multiplied by N, falls: stable across machines, runs and input order. Shards are numbered from 0.
 * Records without an id (rejected before an item could be built) belong to shard 0, so that each
 * is counted once over the N runs.
 */
import { createHash } from 'node:crypto';
import { AnnoconvError, diag } from './diagnostics.js';

/** One shard of N: `index` from 0 to `count - 1`. */
export interface Shard {
  index: number;
  count: number;
}

/** The shard (0 .. count - 1) an item key belongs to. */
export function shardOf(key: string, count: number): number {
  if (count === 1) return 0;
  const d = createHash('sha256').update('annoconv-shard\u0000').update(key).digest();
  // 48 bits: exact in a double, so the product never rounds up to `count`
  return Math.floor(d.readUIntBE(0, 6) * 2 ** -48 * count);
}

/** Whether an item key falls in the shard. */
export const inShard = (key: string, s: Shard): boolean => shardOf(key, s.count) === s.index;

/** The most shards a run may be split into. */
export const MAX_SHARDS = 1_000_000;

/** `I/N` as a shard; anything else is a usage error (OPTION_INVALID, exit 2). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d{1,7})\s*\/\s*(\d{1,7})\s*$/.exec(text);
  const bad = (why: string): never => {
    throw new AnnoconvError(diag('OPTION_INVALID', `--shard ${text}: ${why}`), 2);
  };
  if (!m) return bad('give I/N, two whole numbers, shards counted from 0 (0/4 .. 3/4)');
  return checkShard({ index: Number(m[1]), count: Number(m[2]) }, `--shard ${text}`);
}

/** A shard of the library's options, checked: 0 <= index < count <= MAX_SHARDS. */
export function checkShard(s: Shard, name = 'shard'): Shard {
  const bad = (why: string): never => {
    throw new AnnoconvError(diag('OPTION_INVALID', `${name}: ${why}`), 2);
  };
  if (!Number.isSafeInteger(s.count) || s.count < 1 || s.count > MAX_SHARDS) bad(`the number of shards must be a whole number from 1 to ${MAX_SHARDS}`);
  if (!Number.isSafeInteger(s.index) || s.index < 0 || s.index >= s.count) bad(`the shard must be a whole number from 0 to ${s.count - 1} (shards are counted from 0)`);
  return { index: s.index, count: s.count };
}
