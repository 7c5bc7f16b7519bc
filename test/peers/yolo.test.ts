/**
 * YOLO output read by the other side. annoconv converts corpus datasets (YOLO in three datumaro
 * layouts and the Label Studio SDK's, COCO, VOC) to YOLO; the images are put where Ultralytics'
 * layout says (images/ beside labels/, same relative path); then
 * - an independent reader (yolo_reader.py, following Ultralytics' documented layout and label
 *   rules) checks every image pairs with its label file and none is left over, class ids and names,
 *   and each box against the source's, within 1e-6 of the image size;
 * - the Label Studio SDK's YOLO import (`convert_yolo_to_ls`) reads the flat outputs and gives the
 *   source's boxes and labels;
 * - datumaro's expectations hold (corpus PROVENANCE items 3-5).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { convert } from '../../src/index.js';
import { CORPUS, ROOT } from '../helpers/run.js';
import { labelStudioSdk, python, pythonHas, skipping } from './peers.js';

const READER = readFileSync(join(ROOT, 'test/peers/yolo_reader.py'), 'utf8');
const packages = pythonHas('PIL', 'yaml');
const sdk = labelStudioSdk();
const corpus = existsSync(CORPUS + 'yolo');
if (!packages) skipping('python3 with Pillow and PyYAML', 'not installed');
if (!sdk) skipping('Label Studio SDK converter', 'no ../peers/ls-sdk/src: see test/peers/README.md');
if (!corpus) skipping('the shared corpus', `no ${CORPUS}`);

const Y = CORPUS + 'yolo/';
const work = mkdtempSync(join(tmpdir(), 'annoconv-peer-yolo-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** One image: its file, its key in the source's boxes, where it goes in the output. */
interface Pair {
  image: string;
  key: string;
  out: string;
  /** YOLO sources: the label file. */
  label?: string;
}

interface Case {
  name: string;
  from: 'yolo' | 'coco' | 'voc';
  input: string;
  options?: Record<string, unknown>;
  pairs: Pair[];
  /** The python reader's source verb and arguments (the pairs are added for YOLO). */
  source: string[];
  /** Flat images/ and labels/: what the Label Studio SDK reads. */
  flat: boolean;
}

type Box = [number | null, string, number, number, number, number];
interface Read {
  names: Record<string, string>;
  data: Record<string, unknown>;
  images: Record<string, { size: [number, number]; label_file: string; labels: number[][] | null }>;
  orphans: string[];
  problems: string[];
}

function run(args: string[], paths: string[] = []): unknown {
  const r = python(READER, args, paths);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

const sdkData = (dir: string, images: string[]): Pair[] =>
  images.map((f) => ({ image: `${dir}/images/${f}`, label: `${dir}/labels/${f.replace(/\.\w+$/, '.txt')}`, key: f, out: `images/${f}` }));

const LS = Y + 'label-studio-sdk/data/';
const CASES: Case[] = [
  {
    name: 'datumaro yolo strict (obj.data, obj_train_data/)', from: 'yolo', input: Y + 'datumaro/yolo_dataset/strict', flat: true,
    source: ['yolo', Y + 'datumaro/yolo_dataset/strict/obj.names'],
    pairs: [{ image: Y + 'datumaro/yolo_dataset/strict/obj_train_data/1.jpg', label: Y + 'datumaro/yolo_dataset/strict/obj_train_data/1.txt', key: '1', out: 'images/1.jpg' }],
  },
  {
    name: 'datumaro yolo labels (images/<split> + labels/<split>)', from: 'yolo', input: Y + 'datumaro/yolo_dataset/labels', flat: false,
    source: ['yolo', Y + 'datumaro/yolo_dataset/labels/obj.names'],
    pairs: ['train', 'val'].map((s) => ({ image: Y + `datumaro/yolo_dataset/labels/images/${s}/1.jpg`, label: Y + `datumaro/yolo_dataset/labels/labels/${s}/1.txt`, key: s, out: `images/${s}/1.jpg` })),
  },
  {
    name: 'datumaro yolo annotations (Annotations/ + Images/)', from: 'yolo', input: Y + 'datumaro/yolo_dataset/annotations', flat: true,
    source: ['yolo', Y + 'datumaro/yolo_dataset/annotations/obj.names'],
    pairs: [{ image: Y + 'datumaro/yolo_dataset/annotations/Images/1.jpg', label: Y + 'datumaro/yolo_dataset/annotations/Annotations/1.txt', key: '1', out: 'images/1.jpg' }],
  },
  {
    name: 'Label Studio SDK import data (7 photos, .jpg .png .jpeg)', from: 'yolo', input: LS + 'test_import_yolo_data', flat: true,
    source: ['yolo', LS + 'test_import_yolo_data/classes.txt'],
    pairs: sdkData(LS + 'test_import_yolo_data', ['img_1.jpg', 'img_2.png', 'img_3.png', 'img_4.png', 'img_5.jpg', 'img_6.jpeg', 'img_7.jpeg']),
  },
  {
    name: 'Label Studio SDK import data, uniform sizes', from: 'yolo', input: LS + 'test_import_yolo_data_unif_dims', flat: true,
    source: ['yolo', LS + 'test_import_yolo_data_unif_dims/classes.txt'],
    pairs: sdkData(LS + 'test_import_yolo_data_unif_dims', ['img_1.jpg', 'img_2.jpg', 'img_3.jpg', 'img_4.jpg', 'img_5.jpg']),
  },
  {
    name: 'label-studio-converter CRLF labels, images through --media-root', from: 'yolo', input: Y + 'label-studio-converter/data/test_import_yolo_data', flat: true,
    options: { mediaRoot: LS + 'test_import_yolo_data' },
    source: ['yolo', Y + 'label-studio-converter/data/test_import_yolo_data/classes.txt'],
    pairs: sdkData(LS + 'test_import_yolo_data', ['img_1.jpg', 'img_2.png', 'img_3.png', 'img_4.png', 'img_5.jpg', 'img_6.jpeg', 'img_7.jpeg']).map((p) => ({ ...p, label: p.label!.replace('label-studio-sdk', 'label-studio-converter') })),
  },
  ...(['train', 'val'] as const).map((s): Case => ({
    name: `datumaro coco_instances ${s} (ids 1, 2, 4; polygon, RLE crowd)`, from: 'coco', flat: true,
    input: CORPUS + `coco/datumaro/coco_dataset/coco_instances/annotations/instances_${s}.json`,
    source: ['coco', CORPUS + `coco/datumaro/coco_dataset/coco_instances/annotations/instances_${s}.json`],
    pairs: [{ image: CORPUS + `coco/datumaro/coco_dataset/coco_instances/images/${s}/${s === 'train' ? 'a' : 'b'}.jpg`, key: `${s === 'train' ? 'a' : 'b'}.jpg`, out: `images/${s === 'train' ? 'a' : 'b'}.jpg` }],
  })),
  {
    name: 'datumaro coco_roboflow train', from: 'coco', flat: true, input: CORPUS + 'coco/datumaro/coco_dataset/coco_roboflow/train/_annotations.coco.json',
    source: ['coco', CORPUS + 'coco/datumaro/coco_dataset/coco_roboflow/train/_annotations.coco.json'],
    pairs: [{ image: CORPUS + 'coco/datumaro/coco_dataset/coco_roboflow/train/a.jpg', key: 'a.jpg', out: 'images/a.jpg' }],
  },
  {
    // the XMLs alone: the tree's SegmentationObject mask (a bicycle, instance 1) would add its envelope box
    name: 'datumaro voc_dataset1 with --voc-offset 0', from: 'voc', flat: true, input: CORPUS + 'voc/datumaro/voc_dataset/voc_dataset1/Annotations', options: { vocOffset: '0' },
    source: ['voc', CORPUS + 'voc/datumaro/voc_dataset/voc_dataset1/Annotations'],
    pairs: [{ image: CORPUS + 'voc/datumaro/voc_dataset/voc_dataset1/JPEGImages/2007_000001.jpg', key: '2007_000001.jpg', out: 'images/2007_000001.jpg' }],
  },
];

const outputs = new Map<string, { dir: string; read: Read; source: Record<string, Box[]> }>();

/** Converts a case, puts its images in place, reads output and source with the python reader. */
async function prepare(c: Case): Promise<{ dir: string; read: Read; source: Record<string, Box[]> }> {
  const done = outputs.get(c.name);
  if (done) return done;
  const dir = join(work, String(outputs.size));
  const r = await convert({ input: c.input, from: c.from, to: 'yolo', output: dir, options: { format: c.options ?? {} } });
  expect(r.exitCode).toBe(0);
  for (const p of c.pairs) {
    mkdirSync(dirname(join(dir, p.out)), { recursive: true });
    copyFileSync(p.image, join(dir, p.out));
  }
  const read = run(['read', join(dir, 'data.yaml'), 'images']) as Read;
  const yoloPairs = c.pairs.map((p) => [p.label, p.key]);
  const source = run(c.from === 'yolo' ? [...c.source, JSON.stringify(yoloPairs)] : c.source) as Record<string, Box[]>;
  const out = { dir, read, source };
  outputs.set(c.name, out);
  return out;
}

const byPlace = (a: number[], b: number[]): number => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]! || a[3]! - b[3]!;

describe.skipIf(!packages || !corpus)('YOLO output read as Ultralytics documents it (independent reader)', () => {
  for (const c of CASES) {
    it(`${c.name}: every image has its label file, none is left over, class ids, names and boxes are the source's`, async () => {
      const { read, source } = await prepare(c);
      expect(read.problems).toEqual([]);
      expect(read.orphans).toEqual([]);
      expect(Object.keys(read.images).sort()).toEqual(c.pairs.map((p) => p.out).sort());
      for (const p of c.pairs) {
        const got = read.images[p.out]!;
        expect(got.labels, p.out).not.toBeNull();
        const want = source[p.key]!;
        expect(got.labels!.length, p.out).toBe(want.length);
        // a source without class ids (VOC) is matched through the names
        const idOf = (b: Box): number => b[0] ?? Number(Object.keys(read.names).find((k) => read.names[k] === b[1]));
        const wantRows = want.map((b) => [idOf(b), b[2], b[3], b[4], b[5]]).sort(byPlace);
        const gotRows = [...got.labels!].sort(byPlace);
        const nameOf = new Map(want.map((b) => [idOf(b), b[1]]));
        wantRows.forEach((w, i) => {
          const g = gotRows[i]!;
          expect(g[0], `${p.out} line ${i}`).toBe(w[0]);
          expect(read.names[String(g[0])], `${p.out} line ${i}`).toBe(nameOf.get(w[0]!));
          for (let k = 1; k < 5; k++) expect(Math.abs(g[k]! - w[k]!), `${p.out} line ${i} value ${k}`).toBeLessThanOrEqual(1e-6);
        });
      }
    }, 60_000);
  }

  it('YOLO -> YOLO keeps every class of the source, used or not, under its id (classes.txt and data.yaml agree)', async () => {
    for (const c of CASES.filter((x) => x.from === 'yolo')) {
      const { dir, read } = await prepare(c);
      const names = readFileSync(c.source[1]!, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
      expect(Object.values(read.names), c.name).toEqual(names);
      expect(readFileSync(join(dir, 'classes.txt'), 'utf8'), c.name).toBe(names.join('\n') + '\n');
    }
  }, 60_000);

  it('datumaro (PROVENANCE 5): 1.txt on the 15 x 10 image is Bbox(0, 2, 4, 2) label_2 and Bbox(3, 3, 2, 3) label_4, 10 classes', async () => {
    const { read } = await prepare(CASES[0]!);
    expect(Object.values(read.names)).toEqual(Array.from({ length: 10 }, (_, i) => `label_${i}`));
    const img = read.images['images/1.jpg']!;
    expect(img.size).toEqual([15, 10]);
    const px = img.labels!.map(([c, cx, cy, w, h]) => [read.names[String(c)], (cx! - w! / 2) * 15, (cy! - h! / 2) * 10, w! * 15, h! * 10]);
    [['label_2', 0, 2, 4, 2], ['label_4', 3, 3, 2, 3]].forEach((want, i) => {
      expect(px[i]![0]).toBe(want[0]);
      for (let k = 1; k < 5; k++) expect(px[i]![k] as number).toBeCloseTo(want[k] as number, 4);
    });
  }, 60_000);

  it('datumaro (PROVENANCE 4): VOC 2007_000001 (20 x 10) with no offset is cat (1, 2, 2, 2), head (5.5, 6, 2, 2: the person\'s part) and person (4, 5, 2, 2)', async () => {
    const { read } = await prepare(CASES.find((c) => c.from === 'voc')!);
    const img = read.images['images/2007_000001.jpg']!;
    const px = img.labels!.map(([c, cx, cy, w, h]) => [read.names[String(c)], (cx! - w! / 2) * 20, (cy! - h! / 2) * 10, w! * 20, h! * 10]);
    expect(px).toEqual([['cat', 1, 2, 2, 2], ['head', 5.5, 6, 2, 2], ['person', 4, 5, 2, 2]].map((r) => r.map((v) => (typeof v === 'number' ? expect.closeTo(v, 5) : v))));
  }, 60_000);

  it('datumaro (PROVENANCE 3): the roboflow triple, COCO ids 1, 2 -> YOLO 0, 1: train_001 [2, 1, 3, 1] is 0 0.35 0.3 0.3 0.2; val_001 two boxes', async () => {
    const dir = join(work, 'roboflow');
    mkdirSync(join(dir, 'src'), { recursive: true });
    const coco = {
      images: [{ id: 1, file_name: 'images/train/train_001.jpg', width: 10, height: 5 }, { id: 2, file_name: 'images/val/val_001.jpg', width: 10, height: 5 }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [2, 1, 3, 1], area: 3, iscrowd: 0, segmentation: [] },
        { id: 2, image_id: 2, category_id: 1, bbox: [0, 0, 1, 2], area: 2, iscrowd: 0, segmentation: [] },
        { id: 3, image_id: 2, category_id: 2, bbox: [0, 0, 9, 1], area: 9, iscrowd: 0, segmentation: [] },
      ],
      categories: [{ id: 1, name: 'label_0' }, { id: 2, name: 'label_1' }],
    };
    writeFileSync(join(dir, 'src', 'coco.json'), JSON.stringify(coco));
    const out = join(dir, 'out');
    expect((await convert({ input: join(dir, 'src', 'coco.json'), from: 'coco', to: 'yolo', output: out })).exitCode).toBe(0);
    for (const i of coco.images) {
      mkdirSync(dirname(join(out, i.file_name)), { recursive: true });
      await sharp({ create: { width: 10, height: 5, channels: 3, background: '#000' } }).jpeg().toFile(join(out, i.file_name));
    }
    const read = run(['read', join(out, 'data.yaml'), 'images']) as Read;
    expect(read.problems).toEqual([]);
    expect(read.orphans).toEqual([]);
    expect(read.data).toMatchObject({ train: 'images/train', val: 'images/val' });
    expect(read.names).toEqual({ 0: 'label_0', 1: 'label_1' });
    expect(read.images['images/train/train_001.jpg']!.labels).toEqual([[0, 0.35, 0.3, 0.3, 0.2]]);
    expect(read.images['images/val/val_001.jpg']!.labels).toEqual([[0, 0.05, 0.2, 0.1, 0.4], [1, 0.45, 0.1, 0.9, 0.2]]);
  }, 60_000);
});

const SDK_IMPORT = `
import json, sys, contextlib, io
from label_studio_sdk.converter.imports.yolo import convert_yolo_to_ls
with contextlib.redirect_stdout(io.StringIO()):
    convert_yolo_to_ls(input_dir=sys.argv[1], out_file=sys.argv[2])
print(open(sys.argv[2]).read())
`;

describe.skipIf(!packages || !sdk || !corpus)('YOLO output read by the Label Studio SDK (convert_yolo_to_ls)', () => {
  for (const c of CASES.filter((x) => x.flat)) {
    it(`${c.name}: one task per image, the source's boxes (percent) and labels`, async () => {
      const { dir, source } = await prepare(c);
      const r = python(SDK_IMPORT, [dir, join(dir, '..', `${Math.random().toString(36).slice(2)}.json`)], [sdk!]);
      expect(r.stderr).toBe('');
      const tasks = JSON.parse(r.stdout) as { data: { image: string }; annotations?: { result: { value: { x: number; y: number; width: number; height: number; rectanglelabels: string[] } }[] }[] }[];
      expect(tasks.map((t) => t.data.image.split('/').pop()).sort()).toEqual(c.pairs.map((p) => p.out.split('/').pop()).sort());
      for (const p of c.pairs) {
        const t = tasks.find((x) => x.data.image.endsWith('/' + p.out.split('/').pop()))!;
        const got = t.annotations![0]!.result.map((x) => [x.value.rectanglelabels[0], x.value.x, x.value.y, x.value.width, x.value.height] as [string, number, number, number, number]);
        const want = source[p.key]!.map((b) => [b[1], (b[2] - b[4] / 2) * 100, (b[3] - b[5] / 2) * 100, b[4] * 100, b[5] * 100] as [string, number, number, number, number]);
        const order = (a: [string, number, number, number, number], b: [string, number, number, number, number]): number => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2] || a[3] - b[3];
        got.sort(order);
        want.sort(order);
        expect(got.map((g) => g[0]), p.out).toEqual(want.map((w) => w[0]));
        got.forEach((g, i) => { for (let k = 1; k < 5; k++) expect(Math.abs(g[k] as number - (want[i]![k] as number)), `${p.out} box ${i}`).toBeLessThanOrEqual(1e-4); });
      }
    }, 60_000);
  }
});
