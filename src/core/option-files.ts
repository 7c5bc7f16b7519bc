/**
 * Files named by options (--categories, --task-map, --server-config, --gt, --annotto-config,
 * --annotto-items): regular files only.
 * A FIFO would wait for a writer, a device such as /dev/zero never ends, a folder has no text.
 * Files read whole are capped at MAX_OPTION_FILE_BYTES. Each file is checked with stat (which
 * never blocks on a FIFO) before it is opened, opened without blocking, checked again on the open
 * descriptor (the name may have changed in between), and read in chunks on the event loop, so
 * that Ctrl-C and SIGTERM are handled while it is read.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import type { Code } from './codes.js';
import { AnnoconvError, diag } from './diagnostics.js';
import type { Options } from './options.js';

/** Largest file an option names that is read whole into memory: 64 MiB. */
export const MAX_OPTION_FILE_BYTES = 64 * 1024 * 1024;

interface OptionFile {
  flag: string;
  /** Read whole into memory (capped), rather than streamed like an input (--gt). */
  whole: boolean;
  /** What a file that cannot be opened is: each option keeps the code it always had. */
  missing: { code: Code; exit: 2 | 3 };
}

/** The options that name files, by their key in `Options.format`. */
const OPTION_FILES: Record<string, OptionFile> = {
  categories: { flag: '--categories', whole: true, missing: { code: 'OPTION_INVALID', exit: 2 } },
  taskMap: { flag: '--task-map', whole: true, missing: { code: 'OPTION_INVALID', exit: 2 } },
  serverConfig: { flag: '--server-config', whole: true, missing: { code: 'CONFIG_NOT_FOUND', exit: 2 } },
  gt: { flag: '--gt', whole: false, missing: { code: 'OPTION_INVALID', exit: 2 } },
  annottoConfig: { flag: '--annotto-config', whole: true, missing: { code: 'OPTION_INVALID', exit: 2 } },
  annottoItems: { flag: '--annotto-items', whole: false, missing: { code: 'OPTION_INVALID', exit: 2 } },
  labelMap: { flag: '--labels', whole: true, missing: { code: 'OPTION_INVALID', exit: 2 } },
  ids: { flag: '--ids', whole: true, missing: { code: 'OPTION_INVALID', exit: 2 } },
};

export type OptionFileKey = 'categories' | 'taskMap' | 'serverConfig' | 'gt' | 'annottoConfig' | 'annottoItems' | 'labelMap' | 'ids';

const CHUNK = 1024 * 1024;

/**
 * Checks every file named by an option before a run opens its input or output: each must exist
 * and be a regular file, and those read whole must be at most MAX_OPTION_FILE_BYTES. Throws the
 * first problem as an AnnoconvError (exit 2; a file that cannot be opened keeps its option's
 * code and exit). Nothing is opened: stat only.
 */
export async function checkOptionFiles(options: Partial<Options>): Promise<void> {
  const format = options.format ?? {};
  for (const key of Object.keys(OPTION_FILES) as OptionFileKey[]) {
    const path = format[key];
    if (typeof path === 'string') await checkOptionFile(key, path);
  }
}

/** Checks one option file (see checkOptionFiles). */
export async function checkOptionFile(key: OptionFileKey, path: string): Promise<void> {
  const spec = OPTION_FILES[key]!;
  let st: Stats;
  try {
    st = await stat(path);
  } catch (e) {
    throw unreadable(spec, path, e);
  }
  checkStats(spec, path, st);
}

/**
 * The text of a file named by an option (see OPTION_FILES for `key`): not a regular file, over
 * MAX_OPTION_FILE_BYTES or not UTF-8 are usage errors (exit 2) naming the option; a UTF-8 BOM is
 * dropped.
 */
export async function readOptionFile(key: Exclude<OptionFileKey, 'gt' | 'annottoItems'>, path: string): Promise<string> {
  const spec = OPTION_FILES[key]!;
  await checkOptionFile(key, path);
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw unreadable(spec, path, e);
  }
  let bytes: Buffer;
  try {
    checkStats(spec, path, await fh.stat());
    bytes = await readCapped(fh, spec, path);
  } catch (e) {
    throw e instanceof AnnoconvError ? e : unreadable(spec, path, e);
  } finally {
    await fh.close();
  }
  if (!isUtf8(bytes)) throw new AnnoconvError(diag('OPTION_INVALID', `${spec.flag} ${path}: not valid UTF-8`, { file: path }), 2);
  return bytes.toString('utf8').replace(/^\ufeff/, '');
}

/** The file's bytes, read a chunk at a time; a file that grew past the cap while read is refused. */
async function readCapped(fh: FileHandle, spec: OptionFile, path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { bytesRead, buffer } = await fh.read(Buffer.allocUnsafe(CHUNK), 0, CHUNK, total);
    if (bytesRead === 0) return Buffer.concat(parts, total);
    parts.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    if (total > MAX_OPTION_FILE_BYTES) throw tooLarge(spec, path, total);
  }
}

function checkStats(spec: OptionFile, path: string, st: Stats): void {
  if (!st.isFile()) {
    throw new AnnoconvError(diag('OPTION_FILE_NOT_REGULAR', `${spec.flag} ${path} is ${kindOf(st)}, not a regular file: only regular files are read`, { file: path }), 2);
  }
  if (spec.whole && st.size > MAX_OPTION_FILE_BYTES) throw tooLarge(spec, path, st.size);
}

function tooLarge(spec: OptionFile, path: string, size: number): AnnoconvError {
  return new AnnoconvError(diag('OPTION_FILE_TOO_LARGE', `${spec.flag} ${path} is larger than ${MAX_OPTION_FILE_BYTES / 1024 / 1024} MiB (${size} bytes or more): not read`, { file: path }), 2);
}

function unreadable(spec: OptionFile, path: string, e: unknown): AnnoconvError {
  const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  return new AnnoconvError(diag(spec.missing.code, `${spec.flag} ${path} cannot be read (${code})`, { file: path }), spec.missing.exit);
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'a special file';
}
