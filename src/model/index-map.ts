/**
 * Index maps: images whose pixel values name a class, an instance or a segment (semantic masks,
 * VOC SegmentationClass/Object, COCO panoptic ids). The model holds masks as COCO RLE (column-
 * major runs, zeros first); these functions go between a row-major index map and those RLEs, and
 * paint RLEs onto a map. Memory is O(image): one pass, no per-class bitmaps.
 */
import type { Rle } from './types.js';

/** A row-major index map: `values[y * width + x]`. */
export interface IndexMap {
  width: number;
  height: number;
  values: Uint8Array | Uint16Array | Uint32Array;
}

/**
 * One RLE per value present in `map`, in one column-major pass (the value at each pixel closes
 * the run of the value before it and opens its own). Values for which `skip` is true (background,
 * ignore) get none. The map's keys are in first-seen (column-major) order.
 */
export function indexMapToRles(map: IndexMap, skip: (value: number) => boolean = () => false): Map<number, Rle> {
  const { width: w, height: h, values } = map;
  const counts = new Map<number, number[]>();
  // where each value's current run (of set or unset pixels) started, in column-major position
  const last = new Map<number, number>();
  let prev = -1;
  let pos = 0;
  const toggle = (v: number, at: number): void => {
    let c = counts.get(v);
    if (!c) {
      c = [];
      counts.set(v, c);
      last.set(v, 0);
    }
    c.push(at - last.get(v)!);
    last.set(v, at);
  };
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++, pos++) {
      const v = values[y * w + x]!;
      if (v === prev) continue;
      if (prev >= 0 && !skip(prev)) toggle(prev, pos);
      if (!skip(v)) toggle(v, pos);
      prev = v;
    }
  }
  const out = new Map<number, Rle>();
  for (const [v, c] of counts) {
    const tail = w * h - last.get(v)!;
    if (tail > 0) c.push(tail);
    out.set(v, { size: [h, w], counts: c });
  }
  return out;
}

/**
 * Paints the set pixels of `rle` with `value` onto `map` (later paint covers earlier); returns
 * how many pixels it covered that already held another non-`background` value.
 */
export function paintRle(map: IndexMap, rle: Rle, value: number, background = 0): number {
  let covered = 0;
  const values = map.values;
  eachPixel(map, rle, (at) => {
    const old = values[at]!;
    if (old !== background && old !== value) covered++;
    values[at] = value;
  });
  return covered;
}

/** Calls `f` with the row-major offset on `map` of each set pixel of `rle` that lies on the map. */
function eachPixel(map: IndexMap, rle: Rle, f: (at: number) => void): void {
  const { width: w, height: h } = map;
  const rh = rle.size[0];
  let pos = 0;
  for (let i = 0; i < rle.counts.length; i++) {
    const run = rle.counts[i]!;
    if (i % 2 === 1 && run > 0) {
      let x = Math.floor(pos / rh);
      let y = pos - x * rh;
      for (let n = 0; n < run; n++) {
        if (x < w && y < h) f(y * w + x);
        if (++y === rh) {
          y = 0;
          x++;
        }
      }
    }
    pos += run;
  }
}

/**
 * The pixels of `rle` (size `[h, w]` of the map) whose value on `map` is still `value`: what of
 * an instance shows after later instances were painted over it.
 */
export function visibleArea(map: IndexMap, rle: Rle, value: number): number {
  let n = 0;
  eachPixel(map, rle, (at) => {
    if (map.values[at] === value) n++;
  });
  return n;
}

/**
 * The label colour map VOC and datumaro use (bit-interleaved: index 1 (128,0,0), 2 (0,128,0),
 * 255 (224,224,192)), `length` entries of [r, g, b].
 */
export function vocColormap(length = 256): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < length; i++) {
    const c: [number, number, number] = [0, 0, 0];
    let id = i;
    for (let j = 7; j >= 0; j--) {
      for (let k = 0; k < 3; k++) c[k]! |= ((id >> k) & 1) << j;
      id >>= 3;
    }
    out.push(c);
  }
  return out;
}

/** COCO panoptic's segment id of an RGB pixel: R + 256·G + 256²·B. */
export function rgbToId(r: number, g: number, b: number): number {
  return r + 256 * g + 65536 * b;
}

/** The RGB colour COCO panoptic writes for a segment id (inverse of rgbToId). */
export function idToRgb(id: number): [number, number, number] {
  return [id & 255, (id >>> 8) & 255, (id >>> 16) & 255];
}
