/**
 * Line and column of a byte offset in a file, worked out only when a diagnostic needs them: the
 * readers of JSON documents place problems by byte offset (the scanner does not count lines, which
 * would cost every run), and this turns an offset into `line:column` by reading the file again
 * from the nearest point already counted. A run without diagnostics reads nothing more; each
 * question reads at most one block past the checkpoints (every 64 KiB of what has been scanned),
 * so even a single-line file of gigabytes answers thousands of questions quickly.
 */
import { closeSync, openSync, readSync } from 'node:fs';

const BLOCK = 64 * 1024;

interface Checkpoint {
  offset: number;
  /** 1-based line at `offset`. */
  line: number;
  /** Characters (code points) between the start of that line and `offset`. */
  col: number;
}

export class FileLocator {
  private readonly points: Checkpoint[] = [{ offset: 0, line: 1, col: 0 }];
  private readonly buf = Buffer.allocUnsafe(BLOCK);
  private bomChecked = false;

  constructor(private readonly path: string) {}

  /** A UTF-8 byte order mark is not a character of line 1: counting starts after it. */
  private skipBom(fd: number): void {
    this.bomChecked = true;
    const n = readSync(fd, this.buf, 0, 3, 0);
    if (n === 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.points[0] = { offset: 3, line: 1, col: 0 };
  }

  /** 1-based line and column (in characters) of `offset`, or undefined when the file cannot be read. */
  locate(offset: number): { line: number; column: number } | undefined {
    let fd: number | undefined;
    try {
      fd = openSync(this.path, 'r');
      if (!this.bomChecked) this.skipBom(fd);
      if (offset < this.points[0]!.offset) return { line: 1, column: 1 };
      let { offset: pos, line, col } = this.nearest(offset);
      while (pos < offset) {
        const n = readSync(fd, this.buf, 0, Math.min(BLOCK, offset - pos), pos);
        if (n <= 0) return undefined;
        let from = 0;
        for (let i = this.buf.indexOf(10, 0); i >= 0 && i < n; i = this.buf.indexOf(10, i + 1)) {
          line++;
          col = 0;
          from = i + 1;
        }
        for (let i = from; i < n; i++) if ((this.buf[i]! & 0xc0) !== 0x80) col++;
        pos += n;
        this.insert({ offset: pos, line, col });
      }
      return { line, column: col + 1 };
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
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
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.points[mid]!.offset < cp.offset) lo = mid + 1;
      else hi = mid;
    }
    if (this.points[lo]?.offset !== cp.offset) this.points.splice(lo, 0, cp);
  }
}
