// `npm run bench ops`: the dataset operations on COCO L (200,000 images, 632 MB) beside
// `convert coco -> coco` of the same file, measured in the same run, alternating: stats and split
// must stay within convert's memory bound.
import { existsSync } from 'node:fs';
import { GEN_COCO, OUT, alternate, dataFile, measured, node, table } from '../lib.js';

export default async function run() {
  const file = dataFile('coco-l.json');
  if (!existsSync(file)) {
    if (!existsSync(GEN_COCO)) return console.log(`ops: skipped, ${GEN_COCO} not found`);
    node([GEN_COCO, '--images', '200000', '--out', file], { stdio: 'inherit' });
  }
  const convert = () => measured(['convert', file, '--from', 'coco', '--to', 'coco', '-o', OUT + 'ops-convert.json', '--quiet']);
  const stats = () => measured(['stats', file, '--from', 'coco', '--json', '--quiet']);
  const split = () => measured(['split', file, '--from', 'coco', '--ratios', '0.8,0.1,0.1', '-o', OUT + 'ops-split-', '--quiet']);
  const [c, s, p] = alternate(3, convert, stats, split);
  table('Dataset operations on COCO L (../shared/bench/gen_coco.js --images 200000), beside convert coco -> coco; 3 alternating runs', [
    { name: 'stats L', ours: s, base: c, baseName: 'convert coco -> coco', target: "<= convert's RSS" },
    { name: 'split L 0.8/0.1/0.1 -> 3 COCO files', ours: p, base: c, baseName: 'convert coco -> coco', target: "<= convert's RSS" },
  ]);
}
