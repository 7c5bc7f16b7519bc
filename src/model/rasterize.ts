/**
 * Shapes to masks, by COCO's own rule.
 *
 * A polygon ring becomes a mask the way cocoapi's `rleFrPoly` (common/maskApi.c) does it, so a mask
 * written from a polygon is the mask every COCO tool computes from that polygon:
 *
 * 1. vertices are scaled by 5 and rounded half up by truncation (`(int)(5x + .5)`, which truncates
 *    toward zero for negative values), the ring is closed;
 * 2. each edge is walked one upsampled step at a time along its longer axis, the other coordinate
 *    rounded the same way;
 * 3. wherever the walk crosses from upsampled column 5c+2 to 5c+3 (or back), i.e. the line x = c + 0.5
 *    through the centres of pixel column c, the crossing's row is taken: the smaller of the two
 *    upsampled y values, mapped back (`(v + .5) / 5 - .5`), clamped to [0, h] and rounded up;
 * 4. the crossings, as column-major positions `c·h + row`, sorted, toggle the mask on and off
 *    (two crossings at one position cancel).
 *
 * So a pixel is inside when its centre is, give or take the 1/5 px grid: the box x=0, y=0, w=1, h=1
 * is exactly the first pixel. Several rings of one object are unioned (pycocotools `merge` of the
 * rings' masks), so a ring inside another does not cut a hole: holes need a keyhole ring.
 * Boxes are the 4-corner ring (cocoapi `rleFrBbox`), rotated boxes their rotated corners, ellipses
 * a pixel-centre test (a pixel is inside when its centre is inside the ellipse).
 *
 * Masks are COCO RLE (column-major, zeros first). Memory is O(crossings + runs), never a bitmap,
 * so a polygon on a 10,000 x 10,000 image costs its boundary, not its image.
 */
import { boxIou, envelopeOf, rotatedCorners } from './geometry.js';
import type { Annotation, Rle } from './types.js';

const SCALE = 5;
/** Upsampled boundary points walked per ring at most (a ring this long spans ~50 million pixels). */
export const MAX_RING_STEPS = 2 ** 28;

/** C's `(int)(v + .5)` for the scaled coordinate: truncation toward zero, not floor. */
const up = (v: number): number => Math.trunc(SCALE * v + 0.5);

/**
 * Column-major crossing positions of one ring (step 3 above), unsorted; null when the ring walks
 * more than MAX_RING_STEPS upsampled points or holds a non-finite coordinate.
 */
function ringCrossings(ring: readonly number[], h: number, w: number, out: number[]): boolean {
  const k = ring.length >> 1; // an odd trailing value is ignored, as pycocotools does
  if (k === 0) return true;
  const xs: number[] = new Array(k + 1);
  const ys: number[] = new Array(k + 1);
  let steps = 0;
  for (let j = 0; j < k; j++) {
    const x = ring[2 * j]!;
    const y = ring[2 * j + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    xs[j] = up(x);
    ys[j] = up(y);
  }
  xs[k] = xs[0]!;
  ys[k] = ys[0]!;
  for (let j = 0; j < k; j++) {
    steps += Math.max(Math.abs(xs[j]! - xs[j + 1]!), Math.abs(ys[j]! - ys[j + 1]!)) + 1;
    if (steps > MAX_RING_STEPS) return false;
  }
  let pu = 0;
  let pv = 0;
  let first = true;
  // one boundary point (u, v) of the walk, in order; a change of u is a column crossing
  const visit = (u: number, v: number): void => {
    if (!first && u !== pu) {
      const col = ((u < pu ? u : u - 1) + 0.5) / SCALE - 0.5;
      if (Math.floor(col) === col && col >= 0 && col <= w - 1) {
        let row = ((v < pv ? v : pv) + 0.5) / SCALE - 0.5;
        row = row < 0 ? 0 : row > h ? h : row;
        out.push(col * h + Math.ceil(row));
      }
    }
    first = false;
    pu = u;
    pv = v;
  };
  for (let j = 0; j < k; j++) {
    let x0 = xs[j]!, x1 = xs[j + 1]!, y0 = ys[j]!, y1 = ys[j + 1]!;
    const dx = Math.abs(x1 - x0);
    const dy = Math.abs(y0 - y1);
    // walk from the lower end of the longer axis, but emit points in the ring's own order
    const flip = (dx >= dy && x0 > x1) || (dx < dy && y0 > y1);
    if (flip) {
      [x0, x1] = [x1, x0];
      [y0, y1] = [y1, y0];
    }
    if (dx >= dy) {
      const s = (y1 - y0) / dx;
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        visit(t + x0, Math.trunc(y0 + s * t + 0.5));
      }
    } else {
      const s = (x1 - x0) / dy;
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        visit(Math.trunc(x0 + s * t + 0.5), t + y0);
      }
    }
  }
  return true;
}

/** Sorted toggle positions to RLE counts (step 4): a zero gap (two equal toggles) cancels. */
function togglesToRle(pos: number[], h: number, w: number): Rle {
  pos.sort((a, b) => a - b);
  pos.push(h * w);
  const gap = (j: number): number => pos[j]! - (j ? pos[j - 1]! : 0);
  const counts: number[] = [gap(0)];
  for (let j = 1; j < pos.length; ) {
    const d = gap(j++);
    if (d > 0) counts.push(d);
    else if (j < pos.length) counts[counts.length - 1]! += gap(j++);
  }
  return { size: [h, w], counts };
}

/** One ring to RLE by cocoapi's rule; null when the ring is non-finite or too long to walk. */
export function rasterizeRing(ring: readonly number[], h: number, w: number): Rle | null {
  const pos: number[] = [];
  if (!ringCrossings(ring, h, w, pos)) return null;
  return togglesToRle(pos, h, w);
}

/** Runs of set pixels of an RLE as [start, end) pairs in column-major order. */
function setRuns(rle: Rle): number[] {
  const out: number[] = [];
  let pos = 0;
  for (let i = 0; i < rle.counts.length; i++) {
    const n = rle.counts[i]!;
    if (i & 1 && n > 0) out.push(pos, pos + n);
    pos += n;
  }
  return out;
}

/** [start, end) runs (sorted, disjoint) back to RLE counts. */
function runsToRle(runs: readonly number[], h: number, w: number): Rle {
  const counts: number[] = [];
  let pos = 0;
  for (let i = 0; i < runs.length; i += 2) {
    const s = runs[i]!, e = runs[i + 1]!;
    if (counts.length && s === pos) counts[counts.length - 1]! += e - s; // touching runs join
    else counts.push(s - pos, e - s);
    pos = e;
  }
  if (pos < h * w || counts.length === 0) counts.push(h * w - pos);
  return { size: [h, w], counts };
}

/** Union of masks of one size (pycocotools `merge(rles, intersect=0)`). */
export function rleUnion(rles: readonly Rle[], h: number, w: number): Rle {
  if (rles.length === 1) return rles[0]!;
  const runs: [number, number][] = [];
  for (const r of rles) {
    const s = setRuns(r);
    for (let i = 0; i < s.length; i += 2) runs.push([s[i]!, s[i + 1]!]);
  }
  runs.sort((a, b) => a[0] - b[0]);
  const merged: number[] = [];
  for (const [s, e] of runs) {
    const n = merged.length;
    if (n && s <= merged[n - 1]!) merged[n - 1] = Math.max(merged[n - 1]!, e);
    else merged.push(s, e);
  }
  return runsToRle(merged, h, w);
}

/** Pixels set in both masks (same size). */
export function rleIntersection(a: Rle, b: Rle): number {
  const ra = setRuns(a);
  const rb = setRuns(b);
  let i = 0, j = 0, n = 0;
  while (i < ra.length && j < rb.length) {
    const lo = Math.max(ra[i]!, rb[j]!);
    const hi = Math.min(ra[i + 1]!, rb[j + 1]!);
    if (hi > lo) n += hi - lo;
    if (ra[i + 1]! < rb[j + 1]!) i += 2;
    else j += 2;
  }
  return n;
}

/** Intersection over union of two masks of one size; 1 when both are empty. */
export function rleIou(a: Rle, b: Rle): number {
  const area = (r: Rle): number => r.counts.reduce((s, n, i) => (i & 1 ? s + n : s), 0);
  const inter = rleIntersection(a, b);
  const union = area(a) + area(b) - inter;
  return union === 0 ? 1 : inter / union;
}

/**
 * Polygon rings (flat [x1, y1, ...], model pixels) to one RLE of an h x w image, the rings unioned,
 * exactly as pycocotools `frPyObjects` + `merge`; null when a ring is non-finite or too long.
 */
export function rasterizeRings(rings: readonly (readonly number[])[], h: number, w: number): Rle | null {
  const parts: Rle[] = [];
  for (const ring of rings) {
    const r = rasterizeRing(ring, h, w);
    if (!r) return null;
    parts.push(r);
  }
  if (parts.length === 0) return { size: [h, w], counts: [h * w] };
  return rleUnion(parts, h, w);
}

/** Ellipse by pixel-centre test, column by column (no bitmap). */
function rasterizeEllipse(cx: number, cy: number, rx: number, ry: number, rotationDeg: number, h: number, w: number): Rle | null {
  if (![cx, cy, rx, ry, rotationDeg].every(Number.isFinite) || rx <= 0 || ry <= 0) return null;
  const t = (rotationDeg * Math.PI) / 180;
  const c = Math.cos(t), s = Math.sin(t);
  // (p - centre) rotated back into the ellipse's own axes: u = dx c + dy s, v = -dx s + dy c;
  // inside when (u/rx)^2 + (v/ry)^2 <= 1, a quadratic in dy for a fixed column
  const A = (s * s) / (rx * rx) + (c * c) / (ry * ry);
  const runs: number[] = [];
  const x0 = Math.max(0, Math.floor(cx - Math.max(rx, ry) - 1));
  const x1 = Math.min(w - 1, Math.ceil(cx + Math.max(rx, ry) + 1));
  for (let col = x0; col <= x1; col++) {
    const dx = col + 0.5 - cx;
    const B = 2 * dx * ((c * s) / (rx * rx) - (s * c) / (ry * ry));
    const C = (dx * dx * c * c) / (rx * rx) + (dx * dx * s * s) / (ry * ry) - 1;
    const disc = B * B - 4 * A * C;
    if (disc < 0) continue;
    const r = Math.sqrt(disc);
    const lo = (-B - r) / (2 * A) + cy; // centre y range [lo, hi]
    const hi = (-B + r) / (2 * A) + cy;
    const top = Math.max(0, Math.ceil(lo - 0.5));
    const bottom = Math.min(h - 1, Math.floor(hi - 0.5));
    if (bottom >= top) runs.push(col * h + top, col * h + bottom + 1);
  }
  return runsToRle(runs, h, w);
}

/**
 * The mask of an annotation on an h x w image: boxes (rotated or not) and polygons by cocoapi's
 * rule, ellipses by pixel centres, masks as they are (null when their size differs); null for kinds
 * without an area or for geometry that cannot be rasterized (non-finite, too long a ring).
 */
export function rasterizeAnnotation(a: Annotation, h: number, w: number): Rle | null {
  switch (a.kind) {
    case 'box': {
      const corners = a.rotation
        ? rotatedCorners({ x: a.x, y: a.y, w: a.w, h: a.h }, a.rotation).flat()
        : [a.x, a.y, a.x, a.y + a.h, a.x + a.w, a.y + a.h, a.x + a.w, a.y];
      return rasterizeRings([corners], h, w);
    }
    case 'polygon':
      return rasterizeRings(a.rings, h, w);
    case 'ellipse':
      return rasterizeEllipse(a.cx, a.cy, a.rx, a.ry, a.rotation ?? 0, h, w);
    case 'mask':
      return a.rle.size[0] === h && a.rle.size[1] === w ? a.rle : null;
    default:
      return null;
  }
}

/**
 * IoU of two shapes on a width x height image: boxes without rotation by their overlap, other
 * shapes by their masks (this module's rule), by their envelopes when the size is unknown.
 */
export function shapeIou(a: Annotation, b: Annotation, width?: number, height?: number): number {
  if (a.kind === 'box' && b.kind === 'box' && !a.rotation && !b.rotation) return boxIou(a, b);
  if (width! > 0 && height! > 0) {
    const ra = rasterizeAnnotation(a, height!, width!);
    const rb = rasterizeAnnotation(b, height!, width!);
    if (ra && rb) return rleIou(ra, rb);
  }
  const ea = envelopeOf(a), eb = envelopeOf(b);
  return ea && eb ? boxIou(ea, eb) : 0;
}
