/**
 * A set of string ids in bounded, compact memory: each id is kept as a 64-bit hash (two 32-bit
 * halves) plus the 1-based line where it was first seen, in an open-addressing table of typed
 * arrays — 12 bytes a slot instead of a JS string per id. Two different ids are taken as equal only
 * if both 32-bit hashes collide (about 1 in 10^6 for 10 million ids).
 */
export class IdSet {
  private h1: Uint32Array;
  private h2: Uint32Array;
  private where: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialSlots = 1 << 12) {
    let n = 1;
    while (n < initialSlots) n <<= 1;
    this.h1 = new Uint32Array(n);
    this.h2 = new Uint32Array(n);
    this.where = new Uint32Array(n);
    this.mask = n - 1;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Add `id` first seen at `line` (>= 1). Returns 0 when new, else the line where it was first seen.
   */
  add(id: string, line: number): number {
    let a = 0x811c9dc5;
    let b = 0x9747b28c;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    a ^= a >>> 16;
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
    b ^= b >>> 16;
    a >>>= 0;
    b = (b | 1) >>> 0; // never 0: 0 marks an empty slot
    let i = a & this.mask;
    for (;;) {
      const s = this.h2[i]!;
      if (s === 0) break;
      if (s === b && this.h1[i] === a) return this.where[i]!;
      i = (i + 1) & this.mask;
    }
    this.h1[i] = a;
    this.h2[i] = b;
    this.where[i] = line;
    this.count++;
    if (this.count * 4 > this.h2.length * 3) this.grow();
    return 0;
  }

  private grow(): void {
    const { h1, h2, where } = this;
    const n = h2.length * 2;
    this.h1 = new Uint32Array(n);
    this.h2 = new Uint32Array(n);
    this.where = new Uint32Array(n);
    this.mask = n - 1;
    for (let j = 0; j < h2.length; j++) {
      const b = h2[j]!;
      if (b === 0) continue;
      const a = h1[j]!;
      let i = a & this.mask;
      while (this.h2[i] !== 0) i = (i + 1) & this.mask;
      this.h1[i] = a;
      this.h2[i] = b;
      this.where[i] = where[j]!;
    }
  }
}
