/**
 * PNG mask datasets against what the tools on the other side expect: datumaro's VOC segmentation
 * and COCO panoptic samples (tests/assets) read as datumaro's own tests read them
 * (test_voc_format.py fxt_segmentation_dataset, test_coco_format.py test_can_import_panoptic) and
 * written back pixel-identical, checked with an independent reader (PIL, numpy) in Python; the
 * panoptic JSON checked with plain JSON and panopticapi's bbox rule.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, CORPUS, jsonDiagnostics } from './helpers/run.js';
import { python, pythonHas, skipping } from './peers/peers.js';
import { indexMapToRles, paintRle, vocColormap } from '../src/model/index-map.js';
import { rleEncode, rowToColumnMajor } from '../src/model/geometry.js';

const VOC1 = join(CORPUS, 'voc/datumaro/voc_dataset/voc_dataset1');
const PAN = join(CORPUS, 'coco/datumaro/coco_dataset/coco_panoptic/annotations');
const dir = mkdtempSync(join(tmpdir(), 'annoconv-pngmask-'));
const hasPil = pythonHas('PIL', 'numpy');
if (!hasPil) skipping('python3 PIL + numpy', 'python3-pil / python3-numpy not installed: PNG read-back checks');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args, '--diagnostics', 'json'], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Model lines of a run to the annoconv format (the dataset line left out). */
function items(r: Run): { id: string; width?: number; height?: number; annotations: Record<string, unknown>[]; extras?: Record<string, Record<string, unknown>> }[] {
  return r.stdout.split('\n').filter((l) => l.startsWith('{') && !l.includes('"annoconv":"dataset"')).map((l) => JSON.parse(l));
}

/** A PNG as PIL reads it: mode, and values (palette indices, grey values, or RGB triplets). */
function pil(path: string, as: 'raw' | 'rgb' | 'id' = 'raw'): { mode: string; values: unknown } {
  const r = python(`
import sys, json
from PIL import Image
import numpy as np
im = Image.open(sys.argv[1])
mode = im.mode
if sys.argv[2] == 'rgb': a = np.array(im.convert('RGB')).tolist()
elif sys.argv[2] == 'id':
    a = np.array(im.convert('RGB')).astype(np.int64)
    a = (a[..., 0] + 256 * a[..., 1] + 65536 * a[..., 2]).tolist()
else: a = np.array(im).tolist()
print(json.dumps({'mode': mode, 'values': a}))
`, [path, as]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

/** Writes a PNG with PIL (the independent writer): mode P with the VOC palette, L, I;16 or RGB. */
function pilWrite(path: string, mode: 'P' | 'L' | 'I;16' | 'RGB', rows: unknown): void {
  const r = python(`
import sys, json
from PIL import Image
import numpy as np
mode, rows = sys.argv[2], json.loads(sys.argv[3])
if mode == 'RGB': im = Image.fromarray(np.array(rows, dtype=np.uint8), 'RGB')
elif mode == 'I;16': im = Image.fromarray(np.array(rows, dtype=np.uint16))
else:
    im = Image.fromarray(np.array(rows, dtype=np.uint8), 'L')
    if mode == 'P':
        im = im.convert('P') if False else Image.frombytes('P', im.size, im.tobytes())
        im.putpalette(json.loads(sys.argv[4]))
im.save(sys.argv[1])
`, [path, mode, JSON.stringify(rows), JSON.stringify(vocColormap().flat())]);
  expect(r.stderr).toBe('');
}

describe('index maps', () => {
  it('indexMapToRles gives, for each value, the RLE of its own bitmap (COCO column-major, zeros first)', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 50; t++) {
      const w = 1 + Math.floor(rand() * 9);
      const h = 1 + Math.floor(rand() * 9);
      const values = Uint8Array.from({ length: w * h }, () => Math.floor(rand() * 4));
      const rles = indexMapToRles({ width: w, height: h, values }, (v) => v === 0);
      for (const v of [1, 2, 3]) {
        const bits = rowToColumnMajor(values.map((x) => (x === v ? 1 : 0)), h, w);
        if (!bits.some((b) => b)) {
          expect(rles.has(v)).toBe(false);
          continue;
        }
        const want = rleEncode(bits, h, w);
        // rleEncode ends with the last run whatever it is; a trailing zero run is dropped by both
        expect(rles.get(v)).toEqual(want);
      }
      // painting the RLEs back gives the map
      const back = { width: w, height: h, values: new Uint8Array(w * h) };
      for (const [v, rle] of rles) paintRle(back, rle, v);
      expect([...back.values]).toEqual([...values]);
    }
  });

  it('the VOC colour map is the devkit\'s (1 = 128,0,0; 2 = 0,128,0; 15 = 192,128,128; 255 = 224,224,192)', () => {
    const cm = vocColormap();
    expect([cm[1], cm[2], cm[15], cm[255]]).toEqual([[128, 0, 0], [0, 128, 0], [192, 128, 128], [224, 224, 192]]);
  });
});

describe.skipIf(!existsSync(VOC1))('VOC segmentation: datumaro voc_dataset1', () => {
  it('reads as datumaro does: one mask of class bicycle (2) over the whole 20 x 10 image, instance 1 = object 1 (cat)', () => {
    const r = run(['convert', VOC1, '--from', 'voc', '--to', 'annoconv']);
    expect(r.code).toBe(0);
    const [item] = items(r);
    const masks = item!.annotations.filter((a) => a.kind === 'mask');
    expect(masks).toEqual([{ kind: 'mask', rle: { size: [10, 20], counts: [0, 200] }, label: 'bicycle', extras: { voc: { object: '1' } } }]);
    const cat = item!.annotations.find((a) => a.label === 'cat');
    expect(cat?.id).toBe('1');
  });

  it.skipIf(!hasPil)('written back pixel-identical: the class and instance PNGs decode to the source colours, their palette indices are 2 and 1', () => {
    const out = join(dir, 'voc1');
    const r = run(['convert', VOC1, '--from', 'voc', '--to', 'voc', '-o', out]);
    expect(r.code).toBe(0);
    for (const [sub, index] of [['SegmentationClass', 2], ['SegmentationObject', 1]] as const) {
      const ours = pil(join(out, sub, '2007_000001.png'));
      expect(ours.mode).toBe('P');
      expect(new Set((ours.values as number[][]).flat())).toEqual(new Set([index]));
      expect(pil(join(out, sub, '2007_000001.png'), 'rgb').values).toEqual(pil(join(VOC1, sub, '2007_000001.png'), 'rgb').values);
    }
    expect(readFileSync(join(out, 'ImageSets/Segmentation/default.txt'), 'utf8')).toBe('2007_000001\n');
    // the XML keeps its two objects: the mask is object 1's, not a third object
    expect(readFileSync(join(out, '2007_000001.xml'), 'utf8').match(/<object>/g)).toHaveLength(2);
    // and the written tree reads back to the same mask
    const back = items(run(['convert', out, '--from', 'voc', '--to', 'annoconv']));
    expect(back[0]!.annotations.filter((a) => a.kind === 'mask')).toEqual([{ kind: 'mask', rle: { size: [10, 20], counts: [0, 200] }, label: 'bicycle', extras: { voc: { object: '1' } } }]);
  });
});

describe.skipIf(!existsSync(PAN))('COCO panoptic: datumaro coco_panoptic', () => {
  it('reads as test_can_import_panoptic expects: b has segment 7 (a, columns 0-1) and crowd segment 20 (b, columns 2-3); a has 460551 over its 5 x 5 map', () => {
    const val = run(['convert', join(PAN, 'panoptic_val.json'), '--to', 'annoconv']);
    expect(val.code).toBe(0);
    const [b] = items(val);
    expect(b!.id).toBe('b.jpg');
    expect(b!.annotations).toEqual([
      // [[1, 1, 0, 0, 0]] * 10 and [[0, 0, 1, 1, 0]] * 10, column-major
      { kind: 'mask', rle: { size: [10, 5], counts: [0, 20, 30] }, id: '7', label: 'a', categoryId: 1 },
      { kind: 'mask', rle: { size: [10, 5], counts: [20, 20, 10] }, id: '20', label: 'b', categoryId: 2, crowd: true },
    ]);
    const train = run(['convert', join(PAN, 'panoptic_train.json'), '--to', 'annoconv']);
    const [a] = items(train);
    expect(a!.annotations).toEqual([{ kind: 'mask', rle: { size: [5, 5], counts: [0, 25] }, id: '460551', label: 'a', categoryId: 1 }]);
    // the 5 x 5 map on a 10 x 5 image is said, not hidden
    expect(jsonDiagnostics(train.stderr).map((d) => d.code)).toEqual(['MASK_SIZE_MISMATCH']);
  });

  it.skipIf(!hasPil)('written back pixel-identical, with the JSON fields panopticapi computes', () => {
    for (const set of ['val', 'train']) {
      const out = join(dir, `pan-${set}`);
      const r = run(['convert', join(PAN, `panoptic_${set}.json`), '--to', 'coco-panoptic', '-o', out]);
      expect(r.code).toBe(0);
      const src = JSON.parse(readFileSync(join(PAN, `panoptic_${set}.json`), 'utf8'));
      const ours = JSON.parse(readFileSync(join(out, 'panoptic.json'), 'utf8'));
      expect(ours.images).toEqual(src.images);
      expect(ours.categories).toEqual(src.categories);
      expect(ours.info).toEqual(src.info);
      expect(ours.annotations.map((a: { image_id: number; file_name: string }) => [a.image_id, a.file_name])).toEqual(src.annotations.map((a: { image_id: number; file_name: string }) => [a.image_id, a.file_name]));
      for (const ann of src.annotations) {
        const png = ann.file_name as string;
        const ids = pil(join(PAN, `panoptic_${set}`, png), 'id').values as number[][];
        expect(pil(join(out, 'panoptic', png), 'id').values).toEqual(ids);
        // area and bbox as panopticapi computes them from the pixels (bbox w = xmax - xmin + 1)
        const mine = ours.annotations.find((a: { file_name: string }) => a.file_name === png).segments_info;
        const want = ann.segments_info.map((s: { id: number; category_id: number; iscrowd: number }) => {
          const px = ids.flatMap((row, y) => row.flatMap((v, x) => (v === s.id ? [[x, y]] : [])));
          const xs = px.map((p) => p[0]!);
          const ys = px.map((p) => p[1]!);
          const bbox = [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs) + 1, Math.max(...ys) - Math.min(...ys) + 1];
          return { id: s.id, category_id: s.category_id, area: px.length, bbox, iscrowd: s.iscrowd };
        });
        expect(mine).toEqual(want);
      }
    }
  });

  it('--from coco on a panoptic file still says once that coco does not read it', () => {
    const r = run(['validate', join(PAN, 'panoptic_val.json'), '--format', 'coco']);
    expect(r.code).toBe(1);
    expect(jsonDiagnostics(r.stderr).map((d) => d.code)).toEqual(['INPUT_FORMAT_UNSUPPORTED']);
  });
});

describe.skipIf(!hasPil)('semantic masks and VOC segmentation: round trips of generated data, PNGs written and read back by PIL', () => {
  const h = 12;
  const w = 17;
  let seed = 3;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  // blocks of classes 0-3 with a void (255) band, as a VOC class map looks
  const rows = Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => (x === 8 ? 255 : ((Math.floor(x / 4) + Math.floor(y / 5) + (rand() < 0.1 ? 1 : 0)) % 4))));
  const labels = '# label:color_rgb:parts:actions\nbackground:0,0,0::\nroad:128,0,0::\nlamp:0,128,0::\ntree:128,128,0::\n';

  for (const mode of ['P', 'L', 'I;16'] as const) {
    it(`a ${mode} mask folder -> masks -> the same indices; -> voc -> the same class indices (the ignore band is no class)`, () => {
      const src = join(dir, `gen-${mode.replace(';', '')}`);
      mkdirSync(join(src, 'masks'), { recursive: true });
      writeFileSync(join(src, 'labelmap.txt'), labels);
      pilWrite(join(src, 'masks', 'im1.png'), mode, rows);
      const model = run(['convert', src, '--to', 'annoconv']);
      expect(model.code).toBe(0);
      const [item] = items(model);
      expect(item!.annotations.map((a) => a.label)).toEqual(['road', 'lamp', 'tree']);
      const back = join(src + '-out');
      expect(run(['convert', src, '--to', 'masks', '-o', back]).code).toBe(0);
      const ours = pil(join(back, 'masks', 'im1.png'));
      expect(ours.mode).toBe('P');
      // the void band is ignore: not a class, and not painted (background)
      expect(ours.values).toEqual(rows.map((r) => r.map((v) => (v === 255 ? 0 : v))));
      expect(readFileSync(join(back, 'labelmap.txt'), 'utf8')).toBe(labels);
      const voc = join(src + '-voc');
      expect(run(['convert', src, '--to', 'voc', '-o', voc]).code).toBe(0);
      // VOC indices: road, lamp and tree after VOC's 21 classes
      const map = new Map([[0, 0], [1, 21], [2, 22], [3, 23], [255, 0]]);
      expect(pil(join(voc, 'SegmentationClass', 'im1.png')).values).toEqual(rows.map((r) => r.map((v) => map.get(v))));
      // and back from VOC to masks: the same classes where they were
      const again = join(src + '-again');
      expect(run(['convert', voc, '--from', 'voc', '--to', 'masks', '-o', again]).code).toBe(0);
      expect(pil(join(again, 'masks', 'im1.png')).values).toEqual(ours.values);
    });
  }

  it('an RGB mask as datumaro paints it is read by the label map\'s colours', () => {
    const src = join(dir, 'gen-rgb');
    mkdirSync(join(src, 'masks'), { recursive: true });
    writeFileSync(join(src, 'labelmap.txt'), labels);
    const colours = [[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0]];
    pilWrite(join(src, 'masks', 'im1.png'), 'RGB', rows.map((r) => r.map((v) => colours[v === 255 ? 0 : v])));
    const out = join(src + '-out');
    expect(run(['convert', src, '--to', 'masks', '-o', out]).code).toBe(0);
    expect(pil(join(out, 'masks', 'im1.png')).values).toEqual(rows.map((r) => r.map((v) => (v === 255 ? 0 : v))));
  });

  it('VOC instances: object k of the XML is instance k; later objects are painted over earlier, and the covered pixels counted', () => {
    // two overlapping COCO polygons -> VOC: instance 2 over instance 1
    const coco = {
      images: [{ id: 1, file_name: 'x.jpg', width: 10, height: 6 }],
      categories: [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 6, 6], area: 36, segmentation: [[0, 0, 6, 0, 6, 6, 0, 6]], iscrowd: 0 },
        { id: 2, image_id: 1, category_id: 2, bbox: [4, 0, 6, 6], area: 36, segmentation: [[4, 0, 10, 0, 10, 6, 4, 6]], iscrowd: 0 },
      ],
    };
    const f = join(dir, 'two.json');
    writeFileSync(f, JSON.stringify(coco));
    const out = join(dir, 'two-voc');
    const r = run(['convert', f, '--to', 'voc', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/12 pixels of instances under later ones/);
    const row = [1, 1, 1, 1, 2, 2, 2, 2, 2, 2];
    expect(pil(join(out, 'SegmentationObject', 'x.png')).values).toEqual(Array(6).fill(row));
    expect(pil(join(out, 'SegmentationClass', 'x.png')).values).toEqual(Array(6).fill(row.map((v) => (v === 1 ? 8 : 12))));
    // --paint-order area on masks: the same areas, so the item order decides
    const m = join(dir, 'two-masks');
    expect(run(['convert', f, '--to', 'masks', '-o', m, '--paint-order', 'area']).code).toBe(0);
    expect(pil(join(m, 'masks', 'x.png')).values).toEqual(Array(6).fill(row));
  });
});
