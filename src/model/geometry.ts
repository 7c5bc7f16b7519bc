/**
 * The only home of coordinate math. Model coordinates are absolute pixels, origin top-left,
 * continuous; rotation is degrees clockwise (y down) about the box's top-left corner (MODEL.md).
 */
import type { Annotation, Rle } from './types.js';

/** Axis-aligned box in model form. */
export interface Xywh {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Corner form: (xmin, ymin) top-left, (xmax, ymax) bottom-right, continuous pixels. */
export interface Xyxy {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export function xyxyToXywh(b: Xyxy): Xywh {
  return { x: b.xmin, y: b.ymin, w: b.xmax - b.xmin, h: b.ymax - b.ymin };
}

export function xywhToXyxy(b: Xywh): Xyxy {
  return { xmin: b.x, ymin: b.y, xmax: b.x + b.w, ymax: b.y + b.h };
}

/** Area of an axis-aligned box. */
export function boxArea(b: Xywh): number {
  return b.w * b.h;
}

/** True when the box lies within a width x height image, give or take `eps` pixels. */
export function boxInside(b: Xywh, width: number, height: number, eps = 1e-6): boolean {
  return b.x >= -eps && b.y >= -eps && b.x + b.w <= width + eps && b.y + b.h <= height + eps;
}

/** The part of a box inside a width x height image; a box wholly outside comes back with w or h 0. */
export function clipBox(b: Xywh, width: number, height: number): Xywh {
  const clamp = (v: number, max: number): number => Math.min(Math.max(v, 0), max);
  const x = clamp(b.x, width);
  const y = clamp(b.y, height);
  return { x, y, w: clamp(b.x + b.w, width) - x, h: clamp(b.y + b.h, height) - y };
}

/** A flat [x1, y1, ...] list with each point moved onto a width x height image (Ultralytics' segment clip). */
export function clipPoints(flat: readonly number[], width: number, height: number): number[] {
  return flat.map((v, i) => Math.min(Math.max(v, 0), i % 2 ? height : width));
}

/** Percent of a size (0–100) to pixels. */
export function percentToPx(value: number, size: number): number {
  return (value / 100) * size;
}

/** Pixels to percent of a size (0–100). */
export function pxToPercent(value: number, size: number): number {
  return (value / size) * 100;
}

/** Fraction of a size (0–1) to pixels. */
export function fractionToPx(value: number, size: number): number {
  return value * size;
}

/**
 * An annotation whose coordinates are fractions (0–1) of a w x h image, in pixels: boxes,
 * polygons and keypoints; other kinds come back as they are.
 */
export function annotationFractionsToPx(a: Annotation, w: number, h: number): Annotation {
  const flat = (v: readonly number[]): number[] => v.map((x, i) => (i % 2 === 0 ? fractionToPx(x, w) : fractionToPx(x, h)));
  if (a.kind === 'box') return { ...a, x: fractionToPx(a.x, w), y: fractionToPx(a.y, h), w: fractionToPx(a.w, w), h: fractionToPx(a.h, h) };
  if (a.kind === 'polygon') return { ...a, rings: a.rings.map(flat) };
  if (a.kind === 'keypoints') return { ...a, points: a.points.map((p) => [fractionToPx(p[0]!, w), fractionToPx(p[1]!, h), ...p.slice(2)] as typeof p) };
  return a;
}

/** Pixels to a fraction of a size (0–1). */
export function pxToFraction(value: number, size: number): number {
  return value / size;
}

/** Box given by its centre and size (YOLO) to model form. */
export function centreToXywh(cx: number, cy: number, w: number, h: number): Xywh {
  return { x: cx - w / 2, y: cy - h / 2, w, h };
}

/** Model box to centre + size. */
export function xywhToCentre(b: Xywh): { cx: number; cy: number; w: number; h: number } {
  return { cx: b.x + b.w / 2, cy: b.y + b.h / 2, w: b.w, h: b.h };
}

/**
 * 1-based inclusive integer pixel box (Pascal VOC devkit) to model form, with the offset policy:
 * `offset` 1 (devkit rule) gives x = xmin - 1, w = xmax - xmin + 1; `offset` 0 takes the numbers as
 * continuous corners (x = xmin, w = xmax - xmin).
 */
export function inclusiveToXywh(b: Xyxy, offset: 0 | 1): Xywh {
  if (offset === 1) return { x: b.xmin - 1, y: b.ymin - 1, w: b.xmax - b.xmin + 1, h: b.ymax - b.ymin + 1 };
  return xyxyToXywh(b);
}

/** Inverse of {@link inclusiveToXywh}. */
export function xywhToInclusive(b: Xywh, offset: 0 | 1): Xyxy {
  if (offset === 1) return { xmin: b.x + 1, ymin: b.y + 1, xmax: b.x + b.w, ymax: b.y + b.h };
  return xywhToXyxy(b);
}

/**
 * Corners on whole pixels, each rounded to the nearest (halves up), as VOC writers and readers
 * (`int(text)`) take them. A box at least one pixel wide keeps xmax >= xmin + 1 under the devkit
 * offset, since round(v + 1) = round(v) + 1.
 */
export function wholeCorners(c: Xyxy): Xyxy {
  return { xmin: Math.round(c.xmin), ymin: Math.round(c.ymin), xmax: Math.round(c.xmax), ymax: Math.round(c.ymax) };
}

/** Whether rounding moved a corner by more than floating-point noise (`eps` pixels). */
export function cornersMoved(a: Xyxy, b: Xyxy, eps = 1e-6): boolean {
  return Math.abs(a.xmin - b.xmin) > eps || Math.abs(a.ymin - b.ymin) > eps || Math.abs(a.xmax - b.xmax) > eps || Math.abs(a.ymax - b.ymax) > eps;
}

const DEG = Math.PI / 180;

/** The four corners of a box rotated about its top-left corner, clockwise from that corner. */
export function rotatedCorners(b: Xywh, rotationDeg: number): [number, number][] {
  const c = Math.cos(rotationDeg * DEG);
  const s = Math.sin(rotationDeg * DEG);
  const at = (dx: number, dy: number): [number, number] => [b.x + dx * c - dy * s, b.y + dx * s + dy * c];
  return [at(0, 0), at(b.w, 0), at(b.w, b.h), at(0, b.h)];
}

/** Axis-aligned envelope of a rotated box. */
export function rotatedEnvelope(b: Xywh, rotationDeg: number): Xywh {
  if (!rotationDeg) return { ...b };
  return pointsEnvelope(rotatedCorners(b, rotationDeg).flat());
}

/** A box rotated about its centre (CVAT) expressed with the model's corner pivot. */
export function centreRotationToCorner(b: Xywh, rotationDeg: number): Xywh {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  const c = Math.cos(rotationDeg * DEG);
  const s = Math.sin(rotationDeg * DEG);
  const dx = -b.w / 2;
  const dy = -b.h / 2;
  return { x: cx + dx * c - dy * s, y: cy + dx * s + dy * c, w: b.w, h: b.h };
}

/** Inverse of {@link centreRotationToCorner}: the unrotated box whose centre is the rotated centre. */
export function cornerRotationToCentre(b: Xywh, rotationDeg: number): Xywh {
  const c = Math.cos(rotationDeg * DEG);
  const s = Math.sin(rotationDeg * DEG);
  const cx = b.x + (b.w / 2) * c - (b.h / 2) * s;
  const cy = b.y + (b.w / 2) * s + (b.h / 2) * c;
  return { x: cx - b.w / 2, y: cy - b.h / 2, w: b.w, h: b.h };
}

/** An ellipse (centre, radii, rotation clockwise about the centre) as an n-point polygon ring. */
export function ellipseToRing(cx: number, cy: number, rx: number, ry: number, rotationDeg = 0, n = 32): number[] {
  const c = Math.cos(rotationDeg * DEG);
  const s = Math.sin(rotationDeg * DEG);
  const ring: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    const dx = rx * Math.cos(t);
    const dy = ry * Math.sin(t);
    ring.push(cx + dx * c - dy * s, cy + dx * s + dy * c);
  }
  return ring;
}

/** Axis-aligned envelope of a rotated ellipse. */
export function ellipseEnvelope(cx: number, cy: number, rx: number, ry: number, rotationDeg = 0): Xywh {
  const c = Math.cos(rotationDeg * DEG);
  const s = Math.sin(rotationDeg * DEG);
  const hw = Math.sqrt(rx * rx * c * c + ry * ry * s * s);
  const hh = Math.sqrt(rx * rx * s * s + ry * ry * c * c);
  return { x: cx - hw, y: cy - hh, w: 2 * hw, h: 2 * hh };
}

/** Envelope of a flat [x1, y1, x2, y2, ...] list. */
export function pointsEnvelope(flat: readonly number[]): Xywh {
  return ringsEnvelope([flat]);
}

/** Envelope of several rings. */
export function ringsEnvelope(rings: readonly (readonly number[])[]): Xywh {
  let xmin = Infinity;
  let ymin = Infinity;
  let xmax = -Infinity;
  let ymax = -Infinity;
  for (const flat of rings) {
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const x = flat[i]!;
      const y = flat[i + 1]!;
      if (x < xmin) xmin = x;
      if (x > xmax) xmax = x;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
    }
  }
  if (xmin === Infinity) return { x: 0, y: 0, w: 0, h: 0 };
  return { x: xmin, y: ymin, w: xmax - xmin, h: ymax - ymin };
}

/** Area of one ring by the shoelace formula (absolute value). */
export function ringArea(flat: readonly number[]): number {
  const n = Math.floor(flat.length / 2);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    sum += flat[2 * i]! * flat[2 * j + 1]! - flat[2 * j]! * flat[2 * i + 1]!;
  }
  return Math.abs(sum) / 2;
}

/** Intersection over union of two axis-aligned boxes; 1 for two equal empty boxes. */
export function boxIou(a: Xywh, b: Xywh): number {
  const iw = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const ih = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = iw * ih;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h ? 1 : 0;
}

/** Sum of the ring areas of a multi-part polygon. */
export function polygonArea(rings: readonly (readonly number[])[]): number {
  let a = 0;
  for (const r of rings) a += ringArea(r);
  return a;
}

/** Decode COCO-style RLE to a column-major bitmap of h*w bytes (0/1). */
export function rleDecode(rle: Rle): Uint8Array {
  const [h, w] = rle.size;
  const out = new Uint8Array(h * w);
  let pos = 0;
  let value = 0;
  for (const run of rle.counts) {
    const end = Math.min(pos + run, out.length);
    if (value) out.fill(1, pos, end);
    pos = end;
    value ^= 1;
  }
  return out;
}

/** Encode a column-major bitmap (non-zero = set) to COCO-style RLE. */
export function rleEncode(bits: Uint8Array, h: number, w: number): Rle {
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  for (let i = 0; i < h * w; i++) {
    const b = bits[i] ? 1 : 0;
    if (b !== value) {
      counts.push(run);
      run = 0;
      value = b;
    }
    run++;
  }
  counts.push(run);
  return { size: [h, w], counts };
}

/** Column-major (COCO) bitmap to row-major. */
export function columnToRowMajor(bits: Uint8Array, h: number, w: number): Uint8Array {
  const out = new Uint8Array(h * w);
  for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) out[y * w + x] = bits[x * h + y]!;
  return out;
}

/** Row-major bitmap to column-major (COCO). */
export function rowToColumnMajor(bits: Uint8Array, h: number, w: number): Uint8Array {
  const out = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[x * h + y] = bits[y * w + x]!;
  return out;
}

/** Number of set pixels of an RLE mask. */
export function rleArea(rle: Rle): number {
  let a = 0;
  for (let i = 1; i < rle.counts.length; i += 2) a += rle.counts[i]!;
  return a;
}

/** Tight box of an RLE mask in pixels (zero box when empty). */
export function rleBbox(rle: Rle): Xywh {
  const [h] = rle.size;
  let pos = 0;
  let xmin = Infinity;
  let ymin = Infinity;
  let xmax = -Infinity;
  let ymax = -Infinity;
  for (let i = 0; i < rle.counts.length; i++) {
    const run = rle.counts[i]!;
    if (i % 2 === 1 && run > 0) {
      const first = pos;
      const last = pos + run - 1;
      const x0 = Math.floor(first / h);
      const x1 = Math.floor(last / h);
      xmin = Math.min(xmin, x0);
      xmax = Math.max(xmax, x1);
      if (x0 === x1) {
        ymin = Math.min(ymin, first % h);
        ymax = Math.max(ymax, last % h);
      } else {
        ymin = 0;
        ymax = h - 1;
      }
    }
    pos += run;
  }
  if (xmin === Infinity) return { x: 0, y: 0, w: 0, h: 0 };
  return { x: xmin, y: ymin, w: xmax - xmin + 1, h: ymax - ymin + 1 };
}

/**
 * Decode the compressed COCO RLE string (pycocotools' LEB128-like 6-bit ASCII with deltas) to counts.
 * Returns null when the string is malformed.
 */
export function rleFromString(s: string): number[] | null {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = 1;
    while (more) {
      if (p >= s.length) return null;
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) return null;
      x |= (c & 0x1f) << (5 * k);
      more = c & 0x20;
      p++;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
      if (k > 7) return null;
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}

/** Encode counts to the compressed COCO RLE string. */
export function rleToString(counts: readonly number[]): string {
  let s = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]!;
    if (i > 2) x -= counts[i - 2]!;
    let more = 1;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = c & 0x10 ? (x !== -1 ? 1 : 0) : x !== 0 ? 1 : 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

/** True when every number is finite. */
export function allFinite(values: readonly unknown[]): boolean {
  for (const v of values) if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  return true;
}

/** A UTF-16 code unit offset into `text` as a code point offset. */
export function utf16ToCodePoints(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
    n++;
  }
  return n;
}

/** A code point offset into `text` as a UTF-16 code unit offset. */
export function codePointsToUtf16(text: string, offset: number): number {
  let i = 0;
  for (let n = 0; n < offset && i < text.length; n++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}

/** The axis-aligned envelope of a shape annotation (undefined for labels without geometry). */
export function envelopeOf(a: Annotation): Xywh | undefined {
  switch (a.kind) {
    case 'box':
      return a.rotation ? rotatedEnvelope(a, a.rotation) : { x: a.x, y: a.y, w: a.w, h: a.h };
    case 'polygon':
      return ringsEnvelope(a.rings);
    case 'mask':
      return rleBbox(a.rle);
    case 'ellipse':
      return ellipseEnvelope(a.cx, a.cy, a.rx, a.ry, a.rotation ?? 0);
    default:
      return undefined;
  }
}

/** What writing a shape as its envelope box loses, as a singular noun for the loss report (undefined: nothing). */
export function envelopeLoss(a: Annotation): string | undefined {
  if (a.kind === 'box') return a.rotation ? 'box rotation' : undefined;
  return a.kind === 'polygon' || a.kind === 'mask' || a.kind === 'ellipse' ? a.kind : undefined;
}

/**
 * Where a DICOM slice lies along its stack: its ImagePositionPatient projected on the slice normal
 * (the cross product of the row and column direction cosines of ImageOrientationPatient); the z
 * coordinate when the orientation is unknown (axial slices), 0 without a position.
 */
export function slicePosition(position: readonly number[] | undefined, orientation: readonly number[] | undefined): number {
  if (!position) return 0;
  if (!orientation || orientation.length !== 6) return position[2] ?? 0;
  const [r0, r1, r2, c0, c1, c2] = orientation as [number, number, number, number, number, number];
  const n = [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0];
  return position[0]! * n[0]! + position[1]! * n[1]! + position[2]! * n[2]!;
}

/** A flat [x1, y1, ...] pixel list as fractions (0–1) of a w x h image (Annotto zones, YOLO segments). */
export function pointsToFractions(flat: readonly number[], w: number, h: number): number[] {
  return flat.map((v, i) => (i % 2 === 0 ? pxToFraction(v, w) : pxToFraction(v, h)));
}

/** A flat [x1, y1, ...] list of fractions (0–1) of a w x h image as pixels. */
export function fractionsToPoints(flat: readonly number[], w: number, h: number): number[] {
  return flat.map((v, i) => (i % 2 === 0 ? fractionToPx(v, w) : fractionToPx(v, h)));
}

/**
 * The axis-aligned box four points are the corners of, walked around it (from any corner, in either
 * direction), or undefined: a zone drawn as a rectangle reads back as the box it was written from.
 * Corners must match exactly (a writer repeats the same number), so a near-rectangle stays a polygon.
 */
export function rectangleOf(flat: readonly number[]): Xywh | undefined {
  if (flat.length !== 8) return undefined;
  const xs = [...new Set([flat[0]!, flat[2]!, flat[4]!, flat[6]!])];
  const ys = [...new Set([flat[1]!, flat[3]!, flat[5]!, flat[7]!])];
  if (xs.length !== 2 || ys.length !== 2) return undefined;
  if (new Set([0, 1, 2, 3].map((i) => `${flat[2 * i]},${flat[2 * i + 1]}`)).size !== 4) return undefined;
  for (let i = 0; i < 4; i++) {
    const j = (i + 1) % 4;
    const sameX = flat[2 * i] === flat[2 * j];
    const sameY = flat[2 * i + 1] === flat[2 * j + 1];
    if (sameX === sameY) return undefined; // a diagonal step or a repeated point
  }
  const [xmin, xmax] = [Math.min(...xs), Math.max(...xs)];
  const [ymin, ymax] = [Math.min(...ys), Math.max(...ys)];
  return { x: xmin, y: ymin, w: xmax - xmin, h: ymax - ymin };
}

/** Pixel area of a shape (box w·h, polygon ring areas, mask pixels, ellipse π·rx·ry); undefined for annotations without geometry. */
export function shapeArea(a: Annotation): number | undefined {
  switch (a.kind) {
    case 'box':
      return a.w * a.h;
    case 'polygon':
      return polygonArea(a.rings);
    case 'mask':
      return rleArea(a.rle);
    case 'ellipse':
      return Math.PI * a.rx * a.ry;
    default:
      return undefined;
  }
}
