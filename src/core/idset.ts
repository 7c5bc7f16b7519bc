/**
 * A set of string ids in compact memory: each id is kept as a 64-bit hash (two 32-bit halves), 8
 * bytes a slot in typed arrays instead of a JS string per id (measured: about 10 bytes per id in
 * all, so 3.75 million ids take about 40 MB). Two different ids are taken as equal only if both
 * 32-bit hashes collide (about 1 in 10^6 for 10 million ids). Where an id was first seen is not
 * kept: that would cost 4 more bytes per id for a fact `grep -n` gives.
 *
 * The table is split into 256 shards that grow by 1.25x at 80% load, so memory stays within about
 * 1.4x of the ids held (no 2x doubling step, no large transient copy).
 */
const SHARDS = 256;
const MAX_LOAD = 0.8;
const GROWTH = 1.25;

/** Slots interleaved [h2, h1] so that a probe touches one cache line. */
class Shard {
  slots: Uint32Array;
  cap: number;
  count = 0;
  constructor(cap: number) {
    this.cap = cap;
    this.slots = new Uint32Array(cap * 2);
  }
}

/** Home slot of a hash in a shard of `cap` slots (multiply-shift on the low 24 bits). */
const home = (a: number, cap: number): number => Math.floor(((a & 0xffffff) * cap) / 0x1000000);


export class IdSet {
  private shards: Shard[];
  private total = 0;

  constructor(initialSlotsPerShard = 16) {
    this.shards = Array.from({ length: SHARDS }, () => new Shard(initialSlotsPerShard));
  }

  get size(): number {
    return this.total;
  }

  /**
   * Make room for about `n` ids at once. Growing shard by shard in small steps leaves the freed
   * arrays to the allocator's fragmentation (measured: ~40 MB more RSS for 3.75 million ids), so a
   * reader that can estimate its record count reserves up front.
   */
  reserve(n: number): void {
    const perShard = Math.ceil(n / SHARDS / (MAX_LOAD * 0.9));
    for (let i = 0; i < SHARDS; i++) {
      if (this.shards[i]!.cap < perShard) this.grow(i, perShard);
    }
  }

  /** Add a numeric id (an integer up to 2^53) without making a string of it; true when already in. */
  addNumber(n: number): boolean {
    const lo = n >>> 0;
    const hi = Math.floor(n / 4294967296) | 0;
    let a = Math.imul(lo ^ 0x811c9dc5, 0x01000193) ^ Math.imul(hi ^ 0x5bd1e995, 0x27d4eb2d);
    let b = Math.imul(lo + 0x9747b28c, 0x5bd1e995) + Math.imul(hi ^ 0x165667b1, 0x85ebca6b);
    return this.finish(a, b);
  }

  /** Add `id`; true when it was already in the set. */
  add(id: string): boolean {
    // Two independent 32-bit hashes, fed two UTF-16 units at a time, then avalanched.
    let a = 0x811c9dc5;
    let b = 0x9747b28c;
    const n = id.length;
    let k = 0;
    for (; k + 1 < n; k += 2) {
      const c = id.charCodeAt(k) | (id.charCodeAt(k + 1) << 16);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b + c, 0x5bd1e995);
    }
    if (k < n) {
      const c = id.charCodeAt(k);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b + c, 0x5bd1e995);
    }
    return this.finish(a ^ n, b);
  }

  /** Avalanche both halves, then insert; b is never 0 (0 marks an empty slot). */
  private finish(a: number, b: number): boolean {
    a ^= a >>> 16;
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    a = Math.imul(a, 0xc2b2ae35);
    a ^= a >>> 16;
    b ^= b >>> 15;
    b = Math.imul(b, 0x2c1b3c6d);
    b ^= b >>> 12;
    b = Math.imul(b, 0x297a2d39);
    b ^= b >>> 15;
    return this.insert(a >>> 0, (b | 1) >>> 0);
  }

  private insert(a: number, b: number): boolean {
    const s = this.shards[a >>> 24]!;
    const cap = s.cap;
    const slots = s.slots;
    let i = home(a, cap) * 2;
    const end = cap * 2;
    for (;;) {
      const v = slots[i]!;
      if (v === 0) break;
      if (v === b && slots[i + 1] === a) return true;
      i += 2;
      if (i === end) i = 0;
    }
    slots[i] = b;
    slots[i + 1] = a;
    s.count++;
    this.total++;
    if (s.count > cap * MAX_LOAD) this.grow(a >>> 24);
    return false;
  }

  private grow(index: number, size?: number): void {
    const old = this.shards[index]!;
    const next = new Shard(size ?? Math.ceil(old.cap * GROWTH) + 1);
    const cap = next.cap;
    const end = cap * 2;
    const from = old.slots;
    const to = next.slots;
    for (let j = 0; j < from.length; j += 2) {
      const b = from[j]!;
      if (b === 0) continue;
      const a = from[j + 1]!;
      let i = home(a, cap) * 2;
      while (to[i] !== 0) {
        i += 2;
        if (i === end) i = 0;
      }
      to[i] = b;
      to[i + 1] = a;
    }
    next.count = old.count;
    this.shards[index] = next;
  }
}
