/** YOLO: the datumaro and Label Studio SDK expectations, VOC -> YOLO by the offset policy, writing and refusals. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { parse as parseYaml } from 'yaml';
import { parseDataYaml, parseNamesFile } from '../src/formats/yolo/classes.js';
import { labelPlace } from '../src/formats/yolo/layout.js';
import type { Item } from '../src/model/types.js';
import { CORPUS } from './helpers/run.js';

async function model(input: string, from?: string, format: Record<string, unknown> = {}): Promise<{ items: { id: string; width: number; height: number; annotations: Record<string, unknown>[] }[]; diags: Diagnostic[] }> {
  const sink = new MemorySink();
  const diags: Diagnostic[] = [];
  await convert({ input, ...(from ? { from } : {}), to: 'annoconv', output: sink, options: { format }, onDiagnostic: (d) => diags.push(d) });
  const lines = sink.text().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { items: lines.filter((l) => l.annoconv !== 'dataset') as never, diags };
}

const near = (a: number, b: number): boolean => Math.abs(a - b) < 1e-4;
const Y = CORPUS + 'yolo/';

describe('yolo reading', () => {
  it.skipIf(!existsSync(Y))('datumaro: on the 15 x 10 image, "2 0.133333 0.3 0.266667 0.2" is box (0, 2, 4, 2) label_2 and "4 0.266667 0.45 0.133333 0.3" is (3, 3, 2, 3) label_4, in all three layouts', async () => {
    for (const layout of ['strict', 'annotations', 'labels']) {
      const { items } = await model(Y + 'datumaro/yolo_dataset/' + layout);
      expect(items.length).toBeGreaterThan(0);
      for (const it of items) {
        expect([it.width, it.height]).toEqual([15, 10]);
        const boxes = it.annotations.map((a) => [a.x, a.y, a.w, a.h, a.label] as [number, number, number, number, string]);
        expect(boxes.map((b) => b[4])).toEqual(['label_2', 'label_4']);
        [[0, 2, 4, 2], [3, 3, 2, 3]].forEach((want, i) => want.forEach((v, k) => expect(near(boxes[i]![k] as number, v)).toBe(true)));
      }
    }
  });

  it.skipIf(!existsSync(Y))('Label Studio SDK: one item per image (7 and 5), labels from classes.txt', async () => {
    for (const [dir, n] of [['test_import_yolo_data', 7], ['test_import_yolo_data_unif_dims', 5]] as const) {
      const { items } = await model(Y + 'label-studio-sdk/data/' + dir, 'yolo');
      expect(items).toHaveLength(n);
      const classes = readFileSync(Y + 'label-studio-sdk/data/' + dir + '/classes.txt', 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
      for (const it of items) for (const a of it.annotations) expect(classes).toContain(a.label);
    }
  });

  it('label lines are checked at their line; a label file without its image is refused by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-yolo-'));
    try {
      mkdirSync(join(dir, 'labels'));
      mkdirSync(join(dir, 'images'));
      writeFileSync(join(dir, 'classes.txt'), 'cat\ndog\n');
      await sharp({ create: { width: 20, height: 10, channels: 3, background: '#000' } }).png().toFile(join(dir, 'images', 'a.png'));
      writeFileSync(join(dir, 'labels', 'a.txt'), '0 0.5 0.5 0.5 0.5\n0 0.5 0.5 0.5 0.5\n1 0.1 0.1 0.2 0.1 0.3 0.2\n');
      writeFileSync(join(dir, 'labels', 'b.txt'), '5 0.5 0.5 0.1 0.1\n0 x 0.5 0.1 0.1\n0 0.5 0.5 0.1\n0 1.5 0.5 0.1 0.1\n');
      writeFileSync(join(dir, 'labels', 'orphan.txt'), '0 0.5 0.5 0.1 0.1\n');
      const { items, diags } = await model(dir, 'yolo');
      expect(items.map((i) => i.id)).toEqual(['images/a.png']);
      expect(items[0]!.annotations[0]).toEqual({ kind: 'box', x: 5, y: 2.5, w: 10, h: 5, label: 'cat', categoryId: 0 });
      expect(items[0]!.annotations[2]).toEqual({ kind: 'polygon', rings: [[2, 1, 4, 1, 6, 2]], label: 'dog', categoryId: 1 });
      expect(diags.map((d) => [d.code, d.file?.replace(/^.*labels\//, ''), d.line])).toEqual([
        ['YOLO_LINE_DUPLICATE', 'a.txt', 2],
        ['YOLO_NO_SIZE', 'b.txt', undefined],
        ['YOLO_NO_SIZE', 'orphan.txt', undefined],
      ]);
      // b.txt with an image: every line's problem at its line
      await sharp({ create: { width: 20, height: 10, channels: 3, background: '#000' } }).png().toFile(join(dir, 'images', 'b.png'));
      const again = await model(dir, 'yolo');
      expect(again.diags.filter((d) => d.file?.endsWith('b.txt')).map((d) => [d.code, d.line])).toEqual([['YOLO_CLASS_INVALID', 1], ['YOLO_NUMBER_INVALID', 2], ['YOLO_TOKEN_COUNT', 3], ['YOLO_RANGE', 4]]);
      expect((await model(join(dir, 'labels', 'a.txt'), 'yolo')).diags.map((d) => d.code)).toEqual(['YOLO_NEEDS_FOLDER']);
      // an image without a label file is an image with no objects: an item of its own, with its size
      await sharp({ create: { width: 8, height: 6, channels: 3, background: '#000' } }).jpeg().toFile(join(dir, 'images', 'empty.jpg'));
      const negatives = await model(dir, 'yolo');
      expect(negatives.items.filter((i) => i.annotations.length === 0).map((i) => [i.id, i.width, i.height])).toEqual([['images/empty.jpg', 8, 6]]);
      rmSync(join(dir, 'classes.txt'));
      expect((await model(dir, 'yolo')).diags.map((d) => d.code)).toEqual(['YOLO_CLASSES_MISSING']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('data.yaml names as a list, a block list or a map; kpt_shape; quoted names with commas are one name; ids missing from a map are kept as slots', () => {
    expect(parseDataYaml("path: x\nnames: ['a b', c]\n")).toEqual({ names: ['a b', 'c'], unnamed: [] });
    expect(parseDataYaml('names:\n  - a\n  - b # note\n')).toEqual({ names: ['a', 'b'], unnamed: [] });
    expect(parseDataYaml('names:\n  1: b\n  0: a\nkpt_shape: [17, 3]\n')).toEqual({ names: ['a', 'b'], unnamed: [], kpt: [17, 3] });
    expect(parseDataYaml('names: ["traffic light, red", \'a: b\', "c # d"]\n')).toEqual({ names: ['traffic light, red', 'a: b', 'c # d'], unnamed: [] });
    expect(parseDataYaml('names: {0: "x, y", 2: z}\n')).toEqual({ names: ['x, y', 'class_1', 'z'], unnamed: [{ id: 1 }] });
    expect(parseDataYaml('names: {a: x}\n')).toMatchObject({ error: expect.stringContaining('"a"') });
    expect(parseDataYaml('names: [a,\n  b\n')).toMatchObject({ error: expect.stringContaining('YAML'), line: expect.any(Number) });
  });

  it('classes.txt: a blank line is a class slot (as darknet and the Label Studio SDK read it), never a shift; trailing blank lines name nothing', () => {
    expect(parseNamesFile('a\n\nc\n\n\n')).toEqual({ names: ['a', 'class_1', 'c'], unnamed: [{ id: 1, line: 2 }] });
    expect(parseNamesFile('\uFEFFa\r\n  \r\nc\r\n')).toEqual({ names: ['a', 'class_1', 'c'], unnamed: [{ id: 1, line: 2 }] });
  });

  it('a blank classes.txt line keeps the ids after it: class 2 is still "c", with YOLO_CLASS_UNNAMED at the blank line; a bad data.yaml is YOLO_CLASSES_MISSING at its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-yolo-'));
    try {
      mkdirSync(join(dir, 'images'));
      mkdirSync(join(dir, 'labels'));
      writeFileSync(join(dir, 'classes.txt'), 'a\n\nc\n');
      await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } }).png().toFile(join(dir, 'images', 'x.png'));
      writeFileSync(join(dir, 'labels', 'x.txt'), '2 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.4 0.4\n');
      const { items, diags } = await model(dir, 'yolo');
      expect(items[0]!.annotations.map((a) => [a.label, a.categoryId])).toEqual([['c', 2], ['class_1', 1]]);
      expect(diags.map((d) => [d.code, d.file?.endsWith('classes.txt'), d.line])).toEqual([['YOLO_CLASS_UNNAMED', true, 2]]);
      rmSync(join(dir, 'classes.txt'));
      writeFileSync(join(dir, 'data.yaml'), 'path: .\nnames: [a, b\n');
      expect((await model(dir, 'yolo')).diags.map((d) => [d.code, d.file?.endsWith('data.yaml'), typeof d.line])).toEqual([['YOLO_CLASSES_MISSING', true, 'number']]);
      // a map with a wide gap: the first 10 ids named one by one, then one line for the rest
      writeFileSync(join(dir, 'data.yaml'), 'names: {0: a, 50: b, 2: c}\n');
      const gap = await model(dir, 'yolo');
      expect(gap.diags.map((d) => d.code)).toEqual(Array(11).fill('YOLO_CLASS_UNNAMED'));
      expect(gap.diags[10]!.message).toContain('38 more class ids');
      expect(gap.items[0]!.annotations.map((a) => [a.label, a.categoryId])).toEqual([['c', 2], ['class_1', 1]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('yolo writing', () => {
  it('VOC (2, 1, 5, 2) on 10 x 5 is "0 0.3 0.2 0.4 0.4" with the devkit offset and "0 0.35 0.3 0.3 0.2" with --voc-offset 0 (the roboflow triple), and back', async () => {
    const xml = '<annotation><filename>train_001.jpg</filename><size><width>10</width><height>5</height></size><object><name>label_0</name><bndbox><xmin>2</xmin><ymin>1</ymin><xmax>5</xmax><ymax>2</ymax></bndbox></object></annotation>';
    for (const [offset, line] of [['1', '0 0.3 0.2 0.4 0.4'], ['0', '0 0.35 0.3 0.3 0.2']] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'annoconv-yolo-'));
      try {
        const r = await convert({ input: bufferInput(xml), from: 'voc', to: 'yolo', output: dir, options: { format: { vocOffset: offset } } });
        expect(r.exitCode).toBe(0);
        expect(readFileSync(join(dir, 'labels', 'train_001.txt'), 'utf8')).toBe(line + '\n');
        expect(readFileSync(join(dir, 'classes.txt'), 'utf8')).toBe('label_0\n');
        mkdirSync(join(dir, 'images'));
        await sharp({ create: { width: 10, height: 5, channels: 3, background: '#000' } }).jpeg().toFile(join(dir, 'images', 'train_001.jpg'));
        const back = await model(dir, 'yolo');
        const b = back.items[0]!.annotations[0]!;
        const want = offset === '1' ? [1, 0, 4, 2] : [2, 1, 3, 1];
        [b.x, b.y, b.w, b.h].forEach((v, i) => expect(near(v as number, want[i]!)).toBe(true));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('items without sizes are refused by name; segment and obb forms; attributes counted as loss', async () => {
    const items = [
      { id: 'a', kind: 'image', path: 'a.jpg', width: 100, height: 50, metadata: {}, annotations: [{ kind: 'box', x: 10, y: 10, w: 20, h: 10, label: 'car', attributes: { occluded: true } }, { kind: 'polygon', rings: [[0, 0, 50, 0, 50, 25]], label: 'road' }] },
      { id: 'b', kind: 'image', path: 'b.jpg', metadata: {}, annotations: [] },
    ].map((i) => JSON.stringify(i)).join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-yolo-'));
    try {
      const diags: Diagnostic[] = [];
      const r = await convert({ input: bufferInput(items), from: 'annoconv', to: 'yolo', output: dir, options: { format: { yoloTask: 'segment' } }, onDiagnostic: (d) => diags.push(d) });
      expect(diags.filter((d) => d.severity === 'error').map((d) => [d.code, d.line])).toEqual([['YOLO_NO_SIZE', 2]]);
      expect(r.losses.map((l) => [l.what, l.count])).toEqual([['attribute', 1]]);
      expect(readFileSync(join(dir, 'labels', 'a.txt'), 'utf8')).toBe('0 0.1 0.2 0.3 0.2 0.3 0.4 0.1 0.4\n1 0 0 0.5 0 0.5 0.5\n');
      const obb = mkdtempSync(join(tmpdir(), 'annoconv-yolo-'));
      await convert({ input: bufferInput(items.split('\n')[0]!), from: 'annoconv', to: 'yolo', output: obb, options: { format: { yoloTask: 'obb' } } });
      expect(readFileSync(join(obb, 'labels', 'a.txt'), 'utf8').split('\n')[1]).toBe('1 0 0 0.5 0 0.5 0.5 0 0.5');
      rmSync(obb, { recursive: true, force: true });
      const twice = [items.split('\n')[0]!, items.split('\n')[0]!.replace('"id":"a"', '"id":"a2"')].join('\n');
      const d2: Diagnostic[] = [];
      await convert({ input: bufferInput(twice), from: 'annoconv', to: 'yolo', output: dir, onDiagnostic: (d) => d2.push(d) });
      expect(d2.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['YOLO_NAME_TAKEN']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Writes annoconv lines (items, and a dataset header when `categories` is given) as YOLO into a fresh folder. */
async function writeYolo(items: object[], categories?: object[], format: Record<string, unknown> = {}): Promise<{ files: Record<string, string>; diags: Diagnostic[]; losses: [string, number][] }> {
  const dir = mkdtempSync(join(tmpdir(), 'annoconv-yolo-'));
  try {
    const head = categories ? [JSON.stringify({ annoconv: 'dataset', version: 1, categories })] : [];
    const text = [...head, ...items.map((i) => JSON.stringify({ kind: 'image', width: 100, height: 50, metadata: {}, annotations: [], ...i }))].join('\n');
    const diags: Diagnostic[] = [];
    const r = await convert({ input: bufferInput(text), from: 'annoconv', to: 'yolo', output: dir, options: { format }, onDiagnostic: (d) => diags.push(d) });
    const files: Record<string, string> = {};
    const walkDir = (rel: string): void => {
      for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.name.startsWith('.')) continue;
        if (e.isDirectory()) walkDir(p);
        else files[p] = readFileSync(join(dir, p), 'utf8');
      }
    };
    walkDir('');
    return { files, diags, losses: r.losses.map((l) => [l.what, l.count]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const box = (label: string, extra: object = {}): object => ({ kind: 'box', x: 10, y: 10, w: 20, h: 10, label, ...extra });

describe('yolo layout', () => {
  const place = (i: Partial<Item>): ReturnType<typeof labelPlace> => labelPlace({ id: 'x', kind: 'image', metadata: {}, annotations: [], ...i });
  it('labels/ mirrors images/ (Ultralytics img2label_paths), splits from images/<split>/ and <split>/images/, URLs by their last segment', () => {
    expect(place({ path: 'images/train/a.jpg' })).toEqual({ rel: 'labels/train/a.txt', split: { dir: 'train', key: 'train' } });
    expect(place({ path: '/data/set/images/valid/sub/a.b.png' })).toEqual({ rel: 'labels/valid/sub/a.b.txt', split: { dir: 'valid', key: 'val' } });
    expect(place({ path: 'train/images/a.jpg' })).toEqual({ rel: 'labels/train/a.txt', split: { dir: 'train', key: 'train' } });
    expect(place({ path: 'images/cats/a.jpg' })).toEqual({ rel: 'labels/cats/a.txt' });
    expect(place({ path: 'images/a.jpg' })).toEqual({ rel: 'labels/a.txt' });
    expect(place({ path: 'photos/2021/a.jpg' })).toEqual({ rel: 'labels/a.txt' });
    expect(place({ path: 'C:\\data\\images\\test\\a.jpg' })).toEqual({ rel: 'labels/test/a.txt', split: { dir: 'test', key: 'test' } });
    expect(place({ url: 'https://host.example/bucket/images/train/a%20b.jpg?sig=1' })).toEqual({ rel: 'labels/a b.txt' });
    expect(place({ url: '/data/upload/3/5f1e-a.jpg' })).toEqual({ rel: 'labels/5f1e-a.txt' });
    expect(place({ url: '/data/local-files/?d=images/val/x.png' })).toEqual({ rel: 'labels/val/x.txt', split: { dir: 'val', key: 'val' } });
    expect(place({ id: 's3://bucket/a/b/c.jpeg' })).toEqual({ rel: 'labels/c.txt' });
    expect(place({ id: 'images' })).toEqual({ rel: 'labels/images.txt' });
  });

  it('names stay below labels/: ../classes.jpg is labels/classes.txt and classes.txt keeps the class names', async () => {
    expect(place({ path: '../classes.jpg' })).toEqual({ rel: 'labels/classes.txt' });
    expect(place({ path: 'images/../../x/../data.jpg' })).toEqual({ rel: 'labels/data.txt' });
    const { files, diags } = await writeYolo([{ id: '1', path: '../classes.jpg', annotations: [box('cat')] }, { id: '2', path: '../../labels/x.jpg', annotations: [box('dog')] }]);
    expect(diags).toEqual([]);
    expect(files['classes.txt']).toBe('cat\ndog\n');
    expect(files['labels/classes.txt']).toBe('0 0.2 0.3 0.2 0.2\n');
    expect(files['labels/x.txt']).toBe('1 0.2 0.3 0.2 0.2\n');
    expect(Object.keys(files).sort()).toEqual(['classes.txt', 'data.yaml', 'labels/classes.txt', 'labels/x.txt']);
  });

  it('data.yaml: path "" (the folder of data.yaml), train/val from the split folders, names as a list', async () => {
    const { files } = await writeYolo([{ id: '1', path: 'images/train/a.jpg', annotations: [box('cat')] }, { id: '2', path: 'images/val/b.jpg', annotations: [box('dog')] }, { id: '3', path: 'images/valid/c.jpg' }]);
    const y = parseYaml(files['data.yaml']!) as Record<string, unknown>;
    expect(y).toEqual({ path: '', train: 'images/train', val: ['images/val', 'images/valid'], names: ['cat', 'dog'] });
    expect(files['labels/valid/c.txt']).toBe('');
  });
});

describe('yolo class ids are kept', () => {
  it('YOLO -> YOLO: datumaro strict keeps its 10 classes and ids 2 and 4 (it became 2 classes, renumbered 0 and 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-yolo-'));
    try {
      const r = await convert({ input: Y + 'datumaro/yolo_dataset/strict', from: 'yolo', to: 'yolo', output: dir });
      expect(r.exitCode).toBe(0);
      expect(readFileSync(join(dir, 'classes.txt'), 'utf8')).toBe(Array.from({ length: 10 }, (_, i) => `label_${i}\n`).join(''));
      expect(readFileSync(join(dir, 'labels', '1.txt'), 'utf8')).toBe('2 0.133333 0.3 0.266667 0.2\n4 0.266667 0.45 0.133333 0.3\n');
      expect((parseYaml(readFileSync(join(dir, 'data.yaml'), 'utf8')) as { names: string[] }).names).toHaveLength(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('COCO ids 1..n become 0..n-1, said once (YOLO_CLASS_MAP); the roboflow triple: [2, 1, 3, 1] on 10 x 5 is "0 0.35 0.3 0.3 0.2"', async () => {
    const cats = [{ id: 1, name: 'label_0' }, { id: 2, name: 'label_1' }];
    const { files, diags } = await writeYolo([
      { id: 't1', path: 'train_001.jpg', width: 10, height: 5, annotations: [{ kind: 'box', x: 2, y: 1, w: 3, h: 1, label: 'label_0', categoryId: 1 }] },
      { id: 'v1', path: 'val_001.jpg', width: 10, height: 5, annotations: [{ kind: 'box', x: 0, y: 0, w: 1, h: 2, label: 'label_0', categoryId: 1 }, { kind: 'box', x: 0, y: 0, w: 9, h: 1, label: 'label_1', categoryId: 2 }] },
    ], cats);
    expect(diags.map((d) => [d.code, d.message])).toEqual([['YOLO_CLASS_MAP', expect.stringContaining('1..2 -> class ids 0..1')]]);
    expect(files['labels/train_001.txt']).toBe('0 0.35 0.3 0.3 0.2\n');
    expect(files['labels/val_001.txt']).toBe('0 0.05 0.2 0.1 0.4\n1 0.45 0.1 0.9 0.2\n');
    expect(files['classes.txt']).toBe('label_0\nlabel_1\n');
  });

  it('COCO ids with gaps (1, 2, 4) go in their order, unused classes included; ids from 0 with a gap keep their numbers, the gap named class_1 (YOLO_CLASS_UNNAMED) and data.yaml names a map', async () => {
    const coco = await writeYolo([{ id: '1', path: 'a.jpg', annotations: [box('c', { categoryId: 4 })] }], [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 4, name: 'c' }]);
    expect(coco.diags.map((d) => [d.code, d.message])).toEqual([['YOLO_CLASS_MAP', expect.stringContaining('1 -> 0, 2 -> 1, 4 -> 2')]]);
    expect([coco.files['classes.txt'], coco.files['labels/a.txt']]).toEqual(['a\nb\nc\n', '2 0.2 0.3 0.2 0.2\n']);
    const gaps = await writeYolo([{ id: '1', path: 'a.jpg', annotations: [box('c', { categoryId: 2 }), box('new', { y: 20 })] }], [{ id: 0, name: 'a' }, { id: 2, name: 'c' }]);
    expect(gaps.diags.map((d) => d.code)).toEqual(['YOLO_CLASS_UNNAMED']);
    expect(gaps.files['classes.txt']).toBe('a\nclass_1\nc\nnew\n');
    expect(gaps.files['labels/a.txt']).toBe('2 0.2 0.3 0.2 0.2\n3 0.2 0.5 0.2 0.2\n');
    expect((parseYaml(gaps.files['data.yaml']!) as { names: unknown }).names).toEqual({ 0: 'a', 1: 'class_1', 2: 'c', 3: 'new' });
  });

  it('the label wins over its categoryId (a label edited with jq), warned once a pair; two categories of one name stay apart', async () => {
    const cats = [{ id: 0, name: 'cat' }, { id: 1, name: 'dog' }, { id: 2, name: 'dog' }];
    const { files, diags } = await writeYolo([{ id: '1', path: 'a.jpg', annotations: [box('dog', { categoryId: 0 }), box('dog', { categoryId: 0, y: 20 }), box('dog', { categoryId: 2, y: 30 }), box('bird', { categoryId: 1, y: 0 })] }], cats);
    expect(diags.map((d) => [d.code, d.line])).toEqual([['MODEL_CATEGORY_NAME_REPEATED', undefined], ['MODEL_LABEL_CATEGORY_MISMATCH', 2], ['MODEL_LABEL_CATEGORY_MISMATCH', 2]]);
    expect(diags[1]!.message).toContain('written as class 1 "dog"');
    expect(files['labels/a.txt']).toBe('1 0.2 0.3 0.2 0.2\n1 0.2 0.5 0.2 0.2\n2 0.2 0.7 0.2 0.2\n3 0.2 0.1 0.2 0.2\n');
    expect(files['classes.txt']).toBe('cat\ndog\ndog\nbird\n');
  });
});

describe('yolo lines the readers take whole', () => {
  it('a box that rounds to no width is left out, one past the edge clipped, a repeated line written once: each counted', async () => {
    const { files, losses } = await writeYolo([{ id: '1', path: 'a.jpg', width: 1e7, height: 50, annotations: [
      { kind: 'box', x: 10, y: 10, w: 4, h: 10, label: 'a' },
      { kind: 'box', x: -5e6, y: 40, w: 6e6, h: 20, label: 'a' },
      { kind: 'box', x: 2e7, y: 0, w: 10, h: 10, label: 'a' },
      { kind: 'box', x: 0, y: 0, w: 1e6, h: 10, label: 'a' },
      { kind: 'box', x: 0, y: 0, w: 1e6, h: 10, label: 'a' },
    ] }]);
    expect(files['labels/a.txt']).toBe('0 0.05 0.9 0.1 0.2\n0 0.05 0.1 0.1 0.2\n');
    expect(losses).toEqual([['boxes with no width or height', 2], ['annotation clipped to its image', 1], ['repeated label line', 1]]);
  });

  it('a class name with a line break would shift the ids after it: written with a space, counted', async () => {
    const { files, losses } = await writeYolo([{ id: '1', path: 'a.jpg', annotations: [box('two\nlines'), box('b', { y: 30 })] }]);
    expect(files['classes.txt']).toBe('two lines\nb\n');
    expect(losses).toEqual([['class name with a line break', 1]]);
  });
});
