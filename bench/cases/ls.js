// `npm run bench ls`: COCO M -> Label Studio tasks and back, beside the build of another checkout
// when $BENCH_BASELINE names one (an older commit, built): 3 alternating runs, medians.
// Label Studio's own converter (label-studio-sdk) took 49 s / 2.4 GB for COCO M -> tasks on this
// machine (issue 17); it is not run here.
import { existsSync } from 'node:fs';
import { OUT, alternate, dataFile, measured, node, table } from '../lib.js';
import { measuredAt } from './coco-write.js';

export default async function run() {
  const gen = new URL('../../../shared/bench/gen_coco.js', import.meta.url).pathname;
  const file = dataFile('coco-m.json');
  if (!existsSync(file) && existsSync(gen)) node([gen, '--images', '50000', '--out', file], { stdio: 'inherit' });
  if (!existsSync(file)) {
    console.log(`\nls: skipped, ${gen} not found`);
    return;
  }
  const base = process.env.BENCH_BASELINE;
  const tasks = OUT + 'ls-m.json';
  const toLs = (o) => ['convert', file, '--from', 'coco', '--to', 'labelstudio', '--url-prefix', 'https://bucket.s3.amazonaws.com/', '-o', o, '--quiet'];
  const toCoco = (o) => ['convert', tasks, '--from', 'labelstudio', '--to', 'coco', '-o', o, '--quiet'];
  const rows = [];
  for (const [name, args, target] of [
    ['M coco -> labelstudio', toLs, '<= 0.60x the old build'],
    ['M labelstudio -> coco', toCoco, ''],
  ]) {
    const fns = [() => measured(args(name.includes('-> coco') ? OUT + 'coco-from-ls.json' : tasks))];
    if (base) fns.push(() => measuredAt(base, args(OUT + 'ls-base.out')));
    const [ours, old] = alternate(3, ...fns);
    rows.push({ name, ours, ...(old ? { base: old, baseName: 'old build' } : {}), target });
  }
  table('Label Studio, COCO M (50,000 images, 346,507 annotations)' + (base ? `; old build: ${base}` : '; set $BENCH_BASELINE to a built older checkout for the side-by-side'), rows);
}
