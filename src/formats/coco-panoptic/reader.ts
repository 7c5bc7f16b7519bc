/**
 * COCO panoptic reader (FORMATS.md): `panoptic_<set>.json` (images, annotations with `file_name`
 * and `segments_info`, categories with `isthing`) and the folder of PNG segment maps beside it,
 * named like the JSON without `.json` (`annotations/panoptic_val2017/`), or `--panoptic-masks DIR`.
 *
 * Quirks worth knowing:
 * - A pixel's segment id is R + 256·G + 256²·B of the PNG; 0 is unlabelled (void). Each segment of
 *   `segments_info` becomes one mask annotation (its id kept as the annotation id, `iscrowd: 1` as
 *   a crowd region); its area and bbox are recomputed from the pixels by writers, not kept.
 * - A PNG may differ in size from its image (datumaro's sample has a 5 x 5 map on a 10 x 5 image):
 *   the masks keep the PNG's size, and a warning says so.
 * - Ids in the PNG that `segments_info` does not list, and listed segments with no pixel, are
 *   warnings: the first are left unlabelled, the second give an empty mask.
 * - The JSON is parsed whole (it holds no geometry: about 1 KB an image); the PNGs are read one
 *   image at a time.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { safeRelative } from '../../core/file-tree.js';
import { readRegularFile } from '../../core/io.js';
import { setOwn } from '../../core/safe.js';
import { readMaskPng } from '../../media/png.js';
import { indexMapToRles, rgbToId } from '../../model/index-map.js';
import type { Annotation, Category, Dataset, Item, JsonObject } from '../../model/types.js';

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** The folder of segment maps for a panoptic JSON: the option, else the JSON's path without `.json`. */
export function pngFolderOf(jsonPath: string, option: unknown): string {
  if (typeof option === 'string' && option !== '') return option;
  return join(dirname(jsonPath), basename(jsonPath).replace(/\.json$/i, ''));
}

/**
 * The panoptic JSONs of a folder: `panoptic.json` (what the writer writes), else the
 * `panoptic_*.json` files in it or in its `annotations/` (COCO's layout).
 */
export async function panopticFiles(dir: string): Promise<string[]> {
  const list = async (d: string): Promise<string[]> => (await readdir(d).catch(() => [] as string[])).filter((n) => /^panoptic(_.*)?\.json$/i.test(n)).sort().map((n) => join(d, n));
  const here = await list(dir);
  if (here.some((f) => basename(f) === 'panoptic.json')) return [join(dir, 'panoptic.json')];
  return here.length ? here : list(join(dir, 'annotations'));
}

export async function* readCocoPanoptic(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  if (!input.directory) {
    yield* readOne(input.path, () => input.chunks(), ctx.file, ctx, true);
    return;
  }
  const files = await panopticFiles(input.path!);
  if (!files.length) ctx.report(diag('INPUT_EMPTY', `no panoptic.json or panoptic_*.json in ${input.path} or its annotations/`, { file: input.path! }));
  // the files of one dataset (train, val) share its categories: the first file's header stands for all
  for (let i = 0; i < files.length; i++) yield* readOne(files[i], async function* () { yield await readRegularFile(files[i]!); }, files[i]!, ctx, i === 0);
}

async function* readOne(path: string | undefined, chunks: () => AsyncIterable<Buffer>, file: string, ctx: ReadContext, header: boolean): AsyncGenerator<ReadEvent[]> {
  const doc = await parseDocument(chunks, file, ctx);
  if (!doc) {
    yield [{ type: 'reject', place: { file } }];
    return;
  }
  const categories = categoriesOf(doc, file, ctx);
  const dataset: Dataset = { categories: [...categories.values()] };
  if (isObj(doc.info)) dataset.info = doc.info;
  if (Array.isArray(doc.licenses)) dataset.licenses = doc.licenses.filter(isObj);
  if (header) yield [{ type: 'dataset', dataset }];
  const images = Array.isArray(doc.images) ? doc.images : [];
  const byImage = annotationsByImage(doc, file, ctx);
  const folder = path ? pngFolderOf(path, ctx.options.format.panopticMasks) : undefined;
  for (let i = 0; i < images.length; i++) {
    const im = images[i];
    const place: Place = { file, pointer: `#/images/${i}`, record: i + 1 };
    if (!isObj(im) || !isId(im.id)) {
      ctx.report(diag('COCO_FIELD_MISSING', 'an image needs an integer id', place));
      yield [{ type: 'reject', place }];
      continue;
    }
    const item = imageItem(im);
    const ann = byImage.get(im.id);
    byImage.delete(im.id);
    if (ann && !(await addSegments(item, ann, folder, categories, file, ctx))) {
      yield [{ type: 'reject', place }];
      continue;
    }
    yield [{ type: 'item', item, place }];
  }
  for (const [imageId, a] of byImage) {
    ctx.report(diag('COCO_DANGLING_IMAGE', `image_id ${imageId} names no image of the file`, { file, pointer: `#/annotations/${a.index}` }));
  }
}

/** The whole JSON document, or undefined after reporting why not. */
async function parseDocument(chunks: () => AsyncIterable<Buffer>, file: string, ctx: ReadContext): Promise<JsonObject | undefined> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks()) parts.push(chunk);
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch (e) {
    ctx.report(diag('COCO_INVALID_JSON', `not valid JSON: ${(e as Error).message}`, { file }));
    return undefined;
  }
  if (!isObj(doc)) {
    ctx.report(diag('COCO_NOT_OBJECT', 'a COCO panoptic file must be a JSON object', { file }));
    return undefined;
  }
  return doc;
}

function categoriesOf(doc: JsonObject, file: string, ctx: ReadContext): Map<number, Category> {
  const out = new Map<number, Category>();
  const list = Array.isArray(doc.categories) ? doc.categories : [];
  list.forEach((c, i) => {
    const place: Place = { file, pointer: `#/categories/${i}` };
    if (!isObj(c) || !isId(c.id) || typeof c.name !== 'string') {
      ctx.report(diag('COCO_FIELD_MISSING', 'a category needs an integer id and a name', place));
      return;
    }
    if (out.has(c.id)) {
      ctx.report(diag('COCO_DUPLICATE_ID', `category id ${c.id} is used twice`, place));
      return;
    }
    const cat: Category = { id: c.id, name: c.name };
    if (typeof c.supercategory === 'string') cat.supercategory = c.supercategory;
    const rest: JsonObject = {};
    for (const k of Object.keys(c)) if (!['id', 'name', 'supercategory'].includes(k)) setOwn(rest, k, c[k]);
    if (Object.keys(rest).length) cat.extras = { 'coco-panoptic': rest };
    out.set(c.id, cat);
  });
  return out;
}

interface PanopticAnnotation {
  index: number;
  record: JsonObject;
}

function annotationsByImage(doc: JsonObject, file: string, ctx: ReadContext): Map<number, PanopticAnnotation> {
  const out = new Map<number, PanopticAnnotation>();
  const list = Array.isArray(doc.annotations) ? doc.annotations : [];
  list.forEach((a, index) => {
    const place: Place = { file, pointer: `#/annotations/${index}` };
    if (!isObj(a) || !isId(a.image_id) || typeof a.file_name !== 'string' || !Array.isArray(a.segments_info)) {
      ctx.report(diag('COCO_FIELD_MISSING', 'a panoptic annotation needs image_id, file_name and segments_info', place));
      return;
    }
    if (out.has(a.image_id)) {
      ctx.report(diag('COCO_DUPLICATE_ID', `image ${a.image_id} has a second panoptic annotation (one PNG an image)`, place));
      return;
    }
    out.set(a.image_id, { index, record: a });
  });
  return out;
}

function imageItem(im: JsonObject): Item {
  const name = typeof im.file_name === 'string' ? im.file_name : String(im.id);
  const item: Item = { id: name, kind: 'image', path: name, metadata: {}, annotations: [] };
  if (isId(im.width) && im.width > 0 && isId(im.height) && im.height > 0) {
    item.width = im.width;
    item.height = im.height;
  }
  const ex: JsonObject = { id: im.id };
  for (const k of Object.keys(im)) if (!['id', 'file_name', 'width', 'height'].includes(k)) setOwn(ex, k, im[k]);
  item.extras = { 'coco-panoptic': ex };
  return item;
}

/** Reads the PNG of one image and adds a mask per segment; false when the image is refused. */
async function addSegments(item: Item, ann: PanopticAnnotation, folder: string | undefined, categories: Map<number, Category>, file: string, ctx: ReadContext): Promise<boolean> {
  const a = ann.record;
  const at = (k: string): Place => ({ file, pointer: `#/annotations/${ann.index}${k}` });
  const rel = safeRelative(a.file_name as string);
  if (!folder || rel === undefined) {
    ctx.report(diag('MASK_PNG_MISSING', `segment map ${JSON.stringify(a.file_name)} cannot be opened ${folder ? '(the name leaves the folder)' : '(the input is not a file: give --panoptic-masks DIR)'}`, at('/file_name')));
    return false;
  }
  const path = join(folder, rel);
  const png = await readMaskPng(path, ctx.report);
  if (!png) return false;
  const ids = new Uint32Array(png.width * png.height);
  for (let p = 0, s = 0; p < ids.length; p++, s += png.channels) ids[p] = png.channels >= 3 ? rgbToId(png.data[s]!, png.data[s + 1]!, png.data[s + 2]!) : png.data[s]!;
  const rles = indexMapToRles({ width: png.width, height: png.height, values: ids }, (v) => v === 0);
  if (item.width !== undefined && (png.width !== item.width || png.height !== item.height)) {
    ctx.report(diag('MASK_SIZE_MISMATCH', `segment map ${png.width} x ${png.height} on a ${item.width} x ${item.height} image: the masks keep the map's size`, { file: path }, 'warning'));
  }
  const listed = new Set<number>();
  (a.segments_info as unknown[]).forEach((s, j) => {
    const sp = at(`/segments_info/${j}`);
    if (!isObj(s) || !isId(s.id) || !isId(s.category_id)) {
      ctx.report(diag('COCO_FIELD_MISSING', 'a segment needs an integer id and category_id', sp));
      return;
    }
    const cat = categories.get(s.category_id);
    if (!cat) {
      ctx.report(diag('COCO_DANGLING_CATEGORY', `category_id ${s.category_id} names no category of the file`, sp));
      return;
    }
    listed.add(s.id);
    const rle = rles.get(s.id) ?? { size: [png.height, png.width] as [number, number], counts: [png.width * png.height] };
    if (!rles.has(s.id)) ctx.report(diag('PANOPTIC_SEGMENT_EMPTY', `segment ${s.id} has no pixel in ${rel}`, sp, 'warning'));
    const m: Annotation = { kind: 'mask', rle, id: String(s.id), label: cat.name, categoryId: cat.id };
    if (s.iscrowd === 1) m.crowd = true;
    const rest: JsonObject = {};
    for (const k of Object.keys(s)) if (!['id', 'category_id', 'iscrowd', 'area', 'bbox'].includes(k)) setOwn(rest, k, s[k]);
    if (Object.keys(rest).length) m.attributes = rest;
    item.annotations.push(m);
  });
  const unlisted = [...rles.keys()].filter((id) => !listed.has(id));
  if (unlisted.length) ctx.report(diag('PANOPTIC_SEGMENT_UNLISTED', `${rel} holds segment id${unlisted.length > 1 ? 's' : ''} ${unlisted.slice(0, 10).join(', ')} that segments_info does not list: read as unlabelled`, at('/segments_info'), 'warning'));
  const ex = item.extras!['coco-panoptic']!;
  ex.segmentMap = a.file_name;
  return true;
}
