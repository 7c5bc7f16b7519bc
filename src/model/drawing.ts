/**
 * Coordinate and mask math for drawing annotations on a downscaled image (annoconv preview).
 *
 * A picture of w x h source pixels drawn at W x H (W = round(w * s)) maps a model point (x, y) to
 * (x * W / w, y * H / h): both axes keep the model's continuous convention, so the box [0, 0, 1, 1]
 * covers exactly the first source pixel at any scale. Masks are sampled at the centres of the
 * drawing's pixels (nearest source pixel), so a mask drawn at scale 1 is the mask, pixel for pixel.
 */
import { ellipseToRing, envelopeOf, pointsEnvelope, rleDecode, rotatedCorners, type Xywh } from './geometry.js';
import type { Annotation, Rle } from './types.js';

/** How a source of w x h pixels is scaled onto a drawing of width x height. */
export interface Scale {
  /** Drawing pixels per source pixel, along x and y. */
  sx: number;
  sy: number;
}

/** The drawing size of a w x h image shrunk to fit within max x max (never enlarged). */
export function fitWithin(w: number, h: number, max: number): { width: number; height: number } {
  const s = Math.min(1, max / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * s)), height: Math.max(1, Math.round(h * s)) };
}

/** The scale from a w x h source to a W x H drawing. */
export function scaleOf(w: number, h: number, W: number, H: number): Scale {
  return { sx: W / w, sy: H / h };
}

/** A flat [x1, y1, x2, y2, ...] list in drawing pixels. */
export function scaleFlat(flat: readonly number[], s: Scale): number[] {
  const out = new Array<number>(flat.length);
  for (let i = 0; i + 1 < flat.length; i += 2) {
    out[i] = flat[i]! * s.sx;
    out[i + 1] = flat[i + 1]! * s.sy;
  }
  return out;
}

/**
 * The outline of a shape as closed rings in source pixels: a box's 4 corners (rotated about its
 * top-left corner as MODEL.md says), a polygon's rings, an ellipse as a 64-point ring; undefined
 * for kinds without an outline (masks are drawn from their runs, keypoints as points).
 */
export function outlineRings(a: Annotation): number[][] | undefined {
  switch (a.kind) {
    case 'box':
      return [rotatedCorners({ x: a.x, y: a.y, w: a.w, h: a.h }, a.rotation ?? 0).flat()];
    case 'polygon':
      return a.rings;
    case 'ellipse':
      return [ellipseToRing(a.cx, a.cy, a.rx, a.ry, a.rotation ?? 0, 64)];
    default:
      return undefined;
  }
}

/**
 * An axis-aligned box's 1-pixel-inset rectangle in drawing pixels for a stroke of `width`: the
 * stroke then lies inside the box, on its edge pixels (the box [10, 5, 20, 10] at scale 1 with a
 * 1-pixel stroke colours columns 10 and 29 and rows 5 and 14, and nothing outside).
 */
export function insetRect(x: number, y: number, w: number, h: number, s: Scale, width: number): { x: number; y: number; w: number; h: number } {
  const half = width / 2;
  return { x: x * s.sx + half, y: y * s.sy + half, w: Math.max(0, w * s.sx - width), h: Math.max(0, h * s.sy - width) };
}

/** The envelope of a shape, or of a keypoints annotation's labelled points (v > 0). */
export function extentOf(a: Annotation): Xywh | undefined {
  if (a.kind !== 'keypoints') return envelopeOf(a);
  const labelled = a.points.filter((p) => p[2] > 0);
  return labelled.length ? pointsEnvelope(labelled.flatMap((p) => [p[0], p[1]])) : undefined;
}

/**
 * Where an annotation lies against a w x h image, by its envelope (keypoints: their labelled
 * points) with 0.001 px of tolerance; undefined for annotations without geometry.
 */
export function placeInImage(a: Annotation, w: number, h: number): 'inside' | 'partly' | 'outside' | undefined {
  const e = extentOf(a);
  if (!e) return undefined;
  const eps = 1e-3;
  if (e.x >= -eps && e.y >= -eps && e.x + e.w <= w + eps && e.y + e.h <= h + eps) return 'inside';
  if (e.x > w || e.y > h || e.x + e.w < 0 || e.y + e.h < 0) return 'outside';
  return 'partly';
}

/**
 * A mask sampled onto a W x H drawing: row-major, 1 where the source pixel under the centre of the
 * drawing's pixel is set. The mask's own size is the source size.
 */
export function maskOnGrid(rle: Rle, W: number, H: number): Uint8Array {
  const [h, w] = rle.size;
  const bits = rleDecode(rle); // column-major, h x w
  const out = new Uint8Array(W * H);
  const cols = new Int32Array(W);
  for (let X = 0; X < W; X++) cols[X] = Math.min(w - 1, Math.floor(((X + 0.5) * w) / W));
  for (let Y = 0; Y < H; Y++) {
    const y = Math.min(h - 1, Math.floor(((Y + 0.5) * h) / H));
    for (let X = 0; X < W; X++) out[Y * W + X] = bits[cols[X]! * h + y]!;
  }
  return out;
}

/**
 * The boundary of a row-major W x H mask: set pixels with a 4-neighbour unset or outside the
 * grid, grown inward to `width` pixels (a pixel within width - 1 steps of such a pixel).
 */
export function maskOutline(bits: Uint8Array, W: number, H: number, width = 1): Uint8Array {
  const edge = new Uint8Array(W * H);
  const at = (X: number, Y: number): number => (X < 0 || Y < 0 || X >= W || Y >= H ? 0 : bits[Y * W + X]!);
  for (let Y = 0; Y < H; Y++)
    for (let X = 0; X < W; X++)
      if (bits[Y * W + X] && (!at(X - 1, Y) || !at(X + 1, Y) || !at(X, Y - 1) || !at(X, Y + 1))) edge[Y * W + X] = 1;
  let ring = edge;
  for (let k = 1; k < width; k++) {
    const next = ring.slice();
    for (let Y = 0; Y < H; Y++)
      for (let X = 0; X < W; X++) {
        const i = Y * W + X;
        if (!bits[i] || ring[i]) continue;
        if ((X > 0 && ring[i - 1]) || (X + 1 < W && ring[i + 1]) || (Y > 0 && ring[i - W]) || (Y + 1 < H && ring[i + W])) next[i] = 1;
      }
    ring = next;
  }
  return ring;
}
