/**
 * COCO reader (instances, keypoints, captions, labels; FORMATS.md §5), in bounded memory whatever
 * the size and order of the file.
 *
 * 1. Scan: the byte scanner splits `images`, `annotations` and `categories` into elements. Images
 *    are checked, given ordinals (their position in `images`) and spilled as raw text; annotations
 *    are not parsed here: the scanner captures their top-level `image_id` and `id`, and the raw
 *    text is routed to a partition file by image ordinal (2,048 images a partition). Annotations
 *    that come before the images array is complete wait in a pending file. `categories` (official
 *    files put them last), `info`, `licenses` and unknown keys are kept in memory: they are small.
 * 2. Join: partition by partition, in image order, the annotations are parsed, checked against
 *    their image and the categories, and attached; items come out in the order of `images`.
 * Memory: one partition, the image id -> ordinal map, and 8 bytes per annotation id (duplicates).
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { JsonScanner, type ScanEvent } from '../../core/json-scan.js';
import { diag, pointer } from '../../core/diagnostics.js';
import { IdSet } from '../../core/idset.js';
import { SpillDir, oneLine, type SpillFile } from '../../core/spill.js';
import type { Category, Dataset, Item, JsonObject } from '../../model/types.js';
import { setOwn } from '../../core/safe.js';
import { annotationToModel, checkCategory, checkImage, imageToItem, severityOf, type Finding, type ImageInfo } from './records.js';

const IMAGES_PER_PARTITION = 2048;
const KNOWN = new Set(['images', 'annotations', 'categories', 'info', 'licenses']);

interface State {
  ctx: ReadContext;
  spill: SpillDir;
  /** Image partitions: images of ordinals [p * 2048, (p + 1) * 2048). */
  imageParts: SpillFile[];
  pending: SpillFile;
  parts: SpillFile[];
  ordinal: Map<number, number>;
  infos: ImageInfo[];
  imagesDone: boolean;
  annIds: IdSet;
  categories: Category[];
  catById: Map<number, Category>;
  top: JsonObject;
  seenKeys: Set<string>;
  rejects: ReadEvent[];
  failed: boolean;
}

export async function* readCoco(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const spill = new SpillDir('annoconv-coco-');
  try {
    const st: State = {
      ctx,
      spill,
      imageParts: [],
      pending: spill.file('pending'),
      parts: [],
      ordinal: new Map(),
      infos: [],
      imagesDone: false,
      annIds: new IdSet(),
      categories: [],
      catById: new Map(),
      top: {},
      seenKeys: new Set(),
      rejects: [],
      failed: false,
    };
    // about one annotation per 400 bytes in real and generated files: sizing the id set once
    // avoids the fragmentation of growing it step by step
    if (input.size) st.annIds.reserve(Math.min(Math.ceil(input.size / 400), 50_000_000));
    const scanner = new JsonScanner({ maxElementBytes: ctx.options.maxRecordSize, capture: { array: 'annotations', keys: ['image_id', 'id'] } });
    let rootChecked = false;
    for await (const chunk of input.chunks()) {
      if (!rootChecked) {
        const first = chunk.toString('latin1', 0, Math.min(chunk.length, 64)).replace(/^\ufeff|^\xef\xbb\xbf/, '').trimStart();
        if (first.length === 0) continue;
        rootChecked = true;
        if (first[0] === '[') {
          ctx.report(diag('COCO_NOT_OBJECT', 'this is a JSON array: a COCO results file? Read it with --from coco-results', { file: ctx.file, offset: 0 }));
          return;
        }
      }
      for (const ev of scanner.push(chunk)) onScan(st, ev);
      if (st.rejects.length) yield st.rejects.splice(0);
      if (st.failed) return;
    }
    for (const ev of scanner.end()) onScan(st, ev);
    if (st.rejects.length) yield st.rejects.splice(0);
    if (st.failed) return;
    routePending(st);
    if (st.rejects.length) yield st.rejects.splice(0);
    yield [{ type: 'dataset', dataset: datasetOf(st) }];
    if (!st.seenKeys.has('info')) ctx.report(diag('COCO_INFO_MISSING', 'the file has no "info" object', { file: ctx.file, pointer: '#/info' }));
    yield* join(st);
  } finally {
    spill.remove();
  }
}

function report(st: State, f: Finding, base: string, offset: number): boolean {
  const d = diag(f.code, f.message, { file: st.ctx.file, pointer: base + f.at, offset }, f.severity ?? severityOf(f.code));
  st.ctx.report(d);
  return d.severity === 'error';
}

function reportAll(st: State, findings: Finding[], base: string, offset: number): boolean {
  let bad = false;
  for (const f of findings) if (report(st, f, base, offset)) bad = true;
  return bad;
}

function parse(st: State, raw: string, base: string, offset: number): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (e) {
    st.ctx.report(diag('COCO_INVALID_JSON', `not valid JSON: ${(e as Error).message.slice(0, 160)}`, { file: st.ctx.file, pointer: base, offset }));
    st.rejects.push({ type: 'reject', place: { file: st.ctx.file, pointer: base, offset }, raw });
    return undefined;
  }
}

function onScan(st: State, ev: ScanEvent): void {
  const file = st.ctx.file;
  switch (ev.type) {
    case 'error':
      st.ctx.report(diag('COCO_INVALID_JSON', ev.message, { file, offset: ev.offset }));
      st.failed = true;
      return;
    case 'key':
      if (st.seenKeys.has(ev.key)) {
        st.ctx.report(diag('COCO_DUPLICATE_KEY', `top-level key "${ev.key}" appears twice (a JSON parser would keep only the last)`, { file, pointer: pointer(ev.key), offset: ev.offset }));
        st.failed = true;
      }
      st.seenKeys.add(ev.key);
      return;
    case 'oversized': {
      const base = '#' + pointer(ev.key ?? '', ev.index);
      st.ctx.report(diag('INPUT_RECORD_TOO_LARGE', `record of ${ev.bytes} bytes exceeds --max-record-size ${st.ctx.options.maxRecordSize}; skipped`, { file, pointer: base, offset: ev.offset }));
      st.rejects.push({ type: 'reject', place: { file, pointer: base, offset: ev.offset } });
      return;
    }
    case 'end-array':
      if (ev.key === 'images') st.imagesDone = true;
      return;
    case 'value':
      onValue(st, ev.key, ev.raw.toString('utf8'), ev.offset);
      return;
    case 'element':
      if (ev.key === 'images') onImage(st, ev.raw, ev.index, ev.offset);
      else if (ev.key === 'annotations') onAnnotation(st, ev.raw, ev.index, ev.offset, ev.captured);
      else if (ev.key === 'categories') onCategory(st, ev.raw.toString('utf8'), ev.index, ev.offset);
      else onOtherElement(st, ev.key!, ev.raw.toString('utf8'), ev.offset);
  }
}

function onValue(st: State, key: string, raw: string, offset: number): void {
  const v = parse(st, raw, '#' + pointer(key), offset);
  if (v === undefined) return;
  if (KNOWN.has(key) && key !== 'info') {
    st.ctx.report(diag('COCO_FIELD_TYPE', `"${key}" must be an array`, { file: st.ctx.file, pointer: '#' + pointer(key), offset }));
    return;
  }
  setOwn(st.top, key, v);
}

function onOtherElement(st: State, key: string, raw: string, offset: number): void {
  const v = parse(st, raw, '#' + pointer(key), offset);
  if (v === undefined) return;
  const list = (st.top[key] as unknown[] | undefined) ?? [];
  list.push(v);
  setOwn(st.top, key, list);
}

function onImage(st: State, bytes: Buffer, index: number, offset: number): void {
  const base = `#/images/${index}`;
  const raw = bytes.toString('utf8');
  const o = parse(st, raw, base, offset);
  if (o === undefined) return;
  const { findings, info } = checkImage(o);
  let bad = reportAll(st, findings, base, offset);
  if (info && st.ordinal.has(info.id)) {
    bad = report(st, { code: 'COCO_DUPLICATE_ID', message: `image id ${info.id} is used by an earlier image`, at: '/id' }, base, offset) || bad;
  }
  if (bad || !info) {
    st.rejects.push({ type: 'reject', place: { file: st.ctx.file, pointer: base, offset }, raw });
    return;
  }
  const ord = st.infos.length;
  st.ordinal.set(info.id, ord);
  st.infos.push(info);
  const p = Math.floor(ord / IMAGES_PER_PARTITION);
  if (st.imageParts.length <= p) st.imageParts.push(st.spill.file(`images-${p}`));
  st.imageParts[p]!.appendParts(`${index}\t${offset}\t`, bytes);
}

function onCategory(st: State, raw: string, index: number, offset: number): void {
  const base = `#/categories/${index}`;
  const o = parse(st, raw, base, offset);
  if (o === undefined) return;
  const { findings, category } = checkCategory(o);
  let bad = reportAll(st, findings, base, offset);
  if (category && st.catById.has(category.id)) {
    bad = report(st, { code: 'COCO_DUPLICATE_ID', message: `category id ${category.id} is used by an earlier category`, at: '/id' }, base, offset) || bad;
  }
  if (bad || !category) {
    st.rejects.push({ type: 'reject', place: { file: st.ctx.file, pointer: base, offset }, raw });
    return;
  }
  st.categories.push(category);
  st.catById.set(category.id, category);
}

function onAnnotation(st: State, bytes: Buffer, index: number, offset: number, captured: (number | undefined)[] | undefined): void {
  const imageId = captured?.[0];
  const id = captured?.[1];
  if (id !== undefined && Number.isInteger(id) && st.annIds.add(String(id))) {
    const base = `#/annotations/${index}`;
    report(st, { code: 'COCO_DUPLICATE_ID', message: `annotation id ${id} is used by an earlier annotation`, at: '/id' }, base, offset);
    st.rejects.push({ type: 'reject', place: { file: st.ctx.file, pointer: base, offset }, raw: bytes.toString('utf8') });
    return;
  }
  if (!st.imagesDone) {
    st.pending.appendParts(`${index}\t${offset}\t${imageId ?? ''}\t`, bytes);
    return;
  }
  route(st, bytes, index, offset, imageId);
}

function route(st: State, bytes: Buffer | string, index: number, offset: number, imageId: number | undefined): void {
  const ord = imageId === undefined ? undefined : st.ordinal.get(imageId);
  if (ord === undefined) {
    const raw = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
    const base = `#/annotations/${index}`;
    const o = parse(st, raw, base, offset);
    if (o === undefined) return;
    const has = o !== null && typeof o === 'object' && 'image_id' in o;
    const f: Finding = !has
      ? { code: 'COCO_FIELD_MISSING', message: 'annotation has no image_id', at: '/image_id' }
      : Number.isInteger((o as JsonObject).image_id)
        ? { code: 'COCO_DANGLING_IMAGE', message: `image_id ${(o as JsonObject).image_id} names no image of the file`, at: '/image_id' }
        : { code: 'COCO_FIELD_TYPE', message: 'image_id must be an integer', at: '/image_id' };
    report(st, o !== null && typeof o === 'object' && !Array.isArray(o) ? f : { code: 'COCO_RECORD_TYPE', message: 'an annotation must be an object', at: '' }, base, offset);
    st.rejects.push({ type: 'reject', place: { file: st.ctx.file, pointer: base, offset }, raw });
    return;
  }
  const p = Math.floor(ord / IMAGES_PER_PARTITION);
  while (st.parts.length <= p) st.parts.push(st.spill.file(`part-${st.parts.length}`));
  const prefix = `${ord}\t${index}\t${offset}\t`;
  if (typeof bytes === 'string') st.parts[p]!.append(prefix + oneLine(bytes));
  else st.parts[p]!.appendParts(prefix, bytes);
}

function routePending(st: State): void {
  if (st.pending.count === 0) return;
  for (const line of st.pending.lines()) {
    const [index, offset, imageId, raw] = splitTabs(line, 4);
    route(st, raw, Number(index), Number(offset), imageId === '' ? undefined : Number(imageId));
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

function datasetOf(st: State): Dataset {
  const d: Dataset = { categories: st.categories };
  const { info, licenses, ...others } = st.top as { info?: unknown; licenses?: unknown } & JsonObject;
  if (info !== undefined && info !== null && typeof info === 'object' && !Array.isArray(info)) d.info = info as JsonObject;
  if (Array.isArray(licenses)) d.licenses = licenses as JsonObject[];
  const extra: JsonObject = {};
  for (const k of Object.keys(others)) setOwn(extra, k, others[k]);
  if (info !== undefined && d.info === undefined) extra.info = info;
  // so that a COCO writer does not add what the source did not have
  const absent = ['info', 'licenses'].filter((k) => !st.seenKeys.has(k));
  if (absent.length) extra.$absent = absent;
  if (Object.keys(extra).length) d.extras = { coco: extra };
  return d;
}

/** Images joined and handed over at a time: small batches keep the live set small (measured on L:
 * 256 -> 64 cut peak RSS 351 -> 322 MB and time 34 -> 29 s, since less survives into the old space). */
const BATCH = 64;

/** Phase 2: items in image order, each with its annotations. */
function* join(st: State): Generator<ReadEvent[]> {
  const file = st.ctx.file;
  for (let p = 0; p < st.imageParts.length; p++) {
    const first = p * IMAGES_PER_PARTITION;
    const imageLines = st.imageParts[p]!.lines();
    // the partition's annotation lines, in image order (stable: file order within an image)
    const lines = st.parts[p]?.lines() ?? [];
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
        const item = imageToItem(JSON.parse(raw) as JsonObject);
        while (next < order.length && ords[order[next]!] === ord) {
          attach(st, item, ord, lines[order[next]!]!);
          next++;
        }
        if (st.rejects.length) events.push(...st.rejects.splice(0));
        events.push({ type: 'item', item, place: { file, pointer: `#/images/${index}`, offset: Number(offset) } });
      }
      yield events;
    }
  }
}

/** Parse, check and attach one annotation line of a partition to its item. */
function attach(st: State, item: Item, ord: number, line: string): void {
  const file = st.ctx.file;
  const [, index, offsetText, raw] = splitTabs(line, 4);
  const offset = Number(offsetText);
  const base = `#/annotations/${index}`;
  const o = parse(st, raw, base, offset);
  if (o === undefined) return;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    report(st, { code: 'COCO_RECORD_TYPE', message: 'an annotation must be an object', at: '' }, base, offset);
    st.rejects.push({ type: 'reject', place: { file, pointer: base, offset }, raw });
    return;
  }
  const r = annotationToModel(o as JsonObject, { image: st.infos[ord]!, categories: st.catById, prediction: false, checkCategories: true });
  const bad = reportAll(st, r.findings, base, offset);
  if (bad || !r.annotations) {
    st.rejects.push({ type: 'reject', place: { file, pointer: base, offset }, raw });
    return;
  }
  for (const a of r.annotations) item.annotations.push(a);
}
