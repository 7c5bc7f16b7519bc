/** YOLO: the datumaro and Label Studio SDK expectations, VOC -> YOLO by the offset policy, writing and refusals. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { parseDataYaml } from '../src/formats/yolo/classes.js';
import { CORPUS } from './helpers/run.js';

async function model(input: string, from?: string, format: Record<string, unknown> = {}): Promise<{ items: { id: string; width: number; height: number; annotations: Record<string, unknown>[] }[]; diags: Diagnostic[] }> {
  const sink = new MemorySink();
  const diags: Diagnostic[] = [];
  await convert({ input, ...(from ? { from } : {}), to: 'annoconv', output: sink, options: { format }, onDiagnostic: (d) => diags.push(d) });
  return { items: sink.text().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as never), diags };
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
      expect(items[0]!.annotations[0]).toEqual({ kind: 'box', x: 5, y: 2.5, w: 10, h: 5, label: 'cat' });
      expect(items[0]!.annotations[2]).toEqual({ kind: 'polygon', rings: [[2, 1, 4, 1, 6, 2]], label: 'dog' });
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

  it('data.yaml names as a list, a block list or a map; kpt_shape', () => {
    expect(parseDataYaml("path: x\nnames: ['a b', c]\n")).toEqual({ names: ['a b', 'c'] });
    expect(parseDataYaml('names:\n  - a\n  - b # note\n')).toEqual({ names: ['a', 'b'] });
    expect(parseDataYaml('names:\n  1: b\n  0: a\nkpt_shape: [17, 3]\n')).toEqual({ names: ['a', 'b'], kpt: [17, 3] });
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
