/**
 * `annoconv stats --json` against counts taken from the files themselves by plain JSON reading
 * (not through annoconv's readers): every corpus COCO and Label Studio file annoconv reads.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, cli, walk } from '../helpers/run.js';

const json = (f: string): any => {
  try {
    return JSON.parse(readFileSync(f, 'utf8'));
  } catch {
    return undefined;
  }
};

interface Expected {
  items: number;
  unlabelled: number;
  itemsWithoutAnnotations: number;
  labels: Record<string, { objects: number; items: number }>;
}

/** COCO: images are items; each annotation is one object of its category's name. */
function cocoCounts(doc: any): Expected {
  const names = new Map<unknown, string>(doc.categories.map((c: any) => [c.id, c.name]));
  const perImage = new Map<unknown, any[]>(doc.images.map((im: any) => [im.id, []]));
  for (const a of doc.annotations) perImage.get(a.image_id)?.push(a);
  const labels: Expected['labels'] = {};
  let unlabelled = 0;
  for (const anns of perImage.values()) {
    const here = new Set<string>();
    for (const a of anns) {
      const name = names.get(a.category_id);
      if (name === undefined) {
        unlabelled++; // a caption
        continue;
      }
      labels[name] ??= { objects: 0, items: 0 };
      labels[name].objects++;
      here.add(name);
    }
    for (const name of here) labels[name]!.items++;
  }
  return { items: doc.images.length, unlabelled, itemsWithoutAnnotations: [...perImage.values()].filter((a) => a.length === 0).length, labels };
}

const cocoFiles = walk(join(CORPUS, 'coco')).filter((f) => {
  const d = f.endsWith('.json') ? json(f) : undefined;
  return Array.isArray(d?.images) && Array.isArray(d?.annotations) && Array.isArray(d?.categories) && d.annotations.every((a: any) => a.id !== undefined && a.category_id !== undefined) && !d.annotations.some((a: any) => 'segments_info' in a);
});

describe('stats --json equals counts read from the file itself', () => {
  it.each(cocoFiles.map((f) => [f.slice(CORPUS.length), f]))('COCO %s', async (_, file) => {
    const r = await cli(['stats', file, '--json', '--from', 'coco']);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    const want = cocoCounts(json(file));
    expect({ items: got.items, unlabelled: got.unlabelled, itemsWithoutAnnotations: got.itemsWithoutAnnotations }).toEqual({ items: want.items, unlabelled: want.unlabelled, itemsWithoutAnnotations: want.itemsWithoutAnnotations });
    const labels = Object.fromEntries(Object.entries(got.labels as Record<string, any>).map(([k, v]) => [k, { objects: v.objects, items: v.items }]));
    expect(labels).toEqual(want.labels);
  });
});

/**
 * Label Studio (docs/FORMATS.md 4.5): tasks are items; in each annotation and prediction, results
 * sharing an id are one region; a region's labels are the strings of its value's field named after
 * the result type (`rectanglelabels`, `choices`, `labels`, ...; a taxonomy path joined by "/").
 * Result types outside the format's table (chat messages, ...) are not annotations. Shapes in
 * percent have their pixel place from `original_width`/`original_height` of any result of the task
 * on the same image (`to_name`); without any, they count as `unplaced`, not under their labels,
 * and an item holding only those is still annotated.
 */
const LS_TYPES = new Set(['rectanglelabels', 'rectangle', 'polygonlabels', 'polygon', 'keypointlabels', 'keypoint', 'ellipselabels', 'ellipse', 'brushlabels', 'brush', 'choices', 'taxonomy', 'textarea', 'labels', 'hypertextlabels', 'relation']);
const SHAPES = /^(rectangle|polygon|keypoint|ellipse|brush)/;
function labelStudioCounts(tasks: any[]): Expected & { unplaced: number } {
  const labels: Expected['labels'] = {};
  let withoutAnnotations = 0;
  let unplaced = 0;
  for (const task of tasks) {
    const here = new Set<string>();
    let any = false;
    const sets = [...(task.annotations ?? []), ...(task.predictions ?? [])];
    const sized = new Set<string>();
    for (const set of sets) for (const r of set.result ?? []) if (r.original_width > 0 && r.original_height > 0) sized.add(r.to_name);
    sets.forEach((set: any, s: number) => {
      const regions = new Map<string, Set<string>>();
      const away = new Set<string>();
      (set.result ?? []).forEach((r: any, i: number) => {
        if (!LS_TYPES.has(r.type)) return;
        any = true;
        const key = `${s}:${r.id ?? 'result' + i}`;
        if (SHAPES.test(r.type) && !sized.has(r.to_name)) {
          away.add(key);
          return;
        }
        const names = r.value?.[r.type];
        const kept = regions.get(key) ?? new Set<string>();
        if (Array.isArray(names)) for (const n of names) if (typeof n === 'string') kept.add(n); else if (Array.isArray(n)) kept.add(n.join('/'));
        regions.set(key, kept);
      });
      unplaced += away.size;
      for (const [key, names] of regions)
        for (const n of away.has(key) ? [] : names) {
          labels[n] ??= { objects: 0, items: 0 };
          labels[n].objects++;
          here.add(n);
        }
    });
    if (!any) withoutAnnotations++;
    for (const n of here) labels[n]!.items++;
  }
  return { items: tasks.length, unlabelled: 0, unplaced, itemsWithoutAnnotations: withoutAnnotations, labels };
}

const lsFiles = walk(join(CORPUS, 'label-studio')).filter((f) => {
  const d = f.endsWith('.json') ? json(f) : undefined;
  return Array.isArray(d) && d.length > 0 && d.every((t: any) => t && typeof t === 'object' && t.data && (Array.isArray(t.annotations) || Array.isArray(t.predictions)));
});

describe('stats --json on Label Studio exports equals counts read from the file itself', () => {
  it.each(lsFiles.map((f) => [f.slice(CORPUS.length), f]))('%s', async (_, file) => {
    const r = await cli(['stats', file, '--json', '--from', 'labelstudio']);
    const got = JSON.parse(r.stdout);
    const want = labelStudioCounts(json(file));
    const labels = Object.fromEntries(Object.entries(got.labels as Record<string, any>).map(([k, v]) => [k, { objects: v.objects, items: v.items }]));
    expect({ code: r.code, items: got.items, unplaced: got.unplaced, itemsWithoutAnnotations: got.itemsWithoutAnnotations, labels }).toEqual({ code: 0, items: want.items, unplaced: want.unplaced, itemsWithoutAnnotations: want.itemsWithoutAnnotations, labels: want.labels });
  });
});

describe('stats figures on generated items', () => {
  it('quartiles, duplicates, shapes outside the image, scores', async () => {
    const { rng } = await import('../helpers/run.js');
    const r = rng(3);
    const lines: string[] = [];
    const widths: number[] = [];
    let outside = 0, dup = 0;
    for (let i = 0; i < 400; i++) {
      const anns: any[] = [];
      for (let k = 0; k < 3; k++) {
        const x = Math.round(r() * 100), w = 1 + Math.round(r() * 30);
        const box = { kind: 'box', x, y: 5, w, h: 4, label: 'car', score: 0.5 };
        anns.push(box);
        widths.push(w);
        if (x + w > 100) outside++;
        if (k === 2 && r() < 0.2) {
          anns.push({ ...box, score: 0.9 }); // same label and geometry: a duplicate, whatever its score
          widths.push(w);
          if (x + w > 100) outside++;
          dup++;
        }
      }
      lines.push(JSON.stringify({ id: String(i), kind: 'image', width: 100, height: 50, metadata: {}, annotations: anns }));
    }
    const res = await cli(['stats', '-', '--from', 'annoconv', '--json'], { stdin: lines.join('\n') + '\n' });
    const got = JSON.parse(res.stdout);
    const sortedW = [...widths].sort((a, b) => a - b);
    const q = (p: number): number => {
      const pos = (sortedW.length - 1) * p, lo = Math.floor(pos);
      return sortedW[lo]! + (sortedW[Math.min(lo + 1, sortedW.length - 1)]! - sortedW[lo]!) * (pos - lo);
    };
    expect(got.labels.car.width).toEqual({ count: widths.length, min: sortedW[0], q1: q(0.25), median: q(0.5), q3: q(0.75), max: sortedW[sortedW.length - 1] });
    expect({ outside: got.outsideImage, dup: got.duplicates, scored: got.scored }).toEqual({ outside, dup, scored: widths.length });
    expect(dup).toBeGreaterThan(10);
  });

  it('beyond 10,000 values a label keeps a sample: count, min and max stay exact', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) lines.push(JSON.stringify({ id: String(i), kind: 'image', width: 100000, height: 10, metadata: {}, annotations: [{ kind: 'box', x: 0, y: 0, w: 1 + i, h: 1, label: 'a' }] }));
    const got = JSON.parse((await cli(['stats', '-', '--from', 'annoconv', '--json'], { stdin: lines.join('\n') + '\n' })).stdout);
    const w = got.labels.a.width;
    expect({ count: w.count, min: w.min, max: w.max, approximate: w.approximate }).toEqual({ count: 30_000, min: 1, max: 30_000, approximate: true });
    expect(Math.abs(w.median - 15_000)).toBeLessThan(600); // a uniform sample of 10,000: the median within ~2%
  });
});
