/**
 * Rasterizer arithmetic against brute force over pixels: ellipses by their pixel-centre definition,
 * unions and IoU by decoding both masks. (Polygons and boxes against cocoapi itself:
 * test/peers/cocoapi-mask.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { rleDecode, rleEncode } from '../src/model/geometry.js';
import { rasterizeAnnotation, rasterizeRings, rleIou, rleUnion, MAX_RING_STEPS } from '../src/model/rasterize.js';
import { rng } from './helpers/run.js';

describe('rasterize', () => {
  it('an ellipse is the pixels whose centre is inside it', () => {
    const r = rng(7);
    for (let n = 0; n < 300; n++) {
      const h = 1 + Math.floor(r() * 30), w = 1 + Math.floor(r() * 30);
      const e = { cx: r() * w, cy: r() * h, rx: 0.3 + r() * 12, ry: 0.3 + r() * 12, rotation: r() * 360 - 180 };
      const bits = new Uint8Array(h * w);
      const t = (e.rotation * Math.PI) / 180;
      for (let x = 0; x < w; x++)
        for (let y = 0; y < h; y++) {
          const dx = x + 0.5 - e.cx, dy = y + 0.5 - e.cy;
          const u = dx * Math.cos(t) + dy * Math.sin(t), v = -dx * Math.sin(t) + dy * Math.cos(t);
          bits[x * h + y] = (u / e.rx) ** 2 + (v / e.ry) ** 2 <= 1 + 1e-12 ? 1 : 0;
        }
      const got = rasterizeAnnotation({ kind: 'ellipse', ...e }, h, w)!;
      expect({ n, counts: got.counts }).toEqual({ n, counts: rleEncode(bits, h, w).counts });
    }
  });

  it('union and IoU equal the bitwise ones', () => {
    const r = rng(11);
    for (let n = 0; n < 300; n++) {
      const h = 1 + Math.floor(r() * 20), w = 1 + Math.floor(r() * 20);
      const masks = Array.from({ length: 1 + Math.floor(r() * 3) }, () => {
        const density = r();
        return rleEncode(Uint8Array.from({ length: h * w }, () => (r() < density ? 1 : 0)), h, w);
      });
      const bits = masks.map(rleDecode);
      const or = bits[0]!.map((_, i) => (bits.some((b) => b[i]) ? 1 : 0));
      expect(rleUnion(masks, h, w)).toEqual(rleEncode(or, h, w));
      const a = bits[0]!, b = bits[bits.length - 1]!;
      const inter = a.reduce((s, v, i) => s + (v && b[i] ? 1 : 0), 0);
      const uni = a.reduce((s, v, i) => s + (v || b[i] ? 1 : 0), 0);
      expect(rleIou(masks[0]!, masks[masks.length - 1]!)).toBeCloseTo(uni ? inter / uni : 1, 12);
    }
  });

  it('the box x=0 y=0 w=1 h=1 is the first pixel; a ring inside another does not cut a hole', () => {
    expect(rasterizeAnnotation({ kind: 'box', x: 0, y: 0, w: 1, h: 1 }, 3, 3)!.counts).toEqual([0, 1, 8]);
    const outer = [0, 0, 6, 0, 6, 6, 0, 6], inner = [2, 2, 4, 2, 4, 4, 2, 4];
    expect(rasterizeRings([outer, inner], 6, 6)).toEqual(rasterizeRings([outer], 6, 6));
    expect(rasterizeRings([outer], 6, 6)!.counts).toEqual([0, 36]);
  });

  it('refuses what it cannot walk instead of running out of memory', () => {
    expect(rasterizeRings([[0, 0, 1e12, 0, 0, 1]], 10, 10)).toBeNull();
    expect(MAX_RING_STEPS).toBeLessThan(2 ** 30);
    expect(rasterizeRings([[0, 0, Number.NaN, 0, 0, 1]], 10, 10)).toBeNull();
  });
});
