// `npm run bench startup`: wall time of `--version` and of validating a one-line file, beside `node -e 0`.
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { BIN, BIN_FLAGS, OUT, alternate, table } from '../lib.js';

const wall = (args) => () => {
  const s = performance.now();
  spawnSync(process.execPath, args, { stdio: 'ignore' });
  return { wallMs: performance.now() - s, maxRssKB: NaN };
};

export default async function run() {
  const one = OUT + 'one.jsonlines';
  writeFileSync(one, '{"datatype":"text","uuid":"8f4a2c1e-3b7d-4e9a-a1c2-5d6e7f8a9b0c","data":{"text":"x"}}\n');
  const [base, version, validate] = alternate(21, wall(['-e', '0']), wall([...BIN_FLAGS, BIN, '--version']), wall([...BIN_FLAGS, BIN, 'validate', one, '-q']));
  table('start-up (wall, median of 21 alternating runs)', [
    { name: 'annoconv --version', ours: version, base, baseName: 'node -e 0', target: '<= 150 ms' },
    { name: 'validate a one-line file', ours: validate, base, baseName: 'node -e 0', target: '<= 250 ms' },
  ]);
}
