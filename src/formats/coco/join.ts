/**
 * COCO's second phase: annotations joined to their images, partition by partition, in image order.
 * Runs in the reader, or in a worker thread on one partition (joinToText), so it depends on
 * nothing but its arguments.
 */
import type { ReadEvent } from '../../core/format.js';
import { diag, type Diagnostic, type DiagnosticSink, below } from '../../core/diagnostics.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import type { Category, Item, JsonObject } from '../../model/types.js';
import { RssPacer } from '../../core/gc.js';
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
export function* join(st: JoinState, imageParts: (() => string[])[], annParts: (() => string[])[], inOrder: number[] = []): Generator<ReadEvent[]> {
  for (let p = 0; p < imageParts.length; p++) {
    for (const events of joinPartition(st, p, imageParts[p]!(), annParts[p]?.() ?? [], inOrder[p])) {
      yield events;
      pacer.tick();
    }
  }
}

/**
 * A full collection when the resident size has grown GC_STEP past its size after the previous one
 * (checked every batch): V8 lets the join's short-lived objects and each partition's text pile up
 * for several times the live size (measured on L: 320 MB resident without explicit collections,
 * 248 MB with one every 8 partitions; the same every 8 partitions let 8 M annotations on 100 k
 * images, 2.5 times larger partitions, reach 357 MiB).
 */
const GC_STEP = 16 * 1024 * 1024;
const pacer = new RssPacer(GC_STEP);

/** The decimal integer at the start of `s` (up to its first tab). */
function leadingInt(s: string, from = 0): number {
  let n = 0;
  for (let i = from; ; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return n;
    n = n * 10 + c;
  }
}

/**
 * The partition's annotation lines in image order, stable (file order within an image): a
 * counting sort on the image ordinal, `start[k]..start[k + 1]` indexing `order` for image k.
 * Lines from `inOrder` on were appended after the scan (annotations whose id had to be confirmed):
 * an image that has any is put back in file order by annotation index.
 */
function byImage(lines: string[], first: number, images: number, inOrder = lines.length): { order: Int32Array; start: Int32Array } {
  const start = new Int32Array(images + 1);
  const ords = new Int32Array(lines.length);
  for (let k = 0; k < lines.length; k++) {
    const o = leadingInt(lines[k]!) - first;
    ords[k] = o;
    start[o + 1]!++;
  }
  for (let k = 0; k < images; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, images);
  const order = new Int32Array(lines.length);
  for (let k = 0; k < lines.length; k++) order[fill[ords[k]!]!++] = k;
  for (let k = inOrder; k < lines.length; k++) {
    const o = ords[k]!;
    if (o < 0) continue;
    // every late line of this image is sorted in one go; mark them done
    const idx = (j: number): number => leadingInt(lines[j]!, lines[j]!.indexOf('\t') + 1);
    const sorted = Array.from(order.subarray(start[o]!, start[o + 1]!)).sort((a, b) => idx(a) - idx(b));
    order.set(sorted, start[o]!);
    for (let j = start[o]!; j < start[o + 1]!; j++) ords[order[j]!] = -1;
  }
  return { order, start };
}

/** One partition: its images in order, each with its annotations (lines `ord \t index \t offset \t raw`). */
function* joinPartition(st: JoinState, p: number, imageLines: string[], lines: string[], inOrder?: number): Generator<ReadEvent[]> {
  const file = st.ctx.file;
  const first = p * IMAGES_PER_PARTITION;
  const { order, start } = byImage(lines, first, imageLines.length, inOrder);
  for (let b = 0; b < imageLines.length; b += BATCH) {
    const events: ReadEvent[] = [];
    const end = Math.min(imageLines.length, b + BATCH);
    for (let k = b; k < end; k++) {
      const [index, offset, raw] = splitTabs(imageLines[k]!, 3);
      const image = JSON.parse(raw!) as JsonObject;
      const item = imageToItem(image);
      // the image's checked facts (checkImage passed it in the scan): its id, and its size when
      // both width and height are positive integers
      const info: ImageInfo = item.width !== undefined && item.height !== undefined ? { id: image.id as number, width: item.width, height: item.height } : { id: image.id as number };
      let weight = 0;
      for (let next = start[k]!; next < start[k + 1]!; next++) {
        const line = lines[order[next]!]!;
        // weighed before parsing: its text, and for a compressed RLE string up to one run a
        // character (8 bytes each) more, so that no mask is decoded past the budget
        const before = line.includes('"counts":"') || line.includes('"counts": "') ? 9 * line.length : line.length;
        if (weight <= st.itemBudget) weight += weight + before > st.itemBudget ? before : attach(st, item, info, line);
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
function attach(st: JoinState, item: Item, info: ImageInfo, line: string): number {
  const before = item.annotations.length;
  attachChecked(st, item, info, line);
  let w = line.length + 256;
  for (let k = before; k < item.annotations.length; k++) {
    const a = item.annotations[k]!;
    if (a.kind === 'mask') w += 8 * a.rle.counts.length;
  }
  return w;
}

function attachChecked(st: JoinState, item: Item, info: ImageInfo, line: string): void {
  const file = st.ctx.file;
  // the line is `ord \t index \t offset \t raw`: found by its tabs, not split into four strings
  const t1 = line.indexOf('\t');
  const t2 = line.indexOf('\t', t1 + 1);
  const t3 = line.indexOf('\t', t2 + 1);
  const raw = line.slice(t3 + 1);
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    parse(st, raw, `#/annotations/${line.slice(t1 + 1, t2)}`, Number(line.slice(t2 + 1, t3))); // reports and rejects
    return;
  }
  const index = line.slice(t1 + 1, t2);
  const offset = leadingInt(line, t2 + 1);
  if (refuseLoneSurrogate(raw, o, st.ctx.report, { file, pointer: `#/annotations/${index}`, offset })) return void st.rejects.push({ type: 'reject', place: { file, pointer: `#/annotations/${index}`, offset }, raw });
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    const base = `#/annotations/${index}`;
    report(st, { code: 'COCO_RECORD_TYPE', message: 'an annotation must be an object', at: '' }, base, offset);
    st.rejects.push({ type: 'reject', place: { file, pointer: base, offset }, raw });
    return;
  }
  const r = annotationToModel(o as JsonObject, { image: info, categories: st.catById, prediction: false, checkCategories: true });
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
  /** Lines of the annotation file appended in file order (the rest came after the scan); undefined: all. */
  inOrder: number | undefined;
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


export async function joinToText(task: PartitionTask): Promise<PartitionResult> {
  const diagnostics: Diagnostic[] = [];
  const st: JoinState = {
    ctx: { file: task.file, report: (d) => diagnostics.push(d) },
    rejects: [],
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
  for (const batch of joinPartition(st, task.partition, imageLines, annLines, task.inOrder)) {
    let text = '';
    for (const ev of batch) {
      if (ev.type === 'item') {
        text += serialize(ev.item);
        items++;
      } else rejects.push(ev);
    }
    out.write(text);
    pacer.tick();
  }
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
