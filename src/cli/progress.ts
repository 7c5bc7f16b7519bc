/** A one-line progress display on stderr, only when stderr is a terminal. */
import type { InputSource } from '../core/io.js';
import type { RunStats } from '../core/pipeline.js';

export interface Progress {
  update(stats: RunStats, input: InputSource): void;
  clear(): void;
}

const NONE: Progress = { update() {}, clear() {} };

export function createProgress(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return NONE;
  const started = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(stats, input) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const secs = Math.max((now - started) / 1000, 0.001);
      const mbs = input.bytesRead / 1e6 / secs;
      const pct = input.size ? ` ${((100 * input.bytesRead) / input.size).toFixed(1)}%` : '';
      process.stderr.write(`\r\x1b[K${input.name}: ${stats.read.toLocaleString('en-US')} records  ${mbs.toFixed(1)} MB/s${pct}`);
      drawn = true;
    },
    clear() {
      if (drawn) process.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}
