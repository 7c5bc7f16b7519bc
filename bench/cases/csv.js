// `npm run bench csv`: validate a 1,000,000-row CSV annotation table and a 1,000,000-entry Encord
// CSV manifest, beside csv-parse's bare parse of the same file (medians of 3 alternating runs).
import { existsSync } from 'node:fs';
import { alternate, dataFile, here, measured, node, script, table } from '../lib.js';

export default async function run() {
  const csv = dataFile('table-1m.csv');
  if (!existsSync(csv)) node([here + 'gen_csv.js', '--rows', '1000000', '--out', csv], { stdio: 'inherit' });
  const encord = dataFile('encord-1m.csv');
  if (!existsSync(encord)) node([here + 'gen_encord.js', '--entries', '1000000', '--json', dataFile('encord-1m.json'), '--csv', encord], { stdio: 'inherit' });
  const rows = [];
  for (const [name, file, extra] of [['validate csv table, 1 M rows', csv, ['--from', 'csv']], ['validate encord-csv, 1 M entries', encord, ['--max-diagnostics', '0']]]) {
    const [ours, base] = alternate(3, () => measured(['validate', file, '--quiet', ...extra]), () => script([here + 'baseline-csv.js', file]));
    rows.push({ name, ours, base, baseName: 'csv-parse, bare parse', target: '<= 1.5x, <= 128 MB' });
  }
  table('CSV validation (peer: csv-parse 6 streamed over the same file)', rows);
}
