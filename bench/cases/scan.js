// `npm run bench scan`
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { BIN, BIN_FLAGS, OUT, dataFile, here as benchDir, measured, node } from '../lib.js';

const here = benchDir;
const mb = (bytes) => bytes / 1e6;
const row = (name, bytes, records, wallMs, rssKB) =>
  `${name.padEnd(34)} ${(wallMs / 1000).toFixed(2).padStart(7)} s ${(mb(bytes) / (wallMs / 1000)).toFixed(1).padStart(7)} MB/s ${Math.round(records / (wallMs / 1000)).toLocaleString('en-US').padStart(11)} rec/s ${(rssKB / 1024).toFixed(0).padStart(6)} MB peak RSS`;

export default async function run() {
  const media = OUT + 'media/';
  if (!existsSync(media + 'dicom')) node([here + 'gen_media.js', '--images', '10000', '--dicom', '2000', '--out', media], { stdio: 'inherit' });
  console.log('\nscan (10,000 images of 640 x 480, half JPEG half PNG, in 100 folders; 2,000 DICOM slices in 10 series); 3 runs each, medians');
  for (const [name, dir, files] of [['images', media + 'images', 10000], ['DICOM', media + 'dicom', 2000]]) {
    const runs = [0, 1, 2].map(() => measured(['scan', dir, '--to', 'annoconv', '-o', OUT + 'scan-out.annoconv', '--quiet']));
    const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[1];
    console.log(`annoconv scan ${name.padEnd(7)} ${(med('wallMs') / 1000).toFixed(2).padStart(6)} s ${Math.round(files / (med('wallMs') / 1000)).toLocaleString('en-US').padStart(7)} files/s ${(med('maxRssKB') / 1024).toFixed(0).padStart(5)} MB peak RSS (max ${(Math.max(...runs.map((r) => r.maxRssKB)) / 1024).toFixed(0)}) exit ${runs.map((r) => r.exitCode).join(',')}`);
    if (name === 'images') {
      const base = JSON.parse(node([here + 'baseline-decode.js', dir]).stdout);
      console.log(`baseline full decode      ${(base.wallMs / 1000).toFixed(2).padStart(6)} s ${Math.round(base.files / (base.wallMs / 1000)).toLocaleString('en-US').padStart(7)} files/s ${(base.maxRssKB / 1024).toFixed(0).padStart(5)} MB peak RSS; header-only is ${(base.wallMs / med('wallMs')).toFixed(1)}x faster`);
    }
  }
  console.log('(targets: >= 2,000 files/s on 2 cores for small images, >= 10x the full-decode baseline, <= 200 MB peak RSS)');
}
