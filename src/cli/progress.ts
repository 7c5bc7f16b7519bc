/**
 * A one-line progress display on stderr, only when stderr is a terminal. Each phase has its own
 * counter: reading shows records, MB/s and the share of the file read; a later phase (the COCO
 * join) counts its own records against its total; a folder (scan) shows files per second.
 */
import type { InputSource } from '../core/io.js';
import type { RunStats } from '../core/pipeline.js';

export interface Progress {
  update(stats: RunStats, input: InputSource): void;
  clear(): void;
}

const NONE: Progress = { update() {}, clear() {} };
const n = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The text of the progress line (without the terminal's control sequences). */
export function progressText(stats: RunStats, input: InputSource, startedAt: number, now: number): string {
  const secs = (from: number): number => Math.max((now - from) / 1000, 0.001);
  const ph = stats.phase;
  if (ph) {
    const done = stats.read - ph.startRead;
    const of = ph.total !== undefined ? ` / ${n(ph.total)}` : '';
    const pct = ph.total ? ` ${((100 * done) / ph.total).toFixed(1)}%` : '';
    return `${input.name}: ${ph.name} ${n(done)}${of} ${ph.unit}${pct}  ${n(done / secs(ph.startedAt))} ${ph.unit}/s`;
  }
  if (input.directory) return `${input.name}: ${n(stats.read)} files  ${n(stats.read / secs(startedAt))} files/s`;
  const mbs = input.bytesRead / 1e6 / secs(startedAt);
  const pct = input.size ? ` ${((100 * input.bytesRead) / input.size).toFixed(1)}%` : '';
  return `${input.name}: reading ${n(stats.read)} records  ${mbs.toFixed(1)} MB/s${pct}`;
}

export function createProgress(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return NONE;
  const started = Date.now();
  let last = 0;
  let drawn = false;
  let phase: string | undefined;
  return {
    update(stats, input) {
      const now = Date.now();
      // a new phase is drawn at once; otherwise five times a second
      if (now - last < 200 && stats.phase?.name === phase) return;
      last = now;
      phase = stats.phase?.name;
      const cols = process.stderr.columns || 100;
      process.stderr.write(`\r\x1b[K${progressText(stats, input, started, now).slice(0, cols - 1)}`);
      drawn = true;
    },
    clear() {
      if (drawn) process.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}
