/**
 * A map from safe integers (ids) to non-negative 32-bit integers (ordinals) in typed arrays: 12
 * bytes a slot, at most 75% full, so 16-32 bytes an entry, where a `Map<number, number>` costs
 * several times that in the JS heap and leaves its old tables to the collector as it grows.
 * Open addressing with linear probing; an empty slot holds the value -1.
 */
export class IntMap {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.keys = new Float64Array(cap);
    this.values = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  private slot(key: number): number {
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296) | 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    let i = h & this.mask;
    while (this.values[i] !== -1 && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  /** The value of `key`, or undefined. */
  get(key: number): number | undefined {
    const i = this.slot(key);
    return this.values[i] === -1 ? undefined : this.values[i];
  }

  has(key: number): boolean {
    return this.values[this.slot(key)] !== -1;
  }

  /** Set `key` (a safe integer) to `value` (0 .. 2^31 - 1). */
  set(key: number, value: number): void {
    let i = this.slot(key);
    if (this.values[i] === -1) {
      if ((this.count + 1) * 4 > (this.mask + 1) * 3) {
        this.grow();
        i = this.slot(key);
      }
      this.count++;
      this.keys[i] = key;
    }
    this.values[i] = value;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Float64Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2).fill(-1);
    this.mask = keys.length * 2 - 1;
    for (let k = 0; k < keys.length; k++) {
      if (values[k] === -1) continue;
      const i = this.slot(keys[k]!);
      this.keys[i] = keys[k]!;
      this.values[i] = values[k]!;
    }
  }
}
