/**
 * Line and column of a byte offset in a file, worked out only when a diagnostic needs them: the
 * readers of JSON documents place problems by byte offset (the scanner does not count lines, which
 * would cost every run), and this turns an offset into `line:column` by reading the file again
 * from the nearest point already counted. A run without diagnostics reads nothing more; a run with
 * many reads each part of the file at most about once (checkpoints every 1 MiB).
 */
import { closeSync, openSync, readSync } from 'node:fs';

const BLOCK = 1024 * 1024;

interface Checkpoint {
  offset: number;
  /** 1-based line at `offset`. */
  line: number;
  /** Offset of the first byte of that line. */
  lineStart: number;
}

export class FileLocator {
  private readonly points: Checkpoint[] = [{ offset: 0, line: 1, lineStart: 0 }];
  private readonly buf = Buffer.allocUnsafe(BLOCK);

  constructor(private readonly path: string) {}

  /** 1-based line and column (in characters) of `offset`, or undefined when the file cannot be read. */
  locate(offset: number): { line: number; column: number } | undefined {
    let fd: number | undefined;
    try {
      fd = openSync(this.path, 'r');
      let cp = this.nearest(offset);
      let { line, lineStart } = cp;
      let pos = cp.offset;
      while (pos < offset) {
        const want = Math.min(BLOCK, offset - pos);
        const n = readSync(fd, this.buf, 0, want, pos);
        if (n <= 0) return undefined;
        for (let i = this.buf.indexOf(10, 0); i >= 0 && i < n; i = this.buf.indexOf(10, i + 1)) {
          line++;
          lineStart = pos + i + 1;
        }
        pos += n;
        if (n === BLOCK && pos < offset) {
          cp = { offset: pos, line, lineStart };
          this.insert(cp);
        }
      }
      return { line, column: this.chars(fd, lineStart, offset) + 1 };
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Characters (code points) between two offsets of one line: UTF-8 continuation bytes do not count. */
  private chars(fd: number, from: number, to: number): number {
    let count = 0;
    for (let pos = from; pos < to; ) {
      const n = readSync(fd, this.buf, 0, Math.min(BLOCK, to - pos), pos);
      if (n <= 0) break;
      for (let i = 0; i < n; i++) if ((this.buf[i]! & 0xc0) !== 0x80) count++;
      pos += n;
    }
    return count;
  }

  private nearest(offset: number): Checkpoint {
    let lo = 0;
    let hi = this.points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.points[mid]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.points[lo]!;
  }

  private insert(cp: Checkpoint): void {
    let i = this.points.length;
    while (i > 0 && this.points[i - 1]!.offset > cp.offset) i--;
    if (this.points[i - 1]?.offset !== cp.offset) this.points.splice(i, 0, cp);
  }
}
