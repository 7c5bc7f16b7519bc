// `npm run bench masks`: 1,000 Label Studio brushes (512 x 512 blobs with holes, bench/gen_masks.js)
// -> COCO polygons (traced, --masks polygons) -> Label Studio brushes (rasterized, --masks rle),
// beside the floor (bench/floor-masks.js: the same brushes decoded, made COCO RLE and re-encoded,
// with no tracing or rasterizing). 3 alternating runs, medians; then how many brushes came back
// pixel-identical.
import { existsSync, readFileSync } from 'node:fs';
import { OUT, alternate, dataFile, here, measured, node, script, table } from '../lib.js';

const N = 1000;

export default async function run() {
  const src = dataFile('masks-ls-1000.json');
  if (!existsSync(src)) node([here + 'gen_masks.js', '--n', String(N), '--out', src], { stdio: 'inherit' });
  const poly = OUT + 'masks-coco-poly.json';
  const back = OUT + 'masks-ls-back.json';
  const toCoco = ['convert', src, '--from', 'labelstudio', '--to', 'coco', '--masks', 'polygons', '-o', poly, '--quiet'];
  const toLs = ['convert', poly, '--from', 'coco', '--to', 'labelstudio', '--masks', 'rle', '-o', back, '--quiet'];
  const both = () => {
    const a = measured(toCoco);
    const b = measured(toLs);
    return { wallMs: a.wallMs + b.wallMs, maxRssKB: Math.max(a.maxRssKB, b.maxRssKB), exitCode: a.exitCode || b.exitCode };
  };
  const [ours, floor] = alternate(3, both, () => script([here + 'floor-masks.js', src, OUT + 'masks-floor.json']));
  table(`Masks: ${N} Label Studio brushes (512 x 512, blobs with holes) -> COCO polygons -> brushes`, [
    { name: 'ls -> coco --masks polygons -> ls --masks rle', ours, base: floor, baseName: 'decode + re-encode', target: 'pixel-identical' },
  ]);
  console.log(`pixel-identical after the round trip: ${identicalCount(src, back)}/${N} (the floor: ${floor[0].identical}/${N})`);
}

/** Brushes of `b` equal to those of `a`, result by result (the encoder is deterministic: same runs = same pixels). */
function identicalCount(a, b) {
  const rles = (f) => JSON.parse(readFileSync(f, 'utf8')).flatMap((t) => t.annotations.flatMap((x) => x.result.filter((r) => r.type === 'brushlabels').map((r) => r.value.rle.join())));
  const x = rles(a), y = rles(b);
  return x.filter((r, i) => r === y[i]).length;
}
