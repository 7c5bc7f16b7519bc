/**
 * The drawing math of src/model/drawing.ts against hand-worked cases: sizes within --max-size,
 * masks sampled at the drawing's pixel centres (column-major RLE in, row-major grid out), mask
 * boundaries, and where shapes and keypoints lie against the image.
 */
import { describe, expect, it } from 'vitest';
import { fitWithin, insetRect, maskOnGrid, maskOutline, placeInImage, scaleOf } from '../../src/model/drawing.js';

describe('drawing math', () => {
  it('fits within the maximum size, never enlarging', () => {
    expect(fitWithin(2000, 1000, 500)).toEqual({ width: 500, height: 250 });
    expect(fitWithin(1000, 3000, 1024)).toEqual({ width: 341, height: 1024 });
    expect(fitWithin(100, 50, 1024)).toEqual({ width: 100, height: 50 });
  });

  it('an inset rectangle puts a stroke of width w on the edge pixels, scaled', () => {
    expect(insetRect(10, 5, 20, 10, scaleOf(100, 50, 100, 50), 1)).toEqual({ x: 10.5, y: 5.5, w: 19, h: 9 });
    expect(insetRect(400, 200, 800, 400, scaleOf(2000, 1000, 500, 250), 2)).toEqual({ x: 101, y: 51, w: 198, h: 98 });
  });

  it('a mask sampled at pixel centres: a 4x2 mask (h 2, w 4) with its second and third columns set, at half width', () => {
    // column-major runs over h=2, w=4: column 0 unset (2), columns 1-2 set (4), column 3 unset (2)
    const rle = { size: [2, 4] as [number, number], counts: [2, 4, 2] };
    expect([...maskOnGrid(rle, 4, 2)]).toEqual([0, 1, 1, 0, 0, 1, 1, 0]);
    // drawing pixel 0 samples source column floor(0.5 * 4 / 2) = 1, pixel 1 column 3
    expect([...maskOnGrid(rle, 2, 1)]).toEqual([1, 0]);
  });

  it('the boundary of a mask: set pixels with an unset 4-neighbour or the grid edge; grown inward by width', () => {
    const W = 5;
    const bits = new Uint8Array(25).fill(1);
    expect([...maskOutline(bits, W, 5)]).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect([...maskOutline(bits, W, 5, 2)].filter((v) => v === 0).length).toBe(1);
  });

  it('where an annotation lies against the image, keypoints by their labelled points', () => {
    expect(placeInImage({ kind: 'box', x: 0, y: 0, w: 100, h: 50 }, 100, 50)).toBe('inside');
    expect(placeInImage({ kind: 'box', x: 90, y: 0, w: 20, h: 10 }, 100, 50)).toBe('partly');
    expect(placeInImage({ kind: 'box', x: 120, y: 0, w: 20, h: 10 }, 100, 50)).toBe('outside');
    expect(placeInImage({ kind: 'keypoints', points: [[10, 10, 2], [500, 500, 0]] }, 100, 50)).toBe('inside');
    expect(placeInImage({ kind: 'keypoints', points: [[10, 10, 2], [500, 500, 1]] }, 100, 50)).toBe('partly');
    expect(placeInImage({ kind: 'classification', labels: ['x'] }, 100, 50)).toBeUndefined();
  });
});
