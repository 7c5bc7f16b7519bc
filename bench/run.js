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
  console.log(`\nitems.jsonlines validate, ${mb(size).toFixed(0)} MB`);
  const base = JSON.parse(node([here + 'baseline-lines.js', file]).stdout);
  console.log(row('bare split + JSON.parse loop', size, base.records, base.wallMs, base.maxRssKB));
  const a = measured(['validate', file, '--quiet']);
  console.log(row('annoconv validate', size, base.records, a.wallMs, a.maxRssKB));
  console.log(`annoconv / baseline throughput: ${((100 * base.wallMs) / a.wallMs).toFixed(1)}% (target >= 60%), peak RSS target <= 150 MB, exit ${a.exitCode}`);
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
