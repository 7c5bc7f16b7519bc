#!/usr/bin/env node
// Generates the preview benchmark's data: N JPEG images of 640 x 480 (a gradient and a few blocks,
// so that they are not all alike) and a COCO file with, on each, 4 boxes and 2 polygons over 3 labels.
// usage: node bench/gen_preview.js --images 1000 --out DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const arg = (name, dflt) => {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const n = Number(arg('images', '1000'));
const out = arg('out', 'preview');
const W = 640;
const H = 480;
mkdirSync(join(out, 'images'), { recursive: true });
const base = Buffer.alloc(W * H * 3);
for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) base.set([(x * 255) / W, (y * 255) / H, 128], (y * W + x) * 3);
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const doc = { images: [], annotations: [], categories: ['car', 'person', 'bicycle'].map((name, i) => ({ id: i + 1, name })) };
const jobs = [];
for (let i = 1; i <= n; i++) {
  const px = Buffer.from(base);
  for (let b = 0; b < 3; b++) {
    const bx = Math.floor(rnd() * (W - 80));
    const by = Math.floor(rnd() * (H - 80));
    for (let y = by; y < by + 60; y++) px.fill(Math.floor(rnd() * 255), (y * W + bx) * 3, (y * W + bx + 60) * 3);
  }
  const file = `img_${i}.jpg`;
  jobs.push(sharp(px, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 85 }).toFile(join(out, 'images', file)));
  if (jobs.length >= 32) await Promise.all(jobs.splice(0));
  doc.images.push({ id: i, file_name: file, width: W, height: H });
  for (let k = 0; k < 6; k++) {
    const x = Math.round(rnd() * 500);
    const y = Math.round(rnd() * 360);
    const w = 20 + Math.round(rnd() * 120);
    const h = 20 + Math.round(rnd() * 100);
    const polygon = k >= 4 ? [[x, y, x + w, y + h / 3, x + w / 2, y + h, x, y + h / 2]] : [];
    doc.annotations.push({ id: doc.annotations.length + 1, image_id: i, category_id: 1 + (k % 3), bbox: [x, y, w, h], area: w * h, iscrowd: 0, segmentation: polygon, ...(k === 3 ? { score: 0.8 } : {}) });
  }
}
await Promise.all(jobs);
writeFileSync(join(out, 'instances.json'), JSON.stringify(doc));
console.error(`preview: ${n} images and instances.json in ${out}`);
