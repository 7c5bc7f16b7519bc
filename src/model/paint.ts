/**
 * Painting annotations onto index maps (semantic masks, VOC segmentation, COCO panoptic): which
 * shapes can be painted, in which order, and what later paint hid of earlier instances.
 */
import type { Annotation, Item, Rle } from './types.js';
import { indexMapToRles, paintRle, type IndexMap } from './index-map.js';
import { rleArea } from './geometry.js';
import { rasterizeAnnotation } from './rasterize.js';

/**
 * The pixels of a region on an h x w image (masks as they are, polygons and ellipses rasterized by
 * cocoapi's rule), or null when it has none to paint: keypoints, labels, text, and boxes (a box
 * is an object's extent, not its pixels: painting it would claim the background around it).
 */
export function shapeRle(a: Annotation, h: number, w: number): Rle | null {
  if (a.kind === 'mask') return a.rle;
  if (a.kind === 'box') return null;
  return rasterizeAnnotation(a, h, w);
}

/** The size [h, w] to paint an item at: its masks' size when they agree (the PNG they came from), else the item's. */
export function canvasSize(item: Item): [number, number] | undefined {
  let size: [number, number] | undefined;
  for (const a of item.annotations) {
    if (a.kind !== 'mask') continue;
    if (size && (size[0] !== a.rle.size[0] || size[1] !== a.rle.size[1])) {
      size = undefined;
      break;
    }
    size = a.rle.size;
  }
  if (size) return size;
  return item.width! > 0 && item.height! > 0 ? [item.height!, item.width!] : undefined;
}

/** One instance to paint: its pixels and the value it paints. */
export interface Stroke {
  rle: Rle;
  value: number;
}

/** What painting left of each stroke: hidden wholly (`hidden`), pixels covered by later ones (`coveredPixels`). */
export interface PaintResult {
  /** Indices of strokes with pixels, none of which shows. */
  hidden: number[];
  /** Indices of strokes with no pixel at all (a polygon thinner than a pixel centre). */
  empty: number[];
  coveredPixels: number;
  /** The visible pixels of each value painted, from the finished map. */
  shown: Map<number, Rle>;
}

/**
 * Paints `strokes` onto `map` in the order given, later over earlier (`byArea`: largest first, so
 * that small instances stay on top). A stroke is hidden when another stroke with another value
 * covers all its pixels; strokes sharing one value (a class in a semantic mask) never hide
 * each other.
 */
export function paintStrokes(map: IndexMap, strokes: readonly Stroke[], byArea = false, background = 0): PaintResult {
  const order = strokes.map((_, i) => i);
  if (byArea) {
    const area = strokes.map((s) => rleArea(s.rle));
    order.sort((a, b) => area[b]! - area[a]! || a - b);
  }
  let coveredPixels = 0;
  for (const i of order) coveredPixels += paintRle(map, strokes[i]!.rle, strokes[i]!.value, background);
  const shown = indexMapToRles(map, (v) => v === background);
  const empty = strokes.flatMap((s, i) => (rleArea(s.rle) === 0 ? [i] : []));
  const hidden = strokes.flatMap((s, i) => (rleArea(s.rle) > 0 && !shown.has(s.value) ? [i] : []));
  return { hidden, empty, coveredPixels, shown };
}
