// Shared pieces of `npm run bench`: running the CLI under measure.js, medians of alternating runs,
// the data folder, and the side-by-side table every case prints.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const here = fileURLToPath(new URL('.', import.meta.url));
/** Outputs and generated data; inputs are taken from $BENCH_DATA first when it holds them. */
export const OUT = here + 'out/';
mkdirSync(OUT, { recursive: true });
export const GEN_COCO = here + '../../shared/bench/gen_coco.js';

/** The path of a generated input: $BENCH_DATA/name when present there, else bench/out/name. */
export function dataFile(name) {
  const shared = process.env.BENCH_DATA;
  if (shared && existsSync(`${shared}/${name}`)) return `${shared}/${name}`;
  return OUT + name;
}

export function node(args, opts = {}) {
  return spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], ...opts });
}

/** The node flags bin/annoconv.js runs with (its shebang), so the benchmark measures what users run. */
export const BIN = here + '../bin/annoconv.js';
export const BIN_FLAGS = readFileSync(BIN, 'utf8').split('\n')[0].split(/\s+/).filter((w) => w.startsWith('--'));

/** Runs annoconv with args in a child under measure.js: {exitCode, wallMs, maxRssKB}. */
export function measured(args) {
  const r = node([...BIN_FLAGS, here + 'measure.js', ...args]);
  const line = (r.output[3] || r.stderr).trim().split('\n').pop();
  return JSON.parse(line);
}

/** Runs a baseline script that prints one JSON object {wallMs, maxRssKB, ...} on stdout. */
export function script(args) {
  const r = node(args);
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return { error: (r.stderr || r.stdout).trim().split('\n').pop() || `exit ${r.status}`, wallMs: NaN, maxRssKB: NaN };
  }
}

/** Median of key over runs. */
export const median = (runs, key) => {
  const xs = runs.map((r) => r[key]).sort((a, b) => a - b);
  return xs[(xs.length - 1) >> 1];
};

/**
 * n alternating runs of each function (a shared machine moves single runs by up to 30%);
 * returns one list of results per function.
 */
export function alternate(n, ...fns) {
  const out = fns.map(() => []);
  for (let i = 0; i < n; i++) fns.forEach((f, j) => out[j].push(f()));
  return out;
}

const secs = (ms) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) + ' s' : '—');
const mib = (kb) => (Number.isFinite(kb) ? (kb / 1024).toFixed(0) + ' MiB' : '—');

/**
 * Prints one table: each row a case with annoconv and its floor or peer side by side, the ratio
 * of wall times (annoconv / floor) and peak RSS of each. rows: {name, ours, base, baseName, target}
 * where ours/base are lists of runs ({wallMs, maxRssKB, exitCode?}); medians are shown.
 */
export function table(title, rows) {
  console.log(`\n${title}`);
  const head = ['case', 'annoconv', 'RSS', 'floor / peer', 'its time', 'its RSS', 'ratio', 'target'];
  const lines = rows.map((r) => {
    const ow = median(r.ours, 'wallMs');
    const bw = r.base ? median(r.base, 'wallMs') : NaN;
    const exits = r.ours.map((x) => x.exitCode).filter((c) => c !== undefined && c !== 0);
    return [
      r.name + (exits.length ? ` (exit ${exits.join(',')})` : ''),
      secs(ow),
      mib(Math.max(...r.ours.map((x) => x.maxRssKB))),
      r.baseName ?? '',
      r.base ? (r.base[0]?.error ? `failed: ${r.base[0].error.slice(0, 40)}` : secs(bw)) : '',
      r.base ? mib(Math.max(...r.base.map((x) => x.maxRssKB))) : '',
      r.base && Number.isFinite(bw) ? (ow / bw).toFixed(2) + 'x' : '',
      r.target ?? '',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  console.log(fmt(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const l of lines) console.log(fmt(l));
  console.log('(times: medians of alternating runs; RSS: the largest peak of the runs; ratio: annoconv / floor)');
}
