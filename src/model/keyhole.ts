/**
 * Traced masks (trace.ts) as polygons for the targets: ring sets, keyhole rings (one ring per
 * component, each hole joined to the ring above it by a zero-width cut) and one joined ring (every
 * component joined to the ring above it by a zero-width bridge as well, for targets whose object
 * is one ring), with optional simplification.
 *
 * Why cuts and bridges rasterize to nothing: cocoapi's rule toggles a pixel run where an edge
 * crosses a column centre. Cuts and bridges are vertical (x = the left column of the hole or
 * component + 0.5), so they cross no column centre at all; the components with nothing above them
 * are joined along the crop's top row, walked there and back over the same vertices, so those
 * crossings come in identical pairs and cancel.
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

/** Adds `child` to the list of ring `parent` at row `y`. */
function addKid(kids: Map<number, Map<number, number[]>>, parent: number, y: number, child: number): void {
  const rows = kids.get(parent) ?? kids.set(parent, new Map()).get(parent)!;
  (rows.get(y) ?? rows.set(y, []).get(y)!).push(child);
}

/**
 * Each ring's vertices with its children's cut ends inserted on its edges: holes' cuts on edges
 * walked rightwards (top edges of set pixels), and with `bridged`, components' bridges on edges
 * walked leftwards (bottom edges). A ring that is a child starts at its own cut end.
 */
function anchored(rings: readonly TracedRing[], bridged: boolean): Anchored[] {
  const kids = new Map<number, Map<number, number[]>>();
  rings.forEach((r, i) => {
    if (r.hole) addKid(kids, r.parent, r.cutY, i);
    else if (bridged && r.bridgeTo! >= 0) addKid(kids, r.bridgeTo!, r.bridgeY!, i);
  });
  const x0 = (c: number): number => rings[c]!.pts[0]!;
  for (const rows of kids.values()) for (const list of rows.values()) list.sort((a, b) => x0(a) - x0(b));
  return rings.map((r, i) => {
    const xy: number[] = [];
    const kid: number[] = [];
    const n = r.pts.length >> 1;
    // a hole's cut end is on its last edge (leftwards into its first vertex), a component's bridge
    // end on its first edge (rightwards out of it): either way the ring starts there
    const own = r.hole || bridged;
    if (own) {
      xy.push(r.pts[0]! + 0.5, r.pts[1]!);
      kid.push(OWN);
    }
    const rows = kids.get(i);
    const onEdge = (k: number): void => {
      const px = r.pts[2 * k]!, py = r.pts[2 * k + 1]!;
      const qx = r.pts[2 * ((k + 1) % n)]!, qy = r.pts[2 * ((k + 1) % n) + 1]!;
      const row = rows?.get(py);
      if (!row || qy !== py) return;
      if (qx > px) {
        for (const c of row) if (rings[c]!.hole && x0(c) >= px && x0(c) < qx) (xy.push(x0(c) + 0.5, py), kid.push(c));
      } else {
        for (let j = row.length - 1; j >= 0; j--) {
          const c = row[j]!;
          if (!rings[c]!.hole && x0(c) >= qx && x0(c) < px) (xy.push(x0(c) + 0.5, py), kid.push(c));
        }
      }
    };
    // a bridged component starts on its first edge: the rest of that edge (holes' cuts on it)
    // first, its first vertex last
    const bridgedOuter = own && !r.hole;
    if (bridgedOuter) onEdge(0);
    for (let m = 0; m < n; m++) {
      const k = bridgedOuter ? (m + 1) % n : m;
      xy.push(r.pts[2 * k]!, r.pts[2 * k + 1]!);
      kid.push(-1);
      if (!(bridgedOuter && k === 0)) onEdge(k);
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
    const pts = shift(simplified({ xy: r.pts, kid: new Array<number>(r.pts.length >> 1).fill(-1) }, tolerance).xy, t.ox, t.oy);
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
  const rings = anchored(t.rings, false).map((r) => simplified(r, tolerance));
  const out: number[][] = [];
  t.rings.forEach((r, i) => {
    if (!r.hole) out.push(shift(spliced(rings, i), t.ox, t.oy));
  });
  return out;
}

/**
 * All components in one ring (a trace made with bridges): each component joined to the ring
 * straight above it by a vertical bridge, as holes are; the components with nothing above them
 * are joined along the top row of the crop, walked there and back. Pixels, flat.
 */
export function joinedRing(t: Trace, tolerance = 0): number[] {
  if (t.rings.some((r) => !r.hole && r.bridgeTo === undefined)) throw new Error('joinedRing needs a trace made with bridges');
  const rings = anchored(t.rings, true).map((r) => simplified(r, tolerance));
  const tops = t.rings.map((r, i) => i).filter((i) => !t.rings[i]!.hole && t.rings[i]!.bridgeTo === -1);
  tops.sort((a, b) => t.rings[a]!.pts[0]! - t.rings[b]!.pts[0]!);
  const out: number[] = [];
  const put = (x: number, y: number): void => {
    // no repeated vertex (a component on the crop's top row starts on it)
    if (out.length && out[out.length - 2] === x && out[out.length - 1] === y) return;
    out.push(x, y);
  };
  for (const i of tops) {
    const ax = t.rings[i]!.pts[0]! + 0.5;
    put(ax, 0);
    const loop = spliced(rings, i);
    for (let k = 0; k < loop.length; k += 2) put(loop[k]!, loop[k + 1]!);
    put(loop[0]!, loop[1]!);
    put(ax, 0);
  }
  for (let k = tops.length - 2; k >= 1; k--) put(t.rings[tops[k]!]!.pts[0]! + 0.5, 0);
  if (out.length >= 4 && out[0] === out[out.length - 2] && out[1] === out[out.length - 1]) out.length -= 2;
  return shift(out, t.ox, t.oy);
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
