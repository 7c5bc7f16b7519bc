/** Spill files: many partitions written in turn keep few descriptors open and lose no line. */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { SPILL_MAX_OPEN, SpillDir } from '../src/core/spill.js';

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('spill files', () => {
  it(`${SPILL_MAX_OPEN + 50} files appended in turn, past the open-descriptor cap (half the process limit), give back every line in order`, () => {
    const dir = new SpillDir('annoconv-test-');
    try {
      const n = SPILL_MAX_OPEN + 50;
      const files = Array.from({ length: n }, (_, i) => dir.file(`p-${i}`, { block: 4096 }));
      const before = openDescriptors();
      // lines long enough that every file flushes several times, interleaved across all files
      const line = (f: number, k: number): string => `${f}\t${k}\t` + 'x'.repeat(1000 + ((f * 7 + k) % 50));
      let peak = 0;
      for (let k = 0; k < 16; k++) {
        for (let f = 0; f < files.length; f++) files[f]!.appendParts(`${f}\t${k}\t`, Buffer.from(line(f, k).slice(`${f}\t${k}\t`.length)));
        peak = Math.max(peak, openDescriptors() - before);
      }
      expect(SPILL_MAX_OPEN).toBeGreaterThanOrEqual(64);
      expect(peak).toBeLessThanOrEqual(SPILL_MAX_OPEN);
      for (const f of [0, 1, 299, n - 1]) {
        const lines = files[f]!.lines();
        expect(lines.length).toBe(16);
        lines.forEach((l, k) => expect(l).toBe(line(f, k)));
      }
    } finally {
      dir.remove();
    }
  });
});
