/**
 * Masks and polygons annoconv writes, read by the tools on the other side:
 * - the Label Studio SDK converter's brush decoder (`label_studio_sdk/converter/brush.py`
 *   `decode_rle`, what its BRUSH_TO_PNG / numpy export runs) decodes the brushes annoconv writes
 *   from polygons (`--masks rle`) to the pixels cocoapi's maskApi.c gives those polygons, and the
 *   brushes of an LS -> COCO polygons -> LS round trip to the source masks;
 * - cocoapi's rasterizer (`rleFrPoly` + `merge`, maskApi.c compiled here: pycocotools' compiled
 *   module is not built in this environment) turns annoconv's COCO polygons traced from masks
 *   (`--masks polygons`) into the source masks, run for run.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/run.js';
import { cocoapiC } from '../helpers/cocoapi-c.js';
import { fakesegmDataset } from '../helpers/masks.js';
import { columnToRowMajor, rleDecode, rleFromString } from '../../src/model/geometry.js';
import { labelStudioSdk, python, pythonHas, skipping } from './peers.js';

const sdk = labelStudioSdk();
const numpy = pythonHas('numpy');
const frPoly = cocoapiC();
const gt = fakesegmDataset();
if (!sdk || !numpy) skipping('Label Studio SDK converter with NumPy', 'brush decoding checks skipped');
if (!frPoly) skipping('cocoapi maskApi.c with a C compiler', 'polygon rasterization checks skipped');
if (!gt) skipping('cocoapi results (../peers/cocoapi)', 'mask checks skipped');

const dir = mkdtempSync(join(tmpdir(), 'peer-masks-'));

// every brush result of a tasks file, decoded by the SDK: the alpha channel of its RGBA bytes
const DECODE = `
import json, sys, hashlib
import numpy as np
from label_studio_sdk.converter.brush import decode_rle
out = []
for task in json.load(open(sys.argv[1])):
    for ann in task["annotations"]:
        for r in ann["result"]:
            if r["type"] not in ("brushlabels", "brush"):
                continue
            h, w = r["original_height"], r["original_width"]
            a = np.reshape(decode_rle(r["value"]["rle"]), [h, w, 4])[:, :, 3]
            out.append(hashlib.sha1((a > 0).astype(np.uint8).tobytes()).hexdigest())
print(json.dumps(out))
`;

/** The SHA-1 of a row-major 0/1 mask, as the Python side hashes it. */
async function sha1(bits: Uint8Array): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha1').update(bits).digest('hex');
}

async function convert(...args: string[]): Promise<void> {
  const r = await cli(['convert', ...args]);
  expect(r.code, r.stderr).toBe(0);
}

describe('peers: masks annoconv writes', () => {
  it.skipIf(!gt || !frPoly)('cocoapi rasterizes annoconv\'s COCO polygons traced from the 734 masks to the source masks', async () => {
    writeFileSync(join(dir, 'gt.json'), JSON.stringify(gt));
    await convert('--from', 'coco', '--to', 'coco', '--masks', 'polygons', '-o', join(dir, 'poly.json'), join(dir, 'gt.json'));
    const poly = JSON.parse(readFileSync(join(dir, 'poly.json'), 'utf8')) as { annotations: { id: number; segmentation: number[][] }[] };
    const src = new Map(gt!.annotations.map((a) => [a.id, a.segmentation]));
    const cases = poly.annotations.map((a) => ({ rings: a.segmentation, h: src.get(a.id)!.size[0], w: src.get(a.id)!.size[1] }));
    const got = frPoly!(cases);
    expect(poly.annotations.filter((a, i) => got[i]!.join() === rleFromString(src.get(a.id)!.counts)!.join()).length).toBe(734);
  });

  it.skipIf(!gt || !frPoly || !sdk || !numpy)('the SDK decodes annoconv\'s brushes: from polygons, cocoapi\'s pixels; after LS -> COCO polygons -> LS, the source pixels', async () => {
    writeFileSync(join(dir, 'gt.json'), JSON.stringify(gt));
    await convert('--from', 'coco', '--to', 'coco', '--masks', 'polygons', '-o', join(dir, 'poly.json'), join(dir, 'gt.json'));
    await convert('--from', 'coco', '--to', 'labelstudio', '--masks', 'rle', '-o', join(dir, 'brush.json'), join(dir, 'poly.json'));
    const r = python(DECODE, [join(dir, 'brush.json')], [sdk!]);
    expect(r.status, r.stderr).toBe(0);
    const decoded = JSON.parse(r.stdout) as string[];
    expect(decoded.length).toBe(734);
    const poly = JSON.parse(readFileSync(join(dir, 'poly.json'), 'utf8')) as { images: { id: number; width: number; height: number }[]; annotations: { image_id: number; segmentation: number[][] }[] };
    const size = new Map(poly.images.map((im) => [im.id, [im.height, im.width] as const]));
    const raster = frPoly!(poly.annotations.map((a) => ({ rings: a.segmentation, h: size.get(a.image_id)![0], w: size.get(a.image_id)![1] })));
    // Label Studio's task order is the images' order, as the COCO file's annotations are
    let same = 0;
    for (let i = 0; i < raster.length; i++) {
      const [h, w] = size.get(poly.annotations[i]!.image_id)!;
      if ((await sha1(columnToRowMajor(rleDecode({ size: [h, w], counts: raster[i]! }), h, w))) === decoded[i]) same++;
    }
    expect(same).toBe(734);
    // LS brushes -> COCO polygons -> LS brushes: the SDK reads the source masks back
    await convert('--from', 'labelstudio', '--to', 'coco', '--masks', 'polygons', '-o', join(dir, 'poly2.json'), join(dir, 'brush.json'));
    await convert('--from', 'coco', '--to', 'labelstudio', '--masks', 'rle', '-o', join(dir, 'brush2.json'), join(dir, 'poly2.json'));
    const again = python(DECODE, [join(dir, 'brush2.json')], [sdk!]);
    expect(JSON.parse(again.stdout)).toEqual(decoded);
  });
});
