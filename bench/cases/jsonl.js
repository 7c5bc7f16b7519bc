// `npm run bench jsonl`: validate a >= 1 GB items.jsonlines beside a bare split + JSON.parse loop.
import { existsSync, statSync } from 'node:fs';
import { alternate, dataFile, here, measured, node, script, table } from '../lib.js';

export default async function run() {
  const file = dataFile('items-1gb.jsonlines');
  if (!existsSync(file) || statSync(file).size < 1e9) node([here + 'gen_items.js', '--mb', '1100', '--out', file], { stdio: 'inherit' });
  const mb = (statSync(file).size / 1e6).toFixed(0);
  const [ours, base] = alternate(3, () => script([here + 'baseline-lines.js', file]), () => measured(['validate', file, '--quiet'])).reverse();
  table(`items.jsonlines validate, ${mb} MB (bench/gen_items.js; exit 1: the file mixes types)`, [
    { name: 'validate items.jsonlines', ours, base, baseName: 'split + JSON.parse loop', target: '<= 1.11x (>= 90% throughput), <= 150 MB' },
  ]);
}
