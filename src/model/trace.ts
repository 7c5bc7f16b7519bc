/**
 * Masks into polygons: an RLE mask (COCO's column-major runs) traced into polygon rings along the
 * exact pixel boundary, holes kept.
 *
 * - Connectivity: a component is a set of 4-connected pixels (pixels touching only at a corner are
 *   two components); the background is 8-connected, so a hole is a region of unset pixels that
 *   does not reach the outside even through a corner. Where two components touch at a corner, their
 *   rings share that vertex.
 * - Vertex placement: pixel (x, y) covers [x, x+1] x [y, y+1], and the rings run along those pixel
 *   edges at whole coordinates, with no offset: under cocoapi's `rleFrPoly` rule (pixel-centre
 *   sampling of each column at x + 0.5, a horizontal edge at y = Y toggling from row Y on) such a
 *   ring rasterizes back to exactly its pixels, at the image borders too (test/trace.test.ts
 *   proves it on random masks against cocoapi's own C code).
 * - Orientation, as seen on screen (y down): outer rings clockwise, holes counter-clockwise (the
 *   set pixels are on the right of the walk). Only corners are kept: collinear vertices are removed.
 * - Keyhole form (keyhole.ts) joins each hole to the ring above it by a zero-width vertical cut at
 *   x + 0.5; cocoapi's rule sees no crossing on a vertical edge, so the cut adds and removes no pixel.
 *
 * Memory: 6 bytes a pixel of the mask's bounding box (the crop), and the rings (about 100 bytes a
 * corner through the writers), for one mask at a time; masks of more than MAX_MASK_PIXELS pixels or
 * MAX_TRACE_RUNS runs are refused (the caller reports it).
 */
import { rleBbox } from './geometry.js';
import type { Rle } from './types.js';

/** Largest mask (height x width) traced, rasterized or turned into a bitmap (8K frames are 33 M). */
export const MAX_MASK_PIXELS = 64_000_000;

/**
 * Most runs of a mask traced: its corners, and so the memory its polygon takes, grow with its runs
 * (a blob on a 4K image has a few thousand; a million is a speckle no polygon target can use).
 */
export const MAX_TRACE_RUNS = 1_000_000;

/** One component: its outer ring and its holes, each a flat [x1, y1, x2, y2, ...] in pixels. */
export interface RingSet {
  outer: number[];
  holes: number[][];
}

/** A traced ring, in crop coordinates (whole numbers: pixel corners). */
export interface TracedRing {
  /** Corners, flat; the first is the ring's top-left-most vertex. */
  pts: number[];
  hole: boolean;
  /** The component (index into the outer rings' order). */
  comp: number;
  /** For a hole: the ring its cut joins (the first set pixel straight above its top-left pixel). */
  parent: number;
  /** For a hole: the row of the edge its cut reaches on the parent (the cut runs at x = pts[0] + 0.5). */
  cutY: number;
  /**
   * For an outer ring, when traced with bridges: the ring whose edge is straight above its top-left
   * pixel across unset pixels (-1: nothing above it in the crop), and that edge's row.
   */
  bridgeTo?: number;
  bridgeY?: number;
}

/** A mask traced in its crop: rings in discovery order (top to bottom), offset to add. */
export interface Trace {
  rings: TracedRing[];
  /** Number of components (outer rings). */
  comps: number;
  ox: number;
  oy: number;
}

// directions: right, down, left, up (screen, y down); a right turn is +1
const DX = [1, 0, -1, 0];
const DY = [0, 1, 0, -1];

/**
 * Traces an RLE mask. Returns undefined for a mask with no set pixel. Throws RangeError for a mask
 * over MAX_MASK_PIXELS (callers check first). `bridges`: also find, for each component, the ring
 * straight above it (for joinedRing; 4 more bytes a pixel of the crop).
 */
export function traceRle(rle: Rle, bridges = false): Trace | undefined {
  const [h, w] = rle.size;
  if (h * w > MAX_MASK_PIXELS) throw new RangeError(`a ${w} x ${h} mask is larger than ${MAX_MASK_PIXELS} pixels`);
  if (rle.counts.length > MAX_TRACE_RUNS) throw new RangeError(`a mask of ${rle.counts.length} runs has more than ${MAX_TRACE_RUNS}`);
  const box = rleBbox(rle);
  if (box.w === 0) return undefined;
  const { x: ox, y: oy, w: cw, h: ch } = box;
  const pw = cw + 2; // padded row width: a frame of unset pixels saves the bounds checks
  const bm = new Uint8Array(pw * (ch + 2));
  let pos = 0;
  const c = rle.counts;
  for (let i = 0; i < c.length; i++) {
    const run = c[i]!;
    if (i & 1) {
      for (let p = pos, end = pos + run; p < end; ) {
        const col = Math.floor(p / h), row = p % h;
        const stop = Math.min(end, (col + 1) * h);
        for (let r = row, x = col - ox + 1; r < row + (stop - p); r++) bm[(r - oy + 1) * pw + x] = 1;
        p = stop;
      }
    }
    pos += run;
  }
  return traceBitmap(bm, cw, ch, ox, oy, bridges);
}

/** Traces a padded row-major crop bitmap (a frame of zeros around cw x ch pixels). */
function traceBitmap(bm: Uint8Array, cw: number, ch: number, ox: number, oy: number, bridges: boolean): Trace {
  const pw = cw + 2;
  const vw = cw + 1;
  const at = (x: number, y: number): number => bm[(y + 1) * pw + x + 1]!;
  // outgoing boundary edges per vertex, set pixels on the right: bit 1 right, 2 down, 4 left, 8 up
  const out = new Uint8Array(vw * (ch + 1));
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      if (!at(x, y)) continue;
      if (!at(x, y - 1)) out[y * vw + x] |= 1;
      if (!at(x + 1, y)) out[y * vw + x + 1] |= 2;
      if (!at(x, y + 1)) out[(y + 1) * vw + x + 1] |= 4;
      if (!at(x - 1, y)) out[(y + 1) * vw + x] |= 8;
    }
  }
  // the ring of each horizontal edge (x..x+1 at row y: a set pixel's top edge, where a hole's cut
  // lands, or its bottom edge, where a component's bridge lands; never both)
  const edges = new Int32Array(cw * (ch + 1)).fill(-1);
  const rings: TracedRing[] = [];
  let comps = 0;
  for (let vy = 0; vy <= ch; vy++) {
    for (let vx = 0; vx <= cw; vx++) {
      const bits = out[vy * vw + vx]!;
      // in row-major order a ring is met first at its top-left vertex: leaving right for an
      // outer ring, down for a hole (a left or up edge there belongs to a ring already traced)
      if (bits & 1) {
        const ring: TracedRing = { pts: walk(out, vw, edges, cw, vx, vy, 0, rings.length), hole: false, comp: comps++, parent: -1, cutY: -1 };
        if (bridges) {
          // up across unset pixels to the first set one: its bottom edge
          let Y = vy - 1;
          while (Y >= 0 && !at(vx, Y)) Y--;
          ring.bridgeTo = Y < 0 ? -1 : edges[(Y + 1) * cw + vx]!;
          ring.bridgeY = Y + 1;
        }
        rings.push(ring);
      }
      if (out[vy * vw + vx]! & 2) {
        let Y = vy - 1;
        while (Y > 0 && at(vx, Y - 1)) Y--;
        const parent = edges[Y * cw + vx]!;
        rings.push({ pts: walk(out, vw, edges, cw, vx, vy, 1, rings.length), hole: true, comp: rings[parent]!.comp, parent, cutY: Y });
      }
    }
  }
  return { rings, comps, ox, oy };
}

/** Walks one ring from vertex (sx, sy) leaving in direction d; returns its corners. */
function walk(out: Uint8Array, vw: number, edges: Int32Array, cw: number, sx: number, sy: number, d: number, id: number): number[] {
  const pts = [sx, sy];
  out[sy * vw + sx]! &= ~(1 << d);
  if (d === 0) edges[sy * cw + sx] = id;
  let x = sx + DX[d]!, y = sy + DY[d]!;
  while (x !== sx || y !== sy) {
    const v = y * vw + x;
    const bits = out[v]!;
    // a right turn first: at a vertex where two set pixels touch diagonally it keeps the walk on
    // the pixel it is going round (4-connected components)
    const r = (d + 1) & 3, l = (d + 3) & 3;
    const nd = bits & (1 << r) ? r : bits & (1 << d) ? d : l;
    out[v] = bits & ~(1 << nd);
    if (nd === 0) edges[y * cw + x] = id;
    else if (nd === 2) edges[y * cw + x - 1] = id;
    if (nd !== d) pts.push(x, y);
    d = nd;
    x += DX[d]!;
    y += DY[d]!;
  }
  return pts;
}

/** The traced rings as ring sets (one per component), in pixels; no cuts. */
export function ringSets(t: Trace): RingSet[] {
  const sets: RingSet[] = [];
  for (const r of t.rings) {
    const pts = shift(r.pts, t.ox, t.oy);
    if (!r.hole) sets.push({ outer: pts, holes: [] });
    else sets[r.comp]!.holes.push(pts);
  }
  return sets;
}

/** A flat point list moved by (ox, oy). */
export function shift(pts: readonly number[], ox: number, oy: number): number[] {
  const o = new Array<number>(pts.length);
  for (let i = 0; i < pts.length; i += 2) {
    o[i] = pts[i]! + ox;
    o[i + 1] = pts[i + 1]! + oy;
  }
  return o;
}
