// `npm run bench encord`
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { BIN, BIN_FLAGS, OUT, dataFile, here as benchDir, measured, node } from '../lib.js';

const here = benchDir;
const mb = (bytes) => bytes / 1e6;
const row = (name, bytes, records, wallMs, rssKB) =>
  `${name.padEnd(34)} ${(wallMs / 1000).toFixed(2).padStart(7)} s ${(mb(bytes) / (wallMs / 1000)).toFixed(1).padStart(7)} MB/s ${Math.round(records / (wallMs / 1000)).toLocaleString('en-US').padStart(11)} rec/s ${(rssKB / 1024).toFixed(0).padStart(6)} MB peak RSS`;

export default async function run() {
  const json = dataFile('encord-1m.json');
  const csv = dataFile('encord-1m.csv');
  if (!existsSync(json) || !existsSync(csv)) node([here + 'gen_encord.js', '--entries', '1000000', '--json', json, '--csv', csv], { stdio: 'inherit' });
  const jobs = [
    ['validate encord-json', json, ['validate', json, '--quiet', '--max-diagnostics', '0']],
    ['validate encord-csv', csv, ['validate', csv, '--quiet', '--max-diagnostics', '0']],
    ['encord-json -> encord-csv', json, ['convert', json, '--to', 'encord-csv', '-o', OUT + 'encord-out.csv', '--quiet']],
    ['encord-csv -> encord-json', csv, ['convert', csv, '--to', 'encord-json', '-o', OUT + 'encord-out.json', '--quiet']],
    ['encord-json --split 500000', json, ['convert', json, '--to', 'encord-json', '--split', '500000', '-o', OUT + 'encord-part.json', '--quiet']],
    ['encord-json -> annoconv', json, ['convert', json, '--to', 'annoconv', '-o', OUT + 'encord-out.annoconv', '--quiet']],
  ];
  console.log('\nEncord manifest, 1,000,000 entries (bench/gen_encord.js: 700k images, 200k videos, 80k groups of 3, 20k DICOM series of 5; 1.24M URLs); 3 runs each: median time, median and max peak RSS');
  for (const [name, file, args] of jobs) {
    const runs = [0, 1, 2].map(() => measured(args));
    const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[1];
    const maxRss = Math.max(...runs.map((r) => r.maxRssKB));
    console.log(row(name, statSync(file).size, 1e6, med('wallMs'), med('maxRssKB')) + ` (max ${(maxRss / 1024).toFixed(0)} MB) exit ${runs.map((r) => r.exitCode).join(',')}`);
  }
  const base = JSON.parse(node(['-e', `const t=performance.now();const m=JSON.parse(require('fs').readFileSync(${JSON.stringify(json)},'utf8'));let n=0;for(const k in m)if(Array.isArray(m[k]))n+=m[k].length;console.log(JSON.stringify({n,wallMs:performance.now()-t,maxRssKB:process.resourceUsage().maxRSS}))`]).stdout);
  console.log(row('baseline: whole-file JSON.parse', statSync(json).size, base.n, base.wallMs, base.maxRssKB));
  console.log('(validation exits 1: a file over 500,000 entries is over Encord\'s limit; target: peak RSS <= 200 MB)');
}
