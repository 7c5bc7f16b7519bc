/**
 * Inputs and outputs: files, stdin/stdout, peeking for detection, buffered writing with
 * backpressure and quiet handling of a closed stdout pipe. Output files are opened in output.ts.
 */
import { constants, fstatSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { open, stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { AnnoconvError, diag, type Diagnostic } from './diagnostics.js';
import { gunzipIfNeeded } from './gzip.js';
import { FileLocator } from './locate.js';

// 64 KiB reads: measured against 128 KiB, 256 KiB and 1 MiB on a 1.1 GB file: as fast, with
// 20 MiB less peak RSS than 256 KiB (larger reads keep more garbage resident between collections).

const CHUNK = 64 * 1024;

/** A readable input: a file or stdin. `chunks()` may be consumed once; `peek()` does not consume. */
export interface InputSource {
  name: string;
  path?: string;
  size?: number;
  /** A folder (VOC and YOLO trees): readers that take folders walk `path`; it has no bytes. */
  directory?: boolean;
  /** Bytes handed out by `chunks()` so far (for progress). */
  bytesRead: number;
  /** Problems met below the format (a broken gzip stream), reported by the pipeline after reading. */
  problems?: Diagnostic[];
  /** The line ending of the first line break read so far (undefined before one is read). */
  newline?: '\n' | '\r\n';
  /** Line and column of a byte offset (files read as they are, not stdin or gzip). */
  locate?(offset: number): { line: number; column: number } | undefined;
  peek(bytes: number): Promise<Buffer>;
  chunks(): AsyncIterable<Buffer>;
}

class StreamInput implements InputSource {
  bytesRead = 0;
  problems: Diagnostic[] = [];
  newline: '\n' | '\r\n' | undefined;
  private lastByte: number | undefined;
  private head: Buffer[] = [];
  private headLen = 0;
  private iter: AsyncIterator<Buffer> | undefined;
  private done = false;

  private locator: FileLocator | undefined;
  private compressed = false;

  constructor(
    readonly name: string,
    private readonly open: () => AsyncIterable<Buffer>,
    readonly path?: string,
    public size?: number,
    private readonly maxInflated?: number,
  ) {}

  locate(offset: number): { line: number; column: number } | undefined {
    if (this.path === undefined || this.compressed) return undefined;
    this.locator ??= new FileLocator(this.path);
    return this.locator.locate(offset);
  }

  private iterator(): AsyncIterator<Buffer> {
    this.iter ??= gunzipIfNeeded(this.open(), this.name, (d) => this.problems.push(d), () => {
      this.size = undefined; // the file size no longer measures progress through the inflated bytes
      this.compressed = true; // nor do offsets point into the file
    }, this.maxInflated)[Symbol.asyncIterator]();
    return this.iter;
  }

  private async next(): Promise<Buffer | undefined> {
    if (this.done) return undefined;
    try {
      const r = await this.iterator().next();
      if (r.done) {
        this.done = true;
        return undefined;
      }
      return typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    } catch (e) {
      throw readError(this.name, e);
    }
  }

  async peek(bytes: number): Promise<Buffer> {
    while (this.headLen < bytes) {
      const c = await this.next();
      if (!c) break;
      this.head.push(c);
      this.headLen += c.length;
    }
    const all = Buffer.concat(this.head);
    return all.subarray(0, bytes);
  }

  /** Notes the first line ending (a CR ending the chunk before counts). */
  private noteNewline(c: Buffer): void {
    const i = c.indexOf(0x0a);
    if (i < 0) {
      if (c.length) this.lastByte = c[c.length - 1];
      return;
    }
    this.newline = (i > 0 ? c[i - 1] : this.lastByte) === 0x0d ? '\r\n' : '\n';
  }

  async *chunks(): AsyncIterable<Buffer> {
    try {
      for (const c of this.head) {
        this.bytesRead += c.length;
        if (this.newline === undefined) this.noteNewline(c);
        yield c;
      }
      this.head = [];
      this.headLen = 0;
      for (;;) {
        const c = await this.next();
        if (!c) return;
        this.bytesRead += c.length;
        if (this.newline === undefined) this.noteNewline(c);
        yield c;
      }
    } finally {
      // a reader that stops early (an error, --on-invalid fail) closes the file now, not at collection
      if (!this.done) {
        this.done = true;
        await this.iter?.return?.(undefined).catch(() => undefined);
      }
    }
  }
}

function readError(name: string, e: unknown): AnnoconvError {
  if (e instanceof AnnoconvError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new AnnoconvError(diag('INPUT_READ_FAILED', `reading ${name} failed: ${msg}`, { file: name }), 3);
}

/** Limits on reading an input. */
export interface InputLimits {
  /** Most bytes a gzip input may inflate to (default: DEFAULT_MAX_INFLATED_SIZE of options.ts). */
  maxInflatedSize?: number;
}

/** Open a file path, or stdin for '-' / undefined. Missing files fail here with exit code 3. */
export async function openInput(path: string | undefined, limits: InputLimits = {}): Promise<InputSource> {
  const max = limits.maxInflatedSize;
  if (path === undefined || path === '-') {
    // stdin redirected from a file has a size: readers that size tables from it can use it
    let size: number | undefined;
    try {
      const st = fstatSync(0);
      if (st.isFile()) size = st.size;
    } catch {
      // no stdin at all: reading it will say so
    }
    return new StreamInput('<stdin>', () => process.stdin, undefined, size, max);
  }
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) return directoryInput(path);
    // a named pipe (mkfifo, <(command)): read as a stream, never by position; no path, so that
    // nothing opens it again to count lines (a second open would wait for a writer for ever)
    if (st.isFIFO()) return new StreamInput(path, () => readPipeChunks(path), undefined, undefined, max);
    size = st.size;
  } catch (e) {
    if (e instanceof AnnoconvError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown';
    throw new AnnoconvError(diag('INPUT_NOT_FOUND', `cannot open ${path} (${code})`, { file: path }), 3);
  }
  return new StreamInput(path, () => readFileChunks(path), path, size, max);
}

/** A folder as an input: no bytes; reading it as a file is an error that names it. */
function directoryInput(path: string): InputSource {
  const refuse = (): never => {
    throw new AnnoconvError(diag('INPUT_NOT_FOUND', `${path} is a directory: this format reads files (VOC and YOLO read folders)`, { file: path }), 3);
  };
  return {
    name: path,
    path,
    directory: true,
    bytesRead: 0,
    peek: async () => Buffer.alloc(0),
    // eslint-disable-next-line require-yield
    chunks: async function* () {
      refuse();
    },
  };
}

/**
 * A file's bytes in CHUNK-sized buffers, with the next reads already in flight while the caller
 * works on the current one (waiting for each 64 KiB read in turn left the CPU idle ~10% of a run).
 */
async function* readFileChunks(path: string): AsyncGenerator<Buffer> {
  const AHEAD = 4;
  const fh = await open(path, 'r');
  let position = 0;
  const queue: Promise<{ bytesRead: number; buffer: Buffer }>[] = [];
  const issue = (): void => {
    queue.push(fh.read(Buffer.allocUnsafe(CHUNK), 0, CHUNK, position));
    position += CHUNK;
  };
  try {
    for (let k = 0; k < AHEAD; k++) issue();
    for (;;) {
      const { bytesRead, buffer } = await queue.shift()!;
      if (bytesRead === 0) return;
      issue();
      yield bytesRead < CHUNK ? buffer.subarray(0, bytesRead) : buffer;
      if (bytesRead < CHUNK) return;
    }
  } finally {
    await Promise.allSettled(queue);
    await fh.close();
  }
}

/**
 * A named pipe's bytes. Opened without blocking (a pipe with no writer yet would otherwise hold a
 * thread, and Ctrl-C, until one comes) and read through a socket, which waits for data the way
 * stdin does.
 */
async function* readPipeChunks(path: string): AsyncGenerator<Buffer> {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const socket = new Socket({ fd, readable: true, writable: false });
  try {
    for await (const chunk of socket as AsyncIterable<Buffer>) yield chunk;
  } finally {
    socket.destroy();
  }
}

/** An input over any async source of byte chunks; a failure while reading becomes INPUT_READ_FAILED. */
export function streamInput(name: string, open: () => AsyncIterable<Buffer>, size?: number, limits: InputLimits = {}): InputSource {
  return new StreamInput(name, open, undefined, size, limits.maxInflatedSize);
}

/** An input made from bytes in memory (library use and tests). */
export function bufferInput(data: Buffer | string, name = '<memory>', limits: InputLimits = {}): InputSource {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const chunks = async function* (): AsyncGenerator<Buffer> {
    for (let i = 0; i < buf.length; i += CHUNK) yield buf.subarray(i, i + CHUNK);
  };
  return new StreamInput(name, chunks, undefined, undefined, limits.maxInflatedSize);
}

/** Raised when the reader of stdout went away (`| head`): the run ends quietly. */
export class PipeClosedError extends Error {
  constructor() {
    super('output pipe closed');
    this.name = 'PipeClosedError';
  }
}

/** Buffered output with backpressure. Data goes through `write`; `flush` awaits the device. */
export interface OutputSink {
  readonly name: string;
  write(data: string | Buffer): void;
  /** Push buffered data out when enough has gathered; awaits backpressure. */
  flush(force?: boolean): Promise<void>;
  /** Flush everything and finish (rename a temp file into place). */
  close(): Promise<void>;
  /** Give up: remove a temp file, leave nothing behind. */
  abort(): Promise<void>;
  /** Files only: complete the temp file and close it, without putting it in place yet. */
  finish?(): Promise<void>;
  /** Files only: after finish(), rename the temp file into place. */
  commit?(): Promise<void>;
  /** Files only: after commit(), remove the file put in place (a later output of the run failed). */
  discard?(): Promise<void>;
}

const FLUSH_AT = 256 * 1024;

/** Buffered writing to a Node stream with backpressure; EPIPE on stdout becomes PipeClosedError. */
export class StreamSink implements OutputSink {
  private parts: (string | Buffer)[] = [];
  private size = 0;
  private failure: Error | undefined;

  constructor(
    readonly name: string,
    protected readonly stream: Writable,
    private readonly isStdout: boolean,
  ) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      this.failure = this.isStdout && e.code === 'EPIPE' ? new PipeClosedError() : writeError(name, e);
    });
  }

  write(data: string | Buffer): void {
    this.parts.push(data);
    this.size += data.length;
  }

  protected check(): void {
    if (this.failure) throw this.failure;
  }

  async flush(force = false): Promise<void> {
    this.check();
    if (!force && this.size < FLUSH_AT) return;
    if (this.size === 0) return;
    const parts = this.parts;
    this.parts = [];
    this.size = 0;
    const chunk = parts.length === 1
      ? parts[0]!
      : parts.every((p) => typeof p === 'string')
      ? (parts as string[]).join('')
      : Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    const ok = this.stream.write(chunk);
    if (!ok) await this.drain();
    this.check();
  }

  private drain(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }

  async close(): Promise<void> {
    await this.flush(true);
  }

  async abort(): Promise<void> {
    this.parts = [];
    this.size = 0;
  }
}

/** OUTPUT_WRITE_FAILED (exit 3) naming the output and the system's reason. */
export function writeError(name: string, e: unknown): AnnoconvError {
  const msg = e instanceof Error ? e.message : String(e);
  return new AnnoconvError(diag('OUTPUT_WRITE_FAILED', `writing ${name} failed: ${msg}`, { file: name }), 3);
}

/**
 * A whole file named inside a folder the user gave (VOC XML, YOLO labels): opened without blocking,
 * so that a FIFO among them fails at once ("not a regular file") instead of waiting for a writer.
 */
export async function readRegularFile(path: string): Promise<Buffer> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await fh.stat()).isFile()) throw new Error(`${path} is not a regular file (a pipe, socket or device)`);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/** A sink that keeps everything in memory (library use and tests). */
export class MemorySink implements OutputSink {
  readonly name = '<memory>';
  private parts: (string | Buffer)[] = [];
  write(data: string | Buffer): void {
    this.parts.push(data);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
  async abort(): Promise<void> {
    this.parts = [];
  }
  text(): string {
    return this.parts.map((p) => p.toString()).join('');
  }
}
