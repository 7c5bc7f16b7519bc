#!/usr/bin/env node
// The floor of bench case masks: what LS brush -> COCO -> LS brush costs without tracing or
// rasterizing. Reads the tasks, decodes each brush (annoconv's decoder), turns it into COCO RLE
// (column-major runs) and back, re-encodes it as a brush, writes the tasks; prints
// {wallMs, maxRssKB, identical}.
// usage: node bench/floor-masks.js IN OUT
import { readFileSync, writeFileSync } from 'node:fs';
import { lsRleDecode, lsRleEncode } from '../dist/formats/labelstudio/brush-rle.js';
import { columnToRowMajor, rleDecode, rleEncode, rowToColumnMajor } from '../dist/model/geometry.js';

const t0 = performance.now();
const [, , inFile, outFile] = process.argv;
const tasks = JSON.parse(readFileSync(inFile, 'utf8'));
let identical = 0;
for (const t of tasks) {
  for (const a of t.annotations) {
    for (const r of a.result) {
      if (r.type !== 'brushlabels') continue;
      const w = r.original_width, h = r.original_height;
      const bits = lsRleDecode(r.value.rle, w, h);
      const coco = rleEncode(rowToColumnMajor(bits, h, w), h, w);
      const back = lsRleEncode(columnToRowMajor(rleDecode(coco), h, w), w, h);
      if (back.length === r.value.rle.length && back.every((v, i) => v === r.value.rle[i])) identical++;
      r.value.rle = back;
    }
  }
}
writeFileSync(outFile, JSON.stringify(tasks));
console.log(JSON.stringify({ wallMs: performance.now() - t0, maxRssKB: process.resourceUsage().maxRSS, identical }));
