#!/usr/bin/env node
// A CSV annotation table of N rows (file_name,class_name,xmin,ymin,xmax,ymax), 4 rows an image in
// order, deterministic. usage: node bench/gen_csv.js --rows 1000000 --out FILE
import { createWriteStream } from 'node:fs';

const arg = (k, d) => (process.argv.includes(k) ? process.argv[process.argv.indexOf(k) + 1] : d);
const rows = Number(arg('--rows', '1000000'));
const out = createWriteStream(arg('--out'));
const CLASSES = ['car', 'person', 'bicycle', 'traffic light', 'dog', 'bus'];
let s = 7;
const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
let buf = 'file_name,class_name,xmin,ymin,xmax,ymax\n';
for (let i = 0; i < rows; i++) {
  const x = Math.floor(rnd() * 600);
  const y = Math.floor(rnd() * 400);
  buf += `images/img_${String(i >> 2).padStart(7, '0')}.jpg,${CLASSES[i % CLASSES.length]},${x},${y},${x + 1 + Math.floor(rnd() * 300)},${y + 1 + Math.floor(rnd() * 200)}\n`;
  if (buf.length > 1 << 20) {
    if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
    buf = '';
  }
}
out.end(buf);
