/** Spill files: many partitions written in turn keep few descriptors open and lose no line. */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { SpillDir } from '../src/core/spill.js';

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('spill files', () => {
  it('600 files appended in turn, past the open-descriptor cap, give back every line in order', () => {
    const dir = new SpillDir('annoconv-test-');
    try {
      const files = Array.from({ length: 600 }, (_, i) => dir.file(`p-${i}`));
      const before = openDescriptors();
      // lines long enough that every file flushes several times, interleaved across all files
      const line = (f: number, k: number): string => `${f}\t${k}\t` + 'x'.repeat(3000 + ((f * 7 + k) % 50));
      let peak = 0;
      for (let k = 0; k < 60; k++) {
        for (let f = 0; f < files.length; f++) files[f]!.appendParts(`${f}\t${k}\t`, Buffer.from(line(f, k).slice(`${f}\t${k}\t`.length)));
        peak = Math.max(peak, openDescriptors() - before);
      }
      expect(peak).toBeLessThanOrEqual(128);
      for (const f of [0, 1, 299, 599]) {
        const lines = files[f]!.lines();
        expect(lines.length).toBe(60);
        lines.forEach((l, k) => expect(l).toBe(line(f, k)));
      }
    } finally {
      dir.remove();
    }
  });
});
