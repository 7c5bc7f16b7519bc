/**
 * The format descriptor: what a format is called, how to recognise it, and a lazy loader for its
 * reader and writer. Core and CLI know formats only through this interface.
 */
import type { Dataset, Item } from '../model/types.js';
import type { DiagnosticSink, Place } from './diagnostics.js';
import type { InputSource, OutputSink } from './io.js';
import type { Options } from './options.js';
import type { Noun } from './noun.js';

/** What a reader yields, in batches. */
export type ReadEvent =
  | { type: 'dataset'; dataset: Dataset }
  | { type: 'item'; item: Item; place: Place; raw?: string | Buffer }
  | { type: 'reject'; place: Place; raw?: string | Buffer }
  /** `count` valid records that were not turned into items (validation only: `materialize` false). */
  | { type: 'valid'; count: number }
  /** `count` items already serialized by the writer's `serializer` (in worker threads), as text or UTF-8. */
  | { type: 'serialized'; text: string | Buffer; count: number };

/** A pure `(item) => string` function a worker thread can import: module URL and export name. */
export interface SerializerRef {
  module: string;
  name: string;
}

export interface ReadContext {
  /** Display name of the input. */
  file: string;
  options: Options;
  report: DiagnosticSink;
  /**
   * False when nobody consumes the items (validation): a reader may then check records without
   * building items and yield `valid` counts instead.
   */
  materialize: boolean;
  /** Set when the writer can serialize items anywhere: a reader may then hand over text. */
  serializer?: SerializerRef;
  /**
   * A reader entering a new phase of its run after the input is read (the COCO join): progress
   * counts the records yielded from here, against `total` when known, in `unit`s.
   */
  phase?(name: string, total?: number, unit?: string): void;
  /**
   * A reader that selects `options.shard` itself (scan, before probing files) counts here the
   * records of other shards it left out.
   */
  leftOut?(count: number): void;
}

export type FormatReader = (input: InputSource, ctx: ReadContext) => AsyncIterable<ReadEvent[]>;

/** Numbered output files of at most `every` entries (a writer that can split asks for each part). */
export interface SplitOutput {
  every: number;
  /** Opens part `n` (1-based); the caller closes every part at the end of a successful run. */
  open(n: number): Promise<OutputSink>;
}

/** Files written under an output folder (`-o DIR`), for formats that write one file an item. */
export interface FileOutput {
  /**
   * Reserves `relPath` for one item's file: 'taken' when an earlier item has this name, 'case'
   * when an earlier name differs only by letter case or Unicode form (the same file on macOS and
   * Windows); undefined when it is free. A writer refuses the item on a clash.
   */
  claim(relPath: string): 'taken' | 'case' | undefined;
  /** Writes `data` at `relPath` below the folder; refuses paths that would leave it (an error). */
  write(relPath: string, data: string | Buffer): Promise<void>;
}

export interface WriteContext {
  options: Options;
  /** Set for targets with `can.directory`: where their files go. */
  files?: FileOutput;
  /** Set when the output is to be split (`--split N`); only writers with `can.split` get it. */
  split?: SplitOutput;
  report: DiagnosticSink;
  /**
   * Opens a further file the writer names (`--config-out`). The writer writes to it and leaves it
   * open: it is put in place with the main output when the run succeeds, and not at all when the
   * run fails or its output is withheld.
   */
  openFile(path: string): Promise<OutputSink>;
  /**
   * Count information the target cannot hold, `what` named in both numbers (`noun('polygon')`) so
   * that the report reads right for 1 and for many. Returns false when loss is not allowed
   * (--strict): the writer must then refuse the item (an error has already been reported for it).
   * `chosen`: the user's options asked for this drop (a selection): counted, never refused.
   */
  lose(what: Noun, count: number, reason: string, place?: Place, chosen?: boolean): boolean;
  /**
   * Count annotations whose shape changed kind for the target (`traced` masks `into` polygons,
   * `rasterized` polygons into masks), with the sum of their IoUs with the source shape when it was
   * measured: reported in the summary beside the loss ("734 masks traced into polygons, mean IoU
   * 0.997"). Absent in contexts that do not report (the writers' tests).
   */
  changed?(verb: string, what: Noun, into: string, count: number, iouSum?: number): void;
}

/**
 * The region shapes a target holds, for fitting masks and polygons to it (core/shape-fit.ts):
 * `masks` (COCO RLE, Label Studio brushes); `polygons`: `parts` when an object's rings are unioned
 * (COCO), `ring` when it is one ring (YOLO segment, a Label Studio polygon), false when none.
 */
export interface ShapeSupport {
  masks: boolean;
  polygons: 'parts' | 'ring' | false;
  /** Crowd regions stay masks (COCO): they are not traced even under --masks polygons. */
  crowdAsMask?: boolean;
}

/** Writes items to a sink. `write` may refuse an item by reporting an error diagnostic for it. */
export interface FormatWriter {
  dataset?(dataset: Dataset): void | Promise<void>;
  write(item: Item, place: Place): void | Promise<void>;
  end(): void | Promise<void>;
}

export interface FormatImpl {
  read?: FormatReader;
  /** May be async: a writer that reads an option file first (--categories, --task-map). */
  createWriter?(sink: OutputSink, ctx: WriteContext): FormatWriter | Promise<FormatWriter>;
  /** The writer's per-item output as a pure function, when it has no state nor loss to count. */
  serializer?: SerializerRef;
  /**
   * The reader's raw records are JSON text: one spread over several lines (a pretty-printed
   * document) is written to `--rejects` on one line, its whitespace between tokens removed.
   */
  rawJson?: boolean;
}

/** A format-specific command-line option, added to the CLI from the registry. */
export interface FormatOption {
  type: 'string' | 'boolean' | 'number';
  /** Which side of a run reads the option: `read` (validate lists it), `write`, or both (absent). */
  scope?: 'read' | 'write';
  describe: string;
  choices?: readonly string[];
  default?: string | boolean | number;
}

/** The first bytes of an input, for detection by content. */
export interface Sample {
  name: string;
  text: string;
  /** True when the sample holds the whole input. */
  complete: boolean;
}

export interface FormatDescriptor {
  id: string;
  aliases: readonly string[];
  title: string;
  extensions: readonly string[];
  can: {
    read: boolean;
    write: boolean;
    validate: boolean;
    split?: boolean;
    directory?: boolean;
    /**
     * The target holds one annotation set per item (ground truth): the run keeps the set(s)
     * `--annotations` / `--predictions` choose and counts the others (core/before-write.ts).
     */
    oneSet?: boolean;
    /** The target writes pixel geometry: items with shapes not placed in pixels (`unplaced`) are refused. */
    pixels?: boolean;
    /**
     * The reader selects `options.shard` itself, by each file's path below the input folder, before
     * reading the file (counting the others through `ReadContext.leftOut`): a shard of a folder of
     * millions of files reads only its own.
     */
    shardByPath?: boolean;
  };
  /**
   * Facts of the model the format's writer keeps that most targets do not. `crowd`: crowd regions
   * (COCO iscrowd); a target without it gets items with them left out and counted as loss, or
   * written as ordinary objects under --keep-crowd (core/crowd.ts).
   */
  holds?: { crowd?: boolean };
  /**
   * The region shapes the target holds with these options: masks the target cannot hold are
   * traced into polygons, and --masks polygons|rle converts where both are held (core/shape-fit.ts).
   * Absent: shapes go to the writer as they are.
   */
  shapes?(options: Options): ShapeSupport | undefined;
  /**
   * True when every item written needs a media URL (a manifest registers URLs): `scan`, which finds
   * paths, then requires --url-prefix before it starts.
   */
  writeNeedsUrls?: boolean;
  /** JSON Schema file name under schemas/, when the format has one. */
  schema?: string;
  /** Confidence 0..1 that the sample is this format (judged on its structure: see core/sniff.ts). */
  detect?(sample: Sample): number;
  /**
   * A file of this format's family that annoconv recognises but does not read (COCO panoptic,
   * Annotto predictions): a phrase naming it, for one INPUT_FORMAT_UNSUPPORTED instead of a flood
   * of errors; undefined for anything else. Keep it strict: it stops the run.
   */
  unsupported?(sample: Sample): string | undefined;
  /** Confidence 0..1 that a folder holds this format (formats that read folders). */
  detectDirectory?(path: string): Promise<number>;
  options?: Record<string, FormatOption>;
  /**
   * Usage checks of the format's own options (files they name, values), run before any input or
   * output is opened; throws an AnnoconvError with exit code 2. `read` checks run for the input
   * format (for every readable format when it is to be detected), `write` for the target.
   */
  checkOptions?(options: Options, role: 'read' | 'write'): void | Promise<void>;
  load(): Promise<FormatImpl>;
}
