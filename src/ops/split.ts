/**
 * `annoconv split`: train/val/test splits of any readable format, in one streaming pass.
 *
 * Assignment: an item goes to the split where the SHA-256 of `seed + "\0" + id`, read as a number in
 * [0, 1), falls among the cumulative ratios. The same item always lands in the same split, whatever
 * else the input holds, so adding items never moves old ones.
 * `stratify: 'label'`: items are placed in input order, each in the split whose label counts are
 * furthest below their ratio for the item's labels (and for "any item", which keeps the item ratios),
 * the hash breaking ties. Deterministic, and stable when items are appended at the end.
 *
 * Outputs: one file a split for file formats (`-o DIR/` gives DIR/<name><ext>, `-o PREFIX` gives
 * PREFIX<name><ext>), each written by the format's own writer and put in place when the run ends;
 * YOLO: one folder with `images/<name>/` paths, so labels go to `labels/<name>/` and data.yaml lists
 * train/val/test; VOC: one folder with `ImageSets/Main/<name>.txt` lists.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { posix } from 'node:path';
import type { FormatDescriptor, FormatImpl, FormatWriter, WriteContext } from '../core/format.js';
import type { OutputSink } from '../core/io.js';
import { MemorySink } from '../core/io.js';
import { AnnoconvError, diag, type Place } from '../core/diagnostics.js';
import { findFormat } from '../core/registry.js';
import type { Item } from '../model/types.js';
import { labelsOf } from './stats.js';
import { runOperation, ChangeCounter, type OperationParams, type OperationResult } from './operation.js';

export interface SplitSpec {
  /** Shares of the splits, summing to 1. */
  ratios: readonly number[];
  names: readonly string[];
  seed?: string;
  stratify?: 'label';
}

export interface SplitReport {
  names: string[];
  ratios: number[];
  items: number[];
  /** Per label: objects in each split, and in all. */
  labels: Record<string, { total: number; splits: number[] }>;
}

/** Default names for 2 or 3 splits; split1.. otherwise. */
export function defaultNames(n: number): string[] {
  return n === 2 ? ['train', 'val'] : n === 3 ? ['train', 'val', 'test'] : Array.from({ length: n }, (_, i) => `split${i + 1}`);
}

/** A point in [0, 1) for an item id and seed. */
export function unitHash(seed: string, id: string): number {
  const d = createHash('sha256').update(seed).update('\u0000').update(id).digest();
  return (d.readUIntBE(0, 6) * 2 ** -48) as number;
}

/** Assigns items to splits (see the module comment). */
export class Splitter {
  private readonly cumulative: number[];
  private readonly counts = new Map<string, number[]>();
  private readonly totals = new Map<string, number>();
  readonly report: SplitReport;

  constructor(private readonly spec: SplitSpec) {
    let c = 0;
    this.cumulative = spec.ratios.map((r) => (c += r));
    this.report = { names: [...spec.names], ratios: [...spec.ratios], items: spec.names.map(() => 0), labels: {} };
  }

  assign(item: Item): number {
    const u = unitHash(this.spec.seed ?? '', item.id);
    const labels = [...new Set(item.annotations.flatMap(labelsOf))];
    let k = this.cumulative.findIndex((c) => u < c);
    if (k < 0) k = this.cumulative.length - 1;
    if (this.spec.stratify === 'label') k = this.stratified(['\u0000any', ...labels], k);
    this.report.items[k]!++;
    for (const a of item.annotations)
      for (const l of labelsOf(a)) {
        const r = (this.report.labels[l] ??= { total: 0, splits: this.spec.names.map(() => 0) });
        r.total++;
        r.splits[k]!++;
      }
    return k;
  }

  /** The split furthest below its ratio over the item's labels; `preferred` (the hash's) on a tie. */
  private stratified(keys: string[], preferred: number): number {
    const n = this.spec.ratios.length;
    let best = preferred;
    let bestGap = -Infinity;
    const gaps = new Array<number>(n).fill(0);
    for (const key of keys) {
      const counts = this.counts.get(key) ?? new Array<number>(n).fill(0);
      const total = (this.totals.get(key) ?? 0) + 1;
      for (let s = 0; s < n; s++) gaps[s]! += (this.spec.ratios[s]! * total - counts[s]!) / total;
    }
    for (let s = 0; s < n; s++) {
      const g = gaps[s]!;
      if (g > bestGap + 1e-12 || (Math.abs(g - bestGap) <= 1e-12 && s === preferred)) {
        best = s;
        bestGap = g;
      }
    }
    for (const key of keys) {
      const counts = this.counts.get(key) ?? new Array<number>(n).fill(0);
      counts[best]!++;
      this.counts.set(key, counts);
      this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
    }
    return best;
  }
}

/** Where split `name` of a file format goes: DIR/<name><ext> for `-o DIR/`, else PREFIX<name><ext>. */
export function partPath(output: string, name: string, ext: string): string {
  return output.endsWith('/') ? posix.join(output, name + ext) : output + name + ext;
}

const YOLO_SPLITS = new Set(['train', 'val', 'test']);

/** Checks the split options (usage errors, exit 2). */
export function checkSplit(spec: SplitSpec, to: FormatDescriptor | undefined, output: string | undefined): void {
  const usage = (m: string): AnnoconvError => new AnnoconvError(diag('OPTION_INVALID', m), 2);
  if (spec.ratios.length < 2 || spec.ratios.some((r) => !(r > 0))) throw usage('--ratios: give two or more positive shares, e.g. 0.8,0.1,0.1');
  const sum = spec.ratios.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) throw usage(`--ratios must add up to 1 (they add up to ${sum})`);
  if (spec.names.length !== spec.ratios.length) throw usage(`--names gives ${spec.names.length} names for ${spec.ratios.length} ratios`);
  if (new Set(spec.names).size !== spec.names.length || spec.names.some((n) => !/^[A-Za-z0-9_.-]+$/.test(n) || n === '.' || n === '..')) throw usage('--names: distinct names of letters, digits, _ . -');
  if (output === undefined || output === '-' || output === '') throw usage('split writes one output a split: give -o DIR/ or -o PREFIX (a folder for voc and yolo)');
  if (to?.id === 'yolo' && spec.names.some((n) => !YOLO_SPLITS.has(n))) throw usage('yolo: split names must be train, val or test (the keys of data.yaml)');
  if (to?.can.directory && to.id !== 'yolo' && to.id !== 'voc') throw usage(`${to.id} output cannot be split: give --to a file format, yolo or voc`);
}

/** A writer sending each item to its split's own writer (file formats). */
function fanOut(impl: FormatImpl, splitter: Splitter, paths: string[]): FormatImpl {
  return {
    async createWriter(_sink: OutputSink, ctx: WriteContext): Promise<FormatWriter> {
      const sinks: OutputSink[] = [];
      const writers: FormatWriter[] = [];
      for (const p of paths) {
        const s = await ctx.openFile(p);
        sinks.push(s);
        writers.push(await impl.createWriter!(s, ctx));
      }
      return {
        async dataset(d) {
          for (const w of writers) await w.dataset?.(d);
        },
        async write(item: Item, place: Place) {
          const k = splitter.assign(item);
          await writers[k]!.write(item, place);
          await sinks[k]!.flush();
        },
        async end() {
          for (const w of writers) await w.end();
        },
      };
    },
  };
}

/** YOLO: items placed below images/<split>/, so the writer's own split layout applies. */
function yoloPaths(impl: FormatImpl, splitter: Splitter, names: readonly string[]): FormatImpl {
  return {
    async createWriter(sink, ctx) {
      const w = await impl.createWriter!(sink, ctx);
      return {
        dataset: (d) => w.dataset?.(d),
        write(item, place) {
          const k = splitter.assign(item);
          const base = posix.basename((item.path ?? item.url ?? item.id).split(/[?#]/)[0]!.replace(/\\/g, '/')) || item.id;
          return w.write({ ...item, path: `images/${names[k]}/${base}` }, place);
        },
        end: () => w.end(),
      };
    },
  };
}

/** VOC: the writer's folder, plus ImageSets/Main/<split>.txt naming each split's annotation files. */
function vocLists(impl: FormatImpl, splitter: Splitter, names: readonly string[]): FormatImpl {
  return {
    async createWriter(sink, ctx) {
      const w = await impl.createWriter!(sink, ctx);
      const lists: string[][] = names.map(() => []);
      return {
        dataset: (d) => w.dataset?.(d),
        write(item, place) {
          const k = splitter.assign(item);
          const name = (item.path ?? item.url ?? item.id).split(/[?#]/)[0]!.replace(/^.*[\\/]/, '');
          lists[k]!.push(name.replace(/\.[^.]*$/, ''));
          return w.write(item, place);
        },
        async end() {
          await w.end();
          for (let k = 0; k < names.length; k++) await ctx.files!.write(`ImageSets/Main/${names[k]}.txt`, lists[k]!.map((s) => s + '\n').join(''));
        },
      };
    },
  };
}

export interface SplitResult extends OperationResult {
  report: SplitReport;
  /** The files written, one a split (file formats), or the folder. */
  outputs: string[];
}

/** Splits an input into one output a split (see the module comment). */
export async function split(params: OperationParams & { output: string; splits: SplitSpec }): Promise<SplitResult> {
  const splitter = new Splitter(params.splits);
  const changes = new ChangeCounter();
  const names = params.splits.names;
  let outputs: string[] = [];
  const r = await runOperation(
    params,
    (to) => {
      const desc = findFormat(to);
      checkSplit(params.splits, desc, params.output);
      if (desc?.can.directory) {
        outputs = [params.output];
        return { wrapWriter: (impl) => (desc.id === 'yolo' ? yoloPaths(impl, splitter, names) : vocLists(impl, splitter, names)) };
      }
      outputs = names.map((n) => partPath(params.output, n, desc?.extensions[0] ?? ''));
      if (params.output.endsWith('/')) mkdirSync(params.output, { recursive: true });
      return { output: new MemorySink(), wrapWriter: (impl) => fanOut(impl, splitter, outputs) };
    },
    changes,
  );
  return { ...r, report: splitter.report, outputs };
}
