/**
 * PNG mask outputs read as their consumers read them, by independent readers written here in
 * Python (PIL, numpy):
 * - COCO panoptic as panopticapi's evaluation (pq_compute) reads a prediction: rgb2id of the PNG;
 *   every id but 0 listed in segments_info ("segment ... is not presented in JSON" otherwise),
 *   every listed id present in the PNG, category ids among the categories; area = pixel count.
 * - labelmap.txt as datumaro's VOC plugin parses it (voc/format.py parse_label_map): comment lines
 *   skipped, 4 ':'-separated fields, an r,g,b triplet, a name once; and the class PNG's colours
 *   decoded through it as datumaro's RGB reading does.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/run.js';
import { python, pythonHas, skipping } from './peers.js';

const ok = pythonHas('PIL', 'numpy');
if (!ok) skipping('python3 PIL + numpy', 'not installed: panoptic and labelmap read-back checks');
const dir = mkdtempSync(join(tmpdir(), 'annoconv-peer-png-'));

/** Three overlapping polygons on two images, two categories, one crowd RLE. */
function cocoSource(): string {
  const coco = {
    images: [{ id: 1, file_name: 'a.jpg', width: 30, height: 20 }, { id: 2, file_name: 'b.jpg', width: 8, height: 8 }],
    categories: [{ id: 3, name: 'person' }, { id: 7, name: 'grass' }],
    annotations: [
      { id: 10, image_id: 1, category_id: 7, bbox: [0, 10, 30, 10], area: 300, iscrowd: 0, segmentation: [[0, 10, 30, 10, 30, 20, 0, 20]] },
      { id: 11, image_id: 1, category_id: 3, bbox: [5, 2, 10, 15], area: 150, iscrowd: 0, segmentation: [[5, 2, 15, 2, 15, 17, 5, 17]] },
      { id: 12, image_id: 1, category_id: 3, bbox: [12, 4, 10, 10], area: 70, iscrowd: 0, segmentation: [[12, 4, 22, 4, 17, 14]] },
      { id: 13, image_id: 2, category_id: 3, bbox: [0, 0, 8, 4], area: 32, iscrowd: 1, segmentation: { size: [8, 8], counts: [0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4] } },
    ],
  };
  const f = join(dir, 'src.json');
  writeFileSync(f, JSON.stringify(coco));
  return f;
}

describe.skipIf(!ok)('peers: PNG mask outputs', () => {
  it('COCO -> coco-panoptic: what panopticapi\'s pq_compute checks of a prediction holds', () => {
    const out = join(dir, 'pan');
    const r = spawnSync(process.execPath, [BIN, 'convert', cocoSource(), '--to', 'coco-panoptic', '-o', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const check = python(`
import sys, json, os
import numpy as np
from PIL import Image
root = sys.argv[1]
doc = json.load(open(os.path.join(root, 'panoptic.json')))
cats = {c['id'] for c in doc['categories']}
report = []
for ann in doc['annotations']:
    a = np.array(Image.open(os.path.join(root, 'panoptic', ann['file_name'])), dtype=np.uint32)
    ids = a[:, :, 0] + 256 * a[:, :, 1] + 256 * 256 * a[:, :, 2]
    labels, counts = np.unique(ids, return_counts=True)
    listed = {s['id']: s for s in ann['segments_info']}
    for l, n in zip(labels.tolist(), counts.tolist()):
        if l == 0: continue
        assert l in listed, 'segment %d is not presented in JSON' % l
        assert listed[l]['area'] == n, (l, listed[l]['area'], n)
        assert listed[l]['category_id'] in cats
    assert set(listed) == set(l for l in labels.tolist() if l != 0), 'a listed segment is not in the PNG'
    report.append([ann['file_name'], sorted((s['id'], s['category_id'], s['area'], s['iscrowd']) for s in ann['segments_info'])])
print(json.dumps(report))
`, [out]);
    expect(check.stderr).toBe('');
    const report = JSON.parse(check.stdout) as [string, [number, number, number, number][]][];
    // a.png: grass (10) under the person (11) under the triangle (12), segment ids kept
    expect(report.map((x) => x[0])).toEqual(['a.png', 'b.png']);
    expect(report[0]![1].map((s) => s.slice(0, 2))).toEqual([[10, 7], [11, 3], [12, 3]]);
    expect(report[1]![1]).toEqual([[13, 3, 32, 1]]);
    // the counted loss says what later segments covered
    expect(r.stderr).toMatch(/pixels of segments under later ones/);
  });

  it('COCO -> masks: labelmap.txt parses by datumaro\'s rules, and the PNG decoded through its colours gives the classes', () => {
    const out = join(dir, 'masks');
    const r = spawnSync(process.execPath, [BIN, 'convert', cocoSource(), '--to', 'masks', '-o', out, '--keep-crowd'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const check = python(`
import sys, json, os
import numpy as np
from PIL import Image
root = sys.argv[1]
labels = []
for line in open(os.path.join(root, 'labelmap.txt'), encoding='utf-8'):
    line = line.strip()
    if not line or line[0] == '#': continue
    f = line.split(':')
    assert len(f) == 4, line
    assert f[0] not in [l[0] for l in labels]
    c = tuple(int(x) for x in f[1].split(','))
    assert len(c) == 3
    labels.append((f[0], c))
inverse = {c: i for i, (_, c) in enumerate(labels)}
rgb = np.array(Image.open(os.path.join(root, 'masks', 'a.png')).convert('RGB'))
idx = np.array(Image.open(os.path.join(root, 'masks', 'a.png')))
by_colour = np.vectorize(lambda r, g, b: inverse[(r, g, b)])(rgb[..., 0], rgb[..., 1], rgb[..., 2])
assert (by_colour == idx).all()
print(json.dumps({'labels': [l[0] for l in labels], 'counts': {labels[int(k)][0]: int(v) for k, v in zip(*np.unique(idx, return_counts=True))}}))
`, [out]);
    expect(check.stderr).toBe('');
    const got = JSON.parse(check.stdout) as { labels: string[]; counts: Record<string, number> };
    expect(got.labels).toEqual(['background', 'person', 'grass']);
    // 30 x 20 = 600 pixels: every one is a class or background
    expect(Object.values(got.counts).reduce((a, b) => a + b, 0)).toBe(600);
    expect(got.counts.grass).toBeGreaterThan(0);
  });
});
