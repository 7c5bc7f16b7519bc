#!/usr/bin/env node
// Generates the scan benchmark's media: N small images (half JPEG, half PNG, 640 x 480, made with
// sharp) and M DICOM slices (10 series, 64 x 64 16-bit pixels).
// usage: node bench/gen_media.js --images 10000 --dicom 2000 --out DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { minimalDicom } from './minimal-dicom.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const images = Number(arg('images', '10000'));
const slices = Number(arg('dicom', '2000'));
const out = arg('out', 'media');
const imgDir = join(out, 'images');
const dcmDir = join(out, 'dicom');
for (let f = 0; f < 100; f++) mkdirSync(join(imgDir, `f${f}`), { recursive: true });
mkdirSync(dcmDir, { recursive: true });
const W = 640;
const H = 480;
const base = await sharp({ create: { width: W, height: H, channels: 3, background: '#3a6' } }).raw().toBuffer();
const jobs = [];
for (let i = 0; i < images; i++) {
  const px = Buffer.from(base);
  px.writeUInt32LE(i, (i * 12) % (px.length - 4));
  const img = sharp(px, { raw: { width: W, height: H, channels: 3 } });
  const name = join(imgDir, `f${i % 100}`, `img_${i}.${i % 2 ? 'png' : 'jpg'}`);
  jobs.push(i % 2 ? img.png().toFile(name) : img.jpeg({ quality: 80 }).toFile(name));
  if (jobs.length >= 64) await Promise.all(jobs.splice(0));
}
await Promise.all(jobs);
for (let i = 0; i < slices; i++) {
  const s = i % 10;
  writeFileSync(join(dcmDir, `${(i * 2654435761 % 4294967296).toString(16)}`), minimalDicom({ series: `1.2.3.4.${s + 1}`, sop: `1.2.3.4.${s + 1}.${i}`, instance: Math.floor(i / 10) + 1, z: i / 10, rows: 64, columns: 64, pixels: true }));
}
console.error(`media: ${images} images in ${imgDir}, ${slices} DICOM slices in ${dcmDir}`);
