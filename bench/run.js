#!/usr/bin/env node
// `npm run bench`: annoconv's benchmarks, each beside a floor or peer measured in the same run.
// Data is generated under bench/out/ (git-ignored) on first use; $BENCH_DATA, when set, is
// searched first for the generated inputs (so several checkouts can share them).
// Each case is a module in bench/cases/ (shared helpers: bench/lib.js).
//   jsonl: validate a >= 1 GB items.jsonlines vs a bare split + JSON.parse loop
//   coco: convert generated COCO S/M/L to annoconv and back, beside a whole-file JSON.parse converter
//   encord: validate and convert a generated 1,000,000-entry Encord manifest (JSON and CSV)
//   ls: COCO M -> Label Studio tasks and back
//   masks: 1,000 Label Studio brushes -> COCO polygons (traced) -> brushes (rasterized), pixel-identical count
//   scan: probe 10,000 generated images and 2,000 DICOM slices, beside a full-decode baseline
//   preview: draw 1,000 generated 640 x 480 images with boxes and polygons as a page and as PNGs, beside sharp alone
//   startup: median wall time of `--version` and of validating a one-line file
//   ops: stats and split on COCO L beside convert coco -> coco
//   dask: a generated SA-1B folder to COCO, 1 process vs 2 Dask workers in 8 shards (needs python3-distributed)
// usage: node bench/run.js [case ...]    (default: all, in this order)
import { readdirSync } from 'node:fs';
import { here } from './lib.js';

const ORDER = ['jsonl', 'coco', 'encord', 'ls', 'masks', 'scan', 'preview', 'startup', 'ops'];
const known = readdirSync(here + 'cases').filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3));
const all = [...ORDER.filter((c) => known.includes(c)), ...known.filter((c) => !ORDER.includes(c)).sort()];
const which = process.argv.slice(2);
const unknown = which.filter((c) => !known.includes(c));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}: one of ${all.join(', ')}`);
  process.exit(2);
}
for (const c of which.length ? which : all) await (await import(`./cases/${c}.js`)).default();
