/**
 * merge: two COCO files whose category ids clash (and that share an image) give one COCO whose
 * boxes per label are the sum of the inputs', checked by plain JSON reading: ids unique, every
 * reference resolves. --on-duplicate rename and error; Label Studio annotators kept apart.
 */
import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, jsonDiagnostics, rng } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function coco(name: string, seed: number, categories: { id: number; name: string }[], files: string[]): { file: string; doc: any } {
  const r = rng(seed);
  const doc: any = { images: [], annotations: [], categories };
  let aid = 1;
  files.forEach((f, i) => {
    doc.images.push({ id: i + 1, file_name: f, width: 64, height: 48 });
    for (let k = 0; k < 1 + Math.floor(r() * 3); k++)
      doc.annotations.push({ id: aid++, image_id: i + 1, category_id: categories[Math.floor(r() * categories.length)]!.id, bbox: [1 + k, 2, 5 + Math.floor(r() * 9), 4], area: 20, iscrowd: 0, segmentation: [] });
  });
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return { file, doc };
}

/** Boxes per label name, as [x, y, w, h] strings per file name. */
function boxesByLabel(doc: any): Record<string, string[]> {
  const names = new Map(doc.categories.map((c: any) => [c.id, c.name]));
  const files = new Map(doc.images.map((im: any) => [im.id, im.file_name]));
  const out: Record<string, string[]> = {};
  for (const a of doc.annotations) (out[names.get(a.category_id) as string] ??= []).push(`${files.get(a.image_id)} ${a.bbox.join(',')}`);
  for (const k in out) out[k]!.sort();
  return out;
}

describe('merge', () => {
  const a = coco('a.json', 1, [{ id: 1, name: 'car' }, { id: 2, name: 'dog' }], ['x.jpg', 'y.jpg', 'shared.jpg']);
  const b = coco('b.json', 2, [{ id: 1, name: 'dog' }, { id: 2, name: 'cat' }], ['z.jpg', 'shared.jpg']);

  it('two COCO files with clashing category ids: one valid COCO, boxes per label summed', async () => {
    const out = join(dir, 'ab.json');
    const r = await cli(['merge', a.file, b.file, '--to', 'coco', '-o', out, '--diagnostics', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(readFileSync(out, 'utf8'));
    // valid: unique ids, every reference resolves, one category a name
    const imageIds = got.images.map((im: any) => im.id);
    expect(new Set(imageIds).size).toBe(imageIds.length);
    expect(new Set(got.annotations.map((x: any) => x.id)).size).toBe(got.annotations.length);
    const catIds = new Set(got.categories.map((c: any) => c.id));
    expect(catIds.size).toBe(got.categories.length);
    expect(new Set(got.categories.map((c: any) => c.name)).size).toBe(got.categories.length);
    for (const x of got.annotations) expect(catIds.has(x.category_id) && imageIds.includes(x.image_id)).toBe(true);
    // the shared image is one image holding both inputs' boxes
    expect(got.images.map((im: any) => im.file_name).sort()).toEqual(['shared.jpg', 'x.jpg', 'y.jpg', 'z.jpg']);
    const want: Record<string, string[]> = {};
    for (const d of [a.doc, b.doc]) for (const [k, v] of Object.entries(boxesByLabel(d))) (want[k] ??= []).push(...v);
    for (const k in want) want[k]!.sort();
    expect(boxesByLabel(got)).toEqual(want);
    const renumbered = jsonDiagnostics(r.stderr).filter((d) => d.code === 'MERGE_CATEGORY_RENUMBERED').map((d) => d.message);
    expect(renumbered).toEqual([`category "dog" of ${b.file} (id 1) is category 2 in the output`, `category "cat" of ${b.file} (id 2) is category 3 in the output`]);
  });

  it('--on-duplicate rename keeps both copies; error refuses the later one', async () => {
    const rename = await cli(['merge', a.file, b.file, '--to', 'coco', '--on-duplicate', 'rename']);
    expect(rename.code).toBe(0);
    expect(JSON.parse(rename.stdout).images.filter((im: any) => im.file_name === 'shared.jpg').length).toBe(2);
    const err = await cli(['merge', a.file, b.file, '--to', 'coco', '--on-duplicate', 'error', '--diagnostics', 'json']);
    expect(err.code).toBe(1);
    expect(jsonDiagnostics(err.stderr).filter((d) => d.code === 'MERGE_DUPLICATE_ITEM').length).toBe(1);
    expect(JSON.parse(err.stdout).images.length).toBe(4);
  });

  it("two Label Studio exports of one task: each annotator's set stays apart", async () => {
    const task = (who: string, x: number) => [{ id: 1, data: { image: 'https://x/1.jpg' }, annotations: [{ id: 1, completed_by: { email: who }, result: [{ id: 'r1', from_name: 'l', to_name: 'image', type: 'rectanglelabels', original_width: 100, original_height: 100, value: { x, y: 1, width: 5, height: 5, rotation: 0, rectanglelabels: ['car'] } }] }] }];
    writeFileSync(join(dir, 'ls1.json'), JSON.stringify(task('ann@x', 1)));
    writeFileSync(join(dir, 'ls2.json'), JSON.stringify(task('bob@x', 50)));
    const r = await cli(['merge', join(dir, 'ls1.json'), join(dir, 'ls2.json'), '--to', 'labelstudio']);
    expect(r.code, r.stderr).toBe(0);
    const tasks = JSON.parse(r.stdout);
    expect(tasks.length).toBe(1);
    expect(tasks[0].annotations.map((s: any) => s.result.map((x: any) => x.value.x))).toEqual([[1], [50]]);
  });

  it('needs two inputs, files only', async () => {
    expect((await cli(['merge', a.file, '--to', 'coco'])).code).toBe(2);
    expect((await cli(['merge', a.file, '-', '--to', 'coco'])).code).toBe(2);
  });
});
