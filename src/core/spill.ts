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


export class SpillFile {
  private fd: number | undefined;
  /** Bytes gathered off the JS heap until a block is full: spilled text never lives as JS strings. */
  private block = Buffer.allocUnsafe(FLUSH_AT);
  private used = 0;
  /** Lines appended so far. */
  count = 0;

  constructor(readonly path: string) {}

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

  flush(): void {
    if (this.used === 0) return;
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
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (e) {
      throw tempError(this.path, e);
    }
    try {
      let carry: Buffer | undefined;
      const piece = Buffer.allocUnsafe(READ_PIECE);
      for (;;) {
        let got: number;
        try {
          got = readSync(fd, piece, 0, READ_PIECE, null);
        } catch (e) {
          throw tempError(this.path, e);
        }
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
    } finally {
      closeSync(fd);
    }
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
  }

  private closeFd(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    openFiles.delete(this);
  }
}

/** Spill files with an open descriptor, oldest first. */
const openFiles = new Set<SpillFile>();
const MAX_OPEN = 128;

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

  file(name: string): SpillFile {
    const f = new SpillFile(join(this.path, name));
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
