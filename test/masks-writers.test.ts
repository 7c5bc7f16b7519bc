/**
 * Masks and polygons through the writers, each result read back by code annoconv did not use to
 * write it: YOLO segment labels by a small Python reader written from Ultralytics' documented
 * layout (class x1 y1 ... as fractions of the image size), their polygons rasterized by cocoapi's
 * own maskApi.c (test/helpers/cocoapi-c.ts); Label Studio brushes by annoconv's brush decoder,
 * which test/peers/masks.test.ts holds against the Label Studio SDK's.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, jsonDiagnostics, jsonSummary } from './helpers/run.js';
import { cocoapiC } from './helpers/cocoapi-c.js';
import { fakesegmDataset } from './helpers/masks.js';
import { python, pythonHas, skipping } from './peers/peers.js';
import { rleDecode, rleEncode, rleFromString } from '../src/model/geometry.js';
import { lsRleDecode } from '../src/formats/labelstudio/brush-rle.js';
import { rleIou } from '../src/model/rasterize.js';
import type { Rle } from '../src/model/types.js';

const frPoly = cocoapiC();
const gt = fakesegmDataset();
const py = pythonHas('yaml');
if (!frPoly) skipping('cocoapi maskApi.c with a C compiler', 'YOLO segment read-back checks skipped');
if (!gt) skipping('cocoapi results (../peers/cocoapi)', 'the 734-mask checks skipped');
if (!py) skipping('python3 with PyYAML', 'YOLO segment read-back checks skipped');

const dir = (): string => mkdtempSync(join(tmpdir(), 'masks-'));

// Ultralytics' layout: data.yaml names (list or {id: name}), labels/<stem>.txt, one object a
// line "class x1 y1 x2 y2 ..." in fractions; pixels = fraction x the image size given by the test
const SEGMENT_READER = `
import json, os, sys, yaml
root, sizes = sys.argv[1], json.load(open(sys.argv[2]))
data = yaml.safe_load(open(os.path.join(root, "data.yaml")))
names = data["names"]
names = dict(enumerate(names)) if isinstance(names, list) else {int(k): v for k, v in names.items()}
out = {}
for f in sorted(os.listdir(os.path.join(root, "labels"))):
    stem = f.rsplit(".", 1)[0]
    h, w = sizes[stem]
    objs = []
    for line in open(os.path.join(root, "labels", f)).read().splitlines():
        v = line.split()
        c, xy = int(v[0]), [float(t) for t in v[1:]]
        assert len(xy) % 2 == 0 and len(xy) >= 6, line
        assert all(0 <= t <= 1 for t in xy), line
        objs.append({"name": names[c], "ring": [t * (w if i % 2 == 0 else h) for i, t in enumerate(xy)]})
    out[stem] = objs
print(json.dumps(out))
`;

interface ReadBack { name: string; ring: number[] }

function readSegments(root: string, sizes: Record<string, [number, number]>): Record<string, ReadBack[]> {
  const s = join(root, 'sizes.json');
  writeFileSync(s, JSON.stringify(sizes));
  const r = python(SEGMENT_READER, [root, s]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Record<string, ReadBack[]>;
}

/** A one-image COCO dataset holding the given masks (uncompressed RLE). */
function cocoOf(h: number, w: number, masks: Rle[], crowd = false): string {
  return JSON.stringify({
    images: [{ id: 1, file_name: 'img.jpg', width: w, height: h }],
    annotations: masks.map((m, i) => ({ id: i + 1, image_id: 1, category_id: 1, segmentation: m, iscrowd: crowd ? 1 : 0, area: m.counts.reduce((s, c, k) => (k % 2 ? s + c : s), 0), bbox: [0, 0, 1, 1] })),
    categories: [{ id: 1, name: 'thing' }],
  });
}

/** A ring of 9 x 9 with a 3 x 3 hole, and a one-pixel island in the hole, on a 12 x 11 image. */
function ringWithHole(): Rle {
  const h = 12, w = 11;
  const bits = new Uint8Array(h * w);
  for (let x = 1; x < 10; x++) for (let y = 2; y < 11; y++) bits[x * h + y] = x >= 4 && x < 7 && y >= 5 && y < 8 ? 0 : 1;
  bits[5 * h + 6] = 1;
  return rleEncode(bits, h, w);
}

describe('COCO masks -> YOLO segment', () => {
  it.skipIf(!frPoly || !gt || !py)('the 734 masks of cocoapi\'s results: each line read back and rasterized by cocoapi is its mask (IoU 1; >= 0.99 required)', async () => {
    const d = dir();
    writeFileSync(join(d, 'gt.json'), JSON.stringify(gt));
    const r = await cli(['convert', '--from', 'coco', '--to', 'yolo', '--yolo-task', 'segment', '-o', join(d, 'out'), join(d, 'gt.json'), '--diagnostics', 'json']);
    expect(r.code).toBe(0);
    expect(jsonSummary(r.stderr)!.changes).toEqual([{ what: 'masks traced into polygons, mean IoU 1', count: 734, meanIou: 1 }]);
    const sizes = Object.fromEntries(gt!.images.map((im) => [String(im.id), [im.height, im.width] as [number, number]]));
    const back = readSegments(join(d, 'out'), sizes);
    const byImage = new Map<number, typeof gt.annotations>();
    for (const a of gt!.annotations) (byImage.get(a.image_id) ?? byImage.set(a.image_id, []).get(a.image_id)!).push(a);
    const cases: { rings: number[][]; h: number; w: number; want: Rle }[] = [];
    for (const [id, anns] of byImage) {
      const lines = back[String(id)]!;
      expect(lines.length).toBe(anns.length);
      anns.forEach((a, i) => {
        expect(lines[i]!.name).toBe(`class${a.category_id}`);
        cases.push({ rings: [lines[i]!.ring], h: a.segmentation.size[0], w: a.segmentation.size[1], want: { size: a.segmentation.size, counts: rleFromString(a.segmentation.counts)! } });
      });
    }
    const got = frPoly!(cases);
    const ious = cases.map((c, i) => rleIou({ size: c.want.size, counts: got[i]! }, c.want));
    expect(Math.min(...ious)).toBeGreaterThanOrEqual(0.99);
    expect(ious.filter((x) => x === 1).length).toBe(734);
  });

  it.skipIf(!frPoly || !py)('a ring with a hole (and an island in the hole) comes back with its hole: one keyhole line, cocoapi gives the very mask', async () => {
    const d = dir();
    const m = ringWithHole();
    writeFileSync(join(d, 'in.json'), cocoOf(12, 11, [m]));
    const r = await cli(['convert', '--from', 'coco', '--to', 'yolo', '--yolo-task', 'segment', '-o', join(d, 'out'), join(d, 'in.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 mask traced into polygons, mean IoU 1');
    const lines = readSegments(join(d, 'out'), { img: [12, 11] }).img!;
    expect(lines.length).toBe(1);
    const [counts] = frPoly!([{ rings: [lines[0]!.ring], h: 12, w: 11 }]);
    expect(counts).toEqual(m.counts);
    const bits = rleDecode({ size: [12, 11], counts: counts! });
    expect([bits[4 * 12 + 5], bits[5 * 12 + 6], bits[6 * 12 + 7]]).toEqual([0, 1, 0]); // hole, island, hole
  });
});

describe('--masks and --polygon-tolerance', () => {
  it('bad values are usage errors (exit 2) before the input is opened', async () => {
    for (const args of [['--masks', 'outline'], ['--polygon-tolerance', '-1'], ['--polygon-tolerance', 'abc']]) {
      const r = await cli(['convert', '--from', 'coco', '--to', 'coco', 'no-such-file.json', ...args, '--diagnostics', 'json']);
      expect(r.code).toBe(2);
      expect(jsonDiagnostics(r.stderr).map((x) => x.code)).toEqual(['OPTION_INVALID']);
    }
  });

  it('COCO -> COCO: --masks polygons traces masks into keyhole polygons (area and bbox of the mask), crowd regions stay RLE; --masks rle gives the masks back', async () => {
    const d = dir();
    const m = ringWithHole();
    const doc = JSON.parse(cocoOf(12, 11, [m]));
    doc.annotations.push({ ...doc.annotations[0], id: 2, iscrowd: 1 });
    writeFileSync(join(d, 'in.json'), JSON.stringify(doc));
    const r = await cli(['convert', '--from', 'coco', '--to', 'coco', '--masks', 'polygons', '-o', join(d, 'poly.json'), join(d, 'in.json')]);
    expect(r.code).toBe(0);
    const poly = JSON.parse(readFileSync(join(d, 'poly.json'), 'utf8'));
    expect(poly.annotations[0].segmentation.length).toBe(2); // the ring with its hole, and the island
    expect(poly.annotations[0].area).toBe(73);
    expect(poly.annotations[1].segmentation).toEqual(m);
    expect(r.stderr).toContain('1 mask traced into polygons, mean IoU 1');
    const back = await cli(['convert', '--from', 'coco', '--to', 'coco', '--masks', 'rle', '-o', join(d, 'rle.json'), join(d, 'poly.json')]);
    expect(back.stderr).toContain('1 polygon rasterized into masks');
    expect(JSON.parse(readFileSync(join(d, 'rle.json'), 'utf8')).annotations.map((a: { segmentation: unknown }) => a.segmentation)).toEqual([m, m]);
  });

  it('a tolerance simplifies the traced polygons and the summary gives the IoU it cost', async () => {
    const d = dir();
    const h = 60, w = 60;
    const bits = new Uint8Array(h * w);
    for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) bits[x * h + y] = Math.hypot(x + 0.5 - 30, y + 0.5 - 30) < 25 ? 1 : 0;
    writeFileSync(join(d, 'in.json'), cocoOf(h, w, [rleEncode(bits, h, w)]));
    const exact = await cli(['convert', '--from', 'coco', '--to', 'coco', '--masks', 'polygons', '-o', join(d, 'a.json'), join(d, 'in.json'), '--diagnostics', 'json']);
    const loose = await cli(['convert', '--from', 'coco', '--to', 'coco', '--masks', 'polygons', '--polygon-tolerance', '1', '-o', join(d, 'b.json'), join(d, 'in.json'), '--diagnostics', 'json']);
    const n = (f: string): number => JSON.parse(readFileSync(join(d, f), 'utf8')).annotations[0].segmentation[0].length;
    expect(n('b.json')).toBeLessThan(n('a.json') / 2);
    const iou = (jsonSummary(loose.stderr)!.changes as { meanIou: number }[])[0]!.meanIou;
    expect(iou).toBeLessThan(1);
    expect(iou).toBeGreaterThan(0.97);
    expect(jsonDiagnostics(exact.stderr).find((x) => x.code === 'MODEL_SHAPE_CHANGED')).toMatchObject({ severity: 'info', message: '1 mask traced into polygons, mean IoU 1' });
  });

  it('a mask over the size limit is not traced: MODEL_MASK_TOO_LARGE, then left out of YOLO segment and counted', async () => {
    const d = dir();
    writeFileSync(join(d, 'in.json'), cocoOf(9000, 8000, [{ size: [9000, 8000], counts: [100, 5, 9000 * 8000 - 105] }]));
    const r = await cli(['convert', '--from', 'coco', '--to', 'yolo', '--yolo-task', 'segment', '-o', join(d, 'out'), join(d, 'in.json'), '--diagnostics', 'json']);
    expect(jsonDiagnostics(r.stderr).filter((x) => x.code === 'MODEL_MASK_TOO_LARGE').length).toBe(1);
    expect((jsonSummary(r.stderr)!.losses as { what: string }[]).map((l) => l.what)).toContain('mask annotation');
  });
});

describe('Label Studio brushes and polygons', () => {
  it.skipIf(!gt)('LS brush -> COCO polygons -> LS brush: the 734 brushes pixel-identical at tolerance 0', async () => {
    const d = dir();
    writeFileSync(join(d, 'gt.json'), JSON.stringify(gt));
    const steps = [
      ['--from', 'coco', '--to', 'labelstudio', '-o', join(d, 'brush.json'), join(d, 'gt.json')],
      ['--from', 'labelstudio', '--to', 'coco', '--masks', 'polygons', '-o', join(d, 'poly.json'), join(d, 'brush.json')],
      ['--from', 'coco', '--to', 'labelstudio', '--masks', 'rle', '-o', join(d, 'back.json'), join(d, 'poly.json')],
    ];
    for (const s of steps) expect((await cli(['convert', ...s])).code).toBe(0);
    const poly = JSON.parse(readFileSync(join(d, 'poly.json'), 'utf8'));
    expect(poly.annotations.every((a: { segmentation: unknown }) => Array.isArray(a.segmentation))).toBe(true);
    const brushes = (f: string): { rle: number[]; w: number; h: number }[] =>
      (JSON.parse(readFileSync(join(d, f), 'utf8')) as { annotations: { result: { original_width: number; original_height: number; value: { rle: number[] } }[] }[] }[])
        .flatMap((t) => t.annotations.flatMap((a) => a.result.map((x) => ({ rle: x.value.rle, w: x.original_width, h: x.original_height }))));
    const a = brushes('brush.json'), b = brushes('back.json');
    expect(b.length).toBe(734);
    let same = 0;
    a.forEach((x, i) => {
      const p = lsRleDecode(x.rle, x.w, x.h) as Uint8Array, q = lsRleDecode(b[i]!.rle, b[i]!.w, b[i]!.h) as Uint8Array;
      if (p.length === q.length && p.every((v, k) => v === q[k])) same++;
    });
    expect(same).toBe(734);
  });

  it('COCO masks -> Label Studio polygons with --masks polygons: one polygon result a mask, its hole kept by the keyhole', async () => {
    const d = dir();
    writeFileSync(join(d, 'in.json'), cocoOf(12, 11, [ringWithHole()]));
    const r = await cli(['convert', '--from', 'coco', '--to', 'labelstudio', '--masks', 'polygons', '-o', join(d, 'ls.json'), join(d, 'in.json')]);
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(d, 'ls.json'), 'utf8'))[0].annotations[0].result;
    expect(results.map((x: { type: string }) => x.type)).toEqual(['polygonlabels']);
    // back to a brush by the rasterizer: the same mask, hole and island included
    const back = await cli(['convert', '--from', 'labelstudio', '--to', 'coco', '--masks', 'rle', '-o', join(d, 'coco.json'), join(d, 'ls.json')]);
    expect(back.code).toBe(0);
    expect(JSON.parse(readFileSync(join(d, 'coco.json'), 'utf8')).annotations[0].segmentation).toEqual(ringWithHole());
  });
});
