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
 * Memory: one partition, the image id -> ordinal map (16-32 bytes an image, in typed arrays), an
 * 8 MB filter of annotation ids (core/id-filter.ts) and a 16 KiB write block per partition.
 */
import type { ReadContext, ReadEvent, SerializerRef } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { JsonScanner, oversizedMessage, type ScanEvent } from '../../core/json-scan.js';
import { unsupportedError } from '../../core/detect.js';
import { diag, docPointer } from '../../core/diagnostics.js';
import { IdFilter } from '../../core/id-filter.js';
import { IntMap } from '../../core/int-map.js';
import { SpillDir, oneLine, type SpillFile } from '../../core/spill.js';
import type { Category, Dataset, JsonObject } from '../../model/types.js';
import { setOwn } from '../../core/safe.js';
import { checkCategory, checkImage, idRange, type Finding, type ImageInfo } from './records.js';
import { ITEM_BUDGET_RECORDS, join, joinToText, parse, report, reportAll, splitTabs, IMAGES_PER_PARTITION, type PartitionResult, type PartitionTask } from './join.js';
import { WorkerPool, threadCount } from '../../core/workers.js';
import { collectGarbage } from '../../core/gc.js';

/**
 * The write block of each annotation partition: all partitions are appended to at once (random
 * order), so their blocks together grow with the number of partitions (293 on 600,000 images:
 * 18 MB at 64 KiB, 4.6 MB at 16 KiB).
 */
const PART_BLOCK = 16 * 1024;

/** Bytes scanned between explicit collections (see core/gc.ts). */
const GC_EVERY = 96 * 1024 * 1024;

/**
 * A worker's heap cap (old space): a partition's text, items and output take ~30 MB on generated
 * files; the cap makes V8 collect before the heap grows far past that, so that the second thread
 * adds a bounded amount to the process's memory. A partition that does not fit ends the worker and
 * is joined on the calling thread instead (so do the partitions after it).
 */
const WORKER_HEAP_MB = 48;

/**
 * Phase 2 on `threads` threads: the calling thread joins every `threads`-th partition itself while
 * worker threads join the others; each partition is serialized by the writer's pure serializer,
 * and results go out in partition order.
 */
async function* parallelJoin(st: State, threads: number, serializer: SerializerRef): AsyncGenerator<ReadEvent[]> {
  const pool = new WorkerPool(threads - 1, { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 8 });
  const module = new URL('./join.js', import.meta.url).href;
  const categories = st.categories;
  const n = st.imageParts.length;
  const inflight = new Map<number, Promise<PartitionResult>>();
  const done = new Map<number, PartitionResult>();
  let failed = false;
  let next = 0;
  const onMain = (p: number): boolean => failed || p % threads === threads - 1;
  const taskOf = (p: number): PartitionTask => {
    return {
      file: st.ctx.file,
      partition: p,
      imagePath: st.imageParts[p]!.closedPath(),
      annPath: st.parts[p]?.closedPath(),
      inOrder: st.inOrder[p],
      categories,
      itemBudget: st.itemBudget,
      serializer,
    };
  };
  const local = (p: number): Promise<PartitionResult> => joinToText(taskOf(p));
  const fill = (upTo: number): void => {
    for (; next < n && next <= upTo; next++) {
      if (onMain(next)) continue;
      const p = next;
      inflight.set(
        p,
        pool.run<PartitionResult>(module, 'joinToText', taskOf(p)).catch(() => {
          failed = true;
          return local(p);
        }),
      );
    }
  };
  try {
    for (let p = 0; p < n; p++) {
      fill(p + threads);
      let r = done.get(p);
      done.delete(p);
      if (!r && inflight.has(p)) {
        // while a worker joins p, this thread joins the next partition of its own
        for (let q = p + 1; q < Math.min(n, p + threads + 1); q++) {
          if (!inflight.has(q) && !done.has(q)) {
            done.set(q, await local(q));
            break;
          }
        }
        r = await inflight.get(p)!;
        inflight.delete(p);
      }
      r ??= await local(p);
      for (const d of r.diagnostics) st.ctx.report(d);
      yield [...r.rejects, { type: 'serialized', text: Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength), count: r.items }];
    }
  } finally {
    await Promise.allSettled(inflight.values());
    await pool.close();
  }
}

const KNOWN = new Set(['images', 'annotations', 'categories', 'info', 'licenses']);

interface State {
  ctx: ReadContext;
  spill: SpillDir;
  /** Image partitions: images of ordinals [p * 2048, (p + 1) * 2048). */
  imageParts: SpillFile[];
  pending: SpillFile;
  parts: SpillFile[];
  /** Image id -> ordinal (position among the accepted images). */
  ordinal: IntMap;
  imagesDone: boolean;
  /** Annotation ids so far (a fixed-size filter; ids it cannot clear wait in `suspects`). */
  annIds: IdFilter;
  suspects: SpillFile;
  suspectIds: Set<number>;
  /** Per partition, how many of its lines were appended in file order (the rest came later). */
  inOrder: number[];
  categories: Category[];
  catById: Map<number, Category>;
  itemBudget: number;
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
      ordinal: new IntMap(),
      imagesDone: false,
      annIds: new IdFilter(spill.file('annotation-ids')),
      suspects: spill.file('suspects'),
      suspectIds: new Set(),
      inOrder: [],
      categories: [],
      catById: new Map(),
      itemBudget: ITEM_BUDGET_RECORDS * ctx.options.maxRecordSize,
      top: {},
      seenKeys: new Set(),
      rejects: [],
      failed: false,
    };
    const scanner = new JsonScanner({ maxElementBytes: ctx.options.maxRecordSize, capture: { array: 'annotations', keys: ['image_id', 'id'] } });
    let rootChecked = false;
    let scanned = 0;
    let collectedAt = 0;
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
      scanned += chunk.length;
      if (scanned - collectedAt > GC_EVERY) {
        collectedAt = scanned;
        collectGarbage();
      }
      if (st.rejects.length) yield st.rejects.splice(0);
      if (st.failed) return;
    }
    for (const ev of scanner.end()) onScan(st, ev);
    if (st.rejects.length) yield st.rejects.splice(0);
    if (st.failed) return;
    routePending(st);
    routeSuspects(st);
    collectGarbage();
    if (st.rejects.length) yield st.rejects.splice(0);
    yield [{ type: 'dataset', dataset: datasetOf(st) }];
    if (!st.seenKeys.has('info')) ctx.report(diag('COCO_INFO_MISSING', 'the file has no "info" object', { file: ctx.file, pointer: '#/info' }));
    ctx.phase?.('joining', st.ordinal.size, 'images');
    const threads = ctx.serializer ? threadCount(ctx.options.workers) : 1;
    if (threads > 1 && st.imageParts.length > 1) yield* parallelJoin(st, threads, ctx.serializer!);
    else yield* join(st, st.imageParts.map((f) => f.lines.bind(f)), st.parts.map((f) => f.lines.bind(f)), st.inOrder);
  } finally {
    spill.remove();
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
        st.ctx.report(diag('COCO_DUPLICATE_KEY', `top-level key "${ev.key}" appears twice (a JSON parser would keep only the last)`, { file, pointer: docPointer(ev.key), offset: ev.offset }));
        st.failed = true;
      }
      st.seenKeys.add(ev.key);
      return;
    case 'oversized': {
      const base = ev.index >= 0 ? docPointer(ev.key ?? '', ev.index) : docPointer(ev.key ?? '');
      const [code, message] = oversizedMessage(ev, st.ctx.options.maxRecordSize);
      st.ctx.report(diag(code, message, { file, pointer: base, offset: ev.offset }));
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
  const v = parse(st, raw, docPointer(key), offset);
  if (v === undefined) return;
  if (KNOWN.has(key) && key !== 'info') {
    st.ctx.report(diag('COCO_FIELD_TYPE', `"${key}" must be an array`, { file: st.ctx.file, pointer: docPointer(key), offset }));
    return;
  }
  setOwn(st.top, key, v);
}

function onOtherElement(st: State, key: string, raw: string, offset: number): void {
  const v = parse(st, raw, docPointer(key), offset);
  if (v === undefined) return;
  const prev = st.top[key];
  // a repeated key (reported as COCO_DUPLICATE_KEY) whose first value was not a list: the list replaces it
  const list = Array.isArray(prev) ? (prev as unknown[]) : [];
  list.push(v);
  setOwn(st.top, key, list);
}

/** Parse and check an image or a category; on any error it is reported, rejected and undefined. */
function checked<T extends { id: number }>(
  st: State,
  raw: string,
  base: string,
  offset: number,
  check: (o: unknown) => { findings: Finding[]; value?: T },
  seen: (id: number) => boolean,
  what: string,
): T | undefined {
  const o = parse(st, raw, base, offset);
  if (o === undefined) return undefined;
  const { findings, value } = check(o);
  let bad = reportAll(st, findings, base, offset);
  if (value && seen(value.id)) {
    bad = report(st, { code: 'COCO_DUPLICATE_ID', message: `${what} id ${value.id} is used by an earlier ${what}`, at: '/id' }, base, offset) || bad;
  }
  if (bad || !value) {
    st.rejects.push({ type: 'reject', place: { file: st.ctx.file, pointer: base, offset }, raw });
    return undefined;
  }
  return value;
}

function onImage(st: State, bytes: Buffer, index: number, offset: number): void {
  const check = (o: unknown): { findings: Finding[]; value?: ImageInfo } => {
    const r = checkImage(o);
    return { findings: r.findings, ...(r.info ? { value: r.info } : {}) };
  };
  const info = checked(st, bytes.toString('utf8'), `#/images/${index}`, offset, check, (id) => st.ordinal.has(id), 'image');
  if (!info) return;
  const ord = st.ordinal.size;
  st.ordinal.set(info.id, ord);
  const p = Math.floor(ord / IMAGES_PER_PARTITION);
  if (st.imageParts.length <= p) {
    // images come in ordinal order: the previous partition is complete, and its block is freed
    st.imageParts[p - 1]?.close();
    st.imageParts.push(st.spill.file(`images-${p}`));
  }
  st.imageParts[p]!.appendParts(`${index}\t${offset}\t`, bytes);
}

function onCategory(st: State, raw: string, index: number, offset: number): void {
  const check = (o: unknown): { findings: Finding[]; value?: Category } => {
    const r = checkCategory(o);
    return { findings: r.findings, ...(r.category ? { value: r.category } : {}) };
  };
  const category = checked(st, raw, `#/categories/${index}`, offset, check, (id) => st.catById.has(id), 'category');
  if (!category) return;
  st.categories.push(category);
  st.catById.set(category.id, category);
}

function onAnnotation(st: State, bytes: Buffer, index: number, offset: number, captured: (number | undefined)[] | undefined): void {
  // a panoptic file whose images fill the detection sample is known by its first annotation
  if (index === 0 && bytes.includes('"segments_info"')) {
    throw unsupportedError('a COCO panoptic segmentation file (annotations of segments_info over segment maps, which --from coco does not read: use --from coco-panoptic)', st.ctx.file);
  }
  const imageId = captured?.[0];
  const id = captured?.[1];
  // an id beyond 2^53 may be another's rounded: not a duplicate, refused at the join (COCO_ID_RANGE)
  if (id !== undefined && Number.isSafeInteger(id)) {
    const seq = st.annIds.seq;
    if (st.annIds.add(id)) {
      // maybe a repeated id: confirmed or cleared once every id is known (routeSuspects)
      st.suspectIds.add(id);
      st.suspects.appendParts(`${seq}\t${id}\t${index}\t${offset}\t${imageId ?? ''}\t`, bytes);
      return;
    }
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
      : idRange((o as JsonObject).image_id, 'image_id', '/image_id') ?? (Number.isInteger((o as JsonObject).image_id)
        ? { code: 'COCO_DANGLING_IMAGE', message: `image_id ${(o as JsonObject).image_id} names no image of the file`, at: '/image_id' }
        : { code: 'COCO_FIELD_TYPE', message: 'image_id must be an integer', at: '/image_id' });
    report(st, o !== null && typeof o === 'object' && !Array.isArray(o) ? f : { code: 'COCO_RECORD_TYPE', message: 'an annotation must be an object', at: '' }, base, offset);
    st.rejects.push({ type: 'reject', place: { file: st.ctx.file, pointer: base, offset }, raw });
    return;
  }
  const p = Math.floor(ord / IMAGES_PER_PARTITION);
  while (st.parts.length <= p) st.parts.push(st.spill.file(`part-${st.parts.length}`, { block: PART_BLOCK }));
  const prefix = `${ord}\t${index}\t${offset}\t`;
  if (typeof bytes === 'string') st.parts[p]!.append(prefix + oneLine(bytes));
  else st.parts[p]!.appendParts(prefix, bytes);
}

/**
 * Annotations whose id the filter could not clear: a repeated id is reported and rejected (as it
 * would have been in the scan), the others are routed now. They come after their partition's lines
 * in the partition files, so the join puts them back in file order (`inOrder`).
 */
function routeSuspects(st: State): void {
  if (st.suspects.count === 0) return;
  st.inOrder = st.parts.map((f) => f.count);
  const first = st.annIds.firstSeen(st.suspectIds);
  st.suspectIds.clear();
  st.suspects.eachLine((line) => {
    const f: string[] = [];
    let at = 0;
    for (let k = 0; k < 5; k++) {
      const t = line.indexOf(9, at);
      f.push(line.toString('latin1', at, t));
      at = t + 1;
    }
    const [seq, id, index, offset, imageId] = f.map((x) => (x === '' ? undefined : Number(x)));
    if (first.get(id!)! < seq!) {
      const base = `#/annotations/${index}`;
      report(st, { code: 'COCO_DUPLICATE_ID', message: `annotation id ${id} is used by an earlier annotation`, at: '/id' }, base, offset!);
      st.rejects.push({ type: 'reject', place: { file: st.ctx.file, pointer: base, offset: offset! }, raw: line.toString('utf8', at) });
      return;
    }
    route(st, line.subarray(at), index!, offset!, imageId);
  });
}

/** Annotations that came before the images, routed now, read back line by line in pieces. */
function routePending(st: State): void {
  if (st.pending.count === 0) return;
  st.pending.eachLine((line) => {
    const t1 = line.indexOf(9);
    const t2 = line.indexOf(9, t1 + 1);
    const t3 = line.indexOf(9, t2 + 1);
    const imageId = line.toString('latin1', t2 + 1, t3);
    route(st, line.subarray(t3 + 1), Number(line.toString('latin1', 0, t1)), Number(line.toString('latin1', t1 + 1, t2)), imageId === '' ? undefined : Number(imageId));
  });
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

