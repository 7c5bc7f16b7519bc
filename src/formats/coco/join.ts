/**
 * COCO's second phase: annotations joined to their images, partition by partition, in image order.
 * Runs in the reader, or in a worker thread on one partition (joinToText), so it depends on
 * nothing but its arguments.
 */
import type { ReadEvent } from '../../core/format.js';
import { diag, type Diagnostic, type DiagnosticSink, below } from '../../core/diagnostics.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import type { Category, Item, JsonObject } from '../../model/types.js';
import { collectGarbage } from '../../core/gc.js';
import { readSpillLines } from '../../core/spill.js';
import { statSync } from 'node:fs';
import { annotationToModel, imageToItem, severityOf, type Finding, type ImageInfo } from './records.js';
import { refuseLoneSurrogate } from '../../core/lone-surrogate.js';

export const IMAGES_PER_PARTITION = 2048;

/** Where findings go: a report callback and the rejected records. */
export interface Sink {
  ctx: { file: string; report: DiagnosticSink };
  rejects: ReadEvent[];
}

export interface JoinState extends Sink {
  /** Image facts by ordinal, starting at ordinal `infoBase`. */
  infos: ImageInfo[];
  infoBase: number;
  catById: Map<number, Category>;
  /** The most one image's annotations may weigh (itemWeight), see ITEM_BUDGET_RECORDS. */
  itemBudget: number;
}

/**
 * One image's annotations are held as one item before it is written: their weight (text bytes, 256
 * bytes an annotation for its objects, 8 bytes a decoded RLE run) may be at most this many times
 * --max-record-size (16 MiB by default: 64 MiB an image). Beyond, the image is refused with
 * COCO_ITEM_TOO_LARGE and its further annotations are passed over unparsed.
 */
export const ITEM_BUDGET_RECORDS = 4;

export function report(st: Sink, f: Finding, base: string, offset: number): boolean {
  const d = diag(f.code, f.message, { file: st.ctx.file, pointer: below(base, f.at), offset }, f.severity ?? severityOf(f.code));
  st.ctx.report(d);
  return d.severity === 'error';
}

export function reportAll(st: Sink, findings: Finding[], base: string, offset: number): boolean {
  let bad = false;
  for (const f of findings) if (report(st, f, base, offset)) bad = true;
  return bad;
}

export function parse(st: Sink, raw: string, base: string, offset: number): unknown {
  try {
    const v = JSON.parse(raw) as unknown;
    if (refuseLoneSurrogate(raw, v, st.ctx.report, { file: st.ctx.file, pointer: base, offset })) return void st.rejects.push({ type: 'reject', place: { file: st.ctx.file, pointer: base, offset }, raw });
    return v;
  } catch {
    st.ctx.report(diag('COCO_INVALID_JSON', jsonErrorMessage(raw), { file: st.ctx.file, pointer: base, offset }));
    st.rejects.push({ type: 'reject', place: { file: st.ctx.file, pointer: base, offset }, raw });
    return undefined;
  }
}

export function splitTabs(line: string, n: number): string[] {
  const out: string[] = [];
  let start = 0;
  for (let k = 0; k < n - 1; k++) {
    const t = line.indexOf('\t', start);
    out.push(line.slice(start, t));
    start = t + 1;
  }
  out.push(line.slice(start));
  return out;
}

/** Images joined and handed over at a time: small batches keep the live set small (measured on L:
 * 256 -> 64 cut peak RSS 351 -> 322 MB and time 34 -> 29 s, since less survives into the old space). */
const BATCH = 64;

/** Phase 2: items in image order, each with its annotations. */
export function* join(st: JoinState, imageParts: (() => string[])[], annParts: (() => string[])[]): Generator<ReadEvent[]> {
  for (let p = 0; p < imageParts.length; p++) {
    // a full collection every 8 partitions: measured on L, peak RSS 320 -> 248 MB for ~2 s
    if (p > 0 && p % 8 === 0) collectGarbage();
    yield* joinPartition(st, p, imageParts[p]!(), annParts[p]?.() ?? []);
  }
}

/** One partition: its images in order, each with its annotations (lines `ord \t index \t offset \t raw`). */
function* joinPartition(st: JoinState, p: number, imageLines: string[], lines: string[]): Generator<ReadEvent[]> {
  const file = st.ctx.file;
  const first = p * IMAGES_PER_PARTITION;
  // the partition's annotation lines, in image order (stable: file order within an image)
  const ords = new Int32Array(lines.length);
  for (let k = 0; k < lines.length; k++) ords[k] = Number(lines[k]!.slice(0, lines[k]!.indexOf('\t')));
  const order = Array.from(lines.keys()).sort((a, b) => ords[a]! - ords[b]! || a - b);
  let next = 0;
  for (let b = 0; b < imageLines.length; b += BATCH) {
    const events: ReadEvent[] = [];
    const end = Math.min(imageLines.length, b + BATCH);
    for (let k = b; k < end; k++) {
      const ord = first + k;
      const [index, offset, raw] = splitTabs(imageLines[k]!, 3);
      const item = imageToItem(JSON.parse(raw!) as JsonObject);
      let weight = 0;
      while (next < order.length && ords[order[next]!] === ord) {
        const line = lines[order[next]!]!;
        // weighed before parsing: its text, and for a compressed RLE string up to one run a
        // character (8 bytes each) more, so that no mask is decoded past the budget
        const before = line.includes('"counts":"') || line.includes('"counts": "') ? 9 * line.length : line.length;
        if (weight <= st.itemBudget) weight += weight + before > st.itemBudget ? before : attach(st, item, ord, line);
        next++;
      }
      // a loop, not push(...): an image may have hundreds of thousands of rejected annotations
      for (const r of st.rejects.splice(0)) events.push(r);
      const place = { file, pointer: `#/images/${index}`, offset: Number(offset) };
      if (weight > st.itemBudget) {
        item.annotations = [];
        st.ctx.report(diag('COCO_ITEM_TOO_LARGE', `image ${item.id}: its annotations weigh more than ${st.itemBudget} bytes (${ITEM_BUDGET_RECORDS} x --max-record-size; text, 256 bytes an annotation, 8 bytes a mask run); the image is skipped`, place));
        events.push({ type: 'reject', place, raw: raw! });
        continue;
      }
      events.push({ type: 'item', item, place });
    }
    yield events;
  }
}

/** Parse, check and attach one annotation line of a partition to its item; returns its weight. */
function attach(st: JoinState, item: Item, ord: number, line: string): number {
  const before = item.annotations.length;
  attachChecked(st, item, ord, line);
  let w = line.length + 256;
  for (let k = before; k < item.annotations.length; k++) {
    const a = item.annotations[k]!;
    if (a.kind === 'mask') w += 8 * a.rle.counts.length;
  }
  return w;
}

function attachChecked(st: JoinState, item: Item, ord: number, line: string): void {
  const file = st.ctx.file;
  const [, index, offsetText, raw] = splitTabs(line, 4) as [string, string, string, string];
  const offset = Number(offsetText);
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    parse(st, raw, `#/annotations/${index}`, offset); // reports and rejects
    return;
  }
  if (refuseLoneSurrogate(raw, o, st.ctx.report, { file, pointer: `#/annotations/${index}`, offset })) return void st.rejects.push({ type: 'reject', place: { file, pointer: `#/annotations/${index}`, offset }, raw });
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    const base = `#/annotations/${index}`;
    report(st, { code: 'COCO_RECORD_TYPE', message: 'an annotation must be an object', at: '' }, base, offset);
    st.rejects.push({ type: 'reject', place: { file, pointer: base, offset }, raw });
    return;
  }
  const r = annotationToModel(o as JsonObject, { image: st.infos[ord - st.infoBase]!, categories: st.catById, prediction: false, checkCategories: true });
  if (r.findings.length === 0 && r.annotations) {
    for (const a of r.annotations) item.annotations.push(a);
    return;
  }
  const base = `#/annotations/${index}`;
  const bad = reportAll(st, r.findings, base, offset);
  if (bad || !r.annotations) {
    st.rejects.push({ type: 'reject', place: { file, pointer: base, offset }, raw });
    return;
  }
  for (const a of r.annotations) item.annotations.push(a);
}

/** A partition joined in a worker thread, its items serialized by the writer's pure serializer. */
export interface PartitionTask {
  file: string;
  partition: number;
  /** Spill files of the partition's images and annotations (undefined: none). */
  imagePath: string | undefined;
  annPath: string | undefined;
  infos: ImageInfo[];
  categories: Category[];
  itemBudget: number;
  serializer: { module: string; name: string };
}

export interface PartitionResult {
  /** The serialized items as UTF-8, in their own ArrayBuffer (transferred, not copied). */
  bytes: Uint8Array;
  transfer: ArrayBuffer[];
  items: number;
  diagnostics: Diagnostic[];
  rejects: ReadEvent[];
}

let joinedHere = 0;

export async function joinToText(task: PartitionTask): Promise<PartitionResult> {
  const diagnostics: Diagnostic[] = [];
  const st: JoinState = {
    ctx: { file: task.file, report: (d) => diagnostics.push(d) },
    rejects: [],
    infos: task.infos,
    infoBase: task.partition * IMAGES_PER_PARTITION,
    catById: new Map(task.categories.map((c) => [c.id, c])),
    itemBudget: task.itemBudget,
  };
  const serialize = ((await import(task.serializer.module)) as Record<string, (item: Item) => string>)[task.serializer.name]!;
  const rejects: ReadEvent[] = [];
  let items = 0;
  const imageLines = task.imagePath ? readSpillLines(task.imagePath) : [];
  const annLines = task.annPath ? readSpillLines(task.annPath) : [];
  // the output goes into one buffer batch by batch: no list of every item's text, no joined copy
  const out = new ByteBuffer(sizeOf(task.imagePath) + sizeOf(task.annPath));
  for (const batch of joinPartition(st, task.partition, imageLines, annLines)) {
    let text = '';
    for (const ev of batch) {
      if (ev.type === 'item') {
        text += serialize(ev.item);
        items++;
      } else rejects.push(ev);
    }
    out.write(text);
  }
  // as in join(): a full collection every 8 partitions keeps this thread's heap near its live size
  if (++joinedHere % 8 === 0) collectGarbage();
  const bytes = out.bytes();
  return { bytes, transfer: [bytes.buffer as ArrayBuffer], items, diagnostics, rejects };
}

function sizeOf(path: string | undefined): number {
  if (!path) return 0;
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** UTF-8 text gathered in one growing buffer with an ArrayBuffer of its own (to be transferred). */
class ByteBuffer {
  private buf: Buffer;
  private used = 0;
  constructor(estimate: number) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(64 * 1024, Math.ceil(estimate * 1.25)));
  }
  write(text: string): void {
    const need = this.used + text.length * 3;
    if (need > this.buf.length && this.used + Buffer.byteLength(text) > this.buf.length) {
      const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.used + Buffer.byteLength(text)));
      this.buf.copy(next, 0, 0, this.used);
      this.buf = next;
    }
    this.used += this.buf.write(text, this.used);
  }
  bytes(): Buffer {
    return this.buf.subarray(0, this.used);
  }
}
