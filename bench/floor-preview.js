#!/usr/bin/env node
// The floor of `annoconv preview` on the same images: sharp decoding each image, resizing it to
// the same size, and encoding what the page needs (a JPEG view and a 400 px JPEG thumbnail), 4 at
// a time, with no overlay, no model and no page. Prints {wallMs, maxRssKB}.
// usage: node bench/floor-preview.js IMAGES_DIR OUT_DIR
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import sharp from 'sharp';

const [dir, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const t0 = performance.now();
const files = readdirSync(dir).sort();
let next = 0;
const lane = async () => {
  while (next < files.length) {
    const f = files[next++];
    const meta = await sharp(join(dir, f)).metadata();
    const s = Math.min(1, 1024 / Math.max(meta.width, meta.height));
    const { data, info } = await sharp(join(dir, f)).rotate().resize(Math.round(meta.width * s), Math.round(meta.height * s)).raw().toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    writeFileSync(join(out, f), await sharp(data, raw).jpeg({ quality: 85 }).toBuffer());
    await sharp(data, raw).resize(400, 400, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
  }
};
await Promise.all(Array.from({ length: Math.min(4, availableParallelism()) }, lane));
console.log(JSON.stringify({ wallMs: performance.now() - t0, maxRssKB: process.resourceUsage().maxRSS }));
