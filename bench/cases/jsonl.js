// `npm run bench jsonl`
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { BIN, BIN_FLAGS, OUT, dataFile, here as benchDir, measured, node } from '../lib.js';

const here = benchDir;
const mb = (bytes) => bytes / 1e6;
const row = (name, bytes, records, wallMs, rssKB) =>
  `${name.padEnd(34)} ${(wallMs / 1000).toFixed(2).padStart(7)} s ${(mb(bytes) / (wallMs / 1000)).toFixed(1).padStart(7)} MB/s ${Math.round(records / (wallMs / 1000)).toLocaleString('en-US').padStart(11)} rec/s ${(rssKB / 1024).toFixed(0).padStart(6)} MB peak RSS`;

export default async function run() {
  const file = dataFile('items-1gb.jsonlines');
  if (!existsSync(file) || statSync(file).size < 1e9) node([here + 'gen_items.js', '--mb', '1100', '--out', file], { stdio: 'inherit' });
  const size = statSync(file).size;
  // The two alternate, three times each, and the medians are reported: a shared machine's noise
  // moves single runs by 30% either way.
  const runs = { base: [], ours: [] };
  for (let i = 0; i < 3; i++) {
    runs.base.push(JSON.parse(node([here + 'baseline-lines.js', file]).stdout));
    runs.ours.push(measured(['validate', file, '--quiet']));
  }
  const med = (xs, k) => xs.map((x) => x[k]).sort((a, b) => a - b)[1];
  const records = runs.base[0].records;
  console.log(`\nitems.jsonlines validate, ${mb(size).toFixed(0)} MB, ${records.toLocaleString('en-US')} items (median of 3 alternating runs)`);
  console.log(row('bare split + JSON.parse loop', size, records, med(runs.base, 'wallMs'), med(runs.base, 'maxRssKB')));
  console.log(row('annoconv validate', size, records, med(runs.ours, 'wallMs'), med(runs.ours, 'maxRssKB')));
  const ratios = runs.base.map((b, i) => (100 * b.wallMs) / runs.ours[i].wallMs);
  console.log(`annoconv / baseline throughput: median ${((100 * med(runs.base, 'wallMs')) / med(runs.ours, 'wallMs')).toFixed(1)}% (pairs: ${ratios.map((r) => r.toFixed(1) + '%').join(', ')}; target >= 60%)`);
  console.log(`annoconv peak RSS: ${runs.ours.map((r) => (r.maxRssKB / 1024).toFixed(0)).join(', ')} MiB (target <= 150 MB); exit codes ${runs.ours.map((r) => r.exitCode).join(', ')}`);
}
