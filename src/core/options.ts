import { readFileSync, statSync, type Stats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { AnnoconvError, diag } from './diagnostics.js';

/** Options shared by every command and format. Formats read their own keys from `format`. */
export interface Options {
  /** skip (default): report and drop invalid records; fail: stop at the first. */
  onInvalid: 'skip' | 'fail';
  /** Turn loss and some warnings into errors. */
  strict: boolean;
  /** Largest record a line-based reader holds in memory, in bytes. */
  maxRecordSize: number;
  /**
   * Worker threads for the stages that can run in parallel (the COCO join). 0 (default): none.
   * Faster on large files, at the cost of each worker's own heap.
   */
  workers: number;
  /** Format-specific options by name (camelCase), e.g. projectType, urlPrefix. */
  format: Record<string, unknown>;
}

export const DEFAULT_MAX_RECORD_SIZE = 16 * 1024 * 1024;

export function defaultOptions(partial: Partial<Options> = {}): Options {
  return {
    onInvalid: partial.onInvalid ?? 'skip',
    strict: partial.strict ?? false,
    maxRecordSize: partial.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE,
    workers: partial.workers ?? 0,
    format: partial.format ?? {},
  };
}

/**
 * The text of a file named by an option (--categories, --task-map): a read failure or bytes that
 * are not UTF-8 are usage errors (exit 2) naming the option, never a replaced character.
 */
export function readOptionFile(path: string, option: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new AnnoconvError(diag('OPTION_INVALID', `${option} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path }), 2);
  }
  if (!isUtf8(bytes)) throw new AnnoconvError(diag('OPTION_INVALID', `${option} ${path}: not valid UTF-8`, { file: path }), 2);
  return bytes.toString('utf8').replace(/^\ufeff/, '');
}

/** A file named by an option must exist and be a regular file: anything else is a usage error (exit 2). */
export function checkRegularFile(path: string, option: string): void {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw new AnnoconvError(diag('OPTION_INVALID', `${option} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path }), 2);
  }
  if (!st.isFile()) throw new AnnoconvError(diag('OPTION_INVALID', `${option} ${path}: not a regular file`, { file: path }), 2);
}
