/**
 * COCO as COCO's own tools read it: what annoconv writes is loaded with cocoapi's PythonAPI
 * (pycocotools/coco.py and cocoeval.py from ../peers/cocoapi, run as they are). Their compiled
 * `_mask` module is not built here: stubs/cocoapi_mask_standin.py stands in for its arithmetic
 * (written from common/maskApi.c's rules), so that the checks exercise cocoapi's own loading and
 * evaluation logic: COCOeval treats iscrowd=1 ground truth as "ignore" (cocoeval.py _prepare), and
 * loadRes gives results the ground truth's categories and iscrowd 0.
 * Datumaro's expectations for its COCO test files (tests/unit/test_coco_format.py) are quoted
 * where they state the crowd flags.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { CORPUS, cli, jsonDiagnostics } from '../helpers/run.js';
import { PEERS, labelStudioSdk, python, pythonHas, skipping } from './peers.js';

const API = join(PEERS, 'cocoapi', 'PythonAPI');
const cocoapi = existsSync(join(API, 'pycocotools', 'cocoeval.py')) ? API : undefined;
const numpy = pythonHas('numpy');
const sdk = labelStudioSdk();
const DATUMARO = join(CORPUS, 'coco', 'datumaro', 'coco_dataset');
if (!cocoapi) skipping('cocoapi PythonAPI', 'no ../peers/cocoapi: see test/peers/README.md');
if (!numpy) skipping('python3 with NumPy', 'not installed');
if (!sdk) skipping('Label Studio SDK converter (brush encoder)', 'no ../peers/ls-sdk/src');

const dir = mkdtempSync(join(tmpdir(), 'annoconv-peer-coco-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** cocoapi's COCO and COCOeval, with the mask stand-in; matplotlib (drawing only) stubbed when absent. */
const PRELUDE = `
import sys, types, json, io, contextlib
try:
    import matplotlib.pyplot
except ImportError:
    for name in ['matplotlib', 'matplotlib.pyplot', 'matplotlib.collections', 'matplotlib.patches']:
        sys.modules[name] = types.ModuleType(name)
    sys.modules['matplotlib.collections'].PatchCollection = object
    sys.modules['matplotlib.patches'].Polygon = object
import cocoapi_mask_standin
sys.modules['pycocotools._mask'] = cocoapi_mask_standin
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
import numpy as np
# cocoapi's accumulate() still names np.float, which NumPy 1.24 removed (pycocotools releases fixed it)
if 'float' not in np.__dict__:
    np.float = float
quiet = contextlib.redirect_stdout(io.StringIO())
`;

/** Runs a script after the prelude; its last stdout line is JSON. */
function cocoPython(script: string, args: string[]): unknown {
  const r = python(PRELUDE + script, args, [cocoapi!]);
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/**
 * Loads a ground-truth file annoconv wrote and evaluates, with cocoapi, detections that repeat each
 * ground-truth annotation exactly (score 1): what COCOeval makes of them (ignore flags, AP).
 * argv[2] is the iouType: segm (the masks themselves) or bbox (files with polygons, which the
 * stand-in does not rasterise).
 */
const EVALUATE_SELF = `
kind = sys.argv[2]
with quiet:
    gt = COCO(sys.argv[1])
    dets = [{'image_id': a['image_id'], 'category_id': a['category_id'], kind: a['segmentation'] if kind == 'segm' else a['bbox'], 'score': 1.0} for a in gt.dataset['annotations']]
    dets = [{('segmentation' if k == 'segm' else k): v for k, v in d.items()} for d in dets]
    dt = gt.loadRes(dets)
    E = COCOeval(gt, dt, kind)
    E.evaluate(); E.accumulate(); E.summarize()
ignore = {str(g['id']): bool(g['ignore']) for gs in E._gts.values() for g in gs}
anns = gt.dataset['annotations']
masks = {str(a['id']): gt.annToMask(a).tolist() for a in anns if isinstance(a['segmentation'], dict)}
print(json.dumps({'iscrowd': {str(a['id']): a['iscrowd'] for a in anns}, 'nonCrowdIds': sorted(gt.getAnnIds(iscrowd=False)), 'ignore': ignore, 'ap': float(E.stats[0]), 'masks': masks}))
`;

interface SelfEval {
  iscrowd: Record<string, number>;
  nonCrowdIds: number[];
  ignore: Record<string, boolean>;
  ap: number;
  masks: Record<string, number[][]>;
}

/** A mask image: 1 inside, row-major [h][w]. */
const BLOB: number[][] = [
  [0, 0, 0, 0, 0, 0, 0, 0],
  [0, 1, 1, 1, 0, 0, 0, 0],
  [0, 1, 1, 1, 1, 0, 0, 0],
  [0, 0, 1, 1, 1, 0, 1, 1],
  [0, 0, 0, 0, 0, 0, 1, 1],
  [0, 0, 0, 0, 0, 0, 0, 0],
];

/** COCO's uncompressed RLE of a row-major mask: runs over the column-major order, zeros first. */
function uncompressed(mask: number[][]): { size: [number, number]; counts: number[] } {
  const h = mask.length;
  const w = mask[0]!.length;
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      if (mask[y]![x] !== value) {
        counts.push(run);
        run = 0;
        value = mask[y]![x]!;
      }
      run++;
    }
  }
  counts.push(run);
  return { size: [h, w], counts };
}

describe.skipIf(!cocoapi || !numpy)('cocoapi reads what annoconv writes', () => {
  it('a mask annotation without iscrowd, COCO -> COCO: iscrowd 0, not ignored by COCOeval (AP 1 on itself), the same pixels', async () => {
    const src = join(dir, 'mask-no-iscrowd.json');
    writeFileSync(src, JSON.stringify({
      info: {}, licenses: [],
      images: [{ id: 1, width: 8, height: 6, file_name: 'a.png' }],
      annotations: [{ id: 7, image_id: 1, category_id: 1, segmentation: uncompressed(BLOB), area: 13, bbox: [1, 1, 7, 4] }],
      categories: [{ id: 1, name: 'blob', supercategory: '' }],
    }));
    const out = join(dir, 'mask-no-iscrowd.out.json');
    const r = await cli(['convert', '--from', 'coco', '--to', 'coco', src, '-o', out]);
    expect(r.code).toBe(0);
    const e = cocoPython(EVALUATE_SELF, [out, 'segm']) as SelfEval;
    expect(e.iscrowd).toEqual({ '7': 0 });
    expect(e.nonCrowdIds).toEqual([7]);
    expect(e.ignore).toEqual({ '7': false });
    expect(e.ap).toBeCloseTo(1, 6);
    expect(e.masks['7']).toEqual(BLOB);
  });

  it.skipIf(!sdk)('a Label Studio brush (encoded by the SDK) -> COCO: iscrowd 0, the brush pixels, matched by COCOeval', async () => {
    // the brush as Label Studio stores it: label_studio_sdk.converter.brush.mask2rle of a 0/255 mask
    const enc = python('import json, sys, numpy as np\nfrom label_studio_sdk.converter.brush import mask2rle\nm = np.array(json.loads(sys.argv[1]), dtype=np.uint8) * 255\nprint(json.dumps([int(v) for v in mask2rle(m)]))', [JSON.stringify(BLOB)], [sdk!]);
    expect(enc.stderr).toBe('');
    const rle = JSON.parse(enc.stdout) as number[];
    const task = [{ id: 3, data: { image: 'https://example.org/a.png' }, annotations: [{ id: 1, result: [{ id: 'b1', type: 'brushlabels', from_name: 'brush', to_name: 'image', original_width: 8, original_height: 6, value: { format: 'rle', rle, brushlabels: ['blob'] } }] }] }];
    const src = join(dir, 'brush.json');
    writeFileSync(src, JSON.stringify(task));
    const out = join(dir, 'brush.coco.json');
    const r = await cli(['convert', '--from', 'labelstudio', '--to', 'coco', src, '-o', out]);
    expect(r.code).toBe(0);
    const e = cocoPython(EVALUATE_SELF, [out, 'segm']) as SelfEval;
    const ids = Object.keys(e.iscrowd);
    expect(ids).toHaveLength(1);
    expect(e.iscrowd[ids[0]!]).toBe(0);
    expect(e.ignore[ids[0]!]).toBe(false);
    expect(e.ap).toBeCloseTo(1, 6);
    expect(e.masks[ids[0]!]).toEqual(BLOB);
  });

  it('datumaro\'s crowd RLE keeps iscrowd 1 and stays an ignore region for COCOeval (coco -> annoconv -> coco)', async () => {
    const src = join(DATUMARO, 'coco_instances', 'annotations', 'instances_val.json');
    const model = await cli(['convert', '--from', 'coco', '--to', 'annoconv', src]);
    expect(model.code).toBe(0);
    const modelPath = join(dir, 'instances_val.annoconv');
    writeFileSync(modelPath, model.stdout);
    const out = join(dir, 'instances_val.back.json');
    expect((await cli(['convert', '--from', 'annoconv', '--to', 'coco', modelPath, '-o', out])).code).toBe(0);
    const e = cocoPython(EVALUATE_SELF, [out, 'bbox']) as SelfEval;
    // test_can_import_instances: annotation 1 (polygon) is_crowd False, annotation 2 (RLE) is_crowd True
    expect(e.iscrowd).toEqual({ '1': 0, '2': 1 });
    expect(e.ignore).toEqual({ '1': false, '2': true });
    // ...and its mask decodes to np.array([[1, 1, 0, 0, 0]] * 10)
    expect(e.masks['2']).toEqual(Array.from({ length: 10 }, () => [1, 1, 0, 0, 0]));
  });

  it('results -> COCO with --gt: the categories are the ground truth\'s, whole, as cocoapi\'s loadRes gives them', async () => {
    const gt = join(DATUMARO, 'coco_person_keypoints', 'annotations', 'person_keypoints_val.json');
    const results = join(dir, 'kp-results.json');
    writeFileSync(results, JSON.stringify([{ image_id: 40, category_id: 2, bbox: [0, 0, 1, 9], score: 0.5 }]));
    const out = join(dir, 'kp-results.coco.json');
    const r = await cli(['convert', '--from', 'coco-results', '--gt', gt, '--to', 'coco', results, '-o', out]);
    expect(r.code).toBe(0);
    const theirs = cocoPython('with quiet:\n    res = COCO(sys.argv[1]).loadRes(sys.argv[2])\nprint(json.dumps(res.dataset["categories"]))', [gt, results]);
    const ours = JSON.parse(readFileSync(out, 'utf8')) as { categories: unknown[] };
    expect(ours.categories).toEqual(theirs);
  });

  it('segmentation results without --gt -> COCO: each image sized by its RLE, areas as cocoapi computes them, iscrowd 0', async () => {
    const results = join(PEERS, 'cocoapi', 'results', 'instances_val2014_fakesegm100_results.json');
    const out = join(dir, 'fakesegm.coco.json');
    const r = await cli(['convert', '--from', 'coco-results', '--to', 'coco', results, '-o', out]);
    expect(r.code).toBe(0);
    const check = cocoPython(`
with quiet:
    gt = COCO(sys.argv[1])
    res = gt.loadRes(sys.argv[2])
bad_size = [i['id'] for i in gt.dataset['images'] for a in gt.imgToAnns[i['id']] if a['segmentation']['size'] != [i['height'], i['width']]]
ours = sorted((a['image_id'], a['category_id'], round(a['area'], 6), a['iscrowd']) for a in gt.dataset['annotations'])
theirs = sorted((a['image_id'], a['category_id'], round(float(a['area']), 6), a['iscrowd']) for a in res.dataset['annotations'])
print(json.dumps({'images': len(gt.dataset['images']), 'badSize': bad_size, 'same': ours == theirs, 'crowd': sum(a['iscrowd'] for a in gt.dataset['annotations'])}))
`, [out, results]) as { images: number; badSize: number[]; same: boolean; crowd: number };
    expect(check.images).toBe(99);
    expect(check.badSize).toEqual([]);
    expect(check.same).toBe(true);
    expect(check.crowd).toBe(0);
  }, 60_000);
});

describe.skipIf(!existsSync(DATUMARO))('datumaro\'s COCO files: crowd flags through annoconv, and into YOLO', () => {
  const files = ['coco_instances/annotations/instances_val.json', 'coco_person_keypoints/annotations/person_keypoints_val.json', 'coco_stuff/annotations/stuff_val.json', 'coco_instances/annotations/instances_train.json'];

  it.each(files)('%s: coco -> annoconv -> coco gives every annotation its iscrowd back', async (rel) => {
    const src = join(DATUMARO, rel);
    const model = await cli(['convert', '--from', 'coco', '--to', 'annoconv', src]);
    const back = await cli(['convert', '--from', 'annoconv', '--to', 'coco'], { stdin: model.stdout });
    expect(back.code).toBe(0);
    const crowdOf = (doc: { annotations: { id: number; iscrowd: number }[] }): Record<number, number> => Object.fromEntries(doc.annotations.map((a) => [a.id, a.iscrowd]));
    const before = JSON.parse(readFileSync(src, 'utf8')) as { annotations: { id: number; iscrowd: number }[] };
    expect(crowdOf(JSON.parse(back.stdout))).toEqual(crowdOf(before));
    // in the model, a crowd region is `crowd: true` (datumaro's is_crowd attribute)
    const crowdLines = model.stdout.split('\n').filter((l) => l.includes('"crowd":true')).length;
    expect(crowdLines > 0).toBe(before.annotations.some((a) => a.iscrowd === 1));
  });

  it('into YOLO the crowd RLE is left out and named in a loss line; --keep-crowd writes it as a box, as datumaro\'s YOLO exporter writes every box', async () => {
    const src = join(DATUMARO, 'coco_instances', 'annotations', 'instances_val.json');
    const skip = join(dir, 'yolo-skip');
    const keep = join(dir, 'yolo-keep');
    const r1 = await cli(['convert', '--from', 'coco', '--to', 'yolo', src, '-o', skip, '--diagnostics', 'json']);
    const r2 = await cli(['convert', '--from', 'coco', '--to', 'yolo', '--keep-crowd', src, '-o', keep, '--diagnostics', 'json']);
    expect([r1.code, r2.code]).toEqual([0, 0]);
    const lines = (d: string): string[] => readFileSync(join(d, 'labels', 'b.txt'), 'utf8').trim().split('\n');
    // the polygon (category a, YOLO class 0) only; Ultralytics' COCO converter skips iscrowd too
    expect(lines(skip)).toEqual(['0 0.1 0.1 0.2 0.2']);
    const loss = jsonDiagnostics(r1.stderr).filter((d) => d.code === 'LOSS_DROPPED' && /crowd region/.test(d.message));
    expect(loss).toHaveLength(1);
    expect(loss[0]!.message).toMatch(/^dropped 1 crowd region: /);
    // kept: the crowd mask's envelope, first two columns of the 5 x 10 image (cocoapi toBbox [0, 0, 2, 10])
    expect(lines(keep)).toEqual(['0 0.1 0.1 0.2 0.2', '1 0.2 0.5 0.4 1']);
    expect(jsonDiagnostics(r2.stderr).some((d) => /crowd/.test(d.message))).toBe(false);
    expect(readdirSync(join(keep, 'labels'))).toEqual(['b.txt']);
  });
});
