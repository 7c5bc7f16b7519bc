/**
 * Remo JSON (FORMATS.md §6.3): a list of images, each with its file name, size, image-level tags
 * and annotations holding `classes` and `coordinates` as `{x, y}` points: 2 points (top-left,
 * bottom-right) for a box, more for a polygon, none for an image classification.
 *
 * The exact export keys are not confirmed: the size is read from `width`/`height` or from
 * `dimensions: [width, height]`, the file from `file_name` or `filename`. `--coordinates percent`
 * means fractions 0-1 of the image size, as in Remo.
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { readJsonList } from '../../core/json-list.js';
import { diag, type Place, below, docPointer } from '../../core/diagnostics.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import type { Code } from '../../core/codes.js';
import { setOwn } from '../../core/safe.js';
import { annotationFractionsToPx, fractionToPx, xyxyToXywh } from '../../model/geometry.js';
import type { Annotation, Item, JsonObject } from '../../model/types.js';
import { refuseLoneSurrogate } from '../../core/lone-surrogate.js';

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const KNOWN = new Set(['file_name', 'filename', 'width', 'height', 'dimensions', 'tags', 'annotations']);

export async function* readRemo(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const percent = ctx.options.format.coordinates === 'percent';
  const mediaRoot = typeof ctx.options.format.mediaRoot === 'string' ? ctx.options.format.mediaRoot : undefined;
  // images without a size whose fractions wait for the size read under --media-root
  const pending = percent && mediaRoot !== undefined ? new WeakSet<Item>() : undefined;
  const list = readJsonList(input, ctx, { invalid: 'REMO_INVALID_JSON', notList: 'REMO_NOT_LIST', what: 'images' }, (index, raw, offset, events) => {
    const place: Place = { file: ctx.file, pointer: docPointer(index), offset };
    const fail = (code: Code, message: string, at = ''): void => {
      ctx.report(diag(code, message, { ...place, pointer: below(place.pointer!, at) }));
    };
    let rec: unknown;
    try {
      rec = JSON.parse(raw);
    } catch {
      fail('REMO_INVALID_JSON', jsonErrorMessage(raw));
      events.push({ type: 'reject', place, raw });
      return;
    }
    if (refuseLoneSurrogate(raw, rec, ctx.report, place)) return void events.push({ type: 'reject', place, raw });
    const item = isObj(rec) ? imageToItem(rec, percent, fail, pending) : (fail('REMO_IMAGE_INVALID', 'an image must be an object'), undefined);
    events.push(item ? { type: 'item', item, place, raw } : { type: 'reject', place, raw });
  });
  for await (const batch of list) {
    if (pending) {
      for (const [i, ev] of batch.entries()) {
        if (ev.type !== 'item' || !pending.has(ev.item)) continue;
        const { fillSizes } = await import('../../media/fill-sizes.js'); // sharp is loaded only when needed
        await fillSizes(ev.item, mediaRoot!, ev.place, (d) => ctx.report({ ...d, severity: 'warning' }));
        const { width, height } = ev.item;
        if (width === undefined || height === undefined) {
          ctx.report(diag('REMO_NO_SIZE', 'fraction coordinates need the image width and height, and no image was found under --media-root', ev.place));
          batch[i] = { type: 'reject', place: ev.place, ...(ev.raw !== undefined ? { raw: ev.raw } : {}) };
        } else ev.item.annotations = ev.item.annotations.map((a) => annotationFractionsToPx(a, width, height));
      }
    }
    yield batch;
  }
}

function imageToItem(o: JsonObject, percent: boolean, fail: (code: Code, message: string, at?: string) => void, pending?: WeakSet<Item>): Item | undefined {
  const file = typeof o.file_name === 'string' ? o.file_name : typeof o.filename === 'string' ? o.filename : undefined;
  if (!file) return fail('REMO_IMAGE_INVALID', 'an image needs file_name (a string)', '/file_name'), undefined;
  const dims = Array.isArray(o.dimensions) ? o.dimensions : [o.width, o.height];
  let [W, H] = dims.map((v) => (typeof v === 'number' && v > 0 ? v : undefined));
  const item: Item = { id: file, kind: 'image', path: file, metadata: {}, annotations: [] };
  if (W !== undefined && H !== undefined) [item.width, item.height] = [W, H];
  if (o.tags !== undefined) {
    if (!Array.isArray(o.tags) || !o.tags.every((t) => typeof t === 'string')) return fail('REMO_IMAGE_INVALID', 'tags must be a list of strings', '/tags'), undefined;
    if (o.tags.length) item.tags = o.tags as string[];
  }
  const ex: JsonObject = {};
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) setOwn(ex, k, o[k]);
  if (Array.isArray(o.dimensions)) ex.dimensions = true;
  if (Object.keys(ex).length) item.extras = { remo: ex };
  const anns = o.annotations ?? [];
  if (!Array.isArray(anns)) return fail('REMO_IMAGE_INVALID', 'annotations must be a list', '/annotations'), undefined;
  for (let i = 0; i < anns.length; i++) {
    const a = anns[i];
    const at = `/annotations/${i}`;
    if (!isObj(a)) return fail('REMO_ANNOTATION_INVALID', 'an annotation must be an object', at), undefined;
    const classes = a.classes ?? [];
    if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) return fail('REMO_ANNOTATION_INVALID', 'classes must be a list of class names', at + '/classes'), undefined;
    const pts = a.coordinates ?? [];
    if (!Array.isArray(pts) || !pts.every((p) => isObj(p) && typeof p.x === 'number' && Number.isFinite(p.x) && typeof p.y === 'number' && Number.isFinite(p.y))) return fail('REMO_ANNOTATION_INVALID', 'coordinates must be a list of {x, y} numbers', at + '/coordinates'), undefined;
    const points = pts as { x: number; y: number }[];
    if (points.length === 0) {
      item.annotations.push({ kind: 'classification', labels: classes as string[] });
      continue;
    }
    if (points.length === 1) return fail('REMO_ANNOTATION_INVALID', 'one point is neither a box (2) nor a polygon (3 or more)', at + '/coordinates'), undefined;
    if (percent && (W === undefined || H === undefined)) {
      if (!pending) return fail('REMO_NO_SIZE', 'fraction coordinates need the image width and height', at + '/coordinates'), undefined;
      // fractions kept as they are (a 1 x 1 image) until the size is read under --media-root
      [W, H] = [1, 1];
      pending.add(item);
    }
    const px = (p: { x: number; y: number }): [number, number] => (percent ? [fractionToPx(p.x, W!), fractionToPx(p.y, H!)] : [p.x, p.y]);
    const label = classes.length ? { label: classes[0] as string } : {};
    let ann: Annotation;
    if (points.length === 2) {
      const [[x1, y1], [x2, y2]] = [px(points[0]!), px(points[1]!)];
      if (x1 > x2 || y1 > y2) return fail('REMO_ANNOTATION_INVALID', 'a box runs from its top-left to its bottom-right point', at + '/coordinates'), undefined;
      ann = { kind: 'box', ...xyxyToXywh({ xmin: x1, ymin: y1, xmax: x2, ymax: y2 }), ...label };
    } else ann = { kind: 'polygon', rings: [points.flatMap(px)], ...label };
    if (classes.length > 1) ann.attributes = { classes: classes as string[] };
    item.annotations.push(ann);
  }
  return item;
}
