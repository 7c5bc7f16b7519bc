#!/usr/bin/env node
/**
 * A generated SA-1B-style folder: `node bench/gen_sa1b.js DIR IMAGES [MASKS_PER_IMAGE] [SIZE]`.
 * Files sa_<id>.json (ids 1..IMAGES) with SIZE x SIZE images (default 64) and MASKS_PER_IMAGE
 * (default 4) rectangular masks each, as compressed RLE; seeded, so the same arguments give the
 * same bytes. Annotation ids are image_id * 1000 + k, as SA-1B's are unique over the dataset.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** COCO's compressed RLE string of run lengths (maskApi.c rleToString). */
export function rleString(counts) {
  let s = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i];
    if (i > 2) x -= counts[i - 2];
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

/** Runs of a rectangle [x, y, w, h] in an h x w image, column-major, zeros first. */
function rectRuns(size, [x, y, w, h]) {
  const counts = [];
  let zeros = x * size + y;
  for (let c = 0; c < w; c++) {
    counts.push(zeros, h);
    zeros = size - h;
  }
  counts.push(size * size - (x + w) * size + (size - y - h));
  return counts;
}

export function generate(dir, images, masks = 4, size = 64) {
  mkdirSync(dir, { recursive: true });
  let s = 12345;
  const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let id = 1; id <= images; id++) {
    const annotations = [];
    for (let k = 0; k < masks; k++) {
      const w = 1 + Math.floor(r() * (size / 2)), h = 1 + Math.floor(r() * (size / 2));
      const x = Math.floor(r() * (size - w)), y = Math.floor(r() * (size - h));
      annotations.push({
        id: id * 1000 + k,
        segmentation: { size: [size, size], counts: rleString(rectRuns(size, [x, y, w, h])) },
        bbox: [x, y, w, h],
        area: w * h,
        predicted_iou: Math.round(r() * 1000) / 1000,
        stability_score: Math.round(r() * 1000) / 1000,
        point_coords: [[x + w / 2, y + h / 2]],
        crop_box: [0, 0, size, size],
      });
    }
    writeFileSync(join(dir, `sa_${id}.json`), JSON.stringify({ image: { image_id: id, width: size, height: size, file_name: `sa_${id}.jpg` }, annotations }));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, n, m, size] = process.argv.slice(2);
  if (!dir || !n) {
    console.error('usage: node bench/gen_sa1b.js DIR IMAGES [MASKS_PER_IMAGE] [SIZE]');
    process.exit(2);
  }
  generate(dir, Number(n), m ? Number(m) : 4, size ? Number(size) : 64);
}
