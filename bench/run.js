#!/usr/bin/env node
// `npm run bench`: annoconv's benchmarks, each beside a baseline measured in the same run.
// Data is generated under bench/out/ (git-ignored) on first use.
//   jsonl: validate a >= 1 GB items.jsonlines vs a bare split + JSON.parse loop
//   startup: median wall time of `--version` and of validating a one-line file
// usage: node bench/run.js [jsonl] [startup]    (default: all)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const OUT = here + 'out/';
mkdirSync(OUT, { recursive: true });
const which = process.argv.slice(2);
const want = (n) => which.length === 0 || which.includes(n);

function node(args, opts = {}) {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], ...opts });
  return r;
}

// The node flags bin/annoconv.js runs with (its shebang), so the benchmark measures what users run.
const BIN = here + '../bin/annoconv.js';
const BIN_FLAGS = readFileSync(BIN, 'utf8').split('\n')[0].split(/\s+/).filter((w) => w.startsWith('--'));

function measured(args) {
  const r = node([...BIN_FLAGS, here + 'measure.js', ...args]);
  const line = (r.output[3] || r.stderr).trim().split('\n').pop();
  return JSON.parse(line);
}

const mb = (bytes) => bytes / 1e6;
const row = (name, bytes, records, wallMs, rssKB) =>
  `${name.padEnd(34)} ${(wallMs / 1000).toFixed(2).padStart(7)} s ${(mb(bytes) / (wallMs / 1000)).toFixed(1).padStart(7)} MB/s ${Math.round(records / (wallMs / 1000)).toLocaleString('en-US').padStart(11)} rec/s ${(rssKB / 1024).toFixed(0).padStart(6)} MB peak RSS`;

if (want('jsonl')) {
  const file = OUT + 'items-1gb.jsonlines';
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

if (want('startup')) {
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
