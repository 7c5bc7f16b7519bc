/** Property tests (fast-check): geometry round trips, RLE codecs, and format round trips on generated data. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as g from '../src/model/geometry.js';
import { lsRleDecode, lsRleEncode } from '../src/formats/labelstudio/brush-rle.js';
import { bufferInput, convert, MemorySink } from '../src/index.js';

const near = (a: number, b: number, eps = 1e-9): boolean => Math.abs(a - b) <= eps * Math.max(1, Math.abs(a), Math.abs(b));
const coord = fc.double({ min: -1e4, max: 1e4, noNaN: true, noDefaultInfinity: true });
const size = fc.integer({ min: 1, max: 20000 });
const extent = fc.double({ min: 0, max: 1e4, noNaN: true, noDefaultInfinity: true });

describe('geometry properties', () => {
  it('pixels -> percent -> pixels and pixels -> fraction -> pixels give the value back', () => {
    fc.assert(fc.property(coord, size, (v, s) => near(g.percentToPx(g.pxToPercent(v, s), s), v) && near(g.fractionToPx(g.pxToFraction(v, s), s), v)));
  });

  it('corners <-> x/y/w/h, centre form, and VOC inclusive form (both offsets) round trip', () => {
    fc.assert(fc.property(coord, coord, extent, extent, fc.constantFrom(0 as const, 1 as const), (x, y, w, h, off) => {
      const b = { x, y, w, h };
      const c = g.xywhToCentre(b);
      const back = [g.xyxyToXywh(g.xywhToXyxy(b)), g.centreToXywh(c.cx, c.cy, c.w, c.h), g.inclusiveToXywh(g.xywhToInclusive(b, off), off)];
      return back.every((r) => near(r.x, x, 1e-9) && near(r.y, y, 1e-9) && near(r.w, w, 1e-9) && near(r.h, h, 1e-9));
    }));
  });

  it('a box rotated about its centre, expressed about its corner and back, is the same box; its corners keep their side lengths', () => {
    fc.assert(fc.property(coord, coord, extent, extent, fc.double({ min: -720, max: 720, noNaN: true }), (x, y, w, h, r) => {
      const b = { x, y, w, h };
      const back = g.cornerRotationToCentre(g.centreRotationToCorner(b, r), r);
      const k = g.rotatedCorners(b, r);
      const side = Math.hypot(k[1]![0] - k[0]![0], k[1]![1] - k[0]![1]);
      return near(back.x, x, 1e-6) && near(back.y, y, 1e-6) && near(side, w, 1e-6);
    }));
  });

  it('COCO RLE: encode then decode gives the bitmap back; area and bbox agree with the bitmap', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.integer(), (h, w, seed) => {
      let s = seed >>> 0;
      const bits = new Uint8Array(h * w).map(() => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 1);
      const rle = g.rleEncode(bits, h, w);
      const back = g.rleDecode(rle);
      const area = bits.reduce((a, b) => a + b, 0);
      return back.every((v, i) => v === bits[i]) && g.rleArea(rle) === area && g.rleFromString(g.rleToString(rle.counts))!.join() === rle.counts.join();
    }));
  });

  it('Label Studio brush RLE and COCO RLE agree through a bitmap, both ways', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 24 }), fc.integer(), (h, w, seed) => {
      let s = seed >>> 0;
      const rowMajor = new Uint8Array(h * w).map(() => ((s = (s * 1664525 + 1013904223) >>> 0) >>> 24) & 1);
      const ls = lsRleDecode(lsRleEncode(rowMajor, w, h), w, h);
      if (typeof ls === 'string') return false;
      const coco = g.rleEncode(g.rowToColumnMajor(ls, h, w), h, w);
      const again = g.columnToRowMajor(g.rleDecode(coco), h, w);
      return again.every((v, i) => v === rowMajor[i]);
    }));
  });

  it('code point offsets <-> UTF-16 offsets round trip on text with astral characters', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat(60), (text, k) => {
      const n = Math.min(k, [...text].length);
      return g.utf16ToCodePoints(text, g.codePointsToUtf16(text, n)) === n;
    }));
  });
});

describe('format round trips on generated datasets', () => {
  const item = fc.record({
    w: fc.integer({ min: 1, max: 4000 }),
    h: fc.integer({ min: 1, max: 4000 }),
    boxes: fc.array(fc.record({ x: fc.double({ min: 0, max: 1, noNaN: true }), y: fc.double({ min: 0, max: 1, noNaN: true }), w: fc.double({ min: 0, max: 1, noNaN: true }), h: fc.double({ min: 0, max: 1, noNaN: true }), label: fc.constantFrom('cat', 'dog', 'a "quoted" label', 'ünïcødé') }), { maxLength: 5 }),
  });

  it('annoconv -> coco -> annoconv and annoconv -> labelstudio -> annoconv keep every box (within 1e-9)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 4 }), async (items) => {
      const src = items.map((it, i) => JSON.stringify({ id: String(i + 1), kind: 'image', url: `https://b/${i}.jpg`, width: it.w, height: it.h, metadata: {}, annotations: it.boxes.map((b) => ({ kind: 'box', x: b.x * it.w, y: b.y * it.h, w: b.w * it.w, h: b.h * it.h, label: b.label })) })).join('\n');
      for (const via of ['coco', 'labelstudio']) {
        const a = new MemorySink();
        await convert({ input: bufferInput(src), from: 'annoconv', to: via, output: a });
        const b = new MemorySink();
        await convert({ input: bufferInput(a.text()), from: via, to: 'annoconv', output: b });
        const got = b.text().trim().split('\n').filter((l) => !l.includes('"annoconv":"dataset"')).map((l) => JSON.parse(l) as { annotations: { x: number; y: number; w: number; h: number; label: string }[] });
        const want = src.split('\n').map((l) => JSON.parse(l) as { annotations: { x: number; y: number; w: number; h: number; label: string }[] });
        if (got.length !== want.length) return false;
        for (let i = 0; i < want.length; i++) {
          const wa = want[i]!.annotations;
          const ga = got[i]!.annotations;
          if (ga.length !== wa.length) return false;
          for (let k = 0; k < wa.length; k++) {
            const [p, q] = [wa[k]!, ga[k]!];
            if (p.label !== q.label || !near(p.x, q.x) || !near(p.y, q.y) || !near(p.w, q.w) || !near(p.h, q.h)) return false;
          }
        }
      }
      return true;
    }), { numRuns: 60 });
  });
});
