/**
 * A decoded mask PNG as a map of class (or instance) indices: a palette PNG's indices and a grey
 * PNG's values as they are; an RGB PNG's colours through a colour -> index table (datumaro writes
 * RGB masks painted with the label map's colours).
 */
import type { PngPixels } from '../../media/png.js';
import type { IndexMap } from '../../model/index-map.js';

/** The result of reading a mask's pixels as indices. */
export interface Indices {
  map: IndexMap;
  /** Pixels of an RGB mask whose colour the table does not have (read as `unknownValue`). */
  unknownColours: number;
}

/**
 * The index map of `png`. RGB(A) pixels go through `colours` (key r·65536 + g·256 + b); a colour
 * not there becomes `unknownValue`. Grey + alpha reads the grey sample.
 */
export function pngIndices(png: PngPixels, colours: Map<number, number>, unknownValue: number): Indices {
  const n = png.width * png.height;
  const { channels, data } = png;
  let unknownColours = 0;
  let values: Uint8Array | Uint16Array;
  if (channels === 1) {
    values = data; // the decoded samples are the indices: no copy of a large image
  } else if (channels === 2) {
    values = png.depth === 16 ? new Uint16Array(n) : new Uint8Array(n);
    for (let p = 0; p < n; p++) values[p] = data[p * channels]!;
  } else {
    values = new Uint16Array(n);
    const shift = png.depth === 16 ? 8 : 0;
    for (let p = 0, s = 0; p < n; p++, s += channels) {
      const key = ((data[s]! >> shift) << 16) | ((data[s + 1]! >> shift) << 8) | (data[s + 2]! >> shift);
      const v = colours.get(key);
      if (v === undefined) unknownColours++;
      values[p] = v ?? unknownValue;
    }
  }
  return { map: { width: png.width, height: png.height, values }, unknownColours };
}
