#!/usr/bin/env node
// The naive converter annoconv's COCO reader is measured against: JSON.parse the whole file,
// group annotations by image, write one JSON line per image. Prints {wallMs, maxRssKB} or the error.
import { readFileSync, createWriteStream } from 'node:fs';

const t0 = performance.now();
try {
  const doc = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const byImage = new Map();
  for (const a of doc.annotations) {
    let list = byImage.get(a.image_id);
    if (!list) byImage.set(a.image_id, (list = []));
    list.push(a);
  }
  const out = createWriteStream(process.argv[3]);
  for (const img of doc.images) {
    if (!out.write(JSON.stringify({ ...img, annotations: byImage.get(img.id) ?? [] }) + '\n')) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  console.log(JSON.stringify({ wallMs: performance.now() - t0, maxRssKB: process.resourceUsage().maxRSS }));
} catch (e) {
  console.log(JSON.stringify({ error: String(e.message).slice(0, 120), wallMs: performance.now() - t0, maxRssKB: process.resourceUsage().maxRSS }));
}
