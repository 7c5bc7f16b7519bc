import { AnnoconvError, diag } from './diagnostics.js';
import { checkSetChoice, type SetChoice } from './annotation-sets.js';
import { checkShard, type Shard } from './shard.js';
/** Options shared by every command and format. Formats read their own keys from `format`. */
export interface Options {
  /** skip (default): report and drop invalid records; fail: stop at the first. */
  onInvalid: 'skip' | 'fail';
  /** Turn loss and some warnings into errors. */
  strict: boolean;
  /** Largest record a line-based reader holds in memory, in bytes. */
  maxRecordSize: number;
  /**
   * Most bytes a gzip input may inflate to (default DEFAULT_MAX_INFLATED_SIZE); reading stops
   * there with INPUT_GZIP_TOO_LARGE. The ratio guard (INPUT_GZIP_BOMB) does not see a file whose
   * incompressible start keeps the ratio low: this bounds the work any one input can cause.
   */
  maxInflatedSize: number;
  /**
   * Worker threads for the stages that can run in parallel (the COCO join). 0 (default): none.
   * Faster on large files, at the cost of each worker's own heap.
   */
  workers: number;
  /**
   * Write crowd regions to targets without the notion as ordinary objects (default false: they are
   * left out and counted as loss; see core/crowd.ts).
   */
  keepCrowd: boolean;
  /**
   * Which annotation set(s) of each item a target holding one set keeps (`--annotations`,
   * `--predictions`); absent fields take their defaults: the latest annotation, no predictions.
   */
  sets?: SetChoice;
  /**
   * Region shapes where the target holds both masks and polygons (`--masks`): keep (default) writes
   * each as it is, tracing masks only for targets without masks; polygons traces masks; rle
   * rasterizes polygons, boxes and ellipses into masks.
   */
  masks?: MasksChoice;
  /** Douglas-Peucker tolerance in pixels for traced masks (`--polygon-tolerance`); 0 (default) = the exact pixel boundary. */
  polygonTolerance?: number;
  /**
   * `--shard I/N`: only the items of shard `index` (from 0) of `count` are read, by a stable hash
   * of the item id (core/shard.ts); the others are counted in `leftOut`.
   */
  shard?: Shard;
  /** Format-specific options by name (camelCase), e.g. projectType, urlPrefix. */
  format: Record<string, unknown>;
}

/** What `--masks` may say. */
export const MASKS_CHOICES = ['keep', 'polygons', 'rle'] as const;
export type MasksChoice = (typeof MASKS_CHOICES)[number];

export const DEFAULT_MAX_RECORD_SIZE = 16 * 1024 * 1024;

/**
 * 64 GiB: many times the largest annotation files in use (a few GB), so that no real input is
 * refused, while a small file still cannot make a run inflate without end. Services that take
 * files from others should set a lower limit.
 */
export const DEFAULT_MAX_INFLATED_SIZE = 64 * 1024 ** 3;

/** Options with defaults filled in; a value out of range is a usage error (OPTION_INVALID, exit 2). */
export function defaultOptions(partial: Partial<Options> = {}): Options {
  return {
    onInvalid: partial.onInvalid ?? 'skip',
    strict: partial.strict ?? false,
    maxRecordSize: partial.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE,
    maxInflatedSize: partial.maxInflatedSize === undefined ? DEFAULT_MAX_INFLATED_SIZE : checkMaxInflatedSize(partial.maxInflatedSize),
    workers: partial.workers ?? 0,
    keepCrowd: partial.keepCrowd ?? false,
    ...(partial.sets !== undefined ? { sets: checkSetChoice(partial.sets) } : {}),
    ...(partial.masks !== undefined ? { masks: checkMasks(partial.masks) } : {}),
    ...(partial.polygonTolerance !== undefined ? { polygonTolerance: checkTolerance(partial.polygonTolerance) } : {}),
    ...(partial.shard !== undefined ? { shard: checkShard(partial.shard) } : {}),
    format: partial.format ?? {},
  };
}

/** `--max-inflated-size`: a whole number of bytes, at least 1 (else a usage error, exit 2). */
export function checkMaxInflatedSize(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new AnnoconvError(diag('OPTION_INVALID', `--max-inflated-size must be a whole number of bytes, at least 1 (got ${String(value)})`), 2);
  }
  return value;
}

/** `--masks`: keep, polygons or rle (else a usage error, exit 2). */
export function checkMasks(value: unknown): MasksChoice {
  if (typeof value !== 'string' || !(MASKS_CHOICES as readonly string[]).includes(value)) {
    throw new AnnoconvError(diag('OPTION_INVALID', `--masks must be one of ${MASKS_CHOICES.join(', ')} (got ${String(value)})`), 2);
  }
  return value as MasksChoice;
}

/** `--polygon-tolerance`: a finite number of pixels, 0 or more (else a usage error, exit 2). */
export function checkTolerance(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AnnoconvError(diag('OPTION_INVALID', `--polygon-tolerance must be a number of pixels, 0 or more (got ${String(value)})`), 2);
  }
  return value;
}
