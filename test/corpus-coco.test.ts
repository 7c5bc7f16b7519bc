/** The COCO files of ../shared/corpus/coco/ and what their source projects expect of them. */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { convert, validate } from '../src/core/run.js';
import { readItems } from '../src/core/items.js';
import { MemorySink } from '../src/core/io.js';
import type { Dataset, Item } from '../src/model/types.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { rleDecode, columnToRowMajor, rleArea, rleBbox } from '../src/model/geometry.js';
import { CORPUS, walk } from './helpers/run.js';

const ROOT = join(CORPUS, 'coco');

const files = walk(ROOT).filter((p) => p.endsWith('.json'));

async function items(path: string): Promise<{ items: Item[]; dataset?: Dataset }> {
  const out: Item[] = [];
  let dataset: Dataset | undefined;
  for await (const it of readItems(path, { from: 'coco', onDataset: (d) => (dataset = d) })) out.push(it);
  return { items: out, dataset };
}

/** JSON with object keys sorted at every depth. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v !== null && typeof v === 'object') {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical((v as Record<string, unknown>)[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

/** Top-level arrays of records as sorted canonical strings, so that record order does not matter. */
function norm(doc: Record<string, unknown>): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) out[k] = Array.isArray(v) ? v.map(canonical).sort() : canonical(v);
  return out;
}

describe.skipIf(!existsSync(ROOT))('corpus: COCO', () => {
  it('finds the corpus files', () => expect(files.length).toBeGreaterThanOrEqual(30));

  for (const path of files) {
    const rel = relative(ROOT, path);
    it(`${rel}: reads without a crash; coco -> annoconv -> coco gives back the same dataset`, async () => {
      const diags: Diagnostic[] = [];
      const model = new MemorySink();
      const run = convert({ input: path, from: 'coco', to: 'annoconv', output: model, onDiagnostic: (d) => diags.push(d) });
      if (rel.includes('panoptic')) {
        // panoptic annotations (segments_info over PNG maps) are not instances: said once, not read
        await expect(run).rejects.toMatchObject({ diagnostic: { code: 'INPUT_FORMAT_UNSUPPORTED' }, exitCode: 1 });
        expect(diags).toEqual([]);
        return;
      }
      await run;
      expect(diags.filter((d) => d.severity === 'error')).toEqual([]);
      const back = new MemorySink();
      const { MemorySink: _M, bufferInput } = await import('../src/core/io.js');
      void _M;
      await convert({ input: bufferInput(model.text()), from: 'annoconv', to: 'coco', output: back });
      const src = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      const out = JSON.parse(back.text()) as Record<string, unknown>;
      // sources with annotation id 0 are renumbered from 1 (COCOeval reads id 0 as unmatched)
      const anns = src.annotations as { id: number }[] | undefined;
      if (anns?.some((a) => a.id === 0)) anns.forEach((a, i) => (a.id = i + 1));
      expect(norm(out)).toEqual(norm(src));
    });
  }

  it('datumaro instances_val: polygon with attributes, crowd RLE [0,20,30] is the first two columns, ids 1,2,4', async () => {
    const { items: list, dataset } = await items(join(ROOT, 'datumaro/coco_dataset/coco/annotations/instances_val.json'));
    expect(dataset!.categories.map((c) => [c.id, c.name])).toEqual([[1, 'a'], [2, 'b'], [4, 'c']]);
    expect(list).toHaveLength(1);
    const b = list[0]!;
    expect([b.id, b.width, b.height, b.path]).toEqual(['40', 5, 10, 'b.jpg']);
    const [poly, mask] = b.annotations;
    expect(poly).toMatchObject({ kind: 'polygon', rings: [[0, 0, 1, 0, 1, 2, 0, 2]], label: 'a', attributes: { x: 1, y: 'hello' } });
    expect(mask).toMatchObject({ kind: 'mask', label: 'b' });
    if (mask!.kind !== 'mask') throw new Error('mask expected');
    const rows = columnToRowMajor(rleDecode(mask!.rle), 10, 5);
    for (let y = 0; y < 10; y++) expect([...rows.subarray(y * 5, y * 5 + 5)]).toEqual([1, 1, 0, 0, 0]);
    expect(rleArea(mask!.rle)).toBe(20);
    expect(rleBbox(mask!.rle)).toEqual({ x: 0, y: 0, w: 2, h: 10 });
  });

  it('datumaro instances_train: item a (image id 5, 10x5) has Bbox(2, 2, 3, 1) label b', async () => {
    const { items: list } = await items(join(ROOT, 'datumaro/coco_dataset/coco/annotations/instances_train.json'));
    expect(list.map((i) => [i.id, i.width, i.height])).toEqual([['5', 10, 5]]);
    expect(list[0]!.annotations).toMatchObject([{ kind: 'box', x: 2, y: 2, w: 3, h: 1, label: 'b' }]);
  });

  it('kaggle relaxed COCO (the roboflow train boxes): train_001 [2,1,3,1] label_0, train_002 [0,0,2,4] label_1; ids from 0 warned', async () => {
    const diags: Diagnostic[] = [];
    const list: Item[] = [];
    for await (const it of readItems(join(ROOT, 'datumaro/kaggle_dataset/relaxed_coco/annotations.json'), { from: 'coco', onDiagnostic: (d) => diags.push(d) })) list.push(it);
    const boxes = list.map((i) => [i.path, ...i.annotations.map((a) => (a.kind === 'box' ? [a.x, a.y, a.w, a.h, a.label] : a.kind))]);
    expect(boxes).toEqual([['train_001.jpg', [2, 1, 3, 1, 'label_0']], ['train_002.jpg', [0, 0, 2, 4, 'label_1']]]);
    expect(diags.map((d) => d.code)).toContain('COCO_ANNOTATION_ID_ZERO');
  });

  it('the Label Studio SDK input: image id 0, iscrowd "false" kept and warned, one item per image, Class_1 and Class_2', async () => {
    const path = join(ROOT, 'label-studio-sdk/data/test_import_coco/coco_import_input.json');
    const diags: Diagnostic[] = [];
    const r = await validate({ input: path, from: 'coco', onDiagnostic: (d) => diags.push(d) });
    expect(r.exitCode).toBe(0);
    expect(diags.filter((d) => d.code === 'COCO_ISCROWD_TYPE').length).toBeGreaterThan(0);
    const { items: list, dataset } = await items(path);
    expect(list).toHaveLength(2);
    expect(list.map((i) => i.id)).toContain('0');
    expect(dataset!.categories.map((c) => c.name)).toEqual(['Class_1', 'Class_2']);
    expect(list.flatMap((i) => i.annotations).every((a) => a.extras?.coco?.iscrowd === 'false')).toBe(true);
  });

  it('datumaro keypoints: visibility kept, skeleton kept as written', async () => {
    const { items: list, dataset } = await items(join(ROOT, 'datumaro/coco_dataset/coco/annotations/person_keypoints_train.json'));
    const kp = list.flatMap((i) => i.annotations).find((a) => a.kind === 'keypoints');
    expect(kp).toMatchObject({ kind: 'keypoints', points: [[0, 0, 0], [0, 2, 1], [4, 1, 2]] });
    expect(dataset!.categories[0]!.skeleton).toBeDefined();
  });
});
