/**
 * A parsed VOC `<annotation>` to a model item: its size, its objects as boxes, each object's
 * `<part>`s as boxes of their own linked to it (`parent`), flags, pose and actions as attributes,
 * everything else kept in `extras.voc` for the writer.
 */
import type { Code } from '../../core/codes.js';
import { setOwn } from '../../core/safe.js';
import { inclusiveToXywh, type Xyxy } from '../../model/geometry.js';
import type { Annotation, Item, JsonObject } from '../../model/types.js';

export interface Finding {
  code: Code;
  message: string;
  at: string;
  severity?: 'error' | 'warning';
}

interface Size {
  W: number | undefined;
  H: number | undefined;
  offset: 0 | 1;
}

export const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
export const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : isObj(v) && typeof v['#text'] === 'string' ? v['#text'] : undefined);

const FLAGS = ['truncated', 'difficult', 'occluded'] as const;
const KNOWN = new Set<string>(['name', 'bndbox', 'pose', 'part', 'actions', ...FLAGS]);

export function annotationToItem(ann: JsonObject, file: string, offset: 0 | 1): { item: Item; findings: Finding[] } {
  const f: Finding[] = [];
  const filename = text(ann.filename);
  const name = filename ?? file.replace(/^.*[\\/]/, '').replace(/\.xml$/i, '');
  const item: Item = { id: name, kind: 'image', path: name, metadata: {}, annotations: [] };
  const ex: JsonObject = {};
  for (const k of Object.keys(ann)) if (!['filename', 'size', 'object'].includes(k)) setOwn(ex, k, ann[k]);
  if (filename === undefined) ex.noFilename = true;
  const sz: Size = { W: undefined, H: undefined, offset };
  const size = ann.size;
  if (isObj(size)) {
    const W = Number(text(size.width));
    const H = Number(text(size.height));
    if (Number.isFinite(W) && Number.isFinite(H) && W > 0 && H > 0) {
      item.width = sz.W = W;
      item.height = sz.H = H;
    } else f.push({ code: 'VOC_SIZE_MISSING', message: 'size has no positive width and height (YOLO and percent targets need them)', at: '/annotation/size', severity: 'warning' });
    if (size.depth !== undefined) ex.depth = text(size.depth);
  } else f.push({ code: 'VOC_SIZE_MISSING', message: 'no <size> (YOLO and percent targets need the image size)', at: '/annotation/size', severity: 'warning' });
  const objects = Array.isArray(ann.object) ? ann.object : [];
  objects.forEach((o, i) => {
    for (const a of objectToAnnotations(o, i, sz, f)) item.annotations.push(a);
  });
  if (Object.keys(ex).length) item.extras = { voc: ex };
  return { item, findings: f };
}

/**
 * One `<object>`: its parts first, then the object, as datumaro lists them (its VOC reader gives
 * 2007_000001 as cat, head, person). An object with parts gets an id, `String(i + 1)` for the
 * i-th object, for its parts' `parent`.
 */
function objectToAnnotations(o: unknown, i: number, sz: Size, f: Finding[]): Annotation[] {
  const at = `/annotation/object/${i}`;
  if (!isObj(o)) {
    f.push({ code: 'VOC_OBJECT_INVALID', message: 'an <object> must have elements', at });
    return [];
  }
  const label = text(o.name);
  if (label === undefined || label === '') {
    f.push({ code: 'VOC_OBJECT_INVALID', message: 'an <object> without <name>', at: at + '/name' });
    return [];
  }
  const box = readBox(o.bndbox, at + '/bndbox', f, sz);
  if (!box) return [];
  const a: Annotation = { kind: 'box', ...inclusiveToXywh(box, sz.offset), label };
  const parts = Array.isArray(o.part) ? o.part.flatMap((p, j) => partToAnnotation(p, `${at}/part/${j}`, sz, f)) : [];
  if (parts.length) {
    a.id = String(i + 1);
    for (const p of parts) p.parent = a.id;
  }
  const attrs: JsonObject = {};
  for (const flag of FLAGS) {
    if (o[flag] === undefined) continue;
    const v = text(o[flag]);
    if (v !== '0' && v !== '1') f.push({ code: 'VOC_FLAG_INVALID', message: `${flag} must be 0 or 1, got ${JSON.stringify(v)}`, at: `${at}/${flag}` });
    else attrs[flag] = v === '1';
  }
  if (o.pose !== undefined) attrs.pose = text(o.pose) ?? '';
  if (isObj(o.actions)) attrs.actions = Object.fromEntries(Object.entries(o.actions).map(([k, v]) => [k, text(v) === '1']));
  const rest: JsonObject = {};
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) setOwn(rest, k, o[k]);
  if (Object.keys(attrs).length) a.attributes = attrs;
  if (Object.keys(rest).length) a.extras = { voc: rest };
  return [...parts, a];
}

/** A `<part>` (person layout: head, hand, foot): a name and a bndbox, nothing else. */
function partToAnnotation(p: unknown, at: string, sz: Size, f: Finding[]): Annotation[] {
  const label = isObj(p) ? text(p.name) : undefined;
  if (label === undefined || label === '') {
    f.push({ code: 'VOC_OBJECT_INVALID', message: 'a <part> without <name>', at: at + '/name' });
    return [];
  }
  const box = readBox((p as JsonObject).bndbox, at + '/bndbox', f, sz);
  return box ? [{ kind: 'box', ...inclusiveToXywh(box, sz.offset), label }] : [];
}

function readBox(b: unknown, at: string, f: Finding[], sz: Size): Xyxy | undefined {
  if (!isObj(b)) {
    f.push({ code: 'VOC_OBJECT_INVALID', message: 'an <object> without <bndbox>', at });
    return undefined;
  }
  const v: number[] = [];
  for (const k of ['xmin', 'ymin', 'xmax', 'ymax']) {
    const s = text(b[k]);
    const n = s === undefined || s.trim() === '' ? NaN : Number(s);
    if (!Number.isFinite(n)) {
      f.push({ code: 'VOC_COORDINATE_INVALID', message: `${k} must be a number, got ${JSON.stringify(s)}`, at: `${at}/${k}` });
      return undefined;
    }
    v.push(n);
  }
  const [xmin, ymin, xmax, ymax] = v as [number, number, number, number];
  if (xmin > xmax || ymin > ymax) {
    f.push({ code: 'VOC_BOX_INVERTED', message: `xmin > xmax or ymin > ymax: ${v.join(', ')}`, at });
    return undefined;
  }
  if (v.some((n) => !Number.isInteger(n))) f.push({ code: 'VOC_COORDINATE_FLOAT', message: `coordinates are not whole pixels: ${v.join(', ')} (read as they are)`, at, severity: 'warning' });
  outside({ xmin, ymin, xmax, ymax }, at, f, sz);
  return { xmin, ymin, xmax, ymax };
}

/**
 * The image's pixels are 1..W by the devkit's rule (0..W as continuous corners with
 * --voc-offset 0): a min corner of 0 under the devkit rule is the mark of a 0-based file (Label
 * Studio's export, Roboflow's), whose boxes would come out one pixel left and up, at -1.
 */
function outside(c: Xyxy, at: string, f: Finding[], { W, H, offset }: Size): void {
  const low = Math.min(c.xmin, c.ymin);
  if (offset === 1 && low >= 0 && low < 1) {
    f.push({ code: 'VOC_ZERO_BASED', message: `xmin or ymin is ${low}, but the devkit's pixels start at 1: the file looks 0-based, read it with --voc-offset 0 (as read, this box starts at ${low - 1})`, at, severity: 'warning' });
  } else if (low < 0) {
    f.push({ code: 'VOC_BOX_OUTSIDE', message: `the box ${c.xmin}, ${c.ymin}, ${c.xmax}, ${c.ymax} starts left of or above the image`, at, severity: 'warning' });
    return;
  }
  if (W !== undefined && H !== undefined && (c.xmax > W || c.ymax > H)) f.push({ code: 'VOC_BOX_OUTSIDE', message: `the box ${c.xmin}, ${c.ymin}, ${c.xmax}, ${c.ymax} reaches beyond the ${W} x ${H} image`, at, severity: 'warning' });
}
