import { describe, expect, it } from 'vitest';
import * as g from '../src/model/geometry.js';

describe('geometry: units', () => {
  it('COCO box [10, 20, 30, 40] on a 200 x 100 image is x=5, y=20, w=15, h=40 in percent, and back', () => {
    const pct = { x: g.pxToPercent(10, 200), y: g.pxToPercent(20, 100), w: g.pxToPercent(30, 200), h: g.pxToPercent(40, 100) };
    expect(pct).toEqual({ x: 5, y: 20, w: 15, h: 40 });
    const px = [g.percentToPx(pct.x, 200), g.percentToPx(pct.y, 100), g.percentToPx(pct.w, 200), g.percentToPx(pct.h, 100)];
    px.forEach((v, i) => expect(Math.abs(v - [10, 20, 30, 40][i]!)).toBeLessThan(1e-9));
  });

  it('corner and centre forms', () => {
    expect(g.xyxyToXywh({ xmin: 2, ymin: 1, xmax: 5, ymax: 2 })).toEqual({ x: 2, y: 1, w: 3, h: 1 });
    expect(g.xywhToXyxy({ x: 2, y: 1, w: 3, h: 1 })).toEqual({ xmin: 2, ymin: 1, xmax: 5, ymax: 2 });
    // datumaro's roboflow triple: COCO [2,1,3,1] on 10x5 = YOLO "0 0.35 0.3 0.3 0.2"
    const c = g.xywhToCentre({ x: 2, y: 1, w: 3, h: 1 });
    expect([g.pxToFraction(c.cx, 10), g.pxToFraction(c.cy, 5), g.pxToFraction(c.w, 10), g.pxToFraction(c.h, 5)]).toEqual([0.35, 0.3, 0.3, 0.2]);
    expect(g.centreToXywh(3.5, 1.5, 3, 1)).toEqual({ x: 2, y: 1, w: 3, h: 1 });
  });

  it('VOC inclusive boxes under both offset policies', () => {
    const voc = { xmin: 2, ymin: 1, xmax: 5, ymax: 2 };
    expect(g.inclusiveToXywh(voc, 1)).toEqual({ x: 1, y: 0, w: 4, h: 2 });
    expect(g.inclusiveToXywh(voc, 0)).toEqual({ x: 2, y: 1, w: 3, h: 1 });
    expect(g.xywhToInclusive(g.inclusiveToXywh(voc, 1), 1)).toEqual(voc);
    expect(g.xywhToInclusive(g.inclusiveToXywh(voc, 0), 0)).toEqual(voc);
  });
});

describe('geometry: VOC whole pixels', () => {
  it('corners round to the nearest pixel (halves up); noise below 1e-6 px is not a move', () => {
    expect(g.wholeCorners({ xmin: 5.5, ymin: 6, xmax: 7.5, ymax: 8.49 })).toEqual({ xmin: 6, ymin: 6, xmax: 8, ymax: 8 });
    expect(g.cornersMoved({ xmin: 2.0000000001, ymin: 1, xmax: 5, ymax: 2 }, { xmin: 2, ymin: 1, xmax: 5, ymax: 2 })).toBe(false);
    expect(g.cornersMoved({ xmin: 5.5, ymin: 6, xmax: 7.5, ymax: 8 }, { xmin: 6, ymin: 6, xmax: 8, ymax: 8 })).toBe(true);
  });

  it('under the devkit offset a box at least one pixel wide keeps xmax >= xmin once rounded', () => {
    for (let i = 0; i < 2000; i++) {
      const b = { x: Math.random() * 50 - 1, y: Math.random() * 50, w: 1 + Math.random() * 3, h: 1 + Math.random() * 3 };
      const c = g.wholeCorners(g.xywhToInclusive(b, 1));
      expect(c.xmax >= c.xmin && c.ymax >= c.ymin, JSON.stringify(b)).toBe(true);
    }
  });
});

describe('geometry: rotation (clockwise on screen about the top-left corner)', () => {
  it('90 degrees turns the top edge to point down', () => {
    const c = g.rotatedCorners({ x: 0, y: 0, w: 10, h: 5 }, 90);
    const r = c.map(([x, y]) => [Math.round(x * 1e9) / 1e9, Math.round(y * 1e9) / 1e9]);
    expect(r).toEqual([[0, 0], [0, 10], [-5, 10], [-5, 0]]);
  });

  it('envelope of a 30 degree box equals the bounds of its corners computed by hand', () => {
    const b = { x: 10, y: 20, w: 30, h: 40 };
    const t = (30 * Math.PI) / 180;
    const xs = [10, 10 + 30 * Math.cos(t), 10 + 30 * Math.cos(t) - 40 * Math.sin(t), 10 - 40 * Math.sin(t)];
    const ys = [20, 20 + 30 * Math.sin(t), 20 + 30 * Math.sin(t) + 40 * Math.cos(t), 20 + 40 * Math.cos(t)];
    const e = g.rotatedEnvelope(b, 30);
    expect(e.x).toBeCloseTo(Math.min(...xs), 12);
    expect(e.y).toBeCloseTo(Math.min(...ys), 12);
    expect(e.w).toBeCloseTo(Math.max(...xs) - Math.min(...xs), 12);
    expect(e.h).toBeCloseTo(Math.max(...ys) - Math.min(...ys), 12);
  });

  it('centre pivot and corner pivot convert both ways and keep the centre', () => {
    const b = { x: 3, y: 4, w: 10, h: 6 };
    for (const deg of [0, 17, 90, 180, 271.5]) {
      const corner = g.centreRotationToCorner(b, deg);
      const back = g.cornerRotationToCentre(corner, deg);
      expect(back.x).toBeCloseTo(b.x, 12);
      expect(back.y).toBeCloseTo(b.y, 12);
      // the rotated corners' mean is the unrotated box's centre
      const pts = g.rotatedCorners(corner, deg);
      expect(pts.reduce((s, p) => s + p[0], 0) / 4).toBeCloseTo(b.x + b.w / 2, 12);
      expect(pts.reduce((s, p) => s + p[1], 0) / 4).toBeCloseTo(b.y + b.h / 2, 12);
    }
  });
});

describe('geometry: polygons', () => {
  it('shoelace area, orientation-free, summed over rings', () => {
    expect(g.ringArea([0, 0, 1, 0, 1, 1, 0, 1])).toBe(1);
    expect(g.ringArea([0, 0, 0, 1, 1, 1, 1, 0])).toBe(1);
    expect(g.ringArea([0, 0, 4, 0, 0, 3])).toBe(6);
    expect(g.polygonArea([[0, 0, 4, 0, 0, 3], [10, 10, 12, 10, 12, 12, 10, 12]])).toBe(10);
    expect(g.ringsEnvelope([[1, 2, 5, 2, 5, 9], [0, 3, 1, 3, 1, 4]])).toEqual({ x: 0, y: 2, w: 5, h: 7 });
  });
});

describe('geometry: RLE', () => {
  it('datumaro crowd RLE {counts:[0,20,30], size:[10,5]} is the 10x5 mask with the first two columns set', () => {
    const rle = { size: [10, 5] as [number, number], counts: [0, 20, 30] };
    const rows = g.columnToRowMajor(g.rleDecode(rle), 10, 5);
    for (let y = 0; y < 10; y++) expect([...rows.subarray(y * 5, y * 5 + 5)]).toEqual([1, 1, 0, 0, 0]);
    expect(g.rleArea(rle)).toBe(20);
    // continuous pixels: columns 0-1, rows 0-9 (datumaro states the same region as inclusive (0,0,1,9))
    expect(g.rleBbox(rle)).toEqual({ x: 0, y: 0, w: 2, h: 10 });
  });

  it('encode is the inverse of decode, and row/column-major conversions are inverse', () => {
    const h = 7;
    const w = 9;
    const bits = new Uint8Array(h * w).map((_, i) => ((i * 2654435761) >>> 28) & 1);
    const rle = g.rleEncode(bits, h, w);
    expect([...g.rleDecode(rle)]).toEqual([...bits]);
    expect([...g.rowToColumnMajor(g.columnToRowMajor(bits, h, w), h, w)]).toEqual([...bits]);
    expect(rle.counts.reduce((a, b) => a + b, 0)).toBe(h * w);
  });

  it('compressed COCO strings: "0d0n0" is [0, 20, 30]; random counts round-trip', () => {
    expect(g.rleToString([0, 20, 30])).toBe('0d0n0');
    expect(g.rleFromString('0d0n0')).toEqual([0, 20, 30]);
    for (let t = 0; t < 50; t++) {
      const counts = Array.from({ length: 1 + (t % 13) }, (_, i) => ((t * 7919 + i * 104729) % 5000) + (i === 0 ? 0 : 1));
      expect(g.rleFromString(g.rleToString(counts))).toEqual(counts);
    }
    expect(g.rleFromString('0d0n\u0001')).toBeNull();
  });
});
