/**
 * The pipeline: reader -> (validated, normalized) items -> writer, with the error policy, the
 * rejects file, the loss report and the run's counters. It never prints and never exits.
 */
import type { FileOutput, FormatImpl, ReadEvent, SplitOutput, WriteContext } from './format.js';
import type { InputSource, OutputSink } from './io.js';
import type { Options } from './options.js';
import { redactDiagnostic } from './secrets.js';
import { rejectLine } from './reject-line.js';
import { agree, type Noun } from './noun.js';
import { FirstRecords, type RecordedInput } from './first-records.js';
import { beforeWrite } from './before-write.js';
import { inShard, type Shard } from './shard.js';
import type { FormatDescriptor } from './format.js';
import type { Dataset, Item } from '../model/types.js';
import { AnnoconvError, diag, type Diagnostic, type DiagnosticSink, type Place } from './diagnostics.js';

/** One line of the loss report: what was dropped (in the number that goes with `count`), how often, why. */
export interface Loss {
  what: string;
  count: number;
  reason: string;
}

/** The phase of a run a reader is in after reading its input (e.g. joining), for progress displays. */
export interface RunPhase {
  name: string;
  /** Records expected in this phase, when known. */
  total?: number;
  unit: string;
  /** `read` when the phase began: the phase's own counter is `read - startRead`. */
  startRead: number;
  startedAt: number;
}

export interface RunStats {
  /** Records read from the input (items and rejected records). */
  read: number;
  written: number;
  rejected: number;
  errors: number;
  warnings: number;
  losses: Loss[];
  /** Valid items a transform left out (filter, split): neither written nor rejected. */
  dropped?: number;
  /**
   * What the run changed: annotations that changed kind for the target ("734 masks traced into
   * polygons, mean IoU 1"), and what a dataset operation did ("12 annotations relabelled").
   */
  changes?: RunChange[];
  /**
   * With `--shard`: records of the other shards, seen and left out (not in `read`), so that `read`
   * summed over the N shard runs is the input's record count.
   */
  leftOut?: number;
  /** Set while a reader is in a phase after reading its input (progress only). */
  phase?: RunPhase;
}

/** One line of what a run changed: `count` and the rest of the phrase, `what`. */
export interface RunChange {
  what: string;
  count: number;
  /** For masks traced into polygons: the mean IoU of the polygons re-rasterized with their masks. */
  meanIou?: number;
}

/** "masks traced into polygons, mean IoU 0.997": the IoU rounded down, so that 1 means exact. */
function changePhrase(count: number, what: Noun, verb: string, into: string, meanIou: number | undefined): string {
  const iou = meanIou === undefined ? '' : `, mean IoU ${meanIou === 1 ? '1' : (Math.floor(meanIou * 1000) / 1000).toFixed(3)}`;
  return `${agree(count, what)} ${verb} into ${into}${iou}`;
}

export interface PipelineParams {
  input: InputSource;
  reader: FormatImpl;
  /** Absent for validation only. */
  writer?: FormatImpl;
  output?: OutputSink;
  rejects?: OutputSink;
  /** Split output (numbered files) for writers that can split. */
  split?: SplitOutput;
  /** The output folder, for writers of one file an item. */
  files?: FileOutput;
  /** Opens a further output file a writer names (see WriteContext.openFile); absent: refused. */
  openFile?: (path: string) => Promise<OutputSink>;
  options: Options;
  onDiagnostic: DiagnosticSink;
  /** Called after each batch with the counters so far. */
  onProgress?: (stats: RunStats) => void;
  /**
   * The format named by --from and the input recording its first bytes (`input` is then
   * `recorded.input`): the first records are watched for a wrong --from (core/first-records.ts).
   */
  check?: { format: FormatDescriptor; recorded: RecordedInput };
  /** The target's descriptor: its capabilities decide how items are fitted to it (core/before-write.ts). */
  target?: FormatDescriptor;
  /**
   * Sees every valid item before it is written (or, when validating, instead of being written):
   * returns the item to write, changed or not, or undefined to leave it out (counted in `dropped`);
   * an error it reports rejects the item.
   * Items are then always built, and no reader hands over serialized text.
   */
  transform?: ItemTransform;
  /** Sees the dataset header (categories) before the writer does; returns the one to write. */
  transformDataset?: (dataset: Dataset) => Dataset;
  /** The reader selects `options.shard` itself (scan, before probing files): items are not checked again. */
  shardInReader?: boolean;
}

/** A step between reader and writer (dataset operations: stats, filter, remap, split). */
export type ItemTransform = (item: Item, place: Place, report: DiagnosticSink) => Item | undefined;

export function emptyStats(): RunStats {
  return { read: 0, written: 0, rejected: 0, errors: 0, warnings: 0, losses: [] };
}

/** Diagnostics given a line and column from their byte offset (each may read part of the file again). */
const MAX_LOCATED = 10_000;

export async function runPipeline(p: PipelineParams): Promise<RunStats> {
  const first = p.check ? new FirstRecords(p.check.format, p.check.recorded, p.onDiagnostic) : undefined;
  try {
    return await run(first ? { ...p, onDiagnostic: (d) => first.diagnostic(d) } : p, first);
  } catch (e) {
    // the run ended some other way: what was held still goes out
    first?.flush();
    throw e;
  }
}

async function run(p: PipelineParams, first: FirstRecords | undefined): Promise<RunStats> {
  const stats = emptyStats();
  const { options } = p;
  let stop: Diagnostic | undefined;
  // JSON documents place problems by byte offset: line and column are added for the first ones
  let located = 0;
  // --shard: what the reader reports while it reads a batch waits for the batch, so that the
  // diagnostics of records left out of this shard are not counted here (core/shard.ts)
  let reading = false;
  const held: Diagnostic[] = [];
  const report: DiagnosticSink = (d) => {
    if (reading) {
      held.push(d);
      return;
    }
    d = redactDiagnostic(d);
    if (d.offset !== undefined && d.line === undefined && p.input.locate && located < MAX_LOCATED) {
      located++;
      const at = p.input.locate(d.offset);
      if (at) d = { ...d, line: at.line, column: at.column };
    }
    if (d.severity === 'error') {
      stats.errors++;
      if (options.onInvalid === 'fail') stop ??= d;
    } else if (d.severity === 'warning') stats.warnings++;
    p.onDiagnostic(d);
  };
  const losses = new Map<string, { what: Noun; count: number; reason: string }>();
  const lossPlaces = new Map<string, Place | undefined>();
  const changes = new Map<string, { verb: string; what: Noun; into: string; count: number; iouSum: number; measured: number }>();
  const wctx: WriteContext = {
    options,
    ...(p.split ? { split: p.split } : {}),
    ...(p.files ? { files: p.files } : {}),
    openFile: p.openFile ?? noFurtherFiles,
    report,
    lose(what, count, reason, place, chosen) {
      if (options.strict && chosen !== true) {
        report(diag('LOSS_DROPPED', `${count} ${agree(count, what)} would be dropped: ${reason} (--strict)`, place ?? {}, 'error'));
        return false;
      }
      const key = what.many + '\u0000' + reason;
      const l = losses.get(key);
      if (l) l.count += count;
      else {
        losses.set(key, { what, count, reason });
        lossPlaces.set(key, place);
      }
      return true;
    },
    changed(verb, what, into, count, iouSum) {
      const key = verb + '\u0000' + what.many + '\u0000' + into;
      const c = changes.get(key) ?? changes.set(key, { verb, what, into, count: 0, iouSum: 0, measured: 0 }).get(key)!;
      c.count += count;
      if (iouSum !== undefined) {
        c.iouSum += iouSum;
        c.measured += count;
      }
    },
  };
  const writer = p.writer && p.output ? await p.writer.createWriter?.(p.output, wctx) : undefined;
  const fit = writer ? beforeWrite(p.target, options, wctx) : undefined;
  const read = p.reader.read;
  if (!read) throw new AnnoconvError(diag('OPTION_NOT_SUPPORTED', 'the input format cannot be read'), 2);

  const reject = (ev: { raw?: string | Buffer }): void => {
    stats.rejected++;
    // one record a line, ended as the input's lines are (a CRLF file gives CRLF rejects)
    if (p.rejects && ev.raw !== undefined) p.rejects.write(rejectLine(ev.raw, p.reader.rawJson === true, p.input.newline ?? '\n'));
  };

  // items serialized in workers skip writer.write, and so the fitting step: only without one
  // --shard: items are built to be selected by id, so none arrive serialized or merely counted
  const shard = p.shardInReader ? undefined : options.shard;
  const leftOut = (n: number): void => {
    stats.leftOut = (stats.leftOut ?? 0) + n;
  };
  if (options.shard) stats.leftOut = 0;
  const serializer = writer && p.output && !fit && !p.transform && !shard ? p.writer?.serializer : undefined;
  // --media-root: sizes from the image files for items that lack them
  const mediaRoot = typeof options.format.mediaRoot === 'string' ? options.format.mediaRoot : undefined;
  const { fillSizes } = mediaRoot !== undefined ? await import('../media/fill-sizes.js') : { fillSizes: undefined as never };
  const phase = (name: string, total?: number, unit = 'records'): void => {
    stats.phase = { name, ...(total !== undefined ? { total } : {}), unit, startRead: stats.read, startedAt: Date.now() };
    p.onProgress?.(stats);
  };
  const batches = read(p.input, { file: p.input.name, options, report, materialize: writer !== undefined || p.transform !== undefined || shard !== undefined, ...(serializer ? { serializer } : {}), phase, leftOut });
  for await (const batch of shard ? holding(batches, (on) => (reading = on)) : batches) {
    if (shard) {
      const own = releaseHeld(held.splice(0), batch as ReadEvent[], shard);
      for (const d of own) report(d);
    }
    for (const ev of batch as ReadEvent[]) {
      if (ev.type === 'dataset') {
        if (writer?.dataset) await writer.dataset(p.transformDataset ? p.transformDataset(ev.dataset) : ev.dataset);
        // a run without a writer (validate) still shows the header to an operation that reads it (preview's skeletons)
        else if (!writer) p.transformDataset?.(ev.dataset);
        continue;
      }
      if (ev.type === 'valid' || ev.type === 'serialized') {
        if (ev.type === 'serialized') {
          p.output!.write(ev.text);
          stats.written += ev.count;
        }
        stats.read += ev.count;
        first?.record(ev.count, true);
        if (first?.due) first.decide();
        continue;
      }
      first?.record(1, ev.type === 'item');
      // records without an id belong to shard 0 (core/shard.ts)
      if (shard && (ev.type === 'reject' ? shard.index !== 0 : !inShard(ev.item.id, shard))) {
        leftOut(1);
        if (first?.due) first.decide();
        continue;
      }
      stats.read++;
      if (ev.type === 'reject') {
        reject(ev);
      } else if (writer || p.transform) {
        const before = stats.errors;
        if (mediaRoot !== undefined) await fillSizes(ev.item, mediaRoot, ev.place, (d) => report({ ...d, severity: 'warning' }));
        const kept = p.transform ? p.transform(ev.item, ev.place, report) : ev.item;
        if (stats.errors > before) reject(ev); // the transform refused the item
        else if (!kept) stats.dropped = (stats.dropped ?? 0) + 1;
        else if (writer) {
          const item = fit ? fit(kept, ev.place) : kept;
          const pending = item && writer.write(item, ev.place);
          if (pending) await pending; // most writers are synchronous: no microtask per item
          if (stats.errors > before) reject(ev);
          else stats.written++;
        }
      }
      if (first?.due) first.decide();
      if (stop) {
        first?.decide();
        throw new AnnoconvError(diag('RUN_STOPPED', `stopped at the first invalid record (${stop.code}) because of --on-invalid fail`, placeOf(stop)), 1);
      }
    }
    if (p.output) await p.output.flush();
    if (p.rejects) await p.rejects.flush();
    p.onProgress?.(stats);
  }
  delete stats.phase;
  first?.decide();
  for (const d of p.input.problems ?? []) report(d);
  if (stop) throw new AnnoconvError(diag('RUN_STOPPED', `stopped at the first invalid record (${stop.code}) because of --on-invalid fail`, placeOf(stop)), 1);
  if (writer) await writer.end();
  for (const c of changes.values()) {
    const meanIou = c.measured ? c.iouSum / c.measured : undefined;
    const change: RunChange = { what: changePhrase(c.count, c.what, c.verb, c.into, meanIou), count: c.count, ...(meanIou !== undefined ? { meanIou } : {}) };
    (stats.changes ??= []).push(change);
    report(diag('MODEL_SHAPE_CHANGED', `${c.count} ${change.what}`, {}, 'info'));
  }
  for (const [key, l] of losses) {
    const what = agree(l.count, l.what);
    stats.losses.push({ what, count: l.count, reason: l.reason });
    report(diag('LOSS_DROPPED', `dropped ${l.count} ${what}: ${l.reason}`, lossPlaces.get(key) ? { file: lossPlaces.get(key)!.file } : {}));
  }
  return stats;
}

async function noFurtherFiles(path: string): Promise<never> {
  throw new AnnoconvError(diag('OPTION_NOT_SUPPORTED', `this run writes no further files (${path})`, { file: path }), 2);
}

function placeOf(d: Diagnostic): Place {
  const { file, line, column, record, pointer, offset, row } = d;
  return { file, line, column, record, pointer, offset, row };
}

/** A reader's batches, with `set(true)` while the reader produces each (see `held` in run). */
async function* holding(batches: AsyncIterable<ReadEvent[]>, set: (on: boolean) => void): AsyncGenerator<ReadEvent[]> {
  const it = batches[Symbol.asyncIterator]();
  try {
    for (;;) {
      set(true);
      let r: IteratorResult<ReadEvent[]>;
      try {
        r = await it.next();
      } finally {
        set(false);
      }
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}

/**
 * The diagnostics a reader gave while producing a batch, less those of the batch's records that
 * belong to other shards (matched by line, record number or byte offset). Diagnostics that name
 * no record (end of input, whole-file warnings) are kept.
 */
function releaseHeld(held: Diagnostic[], batch: ReadEvent[], shard: Shard): Diagnostic[] {
  if (held.length === 0) return held;
  const lines = new Set<number>();
  const records = new Set<number>();
  const offsets = new Set<number>();
  for (const ev of batch) {
    if (ev.type !== 'reject' && ev.type !== 'item') continue;
    const other = ev.type === 'reject' ? shard.index !== 0 : !inShard(ev.item.id, shard);
    if (!other) continue;
    if (ev.place.line !== undefined) lines.add(ev.place.line);
    else if (ev.place.record !== undefined) records.add(ev.place.record);
    else if (ev.place.offset !== undefined) offsets.add(ev.place.offset);
  }
  if (!lines.size && !records.size && !offsets.size) return held;
  return held.filter((d) => !(d.line !== undefined ? lines.has(d.line) : d.record !== undefined ? records.has(d.record) : d.offset !== undefined && offsets.has(d.offset)));
}
