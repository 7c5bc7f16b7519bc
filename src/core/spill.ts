/**
 * Temporary spill files for readers and writers that must reorder more data than memory should
 * hold (COCO's annotations joined to their images). One temp folder per run, registered for
 * removal on exit, error and signals; appends are buffered and written synchronously in large
 * blocks.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { openInput } from './io.js';
import { splitLines } from './lines.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerTemp, unregisterTemp } from './cleanup.js';
import { OWNER } from './stale-temps.js';
import { AnnoconvError, diag } from './diagnostics.js';

/** Temp-space failures are I/O errors of the run (exit 3), not bugs. */
function tempError(path: string, e: unknown): AnnoconvError {
  const msg = e instanceof Error ? e.message : String(e);
  return new AnnoconvError(diag('TEMP_WRITE_FAILED', `temporary file ${path}: ${msg}`, { file: path }), 3);
}

const FLUSH_AT = 64 * 1024;
const READ_PIECE = 1024 * 1024;

/** Options of one spill file. */
export interface SpillFileOptions {
  /**
   * Bytes gathered before a write (64 KiB by default). A reader that appends to hundreds of files
   * at once (COCO's partitions) takes smaller blocks, so that the blocks together stay small.
   */
  block?: number;
}


export class SpillFile {
  private fd: number | undefined;
  /**
   * Bytes gathered off the JS heap until a block is full: spilled text never lives as JS strings.
   * Allocated at the first append and released when the file is closed.
   */
  private block: Buffer | undefined;
  private readonly blockSize: number;
  private used = 0;
  /** Lines appended so far. */
  count = 0;

  constructor(
    readonly path: string,
    options: SpillFileOptions = {},
  ) {
    this.blockSize = options.block ?? FLUSH_AT;
  }

  /** Append one line (without its newline; it must not contain one). */
  append(line: string): void {
    this.appendParts(line);
  }

  /**
   * Append `prefix` then `raw` as one line; raw newlines (whitespace between JSON tokens: inside
   * strings they are invalid JSON) become spaces so the line stays one line.
   */
  appendParts(prefix: string, raw?: Buffer): void {
    const need = Buffer.byteLength(prefix) + (raw ? raw.length : 0) + 1;
    this.block ??= Buffer.allocUnsafeSlow(this.blockSize);
    if (this.used + need > this.block.length) this.flush();
    if (need > this.block.length) {
      this.writeOut(Buffer.concat([Buffer.from(prefix), raw ? oneLineBytes(raw) : Buffer.alloc(0), Buffer.from('\n')]));
    } else {
      this.used += this.block.write(prefix, this.used);
      if (raw) {
        const at = this.used;
        raw.copy(this.block, at);
        this.used += raw.length;
        if (raw.indexOf(10) >= 0 || raw.indexOf(13) >= 0) {
          for (let i = at; i < this.used; i++) if (this.block[i] === 10 || this.block[i] === 13) this.block[i] = 32;
        }
      }
      this.block[this.used++] = 10;
    }
    this.count++;
  }

  /** Append bytes as they are (binary records; no newline, not counted as a line). */
  appendBinary(bytes: Buffer): void {
    this.flush();
    this.writeOut(bytes);
    this.binary = true;
  }

  private binary = false;

  /**
   * Everything appended, in pieces of up to 1 MiB whose length is a multiple of `unit` (a piece is
   * valid only during the call).
   */
  eachBlock(unit: number, fn: (bytes: Buffer) => void): void {
    this.close();
    if (!this.binary && this.count === 0) return;
    this.reading((read) => {
      const piece = Buffer.allocUnsafeSlow(READ_PIECE - (READ_PIECE % unit));
      let have = 0;
      for (;;) {
        const got = read(piece, have);
        have += got;
        if (got === 0 || have === piece.length) {
          const whole = have - (have % unit);
          if (whole > 0) fn(piece.subarray(0, whole));
          piece.copy(piece, 0, whole, have);
          have -= whole;
          if (got === 0) break;
        }
      }
    });
  }

  /** Runs fn with a reader of this file (into buf from off, to its end), closing it after; I/O errors are temp errors. */
  private reading(fn: (read: (buf: Buffer, off: number) => number) => void): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (e) {
      throw tempError(this.path, e);
    }
    const read = (buf: Buffer, off: number): number => {
      try {
        return readSync(fd, buf, off, buf.length - off, null);
      } catch (e) {
        throw tempError(this.path, e);
      }
    };
    try {
      fn(read);
    } finally {
      closeSync(fd);
    }
  }

  flush(): void {
    if (this.used === 0 || !this.block) return;
    this.writeOut(this.block.subarray(0, this.used));
    this.used = 0;
  }

  private writeOut(bytes: Buffer): void {
    try {
      if (this.fd === undefined) {
        // a dataset of millions of images has thousands of partitions: keep few descriptors open
        // (the usual limit is 1,024 a process), closing the least recently opened
        if (openFiles.size >= MAX_OPEN) openFiles.values().next().value!.closeFd();
        this.fd = openSync(this.path, 'a');
        openFiles.add(this);
      }
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (e) {
      throw tempError(this.path, e);
    }
  }

  /** Everything appended, as lines (the file is read whole: callers keep spill files small). */
  lines(): string[] {
    this.close();
    return this.count === 0 ? [] : readSpillLines(this.path);
  }

  /**
   * Everything appended, line by line as bytes (without the newline), read in 1 MiB pieces: memory
   * holds one piece and one line whatever the file's size. A line is valid only during the call.
   */
  eachLine(fn: (line: Buffer) => void): void {
    this.close();
    if (this.count === 0) return;
    this.reading((read) => {
      let carry: Buffer | undefined;
      const piece = Buffer.allocUnsafe(READ_PIECE);
      for (;;) {
        const got = read(piece, 0);
        if (got === 0) break;
        const data = carry ? Buffer.concat([carry, piece.subarray(0, got)]) : piece.subarray(0, got);
        let start = 0;
        for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
          fn(data.subarray(start, nl));
          start = nl + 1;
        }
        // the rest of a line continues in the next piece (copied: the piece is reused)
        carry = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
      }
      if (carry && carry.length) fn(carry);
    });
  }

  /** The path to read the lines from elsewhere (a worker thread), or undefined when nothing was appended. */
  closedPath(): string | undefined {
    this.close();
    return this.count === 0 ? undefined : this.path;
  }

  /** Everything appended, line by line, streamed (for spill files too large to read whole). */
  async *stream(): AsyncGenerator<string> {
    this.close();
    if (this.count === 0) return;
    const input = await openInput(this.path);
    for await (const batch of splitLines(input.chunks(), Number.MAX_SAFE_INTEGER)) {
      for (const l of batch.lines) if (l.length > 0) yield l;
    }
  }

  close(): void {
    this.flush();
    this.closeFd();
    this.block = undefined;
  }

  private closeFd(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    openFiles.delete(this);
  }
}

/** Spill files with an open descriptor, oldest first. */
const openFiles = new Set<SpillFile>();

/**
 * At most this many spill files keep a descriptor open: half the process's soft limit (read from
 * /proc/self/limits; 128 where it cannot be read), at most 4,096. Below the number of files being
 * appended to, every flush reopens a file (measured: 29,534 opens on a 600,000-image COCO file
 * with a cap of 128).
 */
const MAX_OPEN = openFileCap();

/** How many spill files may keep a descriptor open at once in this process. */
export const SPILL_MAX_OPEN = MAX_OPEN;

function openFileCap(): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'latin1'));
    if (m) return m[1] === 'unlimited' ? 4096 : Math.max(64, Math.min(4096, Math.floor(Number(m[1]) / 2)));
  } catch {
    // not Linux: the conservative default
  }
  return 128;
}

export class SpillDir {
  readonly path: string;
  private files: SpillFile[] = [];

  /** `prefix` is `annoconv-` and a word or two (`annoconv-coco-`); the owner's pid is added after it. */
  constructor(prefix = 'annoconv-') {
    try {
      // named after its owner, so that a later run can remove it if this process is killed
      this.path = mkdtempSync(join(tmpdir(), `${prefix}${OWNER}-`));
    } catch (e) {
      throw tempError(join(tmpdir(), prefix + '*'), e);
    }
    registerTemp(this.path);
  }

  file(name: string, options?: SpillFileOptions): SpillFile {
    const f = new SpillFile(join(this.path, name), options);
    this.files.push(f);
    return f;
  }

  /** Close and remove everything. */
  remove(): void {
    for (const f of this.files) {
      try {
        f.close();
      } catch {
        // already closed or never opened
      }
    }
    rmSync(this.path, { recursive: true, force: true });
    unregisterTemp(this.path);
  }
}

/** The lines of a closed spill file (read whole). */
export function readSpillLines(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw tempError(path, e);
  }
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

/** Raw JSON text made safe for one line: a raw newline can only be whitespace between tokens. */
export function oneLine(raw: string): string {
  return raw.indexOf('\n') < 0 && raw.indexOf('\r') < 0 ? raw : raw.replace(/[\r\n]/g, ' ');
}

function oneLineBytes(raw: Buffer): Buffer {
  if (raw.indexOf(10) < 0 && raw.indexOf(13) < 0) return raw;
  const copy = Buffer.from(raw);
  for (let i = 0; i < copy.length; i++) if (copy[i] === 10 || copy[i] === 13) copy[i] = 32;
  return copy;
}
