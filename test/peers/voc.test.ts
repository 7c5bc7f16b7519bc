/**
 * Pascal VOC as other tools read it. Annoconv's VOC output is read back by readers annoconv did not
 * write, and VOC written by other tools is read by annoconv, and the boxes, classes and file names
 * are compared with what those tools' own tests expect:
 *
 * - datumaro (its VOC plugin and tests; datumaro itself does not run here, its src/ holds only the
 *   plugins): voc_dataset1 must read as cat (1, 2, 2, 2), head (5.5, 6, 2, 2) grouped with person
 *   (4, 5, 2, 2) (tests/unit/test_voc_format.py, tests/integration/cli/test_yolo_format.py), and the
 *   roboflow VOC and COCO files hold the same boxes (tests/unit/data_formats/test_roboflow.py). A
 *   small Python reader below follows VocBase._parse_annotations: float corners, x, y, xmax - xmin,
 *   each <part> a box of its own in its object's group, listed before it.
 * - LabelImg-style readers: ElementTree and int(text) on each corner, as LabelImg, most training
 *   code and the devkit's users read VOC (a "5.5" raises ValueError).
 * - The Label Studio SDK converter: it has no VOC import (converter/imports holds coco, yolo,
 *   pathtrack), so its VOC export (Converter.convert_to_voc) is run and annoconv reads what it wrote.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferInput, convert, MemorySink } from '../../src/index.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { CORPUS } from '../helpers/run.js';
import { labelStudioSdk, PEERS, python, pythonHas, skipping } from './peers.js';

const VOC1 = CORPUS + 'voc/datumaro/voc_dataset/voc_dataset1';
const ROBOFLOW = join(PEERS, 'datumaro', 'tests', 'assets', 'roboflow_dataset');
const hasPython = existsSync('/usr/bin/python3');
const sdk = labelStudioSdk();
const sdkReady = sdk !== undefined && pythonHas('PIL', 'numpy', 'lxml', 'ijson', 'ujson');
if (!hasPython) skipping('python3', 'not installed');
if (!existsSync(VOC1)) skipping('corpus voc/datumaro', 'no ../shared/corpus');
if (!existsSync(ROBOFLOW)) skipping('datumaro roboflow_dataset', 'no ../peers/datumaro: see test/peers/README.md');
if (!sdkReady) skipping('Label Studio SDK converter (VOC export)', 'no ../peers/ls-sdk/src or Python packages');

/** datumaro's VocBase rules: per XML file name, [label, x, y, w, h, group] in datumaro's order. */
const DATUMARO_RULES = `
import json, os, sys, xml.etree.ElementTree as ET
def box(e):
    b = e.find('bndbox')
    x0, x1 = float(b.find('xmin').text), float(b.find('xmax').text)
    y0, y1 = float(b.find('ymin').text), float(b.find('ymax').text)
    return [x0, y0, x1 - x0, y1 - y0]
out = {}
for f in sorted(os.listdir(sys.argv[1])):
    if not f.endswith('.xml'): continue
    r = ET.parse(os.path.join(sys.argv[1], f)).getroot()
    anns = []
    for i, o in enumerate(r.iterfind('object')):
        for p in o.findall('part'):
            anns.append([p.find('name').text] + box(p) + [i])
        anns.append([o.find('name').text] + box(o) + [i])
    out[f] = anns
print(json.dumps(out))
`;

/** LabelImg-style: ElementTree and int() on every number; per XML file: filename, size, objects and their parts. */
const INT_READER = `
import json, os, sys, xml.etree.ElementTree as ET
def corners(e):
    b = e.find('bndbox')
    return [int(b.find(k).text) for k in ('xmin', 'ymin', 'xmax', 'ymax')]
out = {}
for f in sorted(os.listdir(sys.argv[1])):
    if not f.endswith('.xml'): continue
    r = ET.parse(os.path.join(sys.argv[1], f)).getroot()
    size = r.find('size')
    out[f] = {
        'filename': r.find('filename').text,
        'size': [int(size.find('width').text), int(size.find('height').text)] if size is not None else None,
        'objects': [[o.find('name').text] + corners(o) + [[[p.find('name').text] + corners(p) for p in o.findall('part')]] for o in r.iter('object')],
    }
print(json.dumps(out))
`;

function py(script: string, dir: string): unknown {
  const r = python(script, [dir]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

async function toModel(input: string, from: string, format: Record<string, unknown> = {}): Promise<{ items: { path?: string; annotations: Record<string, unknown>[] }[]; diags: Diagnostic[] }> {
  const sink = new MemorySink();
  const diags: Diagnostic[] = [];
  await convert({ input, from, to: 'annoconv', output: sink, options: { format }, onDiagnostic: (d) => diags.push(d) });
  const items = sink.text().trim().split('\n').map((l) => JSON.parse(l) as { annoconv?: string; path?: string; annotations: Record<string, unknown>[] }).filter((o) => o.annoconv === undefined);
  return { items, diags };
}

async function toVoc(input: string | ReturnType<typeof bufferInput>, from: string, dir: string, format: Record<string, unknown> = {}, keepCrowd = false): Promise<{ exitCode: number; losses: { what: string; count: number }[] }> {
  const r = await convert({ input, from, to: 'voc', output: dir, options: { format, keepCrowd } });
  return { exitCode: r.exitCode, losses: r.losses };
}

const box = (a: Record<string, unknown>): number[] => [a.x, a.y, a.w, a.h] as number[];

describe.skipIf(!hasPython || !existsSync(VOC1))('voc: datumaro voc_dataset1 (PROVENANCE item 4)', () => {
  // datumaro's expectation, as [label, x, y, w, h, group]: cat group 0; head, the person's part, group 1; person group 1
  const DATUMARO = [['cat', 1, 2, 2, 2, 0], ['head', 5.5, 6, 2, 2, 1], ['person', 4, 5, 2, 2, 1]];

  it('in: read with --voc-offset 0 (datumaro applies no shift), 2007_000001 is cat, head, person with datumaro\'s boxes and order, the head linked to the person', async () => {
    const { items } = await toModel(VOC1, 'voc', { vocOffset: '0' });
    expect(items.map((i) => i.path)).toEqual(['2007_000001.jpg']);
    // the boxes of the XML; the SegmentationObject mask after them is test/png-masks.test.ts's
    const anns = items[0]!.annotations.filter((a) => a.kind === 'box');
    expect(anns.map((a) => [a.label, ...box(a)])).toEqual(DATUMARO.map((d) => d.slice(0, 5)));
    expect(anns[1]!.parent).toBe(anns[2]!.id);
    expect(anns[0]!.parent).toBeUndefined();
  });

  it('out: annoconv\'s VOC (--voc-offset 0 --voc-float) read by datumaro\'s rules gives datumaro\'s expected boxes, groups included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-peer-voc-'));
    try {
      expect((await toVoc(VOC1, 'voc', dir, { vocOffset: '0', vocFloat: true })).exitCode).toBe(0);
      expect(py(DATUMARO_RULES, dir)).toEqual({ '2007_000001.xml': DATUMARO });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('out: by default the corners are whole pixels that int() reads; the head moves by the half pixel that was counted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-peer-voc-'));
    try {
      const r = await toVoc(VOC1, 'voc', dir, { vocOffset: '0' });
      expect(r.losses.map((l) => [l.what, l.count])).toEqual([["box's sub-pixel corners", 1]]);
      expect(py(INT_READER, dir)).toEqual({
        '2007_000001.xml': { filename: '2007_000001.jpg', size: [20, 10], objects: [['cat', 1, 2, 3, 4, []], ['person', 4, 5, 6, 7, [['head', 6, 6, 8, 8]]]] },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasPython || !existsSync(ROBOFLOW))('voc: datumaro\'s roboflow triple, COCO = VOC (PROVENANCE item 3)', () => {
  const splits = ['train', 'val'];

  it('roboflow COCO -> VOC with --voc-offset 0: every file, class and corner equals roboflow\'s own VOC files, read by ElementTree and int()', async () => {
    const out = mkdtempSync(join(tmpdir(), 'annoconv-peer-voc-'));
    try {
      for (const s of splits) {
        // roboflow's VOC export writes its crowd region (val_001's second box) as an object: --keep-crowd
        expect((await toVoc(join(ROBOFLOW, 'coco', s, '_annotations.coco.json'), 'coco', join(out, s), { vocOffset: '0' }, true)).exitCode).toBe(0);
        const theirs = py(INT_READER, join(ROBOFLOW, 'voc', s)) as Record<string, unknown>;
        expect(Object.keys(theirs).length).toBeGreaterThan(0);
        expect(py(INT_READER, join(out, s))).toEqual(theirs);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('roboflow VOC read with --voc-offset 0 gives roboflow\'s COCO boxes; read with the devkit rule, exactly the boxes at 0 are VOC_ZERO_BASED', async () => {
    for (const s of splits) {
      const coco = JSON.parse(readFileSync(join(ROBOFLOW, 'coco', s, '_annotations.coco.json'), 'utf8')) as { images: { id: number; file_name: string }[]; annotations: { image_id: number; category_id: number; bbox: number[] }[]; categories: { id: number; name: string }[] };
      const want = coco.images.map((im) => [im.file_name, coco.annotations.filter((a) => a.image_id === im.id).map((a) => [coco.categories.find((c) => c.id === a.category_id)!.name, ...a.bbox])]).sort();
      const { items, diags } = await toModel(join(ROBOFLOW, 'voc', s), 'voc', { vocOffset: '0' });
      expect(items.map((i) => [i.path, i.annotations.map((a) => [a.label, ...box(a)])]).sort()).toEqual(want);
      expect(diags.filter((d) => d.code.startsWith('VOC_'))).toEqual([]);
      const devkit = await toModel(join(ROBOFLOW, 'voc', s), 'voc');
      const atZero = items.flatMap((i) => i.annotations.filter((a) => a.x === 0 || a.y === 0).map(() => i.path));
      expect(devkit.diags.filter((d) => d.code === 'VOC_ZERO_BASED').length).toBe(atZero.length);
      expect(atZero.length).toBeGreaterThan(0);
    }
  });
});

describe.skipIf(!hasPython)('voc: ElementTree and int(), as LabelImg-style readers read it', () => {
  it('COCO with fractional boxes and names XML must escape -> VOC (devkit rule): int() reads every corner, xmin = round(x) + 1 and xmax = round(x + w), names and file names as they were', async () => {
    const names = ['cat & dog', '<unknown>', 'café', 'tab\there', ' padded '];
    const bboxes = [[10.4, 20.6, 30.2, 15.5], [0, 0, 5, 5], [3.5, 7.5, 10, 2.49], [1, 1, 1, 1], [40.5, 2.5, 9.5, 9.5]];
    const coco = {
      images: [{ id: 1, file_name: 'dir/Tom & Jerry <1>.jpg', width: 64, height: 48 }],
      annotations: bboxes.map((bbox, i) => ({ id: i + 1, image_id: 1, category_id: i + 1, bbox, area: bbox[2]! * bbox[3]!, iscrowd: 0, segmentation: [] })),
      categories: names.map((name, i) => ({ id: i + 1, name })),
    };
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-peer-voc-'));
    try {
      const r = await toVoc(bufferInput(JSON.stringify(coco)), 'coco', dir);
      expect(r.exitCode).toBe(0);
      const got = py(INT_READER, dir) as Record<string, { filename: string; size: number[]; objects: unknown[][] }>;
      expect(Object.keys(got)).toEqual(['Tom & Jerry <1>.xml']);
      const file = got['Tom & Jerry <1>.xml']!;
      expect(file.filename).toBe('Tom & Jerry <1>.jpg');
      expect(file.size).toEqual([64, 48]);
      // the devkit's 1-based inclusive corners, each rounded to a whole pixel
      const want = bboxes.map(([x, y, w, h], i) => [names[i], Math.round(x!) + 1, Math.round(y!) + 1, Math.round(x! + w!), Math.round(y! + h!), []]);
      expect(file.objects).toEqual(want);
      const moved = bboxes.filter(([x, y, w, h]) => [x!, y!, x! + w!, y! + h!].some((v) => !Number.isInteger(v))).length;
      expect(r.losses.find((l) => /sub-pixel/.test(l.what))?.count).toBe(moved);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a part written from the model is a <part> of its object for ElementTree', async () => {
    const item = { id: 'p', kind: 'image', path: 'p.jpg', width: 50, height: 20, metadata: {}, annotations: [{ kind: 'box', id: 'P', x: 10, y: 0, w: 20, h: 20, label: 'person' }, { kind: 'box', parent: 'P', x: 14, y: 1, w: 6, h: 5, label: 'head' }] };
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-peer-voc-'));
    try {
      expect((await toVoc(bufferInput(JSON.stringify(item)), 'annoconv', dir)).exitCode).toBe(0);
      expect(py(INT_READER, dir)).toEqual({ 'p.xml': { filename: 'p.jpg', size: [50, 20], objects: [['person', 11, 1, 30, 20, [['head', 15, 2, 20, 6]]]] } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!sdkReady)('voc: the Label Studio SDK\'s VOC export, read by annoconv', () => {
  it('the SDK writes 0-based int() corners: annoconv warns VOC_ZERO_BASED under the devkit rule, and with --voc-offset 0 reads the SDK\'s own numbers, names and file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-peer-voc-'));
    try {
      const W = 64;
      const H = 48;
      const values = [{ x: 0, y: 0, width: 25, height: 50, label: 'boat' }, { x: 31.25, y: 20.8, width: 12.6, height: 30.1, label: 'buoy & gull' }];
      const tasks = [{ id: 1, data: { image: '/data/upload/1/dock.jpg' }, annotations: [{ id: 10, result: values.map((v, i) => ({ id: `r${i}`, type: 'rectanglelabels', from_name: 'label', to_name: 'image', original_width: W, original_height: H, value: { x: v.x, y: v.y, width: v.width, height: v.height, rotation: 0, rectanglelabels: [v.label] } })) }] }];
      const config = '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image"><Label value="boat"/><Label value="buoy &amp; gull"/></RectangleLabels></View>';
      writeFileSync(join(dir, 'tasks.json'), JSON.stringify(tasks));
      writeFileSync(join(dir, 'config.xml'), config);
      mkdirSync(join(dir, 'project'));
      const r = python(`
import sys
from label_studio_sdk.converter import Converter
d = sys.argv[1]
Converter(config=open(d + '/config.xml').read(), project_dir=d + '/project', download_resources=False).convert_to_voc(d + '/tasks.json', d + '/out', is_dir=False)
`, [dir], [sdk!]);
      expect(r.status).toBe(0);
      const annotations = join(dir, 'out', 'Annotations');
      expect(readdirSync(annotations)).toEqual(['dock.xml']);
      // the SDK's arithmetic (converter.py convert_to_voc): int() of each of x, y, width, height in pixels
      const sdkCorners = values.map((v) => {
        const x = Math.trunc((v.x / 100) * W);
        const y = Math.trunc((v.y / 100) * H);
        return [v.label, x, y, Math.trunc((v.width / 100) * W), Math.trunc((v.height / 100) * H)];
      });
      const devkit = await toModel(annotations, 'voc');
      expect(devkit.diags.filter((d) => d.code === 'VOC_ZERO_BASED').map((d) => d.pointer)).toEqual(['#/annotation/object/0/bndbox']);
      const { items, diags } = await toModel(annotations, 'voc', { vocOffset: '0' });
      expect(diags.filter((d) => d.severity !== 'info')).toEqual([]);
      expect(items.map((i) => i.path)).toEqual(['dock.jpg']);
      expect(items[0]!.annotations.map((a) => [a.label, ...box(a)])).toEqual(sdkCorners);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
