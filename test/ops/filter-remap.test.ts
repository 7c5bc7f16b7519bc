/**
 * filter and remap, read back by plain JSON (COCO) or line by line (the annoconv line format), with
 * the expected result computed here from the generated input.
 */
import { describe, expect, it, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, jsonDiagnostics, rng } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A COCO file: 50 images, categories car 1, truck 2, person 3, random boxes. */
function coco(): { file: string; doc: any } {
  const r = rng(5);
  const doc: any = { images: [], annotations: [], categories: [{ id: 1, name: 'car' }, { id: 2, name: 'truck' }, { id: 3, name: 'person' }] };
  let aid = 1;
  for (let i = 1; i <= 50; i++) {
    doc.images.push({ id: i, file_name: `${i}.jpg`, width: 100, height: 80 });
    const n = Math.floor(r() * 4);
    for (let k = 0; k < n; k++) {
      const w = 1 + Math.floor(r() * 40), h = 1 + Math.floor(r() * 40);
      doc.annotations.push({ id: aid++, image_id: i, category_id: 1 + Math.floor(r() * 3), bbox: [5, 5, w, h], area: w * h, iscrowd: 0, segmentation: [] });
    }
  }
  const file = join(dir, 'in.json');
  writeFileSync(file, JSON.stringify(doc));
  return { file, doc };
}

const perName = (doc: any): Record<string, number> => {
  const names = new Map(doc.categories.map((c: any) => [c.id, c.name]));
  const out: Record<string, number> = {};
  for (const a of doc.annotations) out[names.get(a.category_id) as string] = (out[names.get(a.category_id) as string] ?? 0) + 1;
  return out;
};

describe('remap', () => {
  it('merges car and truck into vehicle: the first category keeps its id, boxes per label add up', async () => {
    const { file, doc } = coco();
    const map = join(dir, 'map.csv');
    writeFileSync(map, 'from,to\ncar,vehicle\ntruck,vehicle\n');
    const out = join(dir, 'remapped.json');
    const r = await cli(['remap', file, '--labels', map, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(readFileSync(out, 'utf8'));
    expect(got.categories.map((c: any) => [c.id, c.name])).toEqual([[1, 'vehicle'], [3, 'person']]);
    const before = perName(doc);
    expect(perName(got)).toEqual({ vehicle: before.car! + before.truck!, person: before.person });
    expect(r.stderr).toContain(`${before.truck! + before.car!} annotations relabelled`);
    expect(got.annotations.map((a: any) => a.bbox)).toEqual(doc.annotations.map((a: any) => a.bbox));
  });

  it('drops a label mapped to null, and --unmapped drop|error handles the rest', async () => {
    const { file, doc } = coco();
    const map = join(dir, 'map.json');
    writeFileSync(map, JSON.stringify({ car: null, truck: 'lorry' }));
    const out = join(dir, 'dropped.json');
    const r = await cli(['remap', file, '--labels', map, '--unmapped', 'drop', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(readFileSync(out, 'utf8'));
    expect(perName(got)).toEqual({ lorry: perName(doc).truck });
    const withPerson = new Set(doc.annotations.filter((a: any) => a.category_id === 3).map((a: any) => a.image_id)).size;
    const e = await cli(['remap', file, '--labels', map, '--unmapped', 'error', '-o', join(dir, 'err.json'), '--diagnostics', 'json']);
    expect(e.code).toBe(1);
    const d = jsonDiagnostics(e.stderr).filter((x) => x.code === 'LABEL_UNMAPPED');
    expect(d.length).toBe(withPerson); // one a refused image
    expect(JSON.parse(readFileSync(join(dir, 'err.json'), 'utf8')).images.length).toBe(50 - withPerson);
  });

  it('a bad map is a usage error before anything is written', async () => {
    const { file } = coco();
    const map = join(dir, 'bad.csv');
    writeFileSync(map, 'car,vehicle,extra\n');
    const out = join(dir, 'never.json');
    const r = await cli(['remap', file, '--labels', map, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LABEL_MAP_INVALID');
    expect(existsSync(out)).toBe(false);
  });
});

describe('filter', () => {
  /** Line-format items with labels, scores, areas, a classification and a relation. */
  function items(): { file: string; list: any[] } {
    const r = rng(9);
    const list: any[] = [];
    for (let i = 0; i < 60; i++) {
      const anns: any[] = [];
      for (let k = 0; k < Math.floor(r() * 4); k++) {
        const w = 1 + Math.floor(r() * 20);
        anns.push({ id: `a${k}`, kind: 'box', x: 0, y: 0, w, h: 2, label: r() < 0.5 ? 'car' : 'person', ...(r() < 0.5 ? { score: Math.round(r() * 100) / 100 } : {}) });
      }
      if (anns.length >= 2) anns.push({ kind: 'relation', from: 'a0', to: 'a1', direction: 'right' });
      if (r() < 0.3) anns.push({ kind: 'classification', labels: ['car', 'night'] });
      list.push({ id: `i${i}`, kind: 'image', width: 100, height: 100, metadata: {}, annotations: anns });
    }
    const file = join(dir, 'items.annoconv');
    writeFileSync(file, list.map((x) => JSON.stringify(x)).join('\n') + '\n');
    return { file, list };
  }

  it('keeps car boxes scored 0.3 or more and at least 10 px, drops emptied items, and relations with a missing end', async () => {
    const { file, list } = items();
    const r = await cli(['filter', file, '--labels', 'car', '--kinds', 'box,relation', '--min-score', '0.3', '--min-area', '10', '--drop-empty']);
    expect(r.code, r.stderr).toBe(0);
    const got = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((x) => !x.annoconv);
    const want = list
      .map((it) => {
        const boxes = it.annotations.filter((a: any) => a.kind === 'box' && a.label === 'car' && (a.score === undefined || a.score >= 0.3) && a.w * a.h >= 10);
        const ids = new Set(boxes.map((a: any) => a.id));
        const rel = it.annotations.filter((a: any) => a.kind === 'relation' && ids.has(a.from) && ids.has(a.to));
        return { id: it.id, boxes: boxes.map((a: any) => a.id), relations: rel.length };
      })
      .filter((x) => x.boxes.length + x.relations > 0);
    expect(got.map((it: any) => ({ id: it.id, boxes: it.annotations.filter((a: any) => a.kind === 'box').map((a: any) => a.id), relations: it.annotations.filter((a: any) => a.kind === 'relation').length }))).toEqual(want);
  });

  it('--ids keeps the listed items; a classification keeps only the matching labels', async () => {
    const { file, list } = items();
    const ids = join(dir, 'ids.txt');
    writeFileSync(ids, 'i3\n\n i7 \ni50\nnot-there\n');
    const r = await cli(['filter', file, '--ids', ids, '--labels', 'night']);
    const got = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((x) => !x.annoconv);
    expect(got.map((x: any) => x.id)).toEqual(['i3', 'i7', 'i50']);
    for (const it of got) {
      const src = list.find((x) => x.id === it.id);
      const had = src.annotations.some((a: any) => a.kind === 'classification');
      expect(it.annotations).toEqual(had ? [{ kind: 'classification', labels: ['night'] }] : []);
    }
    expect(r.stderr).toContain('57 items left out (not in --ids)');
  });

  it('an unknown kind is a usage error', async () => {
    const r = await cli(['filter', 'nothing.json', '--kinds', 'boxes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown kind boxes');
  });
});
