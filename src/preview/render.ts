/**
 * One item's picture: its image decoded once, turned upright (EXIF orientation, as browsers and
 * labelling tools show it), downscaled to the maximum size in the same sharp pipeline (JPEG
 * shrink-on-load: the full-resolution pixels are never held whole when they need not be), and the
 * overlay composited on it. Shapes are drawn in the image file's own pixels: an item whose stated
 * size differs from its file is drawn as the data says and the difference is listed, since a
 * wrong size is one of the things a preview is for.
 */
import sharp from 'sharp';
import type { OverlayOptions, Sharp } from 'sharp';
import type { Item } from '../model/types.js';
import { overlayFor, type DrawOptions, type NotDrawn, type Skeletons } from './overlay.js';

/** The drawn picture as raw sRGB pixels (3 channels), W x H. */
export interface Picture {
  raw: Buffer;
  W: number;
  H: number;
  /** The image file's size (upright), in pixels. */
  w: number;
  h: number;
  notDrawn: NotDrawn[];
}

/** Draws an item on its image file (see the module comment); throws when the file cannot be decoded. */
export async function drawPicture(item: Item, file: string, maxSize: number, skeletons: Skeletons, opts: DrawOptions = {}): Promise<Picture> {
  const meta = await sharp(file).metadata();
  if (!meta.width || !meta.height) throw new Error('no image size in its header');
  const turned = (meta.orientation ?? 1) >= 5; // EXIF 5-8 swap width and height
  const w = turned ? meta.height : meta.width;
  const h = turned ? meta.width : meta.height;
  const o = overlayFor(item, w, h, maxSize, skeletons, opts);
  const layers: OverlayOptions[] = [];
  if (o.masks) layers.push({ input: o.masks, raw: { width: o.W, height: o.H, channels: 4 } });
  layers.push({ input: Buffer.from(o.svg) });
  // each step only when it changes something: most images are upright sRGB JPEGs at their size
  let img = sharp(file);
  if ((meta.orientation ?? 1) !== 1) img = img.rotate();
  if (o.W !== w || o.H !== h) img = img.resize(o.W, o.H, { fit: 'fill' });
  if (meta.hasAlpha) img = img.flatten({ background: '#ffffff' });
  if (meta.space !== 'srgb' || meta.channels !== 3) img = img.toColourspace('srgb');
  const { data, info } = await img.composite(layers).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const notDrawn = [...o.notDrawn];
  if (item.width !== undefined && item.height !== undefined && (item.width !== w || item.height !== h))
    notDrawn.unshift({ why: `the item says ${item.width}x${item.height}, its image is ${w}x${h}: shapes are drawn in the image's pixels` });
  return { raw: rgbOf(data, info.channels), W: info.width, H: info.height, w, h, notDrawn };
}

/** Raw pixels as 3 channels (a grey image is spread to r, g and b). */
function rgbOf(data: Buffer, channels: number): Buffer {
  if (channels === 3) return data;
  const n = data.length / channels;
  const out = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++) {
    const g = channels < 3;
    out[i * 3] = data[i * channels]!;
    out[i * 3 + 1] = data[i * channels + (g ? 0 : 1)]!;
    out[i * 3 + 2] = data[i * channels + (g ? 0 : 2)]!;
  }
  return out;
}

const rawOf = (p: Picture): Sharp => sharp(p.raw, { raw: { width: p.W, height: p.H, channels: 3 } });

/**
 * The picture as PNG (exact pixels). Fast deflate without adaptive filtering: a third of level
 * 6's time on photographs, for files about a quarter larger (measured on 640 x 480 JPEG photos).
 */
export function pngOf(p: Picture): Promise<Buffer> {
  return rawOf(p).png({ compressionLevel: 2, adaptiveFiltering: false }).toBuffer();
}

/** The picture as JPEG (the page's enlarged view). */
export function jpegOf(p: Picture): Promise<Buffer> {
  return rawOf(p).jpeg({ quality: 85 }).toBuffer();
}

/** A thumbnail within size x size: JPEG for the page, raw RGB for the contact sheet. */
export function thumbOf(p: Picture, size: number, as: 'jpeg' | 'raw'): Promise<{ data: Buffer; width: number; height: number }> {
  const t = rawOf(p).resize(size, size, { fit: 'inside', withoutEnlargement: true });
  return (as === 'jpeg' ? t.jpeg({ quality: 80 }) : t.raw()).toBuffer({ resolveWithObject: true }).then(({ data, info }) => ({ data, width: info.width, height: info.height }));
}
