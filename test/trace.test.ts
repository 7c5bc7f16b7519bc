/**
 * Tracing masks into polygons, held against cocoapi's own rasterizer (maskApi.c's rleFrPoly,
 * compiled by test/helpers/cocoapi-c.ts): the rings must rasterize back to the very pixels they
 * were traced from, in every form a writer uses, and keep the topology a flood fill finds.
 */
import { describe, expect, it } from 'vitest';
import { MAX_MASK_PIXELS, traceRle, ringSets } from '../src/model/trace.js';
import { joinedRing, keyholeRings, simplifiedSets } from '../src/model/keyhole.js';
import { rleDecode, rleEncode } from '../src/model/geometry.js';
import { rasterizeRings } from '../src/model/rasterize.js';
import type { Rle } from '../src/model/types.js';
import { cocoapiC } from './helpers/cocoapi-c.js';
import { corpusMasks, countTopology, randomMask, seeded } from './helpers/masks.js';
import { skipping } from './peers/peers.js';

const frPoly = cocoapiC();
if (!frPoly) skipping('cocoapi maskApi.c with a C compiler', 'no ../peers/cocoapi or no cc: rasterization checks skipped');

/** Shoelace sum / 2 with y down: positive = clockwise on screen. */
function signed(r: readonly number[]): number {
  let s = 0;
  const n = r.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    s += r[2 * i]! * r[2 * j + 1]! - r[2 * j]! * r[2 * i + 1]!;
  }
  return s / 2;
}

function iou(a: Rle, b: Rle): number {
  const x = rleDecode(a), y = rleDecode(b);
  let i = 0, u = 0;
  for (let p = 0; p < x.length; p++) {
    if (x[p] && y[p]) i++;
    if (x[p] || y[p]) u++;
  }
  return u ? i / u : 1;
}

function area(r: Rle): number {
  return r.counts.reduce((s, c, i) => (i % 2 ? s + c : s), 0);
}

const masks = (() => {
  const rnd = seeded(18);
  return Array.from({ length: 3000 }, () => randomMask(rnd));
})();

describe('trace: rings along the pixel edges', () => {
  it('4-connected components are outer rings (clockwise), 8-connected holes are holes (counter-clockwise), the areas add up', () => {
    let holes = 0;
    for (const m of masks) {
      const t = traceRle(m, true);
      const topo = countTopology(m);
      const sets = t ? ringSets(t) : [];
      expect(sets.length).toBe(topo.components);
      expect(sets.reduce((s, r) => s + r.holes.length, 0)).toBe(topo.holes);
      holes += topo.holes;
      let sum = 0;
      for (const s of sets) {
        expect(signed(s.outer)).toBeGreaterThan(0);
        sum += signed(s.outer);
        for (const hole of s.holes) {
          expect(signed(hole)).toBeLessThan(0);
          sum += signed(hole);
        }
        for (const r of [s.outer, ...s.holes]) {
          expect(r.every(Number.isInteger)).toBe(true);
          // corners only: every vertex turns (axis-aligned edges alternate)
          const n = r.length / 2;
          for (let i = 0; i < n; i++) {
            const p = (i + n - 1) % n, q = (i + 1) % n;
            const horizontalIn = r[2 * p + 1] === r[2 * i + 1], horizontalOut = r[2 * i + 1] === r[2 * q + 1];
            expect(horizontalIn).not.toBe(horizontalOut);
          }
        }
      }
      expect(sum).toBe(topo.area);
    }
    expect(holes).toBeGreaterThan(200); // the random masks do hold holes
  });

  it.skipIf(!frPoly)('cocoapi rasterizes the keyhole rings, the joined ring and the ring sets (even-odd) back to the exact mask', () => {
    const cases = masks.map((m) => ({ m, t: traceRle(m, true) }));
    const keyholes = frPoly!(cases.map(({ m, t }) => ({ rings: t ? keyholeRings(t) : [], h: m.size[0], w: m.size[1] })));
    const joined = frPoly!(cases.map(({ m, t }) => ({ rings: t ? [joinedRing(t)] : [], h: m.size[0], w: m.size[1] })));
    cases.forEach(({ m }, i) => {
      expect(keyholes[i]).toEqual(m.counts);
      expect(joined[i]).toEqual(m.counts);
    });
    // every ring of the ring sets on its own, combined even-odd: the holes come out
    const singles = cases.flatMap(({ m, t }) => (t ? ringSets(t).flatMap((s) => [s.outer, ...s.holes]) : []).map((r) => ({ rings: [r], h: m.size[0], w: m.size[1], m })));
    const got = frPoly!(singles);
    const parity = new Map<Rle, Uint8Array>();
    singles.forEach((s, i) => {
      const bits = rleDecode({ size: s.m.size, counts: got[i]! });
      const acc = parity.get(s.m) ?? parity.set(s.m, new Uint8Array(bits.length)).get(s.m)!;
      for (let p = 0; p < bits.length; p++) acc[p]! ^= bits[p]!;
    });
    for (const { m } of cases) {
      const acc = parity.get(m) ?? new Uint8Array(m.size[0] * m.size[1]);
      expect(rleEncode(acc, m.size[0], m.size[1]).counts).toEqual(m.counts);
    }
  });

  it('annoconv\'s own rasterizer (rasterize.ts, checked against cocoapi in test/peers) gives the masks back from the keyhole and joined rings', () => {
    for (const m of masks) {
      const t = traceRle(m, true);
      const [h, w] = m.size;
      expect((t ? rasterizeRings(keyholeRings(t), h, w) : { counts: [h * w] })?.counts).toEqual(m.counts);
      expect((t ? rasterizeRings([joinedRing(t)], h, w) : { counts: [h * w] })?.counts).toEqual(m.counts);
    }
  });

  it.skipIf(!frPoly)('the placement matters: the same rings through pixel centres (x + 0.5) lose pixels under cocoapi\'s rule', () => {
    const some = masks.slice(0, 300).filter((m) => area(m) > 0);
    const moved = frPoly!(some.map((m) => ({ rings: keyholeRings(traceRle(m)!).map((r) => r.map((v) => v + 0.5)), h: m.size[0], w: m.size[1] })));
    expect(some.filter((m, i) => moved[i]!.join() !== m.counts.join()).length).toBeGreaterThan(some.length / 2);
  });

  it('a square with a hole: the keyhole ring goes down a cut at x + 0.5 and round the hole the other way', () => {
    // 5 x 5 square at (1, 1) on 7 x 7, its centre pixel (3, 3) unset
    const bits = new Uint8Array(49);
    for (let x = 1; x <= 5; x++) for (let y = 1; y <= 5; y++) bits[x * 7 + y] = x === 3 && y === 3 ? 0 : 1;
    const t = traceRle(rleEncode(bits, 7, 7))!;
    expect(ringSets(t)).toEqual([{ outer: [1, 1, 6, 1, 6, 6, 1, 6], holes: [[3, 3, 3, 4, 4, 4, 4, 3]] }]);
    expect(keyholeRings(t)).toEqual([[1, 1, 3.5, 1, 3.5, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3.5, 3, 3.5, 1, 6, 1, 6, 6, 1, 6]]);
  });

  it.skipIf(!frPoly)('nested holes and islands: one keyhole ring per component, each rasterizing with its holes', () => {
    // rings of alternating value: a square, a hole in it, an island in the hole, a hole in the island
    const n = 13;
    const bits = new Uint8Array(n * n);
    for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) bits[x * n + y] = (Math.min(x, y, n - 1 - x, n - 1 - y) % 2 === 0 ? 1 : 0);
    const m = rleEncode(bits, n, n);
    const t = traceRle(m, true)!;
    const sets = ringSets(t);
    expect(sets.map((s) => s.holes.length)).toEqual([1, 1, 1, 0]);
    const kh = keyholeRings(t);
    expect(kh.length).toBe(4);
    expect(frPoly!([{ rings: kh, h: n, w: n }])[0]).toEqual(m.counts);
    expect(frPoly!([{ rings: [joinedRing(t)], h: n, w: n }])[0]).toEqual(m.counts);
  });

  it('an empty mask has no rings; a mask over the size limit is refused', () => {
    expect(traceRle({ size: [4, 4], counts: [16] })).toBeUndefined();
    const side = Math.ceil(Math.sqrt(MAX_MASK_PIXELS)) + 1;
    expect(() => traceRle({ size: [side, side], counts: [side * side] })).toThrow(RangeError);
  });
});

describe('trace: simplification', () => {
  it('at a tolerance no ring is dropped, rings keep 3 or more corners and their orientation, and the vertex count falls', () => {
    const rnd = seeded(7);
    let before = 0, after = 0;
    for (let k = 0; k < 300; k++) {
      const m = randomMask(rnd, 40);
      const t = traceRle(m, true);
      if (!t) continue;
      const exact = ringSets(t);
      const simple = simplifiedSets(t, 1.5);
      expect(simple.map((s) => s.holes.length)).toEqual(exact.map((s) => s.holes.length));
      simple.forEach((s, i) => {
        for (const [r, e] of [[s.outer, exact[i]!.outer], ...s.holes.map((hh, j) => [hh, exact[i]!.holes[j]!])] as [number[], number[]][]) {
          expect(r.length).toBeGreaterThanOrEqual(6);
          expect(Math.sign(signed(r))).toBe(Math.sign(signed(e)));
          before += e.length;
          after += r.length;
        }
      });
      // the keyhole form at the same tolerance keeps a ring per component
      expect(keyholeRings(t, 1.5).length).toBe(exact.length);
    }
    expect(after).toBeLessThan(before * 0.8);
  });
});

describe('trace: the corpus masks', () => {
  const corpus = corpusMasks();

  it('the corpus holds masks to trace (COCO RLE; cocoapi\'s segmentation results when ../peers has them)', () => {
    expect(corpus.length).toBeGreaterThan(3);
  });

  it.skipIf(!frPoly)('every corpus mask: re-rasterized exactly at the default tolerance (0); IoU >= 0.99 and area within 1% at 0.5 px for masks over 1,000 pixels', () => {
    const traced = corpus.map((c) => ({ c, t: traceRle(c.rle) }));
    const exact = frPoly!(traced.map(({ c, t }) => ({ rings: t ? keyholeRings(t) : [], h: c.rle.size[0], w: c.rle.size[1] })));
    traced.forEach(({ c }, i) => expect(exact[i], c.file).toEqual(c.rle.counts));
    const big = traced.filter(({ c }) => area(c.rle) > 1000);
    const half = frPoly!(big.map(({ c, t }) => ({ rings: keyholeRings(t!, 0.5), h: c.rle.size[0], w: c.rle.size[1] })));
    big.forEach(({ c }, i) => {
      const got: Rle = { size: c.rle.size, counts: half[i]! };
      expect(iou(got, c.rle)).toBeGreaterThanOrEqual(0.99);
      expect(Math.abs(area(got) - area(c.rle)) / area(c.rle)).toBeLessThanOrEqual(0.01);
    });
  });
});
