#!/usr/bin/env node
// Generates Label Studio tasks with one brush each: a blob (a disc with a wavy edge, sometimes two
// overlapping) with 0-3 holes and sometimes a separate island, on a 512 x 512 image, encoded by
// annoconv's own brush encoder (dist/). Deterministic (seeded).
// usage: node bench/gen_masks.js --n 1000 --out FILE
import { writeFileSync } from 'node:fs';
import { lsRleEncode } from '../dist/formats/labelstudio/brush-rle.js';

const arg = (k, d) => {
  const i = process.argv.indexOf(k);
  return i > 0 ? process.argv[i + 1] : d;
};
const N = Number(arg('--n', '1000'));
const OUT = arg('--out', 'masks-ls.json');
const W = 512, H = 512;
let s = 20261205;
const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);

function blob() {
  const m = new Uint8Array(W * H); // row-major, as Label Studio's brush is
  const discs = [];
  const n = 1 + Math.floor(rnd() * 2);
  for (let k = 0; k < n; k++) discs.push({ x: 140 + rnd() * 232, y: 140 + rnd() * 232, r: 50 + rnd() * 80, a: rnd() * 0.2, f: 3 + Math.floor(rnd() * 6), p: rnd() * 6.28, v: 1 });
  if (rnd() < 0.4) discs.push({ x: 40 + rnd() * 60, y: 40 + rnd() * 430, r: 10 + rnd() * 20, a: 0.1, f: 4, p: 0, v: 1 });
  const holes = Math.floor(rnd() * 4);
  for (let k = 0; k < holes; k++) {
    const d = discs[0];
    const t = rnd() * 6.28, q = rnd() * d.r * 0.5;
    discs.push({ x: d.x + q * Math.cos(t), y: d.y + q * Math.sin(t), r: 4 + rnd() * d.r * 0.25, a: 0.15, f: 5, p: rnd() * 6.28, v: 0 });
  }
  for (const d of discs) {
    const R = d.r * (1 + d.a) + 1;
    for (let y = Math.max(0, Math.floor(d.y - R)); y < Math.min(H, d.y + R); y++) {
      for (let x = Math.max(0, Math.floor(d.x - R)); x < Math.min(W, d.x + R); x++) {
        const dx = x + 0.5 - d.x, dy = y + 0.5 - d.y;
        const edge = d.r * (1 + d.a * Math.sin(d.f * Math.atan2(dy, dx) + d.p));
        if (dx * dx + dy * dy <= edge * edge) m[y * W + x] = d.v;
      }
    }
  }
  return m;
}

const tasks = [];
for (let i = 0; i < N; i++) {
  const rle = lsRleEncode(blob(), W, H);
  tasks.push({ id: i + 1, data: { image: `https://bucket.s3.amazonaws.com/img${i + 1}.png` }, annotations: [{ id: i + 1, result: [{ id: `b${i + 1}`, type: 'brushlabels', from_name: 'tag', to_name: 'image', original_width: W, original_height: H, image_rotation: 0, value: { format: 'rle', rle, brushlabels: [i % 3 ? 'cell' : 'nucleus'] } }] }] });
}
writeFileSync(OUT, JSON.stringify(tasks));
