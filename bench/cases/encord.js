// `npm run bench encord`: validate and convert a generated 1,000,000-entry Encord manifest (JSON
// and CSV), beside a whole-file JSON.parse of the JSON manifest; and one image group of 1,000,000 rows.
import { existsSync, writeFileSync } from 'node:fs';
import { OUT, dataFile, here, measured, node, table } from '../lib.js';

const parseWhole = (json) => () => {
  const r = node(['-e', `const t=performance.now();const m=JSON.parse(require('fs').readFileSync(${JSON.stringify(json)},'utf8'));let n=0;for(const k in m)if(Array.isArray(m[k]))n+=m[k].length;console.log(JSON.stringify({n,wallMs:performance.now()-t,maxRssKB:process.resourceUsage().maxRSS}))`]);
  return JSON.parse(r.stdout);
};

export default async function run() {
  const json = dataFile('encord-1m.json');
  const csv = dataFile('encord-1m.csv');
  if (!existsSync(json) || !existsSync(csv)) node([here + 'gen_encord.js', '--entries', '1000000', '--json', json, '--csv', csv], { stdio: 'inherit' });
  const group = OUT + 'encord-group-1m.csv';
  if (!existsSync(group)) {
    let t = 'ObjectUrl,Image group title,Create video\n';
    for (let i = 0; i < 1e6; i++) t += `https://media.s3.eu-west-1.amazonaws.com/seq/frame_${String(i).padStart(7, '0')}.jpg,one group,false\n`;
    writeFileSync(group, t);
  }
  const jobs = [
    ['validate encord-json', ['validate', json, '--quiet', '--max-diagnostics', '0'], true],
    ['validate encord-csv', ['validate', csv, '--quiet', '--max-diagnostics', '0']],
    ['encord-json -> encord-csv', ['convert', json, '--to', 'encord-csv', '-o', OUT + 'encord-out.csv', '--quiet'], true],
    ['encord-csv -> encord-json', ['convert', csv, '--to', 'encord-json', '-o', OUT + 'encord-out.json', '--quiet']],
    ['encord-json --split 500000', ['convert', json, '--to', 'encord-json', '--split', '500000', '-o', OUT + 'encord-part.json', '--quiet']],
    ['encord-json -> annoconv', ['convert', json, '--to', 'annoconv', '-o', OUT + 'encord-out.annoconv', '--quiet'], true],
    ['validate one group of 1 M rows (refused)', ['validate', group, '--quiet']],
  ];
  const base = [0, 1, 2].map(parseWhole(json));
  const rows = jobs.map(([name, args, withBase]) => ({
    name,
    ours: [0, 1, 2].map(() => measured(args)),
    ...(withBase ? { base, baseName: 'whole-file JSON.parse' } : {}),
    target: '<= 200 MB',
  }));
  table('Encord manifest, 1,000,000 entries (bench/gen_encord.js: 700k images, 200k videos, 80k groups of 3, 20k DICOM series of 5; 1.24 M URLs); 3 runs each. Validation exits 1: over Encord\'s 500,000 entries a file', rows);
}
