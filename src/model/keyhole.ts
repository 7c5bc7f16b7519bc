/**
 * Traced masks (trace.ts) as polygons for the targets: ring sets, keyhole rings (one ring per
 * component, each hole joined to the ring above it by a zero-width cut) and one joined ring (the
 * components' keyhole rings bridged, for targets whose object is one ring), with optional
 * simplification.
 *
 * Why cuts and bridges rasterize to nothing: cocoapi's rule toggles a pixel run where an edge
 * crosses a column centre. A cut is vertical (x = the hole's left column + 0.5), so it crosses no
 * column centre at all; a bridge between components is walked there and back over the same two
 * vertices, so its crossings come in identical pairs and cancel.
 *
 * Simplification (`tolerance` > 0, pixels): Douglas-Peucker on each ring, with the cut and bridge
 * ends held in place; a ring that would lose its area (fewer than 3 corners, or turned over) keeps
 * its exact pixel boundary instead, so no ring, hole or component is ever dropped.
 */
import { shift, type RingSet, type Trace, type TracedRing } from './trace.js';

/** A ring's vertices with the cut ends marked: kid >= 0 is the hole whose cut lands there, -2 the ring's own cut end. */
interface Anchored {
  xy: number[];
  kid: number[];
}

const OWN = -2;

/** Whether a ring's shoelace sum (y down: > 0 clockwise on screen) has the sign its kind wants. */
function signedArea(xy: readonly number[]): number {
  let s = 0;
  const n = xy.length >> 1;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    s += xy[2 * i]! * xy[2 * j + 1]! - xy[2 * j]! * xy[2 * i + 1]!;
  }
  return s / 2;
}

/** Each ring's vertices with its children's cut ends inserted on its edges (holes start at their own). */
function anchored(rings: readonly TracedRing[]): Anchored[] {
  const kids = new Map<number, number[]>();
  rings.forEach((r, i) => {
    if (r.hole) (kids.get(r.parent) ?? kids.set(r.parent, []).get(r.parent)!).push(i);
  });
  return rings.map((r, i) => {
    const xy: number[] = [];
    const kid: number[] = [];
    if (r.hole) {
      xy.push(r.pts[0]! + 0.5, r.pts[1]!);
      kid.push(OWN);
    }
    const mine = kids.get(i) ?? [];
    const n = r.pts.length >> 1;
    for (let k = 0; k < n; k++) {
      const px = r.pts[2 * k]!, py = r.pts[2 * k + 1]!;
      xy.push(px, py);
      kid.push(-1);
      const qx = r.pts[2 * ((k + 1) % n)]!, qy = r.pts[2 * ((k + 1) % n) + 1]!;
      if (!mine.length || qy !== py || qx <= px) continue;
      // cuts land on edges walked rightwards (the top edges of set pixels), in order along them
      const here = mine.filter((c) => rings[c]!.cutY === py && rings[c]!.pts[0]! >= px && rings[c]!.pts[0]! < qx).sort((a, b) => rings[a]!.pts[0]! - rings[b]!.pts[0]!);
      for (const c of here) {
        xy.push(rings[c]!.pts[0]! + 0.5, py);
        kid.push(c);
      }
    }
    return { xy, kid };
  });
}

/** Squared distance of point p from the segment a-b. */
function segDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px, ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/** Douglas-Peucker over a closed ring, keeping the `fixed` vertices; returns the kept indices' mask. */
function simplifyRing(xy: readonly number[], fixed: readonly boolean[], tolerance: number): boolean[] {
  const n = xy.length >> 1;
  const keep = fixed.slice();
  let fixedAt = keep.map((f, i) => (f ? i : -1)).filter((i) => i >= 0);
  if (fixedAt.length < 2) {
    // a ring without two held vertices: its first and the vertex farthest from it
    let far = 0, best = -1;
    for (let i = 1; i < n; i++) {
      const d = (xy[2 * i]! - xy[0]!) ** 2 + (xy[2 * i + 1]! - xy[1]!) ** 2;
      if (d > best) [best, far] = [d, i];
    }
    keep[0] = keep[far] = true;
    fixedAt = [0, far].sort((a, b) => a - b);
  }
  const tol2 = tolerance * tolerance;
  const stack: [number, number][] = [];
  for (let k = 0; k < fixedAt.length; k++) stack.push([fixedAt[k]!, k + 1 < fixedAt.length ? fixedAt[k + 1]! : fixedAt[0]! + n]);
  while (stack.length) {
    const [a, b] = stack.pop()!;
    if (b - a < 2) continue;
    const ia = a % n, ib = b % n;
    let worst = -1, wd = tol2;
    for (let j = a + 1; j < b; j++) {
      const ij = j % n;
      const d = segDist2(xy[2 * ij]!, xy[2 * ij + 1]!, xy[2 * ia]!, xy[2 * ia + 1]!, xy[2 * ib]!, xy[2 * ib + 1]!);
      if (d > wd) [wd, worst] = [d, j];
    }
    if (worst < 0) continue;
    keep[worst % n] = true;
    stack.push([a, worst], [worst, b]);
  }
  return keep;
}

/** A ring simplified, or as it was when simplifying would flatten or turn it over. */
function simplified(ring: Anchored, tolerance: number): Anchored {
  if (!(tolerance > 0)) return ring;
  const keep = simplifyRing(ring.xy, ring.kid.map((k) => k !== -1), tolerance);
  const xy: number[] = [];
  const kid: number[] = [];
  let corners = 0;
  keep.forEach((k, i) => {
    if (!k) return;
    xy.push(ring.xy[2 * i]!, ring.xy[2 * i + 1]!);
    kid.push(ring.kid[i]!);
    if (ring.kid[i] === -1) corners++;
  });
  const before = signedArea(ring.xy);
  const after = signedArea(xy);
  return corners >= 3 && Math.sign(after) === Math.sign(before) && after !== 0 ? { xy, kid } : ring;
}

/** The ring sets of a trace, each ring simplified at `tolerance` (0: the exact pixel boundary). */
export function simplifiedSets(t: Trace, tolerance = 0): RingSet[] {
  const sets: RingSet[] = [];
  for (const r of t.rings) {
    const pts = shift(simplified({ xy: r.pts, kid: r.pts.map(() => -1).slice(0, r.pts.length >> 1) }, tolerance).xy, t.ox, t.oy);
    if (!r.hole) sets.push({ outer: pts, holes: [] });
    else sets[r.comp]!.holes.push(pts);
  }
  return sets;
}

/**
 * One keyhole ring per component: the outer ring with every hole spliced in through its cut
 * (down the cut, round the hole, back up). Pixels, flat [x1, y1, ...].
 */
export function keyholeRings(t: Trace, tolerance = 0): number[][] {
  const rings = anchored(t.rings).map((r) => simplified(r, tolerance));
  const out: number[][] = [];
  t.rings.forEach((r, i) => {
    if (!r.hole) out.push(shift(spliced(rings, i), t.ox, t.oy));
  });
  return out;
}

/**
 * All components in one ring: each component's keyhole ring, joined to the next by a bridge from
 * its first vertex to the next one's, the bridges walked back at the end. Pixels, flat.
 */
export function joinedRing(t: Trace, tolerance = 0): number[] {
  const loops = keyholeRings(t, tolerance);
  const out: number[] = [];
  for (const loop of loops) {
    out.push(...loop);
    if (loops.length > 1) out.push(loop[0]!, loop[1]!); // back to this loop's start, to bridge on
  }
  for (let k = loops.length - 2; k >= 1; k--) out.push(loops[k]![0]!, loops[k]![1]!);
  return out;
}

/** Ring `root` with its holes spliced in at their cut ends, walked without recursion (nesting can be deep). */
function spliced(rings: readonly Anchored[], root: number): number[] {
  const out: number[] = [];
  const stack: { r: number; i: number }[] = [{ r: root, i: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const ring = rings[top.r]!;
    if (top.i >= ring.kid.length) {
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) {
        // close the hole at its own cut end, then climb the cut back to the parent's edge
        out.push(ring.xy[0]!, ring.xy[1]!);
        const p = rings[parent.r]!;
        out.push(p.xy[2 * (parent.i - 1)]!, p.xy[2 * (parent.i - 1) + 1]!);
      }
      continue;
    }
    out.push(ring.xy[2 * top.i]!, ring.xy[2 * top.i + 1]!);
    const kid = ring.kid[top.i]!;
    top.i++;
    if (kid >= 0) stack.push({ r: kid, i: 0 });
  }
  return out;
}
