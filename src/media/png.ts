/**
 * PNG files as index maps, through fast-png: it hands palette PNGs over as their palette indices
 * (sharp turns them into RGB, losing the class index a mask stores) and writes a given palette
 * with given indices. Decoding and encoding hold one image at a time.
 */
import { stat } from 'node:fs/promises';
import { decode, encode } from 'fast-png';
import { diag, type DiagnosticSink } from '../core/diagnostics.js';
import { readRegularFile } from '../core/io.js';

/** A decoded PNG: row-major samples, `channels` per pixel, and the palette of a palette PNG. */
export interface PngPixels {
  width: number;
  height: number;
  /** 1 grey or palette index, 2 grey + alpha, 3 RGB, 4 RGBA. */
  channels: number;
  /** Bits per sample: 1, 2, 4, 8 or 16 (samples below 8 bits are unpacked, one a byte). */
  depth: number;
  data: Uint8Array | Uint16Array;
  /** [r, g, b] per index, for palette PNGs. */
  palette?: [number, number, number][];
}

/** Decodes a PNG (throws on a file that is not one, with fast-png's message). */
export function decodePng(bytes: Uint8Array): PngPixels {
  const png = decode(bytes);
  const palette = png.palette?.map((c) => [c[0]!, c[1]!, c[2]!] as [number, number, number]);
  let data = png.data as Uint8Array | Uint16Array;
  if (png.depth < 8) data = unpack(data as Uint8Array, png.width, png.height, png.channels, png.depth);
  return { width: png.width, height: png.height, channels: png.channels, depth: png.depth, data, ...(palette ? { palette } : {}) };
}

/** Samples of under 8 bits, packed MSB first with each row starting on a byte, one a byte. */
function unpack(packed: Uint8Array, w: number, h: number, channels: number, depth: number): Uint8Array {
  const perRow = w * channels;
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const out = new Uint8Array(perRow * h);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < perRow; i++) {
      const bit = i * depth;
      const byte = packed[y * rowBytes + (bit >> 3)]!;
      out[y * perRow + i] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** A palette PNG of 8-bit indices (row-major) with `palette` (at most 256 colours). */
export function encodeIndexedPng(width: number, height: number, indices: Uint8Array, palette: readonly (readonly [number, number, number])[]): Uint8Array {
  return encode({ width, height, data: indices, channels: 1, depth: 8, palette: palette.map((c) => [c[0], c[1], c[2]]) });
}

/** A single-channel grey PNG, 8 bits (Uint8Array) or 16 bits (Uint16Array). */
export function encodeGreyPng(width: number, height: number, values: Uint8Array | Uint16Array): Uint8Array {
  return encode({ width, height, data: values, channels: 1, depth: values instanceof Uint16Array ? 16 : 8 });
}

/** An 8-bit RGB PNG from interleaved [r, g, b] samples. */
export function encodeRgbPng(width: number, height: number, rgb: Uint8Array): Uint8Array {
  return encode({ width, height, data: rgb, channels: 3, depth: 8 });
}

/** The decoded PNG at `path`, or undefined after reporting why not (MASK_PNG_MISSING, MASK_PNG_INVALID). */
export async function readMaskPng(path: string, report: DiagnosticSink): Promise<PngPixels | undefined> {
  let bytes: Buffer;
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
    bytes = await readRegularFile(path);
  } catch {
    report(diag('MASK_PNG_MISSING', `no mask PNG at ${path}`, { file: path }));
    return undefined;
  }
  try {
    return decodePng(bytes);
  } catch (e) {
    report(diag('MASK_PNG_INVALID', `not a readable PNG: ${(e as Error).message}`, { file: path }));
    return undefined;
  }
}
