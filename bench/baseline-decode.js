#!/usr/bin/env node
// Baseline for the scan benchmark: fully decode every image below a folder with sharp (8 at a
// time, the scan's concurrency), printing {files, wallMs, maxRssKB}.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const dir = process.argv[2];
const files = readdirSync(dir, { recursive: true }).filter((f) => /\.(jpg|png)$/.test(f)).map((f) => join(dir, f));
const t0 = performance.now();
let next = 0;
const worker = async () => {
  while (next < files.length) await sharp(files[next++]).raw().toBuffer();
};
await Promise.all(Array.from({ length: 8 }, worker));
console.log(JSON.stringify({ files: files.length, wallMs: performance.now() - t0, maxRssKB: process.resourceUsage().maxRSS }));
