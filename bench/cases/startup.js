// `npm run bench startup`
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { BIN, BIN_FLAGS, OUT, dataFile, here as benchDir, measured, node } from '../lib.js';

const here = benchDir;
const mb = (bytes) => bytes / 1e6;
const row = (name, bytes, records, wallMs, rssKB) =>
  `${name.padEnd(34)} ${(wallMs / 1000).toFixed(2).padStart(7)} s ${(mb(bytes) / (wallMs / 1000)).toFixed(1).padStart(7)} MB/s ${Math.round(records / (wallMs / 1000)).toLocaleString('en-US').padStart(11)} rec/s ${(rssKB / 1024).toFixed(0).padStart(6)} MB peak RSS`;

export default async function run() {
  const one = OUT + 'one.jsonlines';
  writeFileSync(one, '{"datatype":"text","uuid":"8f4a2c1e-3b7d-4e9a-a1c2-5d6e7f8a9b0c","data":{"text":"x"}}\n');
  const median = (args, n = 21) => {
    const t = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      spawnSync(process.execPath, args, { stdio: 'ignore' });
      t.push(performance.now() - s);
    }
    t.sort((x, y) => x - y);
    return t[(n - 1) / 2];
  };
  const nodeOnly = median(['-e', '0']);
  const version = median([...BIN_FLAGS, BIN, '--version']);
  const validateOne = median([...BIN_FLAGS, BIN, 'validate', one, '-q']);
  console.log('\nstartup (median of 21 runs, wall)');
  console.log(`node -e 0 (baseline)               ${nodeOnly.toFixed(0)} ms`);
  console.log(`annoconv --version                 ${version.toFixed(0)} ms (target <= 150 ms)`);
  console.log(`annoconv validate one-line file    ${validateOne.toFixed(0)} ms (target <= 250 ms)`);
}
