// `npm run bench preview`: 1,000 generated 640 x 480 JPEGs with 4 boxes and 2 polygons each (COCO)
// drawn as a page and as a PNG folder, beside the floor: sharp decoding, resizing and encoding the
// same 1,000 images with no overlay. The target: under 10 s for 1,000 items.
import { existsSync, rmSync } from 'node:fs';
import { OUT, alternate, here, measured, node, script, table } from '../lib.js';

export default async function run() {
  const data = OUT + 'preview/';
  if (!existsSync(data + 'instances.json')) node([here + 'gen_preview.js', '--images', '1000', '--out', data], { stdio: 'inherit' });
  const clean = () => rmSync(OUT + 'preview-out', { recursive: true, force: true });
  const page = () => (clean(), measured(['preview', data + 'instances.json', '--media-root', data + 'images', '-o', OUT + 'preview-out/page.html', '--quiet']));
  const pngs = () => (clean(), measured(['preview', data + 'instances.json', '--media-root', data + 'images', '-o', OUT + 'preview-out/pngs', '--quiet']));
  const floor = () => (clean(), script([here + 'floor-preview.js', data + 'images', OUT + 'preview-out/floor']));
  const [p, f] = alternate(3, page, floor);
  const [d] = alternate(3, pngs);
  table('preview (medians of 3)', [
    { name: 'preview 1,000 x 640x480 -> page', ours: p, base: f, baseName: 'sharp resize + JPEG, no overlay', target: '< 10 s' },
    { name: 'preview 1,000 x 640x480 -> PNG folder', ours: d, base: f, baseName: 'sharp resize + JPEG, no overlay', target: '< 10 s' },
  ]);
  clean();
}
