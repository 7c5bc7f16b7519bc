// `npm run bench dask`: a generated SA-1B folder (20,000 images of 64 x 64 with 4 masks each, under
// bench/out/) converted to COCO by 1 process, and by examples/dask/annoconv_dask.py on a
// LocalCluster of 2 workers in 8 shards (merge included), printed side by side with one shard run
// alone and the merge alone, and the arithmetic for SA-1B's 11 M images from those figures. Wall
// times, one run each (the machine's load is printed). Skipped without Python's `distributed`.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { BIN, OUT, here } from '../lib.js';
import { generate } from '../gen_sa1b.js';

const IMAGES = Number(process.env.BENCH_SA1B_IMAGES ?? 20_000);
const SHARDS = 8;
const SA1B = 11_000_000;

function timed(cmd, args) {
  const t = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  return (Date.now() - t) / 1000;
}

export default async function run() {
  if (spawnSync('/usr/bin/python3', ['-c', 'import distributed']).status !== 0) {
    console.log('dask: skipped (python3-distributed is not importable)');
    return;
  }
  const dir = OUT + `sa1b-${IMAGES}`;
  if (!existsSync(dir)) generate(dir, IMAGES, 4, 64);
  const cats = OUT + 'sa1b-cats.txt';
  writeFileSync(cats, 'object\n');
  const conv = ['--from', 'sa1b', '--sa1b-label', 'object', '--categories', cats];
  const load = loadavg()[0].toFixed(2);
  const one = timed(process.execPath, [BIN, 'convert', dir, ...conv, '--to', 'coco', '-o', OUT + 'sa1b-one.json', '-q']);
  const shard = timed(process.execPath, [BIN, 'convert', dir, ...conv, '--to', 'coco', '--shard', `0/${SHARDS}`, '-o', OUT + 'sa1b-shard0.json', '-q']);
  const work = OUT + 'sa1b-dask.shards';
  rmSync(work, { recursive: true, force: true });
  const dask = timed('/usr/bin/python3', [here + '../examples/dask/annoconv_dask.py', dir, '--to', 'coco', '-o', OUT + 'sa1b-dask.json', '--shards', String(SHARDS), '--workers', '2', '--work', work, '--', ...conv]);
  const outs = Array.from({ length: SHARDS }, (_, i) => `${work}/shard-${i}-of-${SHARDS}.json`);
  const merge = timed(process.execPath, [BIN, 'merge', ...outs, '--to', 'coco', '-o', OUT + 'sa1b-merge.json', '-q']);
  const perImage = shard / (IMAGES / SHARDS);
  const mergePerImage = merge / IMAGES;
  console.log(`\nSA-1B-style folder -> COCO, ${IMAGES.toLocaleString('en-US')} images x 4 masks (64 x 64), load average ${load} before`);
  console.log(`  1 process                         ${one.toFixed(2)} s`);
  console.log(`  Dask, 2 workers, ${SHARDS} shards + merge  ${dask.toFixed(2)} s (LocalCluster start included)`);
  console.log(`  one shard (0/${SHARDS}) alone            ${shard.toFixed(2)} s (${(perImage * 1000).toFixed(3)} ms an image, listing the whole folder included)`);
  console.log(`  merge of the ${SHARDS} shard outputs       ${merge.toFixed(2)} s (${(mergePerImage * 1000).toFixed(3)} ms an image)`);
  for (const n of [1, 10, 100, 1000]) {
    const shards = (SA1B / n) * perImage;
    console.log(`  estimate, SA-1B 11 M images on ${String(n).padStart(4)} machine(s): shards ${(shards / 3600).toFixed(2)} h + merge on one machine ${((SA1B * mergePerImage) / 3600).toFixed(2)} h`);
  }
}
