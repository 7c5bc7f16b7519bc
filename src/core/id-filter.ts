/**
 * Duplicate detection among numeric ids in a fixed amount of memory, whatever their number: a
 * Bloom filter of 8 MB answers "certainly new" for almost every id, and the ids it cannot clear
 * ("suspects") are confirmed or cleared exactly afterwards, against a log of every id in order
 * kept in a temporary file (8 bytes an id, on disk). At 8 million ids about 2% are suspects; at
 * 1.4 million, almost none.
 *
 * Use: `add(id)` for every id in order; where it returns true the caller sets the record aside
 * with its sequence number (`seq` before the call); after the last id, `firstSeen(ids)` gives the
 * sequence number of each suspect id's first occurrence: a record is a duplicate exactly when its
 * own sequence number is greater.
 */
import type { SpillFile } from './spill.js';

/** 2^26 bits (8 MB), 5 probes: 1.8% false suspects at 8 million ids, 0.02% at 4 million. */
const BITS_LOG2 = 26;
const PROBES = 5;
const LOG_BLOCK = 8192;

/**
 * The filter's size as a power of two bits: 26, or ANNOCONV_ID_FILTER_BITS (5-26), which only tests
 * set, to send almost every id through the confirmation path.
 */
function bitsLog2(): number {
  const env = Number(process.env.ANNOCONV_ID_FILTER_BITS);
  return Number.isInteger(env) && env >= 5 && env <= BITS_LOG2 ? env : BITS_LOG2;
}

export class IdFilter {
  private readonly mask = (1 << bitsLog2()) - 1;
  private readonly bits = new Int32Array((this.mask + 1) >>> 5);
  private readonly block = new Float64Array(LOG_BLOCK);
  private used = 0;
  /** Ids added so far: the next id's sequence number. */
  seq = 0;

  /** `log` receives every id as 8 bytes (little-endian float64), in order. */
  constructor(private readonly log: SpillFile) {}

  /** Record `id` (a safe integer); true when it may have been added before. */
  add(id: number): boolean {
    const lo = id >>> 0;
    const hi = Math.floor(id / 4294967296) | 0;
    let a = Math.imul(lo ^ 0x811c9dc5, 0x01000193) ^ Math.imul(hi ^ 0x5bd1e995, 0x27d4eb2d);
    a = Math.imul(a ^ (a >>> 15), 0x85ebca6b);
    a ^= a >>> 13;
    let b = Math.imul(lo + 0x9747b28c, 0x5bd1e995) + Math.imul(hi ^ 0x165667b1, 0x85ebca6b);
    b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
    b = (b ^ (b >>> 16)) | 1;
    const mask = this.mask;
    let seen = true;
    for (let k = 0; k < PROBES; k++) {
      const bit = (a + Math.imul(k, b)) & mask;
      const w = bit >>> 5;
      const m = 1 << (bit & 31);
      if ((this.bits[w]! & m) === 0) {
        seen = false;
        this.bits[w] = this.bits[w]! | m;
      }
    }
    this.block[this.used++] = id;
    this.seq++;
    if (this.used === LOG_BLOCK) this.flushLog();
    return seen;
  }

  private flushLog(): void {
    if (this.used === 0) return;
    this.log.appendBinary(Buffer.from(this.block.buffer, 0, this.used * 8));
    this.used = 0;
  }

  /** For each id of `ids`, the sequence number of its first occurrence (read back from the log). */
  firstSeen(ids: Set<number>): Map<number, number> {
    this.flushLog();
    const first = new Map<number, number>();
    let seq = 0;
    this.log.eachBlock(8, (bytes) => {
      const view = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
      for (let k = 0; k < view.length; k++, seq++) {
        const id = view[k]!;
        if (ids.has(id) && !first.has(id)) first.set(id, seq);
      }
    });
    return first;
  }
}
