/**
 * diff: a dataset against itself is equal (exit 0); one box moved by 10 px is reported as exactly
 * that box, moved, with the IoU computed here from the two boxes; relabelled, added, removed and
 * items on one side only; polygons compared through the rasterizer.
 */
import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS, cli, rng } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dataset(): any {
  const r = rng(8);
  const doc: any = { images: [], annotations: [], categories: [{ id: 1, name: 'car' }, { id: 2, name: 'dog' }] };
  let id = 1;
  for (let i = 1; i <= 30; i++) {
    doc.images.push({ id: i, file_name: `${i}.jpg`, width: 200, height: 100 });
    for (let k = 0; k < 3; k++) doc.annotations.push({ id: id++, image_id: i, category_id: 1 + (k % 2), bbox: [10 + 50 * k + Math.floor(r() * 5), 20, 30 + Math.floor(r() * 10), 40], area: 1, iscrowd: 0, segmentation: [] });
  }
  return doc;
}
const write = (name: string, doc: any): string => {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(doc));
  return f;
};
const iou = (a: number[], b: number[]): number => {
  const iw = Math.max(0, Math.min(a[0]! + a[2]!, b[0]! + b[2]!) - Math.max(a[0]!, b[0]!));
  const ih = Math.max(0, Math.min(a[1]! + a[3]!, b[1]! + b[3]!) - Math.max(a[1]!, b[1]!));
  return (iw * ih) / (a[2]! * a[3]! + b[2]! * b[3]! - iw * ih);
};

describe('diff', () => {
  it('a dataset against itself: equal, exit 0 (a corpus COCO file too)', async () => {
    const f = write('a.json', dataset());
    const r = await cli(['diff', f, f, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect({ equal: rep.equal, items: rep.items, a: rep.onlyInA, b: rep.onlyInB, common: rep.common }).toEqual({ equal: true, items: [], a: [], b: [], common: 30 });
    const corpus = join(CORPUS, 'coco/datumaro/coco_dataset/coco_instances/annotations/instances_train.json');
    expect((await cli(['diff', corpus, corpus])).code).toBe(0);
  });

  it('one box moved by 10 px: exactly that box, moved, with its IoU', async () => {
    const doc = dataset();
    const f = write('a.json', doc);
    const moved = structuredClone(doc);
    const box = moved.annotations[40];
    const before = [...box.bbox];
    box.bbox[0] += 10;
    const g = write('moved.json', moved);
    const r = await cli(['diff', f, g, '--json']);
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.stdout);
    const image = doc.images.find((im: any) => im.id === box.image_id).file_name;
    expect(rep.items).toEqual([{ key: image, changes: [{ change: 'moved', kind: 'box', label: box.category_id === 1 ? 'car' : 'dog', iou: Math.round(iou(before, box.bbox) * 1e6) / 1e6, id: String(box.id) }] }]);
    expect(Object.values(rep.totals).reduce((s: number, t: any) => s + t.moved, 0)).toBe(1);
  });

  it('relabelled, added, removed, and items on one side only', async () => {
    const doc = dataset();
    const f = write('a.json', doc);
    const b = structuredClone(doc);
    b.annotations[0].category_id = 2; // was car: relabelled
    b.annotations.splice(5, 1); // removed
    b.annotations.push({ id: 999, image_id: 3, category_id: 1, bbox: [150, 60, 10, 10], area: 1, iscrowd: 0, segmentation: [] }); // added
    b.images = b.images.filter((im: any) => im.id !== 30);
    b.annotations = b.annotations.filter((a: any) => a.image_id !== 30);
    b.images.push({ id: 31, file_name: 'new.jpg', width: 10, height: 10 });
    const r = await cli(['diff', f, write('b.json', b), '--json']);
    const rep = JSON.parse(r.stdout);
    expect(rep.onlyInA).toEqual(['30.jpg']);
    expect(rep.onlyInB).toEqual(['new.jpg']);
    const flat = rep.items.flatMap((it: any) => it.changes.map((c: any) => `${it.key} ${c.change} ${c.label}${c.to ? '>' + c.to : ''}`)).sort();
    expect(flat).toEqual(['1.jpg relabelled car>dog', `2.jpg removed ${doc.annotations[5].category_id === 1 ? 'car' : 'dog'}`, '3.jpg added car'].sort());
  });

  it('polygons are compared by their pixels', async () => {
    const mk = (dx: number) => ({ images: [{ id: 1, file_name: 'p.jpg', width: 50, height: 50 }], categories: [{ id: 1, name: 'leaf' }], annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: [[10 + dx, 10, 30 + dx, 10, 30 + dx, 30, 10 + dx, 30]], bbox: [10 + dx, 10, 20, 20], area: 400, iscrowd: 0 }] });
    const r = await cli(['diff', write('p1.json', mk(0)), write('p2.json', mk(5)), '--json']);
    const c = JSON.parse(r.stdout).items[0].changes[0];
    expect({ change: c.change, iou: c.iou }).toEqual({ change: 'moved', iou: Math.round((15 * 20) / (400 + 400 - 15 * 20) * 1e6) / 1e6 });
  });
});
