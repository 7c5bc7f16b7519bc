// `npm run bench ls`
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { BIN, BIN_FLAGS, OUT, dataFile, here as benchDir, measured, node } from '../lib.js';

const here = benchDir;
const mb = (bytes) => bytes / 1e6;
const row = (name, bytes, records, wallMs, rssKB) =>
  `${name.padEnd(34)} ${(wallMs / 1000).toFixed(2).padStart(7)} s ${(mb(bytes) / (wallMs / 1000)).toFixed(1).padStart(7)} MB/s ${Math.round(records / (wallMs / 1000)).toLocaleString('en-US').padStart(11)} rec/s ${(rssKB / 1024).toFixed(0).padStart(6)} MB peak RSS`;

export default async function run() {
  const gen = here + '../../shared/bench/gen_coco.js';
  const file = dataFile('coco-m.json');
  if (!existsSync(file) && existsSync(gen)) node([gen, '--images', '50000', '--out', file], { stdio: 'inherit' });
  if (!existsSync(file)) console.log(`\nls: skipped, ${gen} not found`);
  else {
    const tasks = OUT + 'ls-m.json';
    console.log('\nLabel Studio, COCO M (50,000 images, 346,507 annotations); 3 runs each: median time, median and max peak RSS');
    for (const [name, input, args] of [
      ['coco -> labelstudio', file, ['convert', file, '--from', 'coco', '--to', 'labelstudio', '--url-prefix', 'https://bucket.s3.amazonaws.com/', '-o', tasks, '--quiet']],
      ['labelstudio -> coco', tasks, ['convert', tasks, '--from', 'labelstudio', '--to', 'coco', '-o', OUT + 'coco-from-ls.json', '--quiet']],
    ]) {
      const runs = [0, 1, 2].map(() => measured(args));
      const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[1];
      console.log(row(name, statSync(input).size, 50000, med('wallMs'), med('maxRssKB')) + ` (max ${(Math.max(...runs.map((r) => r.maxRssKB)) / 1024).toFixed(0)} MB) exit ${runs.map((r) => r.exitCode).join(',')}`);
    }
    console.log('(rec/s counts images; target: coco -> labelstudio <= 5 s and <= 256 MB; Label Studio\'s own converter: 82 s, 2.5 GB; back: 138 s)');
  }
}
