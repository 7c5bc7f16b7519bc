/**
 * Crowd regions on their way to targets without them (core/crowd.ts), COCO ids beyond 2^53
 * (COCO_ID_RANGE), and image sizes of mask results read without --gt.
 */
import { describe, expect, it } from 'vitest';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import type { Options } from '../src/core/options.js';

async function run(text: string, from: string, to: string, options: Partial<Options> = {}): Promise<{ out: string; diags: Diagnostic[]; exitCode: number; rejected: number }> {
  const sink = new MemorySink();
  const diags: Diagnostic[] = [];
  const r = await convert({ input: bufferInput(text, 'in.json'), from, to, output: sink, options, onDiagnostic: (d) => diags.push(d) });
  return { out: sink.text(), diags, exitCode: r.exitCode, rejected: r.rejected };
}

/** A model line: one 10 x 10 image, a box, and a crowd box with keypoints sharing its id. */
const ITEM = JSON.stringify({
  id: '1', kind: 'image', path: 'a.png', width: 10, height: 10, metadata: {},
  annotations: [
    { kind: 'box', x: 1, y: 1, w: 2, h: 2, label: 'car' },
    { kind: 'box', x: 0, y: 0, w: 10, h: 5, label: 'person', id: '9', crowd: true },
    { kind: 'keypoints', points: [[1, 1, 2]], label: 'person', id: '9', crowd: true },
  ],
}) + '\n';

describe('crowd regions to targets without them', () => {
  it('csv: the crowd region (a box and its keypoints) is left out and counted once as "crowd region"', async () => {
    const r = await run(ITEM, 'annoconv', 'csv');
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain('car');
    expect(r.out).not.toContain('person');
    const loss = r.diags.filter((d) => d.code === 'LOSS_DROPPED' && d.message.includes('crowd'));
    expect(loss.map((d) => d.message)).toEqual([expect.stringMatching(/^dropped 1 crowd region: csv has no crowd regions/)]);
  });

  it('csv with keepCrowd (--keep-crowd): the crowd box is written as an ordinary one, nothing counted', async () => {
    const r = await run(ITEM, 'annoconv', 'csv', { keepCrowd: true });
    expect(r.out).toContain('person');
    expect(r.diags.some((d) => d.message.includes('crowd'))).toBe(false);
  });

  it('--strict: a crowd region that would be left out refuses its item (LOSS_DROPPED error, exit 1)', async () => {
    const r = await run(ITEM, 'annoconv', 'csv', { strict: true });
    expect(r.exitCode).toBe(1);
    expect(r.rejected).toBe(1);
    expect(r.diags.find((d) => d.code === 'LOSS_DROPPED')?.severity).toBe('error');
  });

  it('targets that hold crowd regions get them: annoconv keeps crowd: true, coco writes iscrowd 1 on the region', async () => {
    const model = await run(ITEM, 'annoconv', 'annoconv', { workers: 2 });
    expect(model.out.match(/"crowd":true/g)).toHaveLength(2);
    const coco = JSON.parse((await run(ITEM, 'annoconv', 'coco')).out) as { annotations: { id: number; iscrowd: number; keypoints?: number[] }[] };
    // one COCO object for the crowd box and its keypoints (ids renumbered: the first box had none)
    expect(coco.annotations.map((a) => [a.iscrowd, a.keypoints !== undefined])).toEqual([[0, false], [1, true]]);
  });

  it('an iscrowd other than 0 or 1 is no crowd region: kept as it was (COCO_ISCROWD_TYPE)', async () => {
    const doc = { images: [{ id: 1, width: 4, height: 4, file_name: 'a.png' }], annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], iscrowd: 2 }], categories: [{ id: 1, name: 'x' }], info: {} };
    const r = await run(JSON.stringify(doc), 'coco', 'coco');
    expect(r.diags.map((d) => d.code)).toContain('COCO_ISCROWD_TYPE');
    expect((JSON.parse(r.out) as { annotations: { iscrowd: unknown }[] }).annotations[0]!.iscrowd).toBe(2);
  });
});

describe('COCO ids beyond 2^53 - 1 (COCO_ID_RANGE)', () => {
  // JSON.parse reads both as 9007199254740992: trusted, they would be one image
  const doc = `{"info": {}, "images": [
    {"id": 9007199254740993, "width": 4, "height": 4, "file_name": "a.png"},
    {"id": 9007199254740992, "width": 4, "height": 4, "file_name": "b.png"},
    {"id": 3, "width": 4, "height": 4, "file_name": "c.png"}],
  "annotations": [
    {"id": 1, "image_id": 9007199254740993, "category_id": 1, "bbox": [0, 0, 1, 1]},
    {"id": 18014398509481985, "image_id": 3, "category_id": 1, "bbox": [0, 0, 1, 1]},
    {"id": 18014398509481984, "image_id": 3, "category_id": 1, "bbox": [0, 0, 2, 2]},
    {"id": 4, "image_id": 3, "category_id": 9007199254740993, "bbox": [0, 0, 1, 1]},
    {"id": 5, "image_id": 3, "category_id": 1, "bbox": [1, 1, 1, 1]}],
  "categories": [{"id": 1, "name": "x"}, {"id": 9007199254740993, "name": "y"}]}`;

  it('both images are refused, each at its own pointer; so are the annotations and the category that use such ids', async () => {
    const r = await run(doc, 'coco', 'annoconv');
    const range = r.diags.filter((d) => d.code === 'COCO_ID_RANGE').map((d) => d.pointer).sort();
    expect(range).toEqual(['#/annotations/0/image_id', '#/annotations/1/id', '#/annotations/2/id', '#/annotations/3/category_id', '#/categories/1/id', '#/images/0/id', '#/images/1/id']);
    // no record is called a duplicate of another: their digits differ
    expect(r.diags.filter((d) => d.code === 'COCO_DUPLICATE_ID')).toEqual([]);
    const items = r.out.trim().split('\n').map((l) => JSON.parse(l) as { id?: string; annotations?: { id: string }[] }).filter((o) => o.id !== undefined);
    expect(items.map((i) => [i.id, i.annotations!.map((a) => a.id)])).toEqual([['3', ['5']]]);
    expect(r.exitCode).toBe(1);
  });

  it('a detection whose image_id is beyond 2^53 - 1 is refused at its pointer', async () => {
    const r = await run('[{"image_id": 9007199254740993, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}]', 'coco-results', 'annoconv');
    expect(r.diags.filter((d) => d.code === 'COCO_ID_RANGE').map((d) => d.pointer)).toEqual(['#/0/image_id']);
  });

  it('the COCO writer does not round model ids this large onto each other: the images are renumbered, and say so', async () => {
    const line = (id: string): string => JSON.stringify({ id, kind: 'image', path: `${id}.png`, width: 4, height: 4, metadata: {}, annotations: [] });
    const r = await run(line('9007199254740993') + '\n' + line('9007199254740992') + '\n', 'annoconv', 'coco');
    const out = JSON.parse(r.out) as { images: { id: number; file_name: string }[] };
    expect(out.images.map((i) => [i.id, i.file_name])).toEqual([[1, '9007199254740993.png'], [2, '9007199254740992.png']]);
    expect(r.diags.find((d) => d.code === 'COCO_IDS_RENUMBERED')?.message).toMatch(/9007199254740993 is beyond 2\^53 - 1/);
  });
});

describe('mask results without --gt', () => {
  it('the image takes the RLE size; a later mask of another size on the same image is refused (COCO_RLE_SIZE)', async () => {
    const results = [
      { image_id: 7, category_id: 1, segmentation: { size: [10, 5], counts: [0, 20, 30] }, score: 0.9 },
      { image_id: 7, category_id: 1, segmentation: { size: [4, 4], counts: [16] }, score: 0.8 },
    ];
    const r = await run(JSON.stringify(results), 'coco-results', 'coco');
    expect(r.diags.filter((d) => d.severity === 'error').map((d) => [d.code, d.pointer])).toEqual([['COCO_RLE_SIZE', '#/1/segmentation/size']]);
    const out = JSON.parse(r.out) as { images: { id: number; width: number; height: number }[]; annotations: { iscrowd: number }[] };
    expect(out.images).toEqual([expect.objectContaining({ id: 7, width: 5, height: 10 })]);
    expect(out.annotations.map((a) => a.iscrowd)).toEqual([0]);
  });
});
