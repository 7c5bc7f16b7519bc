/**
 * Output files (`-o`, `--rejects`, `--config-out`, `--split` parts), written where their path
 * points:
 *
 * - a new or existing regular file is written to a temporary file beside it and renamed into
 *   place when the run succeeds (a failed run leaves no half file); an existing file keeps its
 *   permission bits (and, where allowed, its owner);
 * - a symbolic link is followed: the temporary file goes beside the target and replaces it, so the
 *   link stays a link (renaming onto the link itself would have replaced the link);
 * - anything else that exists (a character device such as /dev/null, a FIFO, a socket,
 *   /dev/stdout, /dev/fd/N) is written through as a stream: replacing it with a regular file would
 *   destroy it, and whoever reads it would get nothing.
 */
import { constants, createWriteStream, openSync, type WriteStream } from 'node:fs';
import { chmod, chown, lstat, open, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { connect, Socket } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { AnnoconvError, diag } from './diagnostics.js';
import { StreamSink, writeError, type OutputSink } from './io.js';
import { OWNER } from './stale-temps.js';
import { registerTemp, unregisterTemp } from './cleanup.js';

/** Where an output path leads. */
type Destination =
  | { kind: 'fd'; fd: number }
  | { kind: 'socket' }
  | { kind: 'fifo' }
  | { kind: 'special' }
  | { kind: 'file'; target: string; keep?: { mode: number; uid: number; gid: number } };

/** The descriptor a path names (/dev/stdout, /dev/fd/3, /proc/self/fd/3), or undefined. */
export function descriptorOf(path: string): number | undefined {
  const p = resolve(path);
  const named: Record<string, number> = { '/dev/stdin': 0, '/dev/stdout': 1, '/dev/stderr': 2 };
  if (named[p] !== undefined) return named[p];
  const m = /^\/(?:dev\/fd|proc\/self\/fd)\/(\d{1,9})$/.exec(p);
  return m ? Number(m[1]) : undefined;
}

/** Follows a chain of symbolic links whose last target does not exist yet (at most 40, as the kernel). */
async function danglingTarget(path: string): Promise<string> {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    const st = await lstat(p).catch(() => undefined);
    if (!st?.isSymbolicLink()) return p;
    p = resolve(dirname(p), await readlink(p));
  }
  return p;
}

async function destinationOf(path: string): Promise<Destination> {
  const fd = descriptorOf(path);
  if (fd !== undefined) return { kind: 'fd', fd };
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw writeError(path, e);
  });
  if (!st) return { kind: 'file', target: await danglingTarget(path) };
  if (st.isDirectory()) throw new AnnoconvError(diag('OUTPUT_WRITE_FAILED', `${path} is a folder: give a file name`, { file: path }), 3);
  if (st.isSocket()) return { kind: 'socket' };
  if (st.isFIFO()) return { kind: 'fifo' };
  if (!st.isFile()) return { kind: 'special' };
  return { kind: 'file', target: await realpath(path), keep: { mode: st.mode & 0o777, uid: st.uid, gid: st.gid } };
}

/**
 * A sink over a stream that ends: closing waits until the last byte is handed to the file or
 * device. `stream` is the file itself, or a gzip stream piped into `file` (an output named `.gz`).
 */
class EndingSink extends StreamSink {
  constructor(name: string, stream: Writable, protected readonly file?: Writable) {
    super(name, stream, false);
    file?.on('error', (e) => stream.destroy(e));
  }

  private ended = false;

  /** Flushes, ends the stream and waits for the file (or device) to take everything. */
  protected async end(): Promise<void> {
    if (this.ended) return;
    await super.close();
    this.stream.end();
    try {
      await finished(this.file ?? this.stream);
    } catch (e) {
      throw writeError(this.name, e);
    }
    this.check();
    this.ended = true;
  }

  override async close(): Promise<void> {
    await this.end();
  }

  override async abort(): Promise<void> {
    await super.abort();
    this.stream.destroy();
    this.file?.destroy();
  }
}

/** A file written to a temporary file beside `target` and renamed onto it by `commit`. */
class AtomicFileSink extends EndingSink {
  constructor(
    name: string,
    private readonly target: string,
    private readonly tempPath: string,
    stream: Writable,
    file?: WriteStream,
  ) {
    super(name, stream, file);
  }

  override async close(): Promise<void> {
    await this.finish();
    await this.commit();
  }

  async finish(): Promise<void> {
    await this.end();
  }

  async commit(): Promise<void> {
    try {
      await rename(this.tempPath, this.target);
    } catch (e) {
      throw writeError(this.name, e);
    } finally {
      unregisterTemp(this.tempPath);
    }
  }

  async discard(): Promise<void> {
    await unlink(this.target).catch(() => undefined);
  }

  override async abort(): Promise<void> {
    await super.abort();
    await unlink(this.tempPath).catch(() => undefined);
    unregisterTemp(this.tempPath);
  }
}

/** Waits for a file stream to open; a failure becomes OUTPUT_WRITE_FAILED. */
function opened(stream: WriteStream, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (e) => reject(writeError(name, e)));
  });
}

/** `-o out.jsonl.gz`: compressed as written (level 6, gzip's default). */
function compressing(path: string, file: Writable): { stream: Writable; file?: Writable } {
  if (!/\.gz$/i.test(path)) return { stream: file };
  const gzip = createGzip();
  gzip.pipe(file);
  return { stream: gzip, file };
}

async function openAtomic(path: string, dest: Extract<Destination, { kind: 'file' }>): Promise<OutputSink> {
  // the temporary name stays within 255 bytes however long the output's name is
  const short = Buffer.from(basename(dest.target)).subarray(0, 120).toString('utf8');
  // named after its owner, so that a later run can remove it if this process is killed
  const tempPath = join(dirname(dest.target), `.${short}.${OWNER}-${randomBytes(4).toString('hex')}.tmp`);
  registerTemp(tempPath);
  const file = createWriteStream(tempPath);
  try {
    await opened(file, path);
    if (dest.keep) await keepAttributes(tempPath, dest.keep);
  } catch (e) {
    file.destroy();
    await unlink(tempPath).catch(() => undefined);
    unregisterTemp(tempPath);
    throw e instanceof AnnoconvError ? e : writeError(path, e);
  }
  const c = compressing(path, file);
  return new AtomicFileSink(path, dest.target, tempPath, c.stream, c.file as WriteStream | undefined);
}

/** The replaced file's permission bits, and its owner when this process may give it (root). */
async function keepAttributes(tempPath: string, keep: { mode: number; uid: number; gid: number }): Promise<void> {
  if (process.getuid?.() === 0) await chown(tempPath, keep.uid, keep.gid).catch(() => undefined);
  await chmod(tempPath, keep.mode);
}

/**
 * A FIFO waits for its reader. A blocking open() would hold a thread of the pool until one comes,
 * and Ctrl-C could not end the process: it is opened without blocking instead (ENXIO while there
 * is no reader), retried on the event loop where signals are handled, and written through a
 * socket, which copes with a non-blocking pipe as stdout does.
 */
async function openFifoForWriting(path: string): Promise<number> {
  for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
    try {
      return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENXIO') throw writeError(path, e);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** A device, FIFO, socket or descriptor, written through. */
async function openThrough(path: string, dest: Exclude<Destination, { kind: 'file' }>): Promise<OutputSink> {
  if (dest.kind === 'fd' && dest.fd === 1) return new StreamSink(path, process.stdout, true);
  let file: Writable;
  if (dest.kind === 'socket') {
    const socket = connect(path);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', (e) => reject(writeError(path, e)));
    });
    file = socket;
  } else if (dest.kind === 'fd') {
    // a descriptor the caller opened stays open for them (a library caller may use it after)
    file = createWriteStream('', { fd: dest.fd, autoClose: false });
  } else {
    // no O_CREAT or O_TRUNC: the device or FIFO is there
    const fifo = dest.kind === 'fifo' ? await openFifoForWriting(path) : undefined;
    if (fifo !== undefined) file = new Socket({ fd: fifo, readable: false, writable: true });
    else {
      const fh = await open(path, constants.O_WRONLY).catch((e: unknown) => {
        throw writeError(path, e);
      });
      file = fh.createWriteStream();
    }
  }
  const c = compressing(path, file);
  return new EndingSink(path, c.stream, c.file);
}

/**
 * Opens an output: stdout for '-' or undefined; otherwise as the module comment says. Failures
 * (no such folder, a folder given, no permission) are OUTPUT_WRITE_FAILED, exit 3.
 */
export async function openOutput(path: string | undefined): Promise<OutputSink> {
  if (path === undefined || path === '-') return new StreamSink('<stdout>', process.stdout, true);
  const dest = await destinationOf(path);
  return dest.kind === 'file' ? openAtomic(path, dest) : openThrough(path, dest);
}
