/**
 * COCO panoptic writer, into `-o DIR`: `panoptic.json` and one RGB PNG an image in `panoptic/`
 * (the folder named like the JSON, where the reader and panopticapi look), each pixel's colour
 * its segment id (R + 256·G + 256²·B), 0 unlabelled.
 *
 * Quirks worth knowing:
 * - Every region is one segment: masks as they are, polygons and ellipses rasterized by cocoapi's
 *   rule (boxes are not segments, and are counted); an annotation whose id is a whole
 *   number from 1 to 2^24 - 1, unique in its image, keeps it as its segment id (so colours come
 *   back as they were), others get the next free ids.
 * - Segments are painted in the items' order, later over earlier (a panoptic map has one segment
 *   a pixel); a segment left with no pixel is dropped, and the pixels covered are counted.
 * - `area` and `bbox` are those of the pixels that show, as panopticapi computes them (bbox
 *   [x, y, w, h] of whole pixels: a 2-pixel-wide column is w 2).
 * - Categories keep their ids and `isthing` (1 when the source does not say).
 * - The JSON's records (no geometry) are held to the end; the pixels, one image at a time.
 */
import { noun } from '../../core/noun.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { nameClash, safeRelative } from '../../core/file-tree.js';
import { loseMetadata, loseProvenance, loseRasterized, loseScore, loseUnpainted } from '../../core/loss.js';
import { setOwn } from '../../core/safe.js';
import { encodeRgbPng } from '../../media/png.js';
import { idToRgb } from '../../model/index-map.js';
import { rleArea, rleBbox } from '../../model/geometry.js';
import { canvasSize, paintStrokes, shapeRle, type Stroke } from '../../model/paint.js';
import type { Annotation, Category, Dataset, Item, JsonObject } from '../../model/types.js';

const MAX_ID = 2 ** 24 - 1;
const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export function createCocoPanopticWriter(_sink: OutputSink, ctx: WriteContext): FormatWriter {
  const files = ctx.files!;
  const cats = new CategoryIds();
  const images: JsonObject[] = [];
  const annotations: JsonObject[] = [];
  let dataset: Dataset | undefined;
  const imageIds = new Set<number>();
  return {
    dataset(d: Dataset): void {
      dataset = d;
      cats.set(d.categories);
    },
    async write(item: Item, place: Place): Promise<void> {
      const size = canvasSize(item);
      if (!size) {
        ctx.report(diag('MASK_NO_SIZE', `item ${JSON.stringify(item.id)} has no image size and no mask to take one from`, place));
        return;
      }
      const rel = safeRelative(pngName(item));
      if (rel === undefined) {
        ctx.report(diag('OUTPUT_PATH_UNSAFE', `item ${JSON.stringify(item.id)}: ${JSON.stringify(pngName(item))} is not a usable PNG name in the output folder`, place));
        return;
      }
      const clash = files.claim('panoptic/' + rel);
      if (clash) {
        ctx.report(nameClash(clash, 'MASK_NAME_TAKEN', item.id, 'panoptic/' + rel, place));
        return;
      }
      const segs = segmentsOf(item, size, cats, ctx, place);
      if (!segs) return;
      const [h, w] = size;
      const canvas = { width: w, height: h, values: new Uint32Array(w * h) };
      const painted = paintStrokes(canvas, segs.strokes);
      if (painted.coveredPixels && !ctx.lose(noun('pixel of a segment under a later one', 'pixels of segments under later ones'), painted.coveredPixels, 'a panoptic map holds one segment a pixel: later segments were painted over earlier ones', place)) return;
      if (painted.hidden.length && !ctx.lose(noun('shape hidden by later ones', 'shapes hidden by later ones'), painted.hidden.length, 'every pixel of these shapes is under later segments of the panoptic map', place)) return;
      if (!loseMetadata(item, 'COCO panoptic', ctx, place)) return;
      if (!loseProvenance(item, 'COCO panoptic', ctx, place)) return;
      for (const a of segs.anns) if (!loseScore(a.score, 'COCO panoptic', ctx, place)) return;
      if (painted.empty.length && !ctx.lose(noun('segment without a pixel', 'segments without a pixel'), painted.empty.length, 'these shapes cover no pixel centre, and a panoptic segment is its pixels', place)) return;
      const hidden = new Set([...painted.hidden, ...painted.empty]);
      const info = segs.strokes.flatMap((s, i) => (hidden.has(i) ? [] : [segmentInfo(s, segs.anns[i]!, painted.shown, cats)]));
      const image = imageRecord(item, imageIds, images.length + 1);
      images.push(image);
      annotations.push({ image_id: image.id, file_name: rel, segments_info: info });
      await files.write('panoptic/' + rel, Buffer.from(encodeRgbPng(w, h, toRgb(canvas.values))));
    },
    async end(): Promise<void> {
      const doc: JsonObject = {};
      if (dataset?.info) doc.info = dataset.info;
      if (dataset?.licenses) doc.licenses = dataset.licenses;
      doc.images = images;
      doc.annotations = annotations;
      doc.categories = cats.records();
      await files.write('panoptic.json', JSON.stringify(doc, null, 1) + '\n');
    },
  };
}

/** The PNG name of an item: the source's segment map name, else its image's stem with .png. */
function pngName(item: Item): string {
  const kept = item.extras?.['coco-panoptic']?.segmentMap;
  if (typeof kept === 'string') return kept;
  const name = (item.path ?? item.url ?? item.id).split(/[?#]/)[0]!.replace(/^.*[\\/]/, '') || item.id;
  return name.replace(/\.[A-Za-z0-9]{1,5}$/, '') + '.png';
}

/** The segments of an item with their ids; undefined when a loss was refused (--strict). */
function segmentsOf(item: Item, [h, w]: [number, number], cats: CategoryIds, ctx: WriteContext, place: Place): { strokes: Stroke[]; anns: Annotation[] } | undefined {
  const used = new Set<number>();
  const wanted = item.annotations.map((a) => (a.id !== undefined && /^[1-9][0-9]*$/.test(a.id) && Number(a.id) <= MAX_ID ? Number(a.id) : undefined));
  const keep = wanted.map((id) => id !== undefined && !used.has(id) && used.add(id) !== undefined);
  const strokes: Stroke[] = [];
  const anns: Annotation[] = [];
  let next = 1;
  const unpainted: Annotation[] = [];
  let unlabelled = 0;
  for (let i = 0; i < item.annotations.length; i++) {
    const a = item.annotations[i]!;
    const rle = shapeRle(a, h, w);
    if (!rle) {
      unpainted.push(a);
      continue;
    }
    if (a.label === undefined && a.categoryId === undefined) {
      unlabelled++;
      continue;
    }
    let id = keep[i] ? wanted[i]! : 0;
    while (!id) {
      if (!used.has(next)) id = next;
      next++;
    }
    used.add(id);
    if (id > MAX_ID) {
      ctx.report(diag('MASK_TOO_MANY', `item ${JSON.stringify(item.id)}: more than ${MAX_ID} segments`, place));
      return undefined;
    }
    cats.idOf(a);
    strokes.push({ rle, value: id });
    anns.push(a);
  }
  if (!loseUnpainted(unpainted, 'COCO panoptic', ctx, place) || !loseRasterized(anns, 'COCO panoptic', ctx, place)) return undefined;
  if (unlabelled && !ctx.lose(noun('unlabelled shape'), unlabelled, 'a panoptic segment needs a category', place)) return undefined;
  return { strokes, anns };
}

function segmentInfo(s: Stroke, a: Annotation, shown: Map<number, { size: [number, number]; counts: number[] }>, cats: CategoryIds): JsonObject {
  const rle = shown.get(s.value)!;
  const b = rleBbox(rle);
  const out: JsonObject = { id: s.value, category_id: cats.idOf(a), area: rleArea(rle), bbox: [b.x, b.y, b.w, b.h], iscrowd: a.crowd ? 1 : 0 };
  if (isObj(a.attributes)) for (const k of Object.keys(a.attributes)) if (out[k] === undefined) setOwn(out, k, a.attributes[k]);
  return out;
}

function imageRecord(item: Item, used: Set<number>, fallback: number): JsonObject {
  const ex = item.extras?.['coco-panoptic'] ?? {};
  let id = typeof ex.id === 'number' && Number.isSafeInteger(ex.id) && !used.has(ex.id) ? ex.id : fallback;
  while (used.has(id)) id++;
  used.add(id);
  const out: JsonObject = { id, width: item.width, height: item.height, file_name: (item.path ?? item.url ?? item.id).split(/[?#]/)[0] };
  for (const k of Object.keys(ex)) if (k !== 'id' && k !== 'segmentMap' && out[k] === undefined) setOwn(out, k, ex[k]);
  return out;
}

/** Segment ids as RGB samples. */
function toRgb(ids: Uint32Array): Uint8Array {
  const out = new Uint8Array(ids.length * 3);
  for (let p = 0; p < ids.length; p++) {
    const [r, g, b] = idToRgb(ids[p]!);
    out[p * 3] = r;
    out[p * 3 + 1] = g;
    out[p * 3 + 2] = b;
  }
  return out;
}

/** Category ids: the dataset's, then new ones after the highest for labels it lacks. */
class CategoryIds {
  private byName = new Map<string, Category>();
  private byId = new Map<number, Category>();
  private next = 1;

  set(categories: readonly Category[]): void {
    for (const c of categories) this.add(c);
  }

  private add(c: Category): void {
    if (!this.byId.has(c.id)) this.byId.set(c.id, c);
    if (!this.byName.has(c.name)) this.byName.set(c.name, c);
    this.next = Math.max(this.next, c.id + 1);
  }

  idOf(a: Annotation): number {
    const byId = a.categoryId === undefined ? undefined : this.byId.get(a.categoryId);
    if (byId && (a.label === undefined || a.label === byId.name)) return byId.id;
    const name = a.label ?? String(a.categoryId);
    const known = this.byName.get(name);
    if (known) return known.id;
    const c: Category = { id: this.next, name };
    this.add(c);
    return c.id;
  }

  records(): JsonObject[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id).map((c) => {
      const out: JsonObject = { id: c.id, name: c.name, supercategory: c.supercategory ?? '' };
      const ex = c.extras?.['coco-panoptic'] ?? {};
      out.isthing = ex.isthing === 0 || ex.isthing === 1 ? ex.isthing : 1;
      for (const k of Object.keys(ex)) if (out[k] === undefined) setOwn(out, k, ex[k]);
      return out;
    });
  }
}
