
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
