// `npm run bench scan`: probe 10,000 generated images and 2,000 DICOM slices; the images beside a
// full decode of the same files with sharp.
import { existsSync } from 'node:fs';
import { OUT, here, measured, node, script, table } from '../lib.js';

export default async function run() {
  const media = OUT + 'media/';
  if (!existsSync(media + 'dicom')) node([here + 'gen_media.js', '--images', '10000', '--dicom', '2000', '--out', media], { stdio: 'inherit' });
  const scan = (dir) => () => measured(['scan', dir, '--to', 'annoconv', '-o', OUT + 'scan-out.annoconv', '--quiet']);
  const rows = [
    { name: 'scan 10,000 images (640 x 480, JPEG/PNG)', ours: [0, 1, 2].map(scan(media + 'images')), base: [script([here + 'baseline-decode.js', media + 'images'])], baseName: 'full decode (sharp, 8 at a time)', target: '>= 2,000 files/s (<= 5 s), <= 0.1x, <= 200 MB' },
    { name: 'scan 2,000 DICOM slices', ours: [0, 1, 2].map(scan(media + 'dicom')), target: '<= 200 MB' },
  ];
  table('scan (medians of 3)', rows);
}
