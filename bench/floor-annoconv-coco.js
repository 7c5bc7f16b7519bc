#!/usr/bin/env node
// The floor for annoconv -> coco: one thread, one pass. Read the annoconv lines (1 MiB chunks),
// JSON.parse each, JSON.stringify each image and annotation element as the COCO writer writes
// them (images to the output, annotations to a temp file that is appended after them, since COCO
// puts every image before any annotation), then the categories; no checks, no bookkeeping beyond
// a Map of categories. Prints {wallMs, maxRssKB, images, annotations}.
// usage: node bench/floor-annoconv-coco.js IN.annoconv OUT.json
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';

const t0 = performance.now();
const [input, output] = process.argv.slice(2);
const temp = output + '.floor-annotations';

/** Buffered synchronous writer of strings to a descriptor. */
function writer(path) {
  const fd = openSync(path, 'w');
  let parts = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    const b = Buffer.from(parts.join(''));
    let off = 0;
    while (off < b.length) off += writeSync(fd, b, off);
    parts = [];
    size = 0;
  };
  return {
    fd,
    write(s) {
      parts.push(s);
      size += s.length;
      if (size >= 1 << 20) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
    flush,
  };
}

const out = writer(output);
const anns = writer(temp);
const categories = new Map();
let header;
let images = 0;
let annotations = 0;

function onLine(text) {
  const rec = JSON.parse(text);
  if (rec.annoconv === 'dataset') {
    header = rec;
    for (const c of rec.categories) categories.set(c.id, c);
    out.write(JSON.stringify({ info: rec.info, licenses: rec.licenses }).slice(0, -1) + ',"images":[');
    return;
  }
  const ex = rec.extras?.coco ?? {};
  const id = ex.id ?? Number(rec.id);
  out.write((images++ ? ',' : '') + JSON.stringify({ id, width: rec.width, height: rec.height, file_name: rec.path ?? rec.id, ...ex.image }));
  for (const a of rec.annotations) {
    const aex = a.extras?.coco ?? {};
    const r = { id: Number(a.id), image_id: id, category_id: a.categoryId, segmentation: a.kind === 'polygon' ? a.rings : [], area: aex.area, bbox: aex.bbox, iscrowd: 0 };
    anns.write((annotations++ ? ',' : '') + JSON.stringify(r));
  }
}

const fd = openSync(input, 'r');
const chunk = Buffer.allocUnsafe(1 << 20);
let carry = Buffer.alloc(0);
for (;;) {
  const n = readSync(fd, chunk, 0, chunk.length, null);
  if (n === 0) break;
  let buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
  let start = 0;
  for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
    if (nl > start) onLine(buf.toString('utf8', start, nl));
    start = nl + 1;
  }
  carry = Buffer.from(buf.subarray(start));
}
if (carry.length) onLine(carry.toString());
closeSync(fd);
anns.close();
out.write('],"annotations":[');
out.flush();
// the annotations' text, appended as bytes
const tfd = openSync(temp, 'r');
for (;;) {
  const n = readSync(tfd, chunk, 0, chunk.length, null);
  if (n === 0) break;
  let off = 0;
  while (off < n) off += writeSync(out.fd, chunk, off, n - off);
}
closeSync(tfd);
rmSync(temp);
out.write('],"categories":' + JSON.stringify([...categories.values()]) + '}\n');
out.close();
console.log(JSON.stringify({ wallMs: performance.now() - t0, maxRssKB: process.resourceUsage().maxRSS, images, annotations }));
