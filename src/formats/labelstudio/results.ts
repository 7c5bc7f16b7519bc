/**
 * Label Studio result items (FORMATS.md §4.5) to and from model annotations.
 *
 * Quirks worth knowing:
 * - Image geometry is in percent (0-100) of `original_width` / `original_height`; the model is in
 *   pixels, so a result without those sizes cannot be read (nor written for an item without sizes).
 * - Percent is any JSON number: 1e308 % is finite, but not in pixels any target can write back, so
 *   pixel values beyond +/- 1e9 (model/range.ts) are refused at the value (MODEL_VALUE_RANGE).
 * - `rotation` of a rectangle turns it clockwise about its top-left corner: the model's convention,
 *   so it is carried over as it is.
 * - An ellipse's `radiusX` is a percent of the width, `radiusY` of the height.
 * - Brushes are Label Studio's own bit-packed RLE of an RGBA image (brush-rle.ts); the model holds
 *   COCO-style column-major runs, so a brush goes through a bitmap both ways.
 * - Text spans: newer Label Studio counts code points, older UTF-16 units; the stored `text` tells
 *   which (read.ts checks it against the task text).
 * - What the model has no field for (result ids, from_name/to_name, flags, unknown value keys) is kept
 *   in `extras.labelstudio` so that labelstudio -> annoconv -> labelstudio gives the result back.
 */
import { noun, type Noun } from '../../core/noun.js';
import type { Code } from '../../core/codes.js';
import type { Annotation, JsonObject } from '../../model/types.js';
import { columnToRowMajor, percentToPx, pxToPercent, rleDecode, rleEncode, rowToColumnMajor } from '../../model/geometry.js';
import { setOwn } from '../../core/safe.js';
import { lsRleDecode, lsRleEncode } from './brush-rle.js';
import { MAX_PX, beyondPixelRange } from '../../model/range.js';

export interface Finding {
  code: Code;
  message: string;
  /** Pointer suffix below the result. */
  at: string;
  severity?: 'error' | 'warning';
}

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const fin = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Result fields the model carries (everything else of a result is kept in extras). */
const ENVELOPE_MODELED = new Set(['value', 'type', 'score', 'original_width', 'original_height']);

/** The `*labels` key of each labelled type and the shape kind it holds. */
const SHAPES: Record<string, { labels: string | undefined; shape: 'box' | 'polygon' | 'keypoint' | 'ellipse' | 'brush' | 'span' }> = {
  rectanglelabels: { labels: 'rectanglelabels', shape: 'box' },
  rectangle: { labels: undefined, shape: 'box' },
  polygonlabels: { labels: 'polygonlabels', shape: 'polygon' },
  polygon: { labels: undefined, shape: 'polygon' },
  keypointlabels: { labels: 'keypointlabels', shape: 'keypoint' },
  keypoint: { labels: undefined, shape: 'keypoint' },
  ellipselabels: { labels: 'ellipselabels', shape: 'ellipse' },
  ellipse: { labels: undefined, shape: 'ellipse' },
  brushlabels: { labels: 'brushlabels', shape: 'brush' },
  brush: { labels: undefined, shape: 'brush' },
  labels: { labels: 'labels', shape: 'span' },
};

/** Value keys each shape models (the rest is kept). */
const SHAPE_KEYS: Record<string, string[]> = {
  box: ['x', 'y', 'width', 'height', 'rotation'],
  polygon: ['points'],
  keypoint: ['x', 'y'],
  ellipse: ['x', 'y', 'radiusX', 'radiusY', 'rotation'],
  brush: ['rle', 'format'],
  span: ['start', 'end', 'text'],
};

export interface ReadResult {
  annotation?: Annotation;
  /** A result of a type the model has no slot for: kept whole. */
  raw?: JsonObject;
  findings: Finding[];
  /** original_width / original_height of the result, when given. */
  size?: [number, number];
  /** `raw` is a shape in percent of an image size nobody gave: no pixel target can place it. */
  unsized?: true;
}

/** Largest brush or mask turned into a bitmap: the model's limit for masks (8K video frames are 33 million pixels). */
export { MAX_MASK_PIXELS } from '../../model/trace.js';
import { MAX_MASK_PIXELS } from '../../model/trace.js';

/** Percent tolerance before a coordinate outside 0-100 is warned. */
const OVERSHOOT = 0.01;

/**
 * One result to a model annotation. `size` gives the item's pixel size when the result lacks its
 * own; `origin` and the group are set by the caller.
 */
export function readResult(r: unknown, fallbackSize: [number, number] | undefined): ReadResult {
  const f: Finding[] = [];
  if (!isObj(r)) return { findings: [{ code: 'LS_RESULT_INVALID', message: 'a result must be an object', at: '' }] };
  const type = r.type;
  if (typeof type !== 'string') return { findings: [{ code: 'LS_RESULT_INVALID', message: 'a result needs a type (rectanglelabels, choices, ...)', at: '/type' }] };
  const ex: JsonObject = {};
  for (const k of Object.keys(r)) if (!ENVELOPE_MODELED.has(k)) setOwn(ex, k, r[k]);
  ex.type = type;
  if (typeof ex.id === 'string') delete ex.id; // the annotation's id
  else if (r.id === undefined) ex.noId = true;
  let size: [number, number] | undefined;
  if (r.original_width !== undefined || r.original_height !== undefined) {
    if (!fin(r.original_width) || !fin(r.original_height) || r.original_width <= 0 || r.original_height <= 0) {
      f.push({ code: 'LS_RESULT_INVALID', message: 'original_width and original_height must be positive numbers', at: '/original_width' });
      return { findings: f };
    }
    const huge = r.original_width > MAX_PX ? 'original_width' : r.original_height > MAX_PX ? 'original_height' : undefined;
    if (huge) {
      f.push({ code: 'MODEL_VALUE_RANGE', message: `${huge} ${String(r[huge])} is not an image size in pixels (at most 1e9)`, at: '/' + huge });
      return { findings: f };
    }
    size = [r.original_width, r.original_height];
  } else ex.noSize = true;
  if (type === 'relation') return readRelation(r, ex, f);
  for (const k of ['from_name', 'to_name']) if (typeof r[k] !== 'string') f.push({ code: 'LS_RESULT_INVALID', message: `a result needs ${k} (a string)`, at: '/' + k });
  const value = r.value;
  if (!isObj(value)) f.push({ code: 'LS_RESULT_INVALID', message: 'a result needs a value object', at: '/value' });
  if (f.length || !isObj(value)) return { findings: f };
  const score = r.score;
  const base: { score?: number } = {};
  if (score !== undefined) {
    if (fin(score)) base.score = score;
    else f.push({ code: 'LS_RESULT_INVALID', message: 'score must be a number', at: '/score' });
  }
  const shape = Object.hasOwn(SHAPES, type) ? SHAPES[type] : undefined;
  let annotation: Annotation | undefined;
  if (type === 'choices' || type === 'taxonomy') annotation = readChoices(type, value, ex, f);
  else if (type === 'textarea') annotation = readTextarea(value, ex, f);
  else if (shape && shape.shape !== 'span' && !(size ?? fallbackSize)) {
    return { raw: r, unsized: true, findings: [{ code: 'LS_NO_SIZE_KEPT', message: 'percent coordinates without original_width/original_height: kept as they are for Label Studio output; pixel targets (COCO, YOLO, VOC, CSV, Remo) refuse the task', at: '/value', severity: 'warning' }] };
  } else if (shape) {
    const a = readShape(shape.shape, shape.labels, value, size ?? fallbackSize, ex, f);
    // spans in seconds (audio, video) have no model slot
    if (a === 'time') return { raw: r, findings: [{ code: 'LS_RESULT_TYPE_UNKNOWN', message: 'a span in seconds (audio or video) has no place in the model: kept as it is for Label Studio, dropped by other targets', at: '/value/start', severity: 'warning' }], ...(size ? { size } : {}) };
    annotation = a;
  }
  else return { raw: r, findings: [{ code: 'LS_RESULT_TYPE_UNKNOWN', message: `result type ${JSON.stringify(type)} has no place in the model: kept as it is for Label Studio, dropped by other targets`, at: '/type', severity: 'warning' }], ...(size ? { size } : {}) };
  if (!annotation || f.some((x) => (x.severity ?? 'error') === 'error')) return { findings: f };
  Object.assign(annotation, base);
  annotation.extras = { labelstudio: ex };
  return { annotation, findings: f, ...(size ? { size } : {}) };
}

function keepValue(value: JsonObject, modeled: readonly string[], ex: JsonObject): void {
  const rest: JsonObject = {};
  for (const k of Object.keys(value)) if (!modeled.includes(k)) setOwn(rest, k, value[k]);
  if (Object.keys(rest).length) ex.value = rest;
  ex.valueKeys = Object.keys(value);
}

function labelsOf(value: JsonObject, key: string, ex: JsonObject, f: Finding[]): string | undefined {
  const l = value[key];
  if (l === undefined) return undefined;
  if (!Array.isArray(l) || !l.every((x) => typeof x === 'string')) {
    f.push({ code: 'LS_RESULT_INVALID', message: `${key} must be a list of label names`, at: `/value/${key}` });
    return undefined;
  }
  if (l.length === 0) {
    f.push({ code: 'LS_LABELS_EMPTY', message: `${key} is empty: a labelled region without a label`, at: `/value/${key}` });
    return undefined;
  }
  if (l.length > 1) ex.labels = l;
  return l[0] as string;
}

function pctCheck(values: [string, number][], f: Finding[]): void {
  for (const [k, v] of values) {
    if (v < -OVERSHOOT || v > 100 + OVERSHOOT) {
      f.push({ code: 'LS_PERCENT_RANGE', message: `${k === 'width' ? 'x + width' : k === 'height' ? 'y + height' : k} = ${v} is outside 0-100 percent`, at: `/value/${k}`, severity: 'warning' });
      return;
    }
  }
}

/**
 * Reports the first pixel value beyond the model's range (MODEL_VALUE_RANGE at the value it came
 * from): a percent of 1e308 is a finite number, but it becomes Infinity or null in every target.
 */
function outOfRange(values: [key: string, px: number | undefined][], f: Finding[]): boolean {
  for (const [k, v] of values) {
    if (v !== undefined && beyondPixelRange(v)) {
      f.push({ code: 'MODEL_VALUE_RANGE', message: `value.${k} is beyond +/- 1e9 ${k === 'rotation' ? 'degrees' : 'pixels once turned into pixels'}`, at: `/value/${k}` });
      return true;
    }
  }
  return false;
}

function readShape(shape: string, labelKey: string | undefined, value: JsonObject, size: [number, number] | undefined, ex: JsonObject, f: Finding[]): Annotation | 'time' | undefined {
  const label = labelKey ? labelsOf(value, labelKey, ex, f) : undefined;
  const keyed = labelKey ? [...SHAPE_KEYS[shape]!, labelKey] : SHAPE_KEYS[shape]!;
  keepValue(value, keyed, ex);
  const lbl = label !== undefined ? { label } : {};
  if (shape === 'span') return readSpan(value, lbl, f);
  if (!size) return undefined; // readResult keeps such a result whole
  const [W, H] = size;
  const nums = (keys: string[]): number[] | undefined => {
    const out: number[] = [];
    for (const k of keys) {
      const v = value[k];
      if (!fin(v)) {
        f.push({ code: 'LS_COORDINATE_INVALID', message: `value.${k} must be a finite number, got ${JSON.stringify(v)}`, at: `/value/${k}` });
        return undefined;
      }
      out.push(v);
    }
    return out;
  };
  const rotation = (): { rotation?: number } => {
    const r = value.rotation;
    if (r === undefined) return {};
    if (!fin(r)) {
      f.push({ code: 'LS_COORDINATE_INVALID', message: `value.rotation must be a finite number, got ${JSON.stringify(r)}`, at: '/value/rotation' });
      return {};
    }
    return { rotation: r };
  };
  switch (shape) {
    case 'box': {
      const v = nums(['x', 'y', 'width', 'height']);
      if (!v) return undefined;
      if (v[2]! < 0 || v[3]! < 0) f.push({ code: 'LS_COORDINATE_INVALID', message: 'width and height must not be negative', at: '/value/width' });
      if (!value.rotation) pctCheck([['x', v[0]!], ['y', v[1]!], ['width', v[0]! + v[2]!], ['height', v[1]! + v[3]!]], f);
      const px = [percentToPx(v[0]!, W), percentToPx(v[1]!, H), percentToPx(v[2]!, W), percentToPx(v[3]!, H)];
      const rot = rotation();
      if (outOfRange([['x', px[0]!], ['y', px[1]!], ['width', px[2]!], ['height', px[3]!], ['rotation', rot.rotation]], f)) return undefined;
      return { kind: 'box', x: px[0]!, y: px[1]!, w: px[2]!, h: px[3]!, ...rot, ...lbl };
    }
    case 'ellipse': {
      const v = nums(['x', 'y', 'radiusX', 'radiusY']);
      if (!v) return undefined;
      const e = { cx: percentToPx(v[0]!, W), cy: percentToPx(v[1]!, H), rx: percentToPx(v[2]!, W), ry: percentToPx(v[3]!, H) };
      const rot = rotation();
      if (outOfRange([['x', e.cx], ['y', e.cy], ['radiusX', e.rx], ['radiusY', e.ry], ['rotation', rot.rotation]], f)) return undefined;
      return { kind: 'ellipse', ...e, ...rot, ...lbl };
    }
    case 'keypoint': {
      const v = nums(['x', 'y']);
      if (!v) return undefined;
      pctCheck([['x', v[0]!], ['y', v[1]!]], f);
      const [px, py] = [percentToPx(v[0]!, W), percentToPx(v[1]!, H)];
      if (outOfRange([['x', px], ['y', py]], f)) return undefined;
      return { kind: 'keypoints', points: [[px, py, 2]], ...lbl };
    }
    case 'polygon': {
      const pts = value.points;
      if (!Array.isArray(pts) || !pts.every((p) => Array.isArray(p) && p.length >= 2 && fin(p[0]) && fin(p[1]))) {
        f.push({ code: 'LS_COORDINATE_INVALID', message: 'points must be a list of [x, y] finite numbers', at: '/value/points' });
        return undefined;
      }
      if (pts.length < 3) {
        f.push({ code: 'LS_POLYGON_POINTS', message: `a polygon needs at least 3 points, got ${pts.length}`, at: '/value/points' });
        return undefined;
      }
      const ring: number[] = new Array(pts.length * 2);
      let outside = -1;
      for (let i = 0; i < pts.length; i++) {
        const [x, y] = pts[i] as number[];
        if (outside < 0 && (x! < -OVERSHOOT || x! > 100 + OVERSHOOT || y! < -OVERSHOOT || y! > 100 + OVERSHOOT)) outside = i;
        ring[2 * i] = percentToPx(x!, W);
        ring[2 * i + 1] = percentToPx(y!, H);
        if (beyondPixelRange(ring[2 * i]!) || beyondPixelRange(ring[2 * i + 1]!)) {
          f.push({ code: 'MODEL_VALUE_RANGE', message: `point ${i} is beyond +/- 1e9 pixels once turned into pixels`, at: `/value/points/${i}` });
          return undefined;
        }
      }
      if (outside >= 0) f.push({ code: 'LS_PERCENT_RANGE', message: `point ${outside} is outside 0-100 percent`, at: `/value/points/${outside}`, severity: 'warning' });
      return { kind: 'polygon', rings: [ring], ...lbl };
    }
    case 'brush': {
      if (value.format !== undefined && value.format !== 'rle') {
        f.push({ code: 'LS_BRUSH_INVALID', message: `brush format ${JSON.stringify(value.format)} is not read (only rle)`, at: '/value/format' });
        return undefined;
      }
      const rle = value.rle;
      if (!Array.isArray(rle)) {
        f.push({ code: 'LS_BRUSH_INVALID', message: 'a brush needs value.rle, a list of bytes', at: '/value/rle' });
        return undefined;
      }
      if (W * H > MAX_MASK_PIXELS) {
        f.push({ code: 'LS_BRUSH_INVALID', message: `a ${W} x ${H} brush is larger than ${MAX_MASK_PIXELS.toLocaleString('en-US')} pixels: not decoded`, at: '/original_width' });
        return undefined;
      }
      if (!Number.isInteger(W) || !Number.isInteger(H)) {
        f.push({ code: 'LS_BRUSH_INVALID', message: 'a brush needs whole-pixel original_width and original_height', at: '/original_width' });
        return undefined;
      }
      const mask = lsRleDecode(rle as number[], W, H);
      if (typeof mask === 'string') {
        f.push({ code: 'LS_BRUSH_INVALID', message: `the brush RLE cannot be decoded: ${mask}`, at: '/value/rle' });
        return undefined;
      }
      return { kind: 'mask', rle: rleEncode(rowToColumnMajor(mask, H, W), H, W), ...lbl };
    }
  }
  return undefined;
}

function readSpan(value: JsonObject, lbl: { label?: string }, f: Finding[]): Annotation | 'time' | undefined {
  const { start, end, text } = value;
  if (typeof start === 'number' && typeof end === 'number' && Number.isFinite(start) && Number.isFinite(end) && (!Number.isInteger(start) || !Number.isInteger(end))) return 'time';
  if (!Number.isInteger(start) || !Number.isInteger(end) || (start as number) < 0) {
    f.push({ code: 'LS_SPAN_INVALID', message: 'start and end must be non-negative integers', at: '/value/start' });
    return undefined;
  }
  if ((start as number) > (end as number)) {
    f.push({ code: 'LS_SPAN_INVALID', message: `start ${String(start)} is after end ${String(end)}`, at: '/value/start' });
    return undefined;
  }
  return { kind: 'span', start: start as number, end: end as number, ...(typeof text === 'string' ? { text } : {}), ...lbl };
}

function readChoices(type: string, value: JsonObject, ex: JsonObject, f: Finding[]): Annotation | undefined {
  if (type === 'taxonomy') {
    const t = value.taxonomy;
    if (!Array.isArray(t) || !t.every((p) => Array.isArray(p) && p.every((x) => typeof x === 'string'))) {
      f.push({ code: 'LS_RESULT_INVALID', message: 'taxonomy must be a list of paths (lists of names)', at: '/value/taxonomy' });
      return undefined;
    }
    keepValue(value, ['taxonomy'], ex);
    ex.taxonomy = t;
    return { kind: 'classification', labels: (t as string[][]).map((p) => p.join('/')) };
  }
  const c = value.choices;
  if (!Array.isArray(c) || !c.every((x) => typeof x === 'string')) {
    f.push({ code: 'LS_RESULT_INVALID', message: 'choices must be a list of names', at: '/value/choices' });
    return undefined;
  }
  keepValue(value, ['choices'], ex);
  return { kind: 'classification', labels: c as string[] };
}

function readTextarea(value: JsonObject, ex: JsonObject, f: Finding[]): Annotation | undefined {
  const t = value.text;
  const values = typeof t === 'string' ? [t] : t;
  if (!Array.isArray(values) || !values.every((x) => typeof x === 'string')) {
    f.push({ code: 'LS_RESULT_INVALID', message: 'textarea text must be a list of strings', at: '/value/text' });
    return undefined;
  }
  if (typeof t === 'string') ex.textString = true;
  keepValue(value, ['text'], ex);
  return { kind: 'text', values: values as string[] };
}

function readRelation(r: JsonObject, ex: JsonObject, f: Finding[]): ReadResult {
  const { from_id, to_id } = r;
  if (typeof from_id !== 'string' || typeof to_id !== 'string') {
    f.push({ code: 'LS_RESULT_INVALID', message: 'a relation needs from_id and to_id (result ids)', at: '/from_id' });
    return { findings: f };
  }
  const d = r.direction ?? 'right';
  if (d !== 'left' && d !== 'right' && d !== 'bi') {
    f.push({ code: 'LS_RESULT_INVALID', message: `direction must be left, right or bi, got ${JSON.stringify(d)}`, at: '/direction' });
    return { findings: f };
  }
  const labels = r.labels;
  for (const k of ['from_id', 'to_id', 'direction', 'labels']) delete ex[k];
  if (r.direction === undefined) ex.noDirection = true;
  const a: Annotation = { kind: 'relation', from: from_id, to: to_id, direction: d };
  if (Array.isArray(labels) && labels.every((x) => typeof x === 'string')) a.labels = labels as string[];
  else if (labels !== undefined) ex.rawLabels = labels;
  a.extras = { labelstudio: ex };
  return { annotation: a, findings: f };
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Default control names, one per result type, matching the config `--config-out` writes. */
export const DEFAULT_FROM: Record<string, string> = {
  rectanglelabels: 'label',
  rectangle: 'box',
  polygonlabels: 'polygon',
  polygon: 'polygon',
  keypointlabels: 'keypoint',
  keypoint: 'keypoint',
  ellipselabels: 'ellipse',
  ellipse: 'ellipse',
  brushlabels: 'brush',
  brush: 'brush',
  choices: 'choice',
  taxonomy: 'taxonomy',
  textarea: 'caption',
  labels: 'ner',
};

export interface WriteTarget {
  /** Item pixel size, for percent. */
  size: [number, number] | undefined;
  /** The object tag results point at (`image`, `text`, ...). */
  toName: string;
  /** A fresh result id. */
  newId(): string;
}

export type WriteOutcome = { results: JsonObject[]; lost?: [what: Noun, count: number, reason: string] } | { error: Code; message: string };

const pct = (v: number, size: number): number => pxToPercent(v, size);

/** One model annotation as Label Studio result(s). */
export function writeResult(a: Annotation, t: WriteTarget): WriteOutcome {
  const ex = (a.extras?.labelstudio ?? {}) as JsonObject;
  const labelled = a.label !== undefined;
  // ids are kept as they were (a region's results share one; relations point at them)
  const id = a.id !== undefined && a.id !== '' ? a.id : ex.id !== undefined ? ex.id : t.newId();
  const envelope = (type: string, geometric: boolean): JsonObject => {
    const r: JsonObject = {};
    for (const k of Object.keys(ex)) {
      if (['type', 'value', 'valueKeys', 'labels', 'noSize', 'noId', 'utf16', 'taxonomy', 'textString', 'noDirection', 'rawLabels', 'size'].includes(k)) continue;
      setOwn(r, k, ex[k]);
    }
    if (!(ex.noId === true && a.id === undefined)) r.id = id;
    r.type = type;
    if (type !== 'relation') {
      r.from_name = typeof ex.from_name === 'string' ? ex.from_name : DEFAULT_FROM[type] ?? type;
      r.to_name = typeof ex.to_name === 'string' ? ex.to_name : t.toName;
    }
    // sizes on shapes, and on any result that had them (a per-region textarea)
    const size = needSize();
    if (size && ex.noSize !== true && (geometric || ex.type !== undefined)) {
      r.original_width = size[0];
      r.original_height = size[1];
    }
    if (a.score !== undefined) r.score = a.score;
    return r;
  };
  const value = (v: JsonObject, labelKey: string | undefined): JsonObject => {
    if (labelKey && a.label !== undefined) v[labelKey] = Array.isArray(ex.labels) ? ex.labels : [a.label];
    const extra = ex.value;
    if (extra && typeof extra === 'object') for (const k of Object.keys(extra)) if (v[k] === undefined) setOwn(v, k, (extra as JsonObject)[k]);
    const keys = ex.valueKeys;
    if (!Array.isArray(keys)) return v;
    // the source's keys, in its order (e.g. no rotation when it had none)
    const out: JsonObject = {};
    for (const k of keys as string[]) if (v[k] !== undefined) setOwn(out, k, v[k]);
    for (const k of Object.keys(v)) if (out[k] === undefined) setOwn(out, k, v[k]);
    return out;
  };
  // a result measured against another size than the item's (a task with several images) keeps it
  const needSize = (): [number, number] | undefined => (Array.isArray(ex.size) ? (ex.size as [number, number]) : t.size);
  switch (a.kind) {
    case 'box': {
      const s = needSize();
      if (!s) return { error: 'LS_NO_SIZE', message: 'a box needs the image width and height to be written in percent' };
      const type = typeof ex.type === 'string' && Object.hasOwn(SHAPES, ex.type) && SHAPES[ex.type]!.shape === 'box' ? ex.type : labelled ? 'rectanglelabels' : 'rectangle';
      const v = value({ x: pct(a.x, s[0]), y: pct(a.y, s[1]), width: pct(a.w, s[0]), height: pct(a.h, s[1]), rotation: a.rotation ?? 0 }, SHAPES[type]!.labels);
      return { results: [{ ...envelope(type, true), value: v }] };
    }
    case 'ellipse': {
      const s = needSize();
      if (!s) return { error: 'LS_NO_SIZE', message: 'an ellipse needs the image width and height to be written in percent' };
      const type = labelled ? 'ellipselabels' : 'ellipse';
      const v = value({ x: pct(a.cx, s[0]), y: pct(a.cy, s[1]), radiusX: pct(a.rx, s[0]), radiusY: pct(a.ry, s[1]), rotation: a.rotation ?? 0 }, SHAPES[type]!.labels);
      return { results: [{ ...envelope(type, true), value: v }] };
    }
    case 'polygon': {
      const s = needSize();
      if (!s) return { error: 'LS_NO_SIZE', message: 'a polygon needs the image width and height to be written in percent' };
      const type = labelled ? 'polygonlabels' : 'polygon';
      const results = a.rings.map((ring, n) => {
        const points: number[][] = [];
        for (let i = 0; i + 1 < ring.length; i += 2) points.push([pct(ring[i]!, s[0]), pct(ring[i + 1]!, s[1])]);
        const env = envelope(type, true);
        if (n > 0) env.id = t.newId();
        return { ...env, value: value({ points }, SHAPES[type]!.labels) };
      });
      return a.rings.length > 1 ? { results, lost: [noun('polygon part grouping'), a.rings.length - 1, 'a Label Studio polygon has one ring: each part became a polygon of its own'] } : { results };
    }
    case 'keypoints': {
      const s = needSize();
      if (!s) return { error: 'LS_NO_SIZE', message: 'keypoints need the image width and height to be written in percent' };
      const type = labelled ? 'keypointlabels' : 'keypoint';
      // unlabelled points (v 0) carry nothing; Label Studio has no "hidden" flag for v 1
      const pts = a.points.filter((p) => p[2] > 0);
      const results = pts.map((p, i) => {
        const env = envelope(type, true);
        if (i > 0) env.id = t.newId();
        return { ...env, value: value({ x: pct(p[0], s[0]), y: pct(p[1], s[1]) }, SHAPES[type]!.labels) };
      });
      const hidden = pts.filter((p) => p[2] === 1).length;
      return hidden ? { results, lost: [noun('keypoint visibility flag'), hidden, 'Label Studio keypoints have no hidden state (v 1 written as visible)'] } : { results };
    }
    case 'mask': {
      const [h, w] = a.rle.size;
      if (h * w > MAX_MASK_PIXELS) return { error: 'LS_BRUSH_INVALID', message: `a ${w} x ${h} mask is larger than ${MAX_MASK_PIXELS.toLocaleString('en-US')} pixels: not encoded as a brush` };
      const bits = columnToRowMajor(rleDecode(a.rle), h, w);
      const type = labelled ? 'brushlabels' : 'brush';
      const env = envelope(type, false);
      env.original_width = w;
      env.original_height = h;
      return { results: [{ ...env, value: value({ format: 'rle', rle: lsRleEncode(bits, w, h) }, SHAPES[type]!.labels) }] };
    }
    case 'classification': {
      if (ex.type === 'taxonomy' && Array.isArray(ex.taxonomy) && (ex.taxonomy as string[][]).map((p) => p.join('/')).join('\n') === a.labels.join('\n')) {
        return { results: [{ ...envelope('taxonomy', false), value: value({ taxonomy: ex.taxonomy }, undefined) }] };
      }
      const labels = a.labels.length ? a.labels : a.label !== undefined ? [a.label] : [];
      return { results: [{ ...envelope('choices', false), value: value({ choices: labels }, undefined) }] };
    }
    case 'text':
      return { results: [{ ...envelope('textarea', false), value: value({ text: ex.textString === true && a.values.length === 1 ? a.values[0] : a.values }, undefined) }] };
    case 'span': {
      const v: JsonObject = { start: a.start, end: a.end };
      if (a.text !== undefined) v.text = a.text;
      return { results: [{ ...envelope('labels', false), value: value(v, 'labels') }] };
    }
    case 'relation': {
      const r = envelope('relation', false);
      r.from_id = a.from;
      r.to_id = a.to;
      if (!(ex.noDirection === true && a.direction === 'right')) r.direction = a.direction;
      if (a.labels) r.labels = a.labels;
      else if (ex.rawLabels !== undefined) r.labels = ex.rawLabels;
      return { results: [r] };
    }
  }
}
