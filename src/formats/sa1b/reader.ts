/**
 * SA-1B (Segment Anything 1 Billion) reader: a folder of per-image JSON files, or one such file.
 * Each file is `{"image": {"image_id", "width", "height", "file_name"}, "annotations": [{"id",
 * "segmentation": {"size": [h, w], "counts": "<COCO compressed RLE>"}, "bbox", "area",
 * "predicted_iou", "stability_score", "point_coords", "crop_box"}]}`.
 *
 * Quirks worth knowing:
 * - Masks have no class: SA-1B's masks are class-agnostic, so annotations carry no label unless
 *   `--sa1b-label NAME` gives them one (COCO's tools need a category_id on every annotation).
 * - `bbox` and `area` are derived from the mask and are not read (the writer derives them again);
 *   `predicted_iou` is the model's score; `stability_score`, `point_coords` and `crop_box` are kept
 *   in the annotation's `sa1b` extras for this format's writer.
 * - The item id is the image_id, so COCO keeps it as the image id (and the annotation ids), and
 *   shard outputs merge to a single run's ids.
 * - `--shard`: files are selected by their path below the folder before they are read.
 */
import { join } from 'node:path';
import { filesBelow } from '../../core/walk.js';
import { readRegularFile } from '../../core/io.js';
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { inShard } from '../../core/shard.js';
import { rleFromString } from '../../model/geometry.js';
import type { Annotation, Item, JsonObject } from '../../model/types.js';

const BATCH = 64;

export async function* readSa1b(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  if (!input.directory) {
    const parts: Buffer[] = [];
    for await (const chunk of input.chunks()) parts.push(chunk);
    yield [onFile(Buffer.concat(parts), ctx.file, ctx)];
    return;
  }
  const root = input.path!;
  const { files } = await filesBelow(root, (rel) => rel.toLowerCase().endsWith('.json'));
  const shard = ctx.options.shard;
  let batch: ReadEvent[] = [];
  for (const rel of files) {
    const key = rel.split('\\').join('/');
    if (shard && !inShard(key, shard)) {
      ctx.leftOut?.(1);
      continue;
    }
    const path = join(root, rel);
    let bytes: Buffer;
    try {
      bytes = await readRegularFile(path);
    } catch (e) {
      ctx.report(diag('SA_JSON_INVALID', `${rel} cannot be read (${(e as Error).message})`, { file: path }));
      batch.push({ type: 'reject', place: { file: path } });
      continue;
    }
    batch.push(onFile(bytes, path, ctx));
    if (batch.length >= BATCH) yield batch.splice(0);
  }
  if (batch.length) yield batch;
}

const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** One file's item, or its rejection with a located SA_JSON_INVALID. */
function onFile(bytes: Buffer, file: string, ctx: ReadContext): ReadEvent {
  const place: Place = { file };
  const bad = (why: string, pointer?: string): ReadEvent => {
    ctx.report(diag('SA_JSON_INVALID', why, { ...place, ...(pointer ? { pointer } : {}) }));
    return { type: 'reject', place };
  };
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return bad(`not JSON (${(e as Error).message})`);
  }
  if (!isObj(doc) || !isObj(doc.image)) return bad('no "image" object', '#/image');
  const im = doc.image;
  if (!isCount(im.image_id)) return bad('image_id is not a whole number, 0 or more', '#/image/image_id');
  if (!isCount(im.width) || !isCount(im.height) || im.width === 0 || im.height === 0) return bad('width and height must be whole numbers of pixels, at least 1', '#/image');
  if (typeof im.file_name !== 'string' || im.file_name === '') return bad('file_name is not a non-empty string', '#/image/file_name');
  if (!Array.isArray(doc.annotations)) return bad('no "annotations" list', '#/annotations');
  const label = typeof ctx.options.format.sa1bLabel === 'string' ? ctx.options.format.sa1bLabel : undefined;
  const annotations: Annotation[] = [];
  for (let i = 0; i < doc.annotations.length; i++) {
    const a: unknown = doc.annotations[i];
    const at = `#/annotations/${i}`;
    if (!isObj(a)) return bad('an annotation is not an object', at);
    if (!isCount(a.id)) return bad('an annotation id is not a whole number, 0 or more', `${at}/id`);
    const seg = a.segmentation;
    if (!isObj(seg) || !Array.isArray(seg.size) || seg.size.length !== 2 || typeof seg.counts !== 'string') return bad('segmentation is not {"size": [h, w], "counts": "<compressed RLE>"}', `${at}/segmentation`);
    if (seg.size[0] !== im.height || seg.size[1] !== im.width) return bad(`the mask size ${JSON.stringify(seg.size)} is not the image's [${im.height}, ${im.width}]`, `${at}/segmentation/size`);
    const counts = rleFromString(seg.counts);
    const total = counts?.reduce((s, c) => s + c, 0);
    if (!counts || total !== im.height * im.width) return bad(`the mask counts are not a compressed RLE of ${im.height} x ${im.width} pixels`, `${at}/segmentation/counts`);
    const ann: Annotation = { kind: 'mask', id: String(a.id), rle: { size: [im.height, im.width], counts } };
    if (label !== undefined) ann.label = label;
    if (typeof a.predicted_iou === 'number') ann.score = a.predicted_iou;
    const extra: JsonObject = {};
    for (const k of ['stability_score', 'point_coords', 'crop_box'] as const) if (a[k] !== undefined) extra[k] = a[k];
    if (Object.keys(extra).length) ann.extras = { sa1b: extra };
    annotations.push(ann);
  }
  const item: Item = { id: String(im.image_id), kind: 'image', path: im.file_name, width: im.width, height: im.height, metadata: {}, annotations };
  return { type: 'item', item, place };
}
