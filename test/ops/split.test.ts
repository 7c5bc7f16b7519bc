/**
 * split: deterministic, complete, disjoint, stable when items are added, within ±2% of the ratios
 * on 100,000 items and ±3% per label when stratified; YOLO and VOC get their split layouts.
 * Outputs are read back line by line (the annoconv line format) or as files.
 */
import { describe, expect, it, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cli, rng } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LABELS = ['car', 'person', 'bike', 'dog', 'rare'];
/** Items i0..i(n-1); label weights skewed, `rare` in about 2% of items. */
function generate(n: number, from = 0): string {
  const r = rng(21 + from);
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) {
    const anns = [];
    const k = 1 + Math.floor(r() * 3);
    for (let j = 0; j < k; j++) {
      const x = r();
      const label = x < 0.02 ? 'rare' : LABELS[Math.floor((x - 0.02) / 0.245)]!;
      anns.push({ kind: 'box', x: 1, y: 1, w: 5, h: 5, label });
    }
    lines.push(JSON.stringify({ id: `i${i}`, kind: 'image', width: 100, height: 100, path: `img/i${i}.jpg`, metadata: {}, annotations: anns }));
  }
  return lines.join('\n') + '\n';
}

const ids = (file: string): string[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((x) => !x.annoconv).map((x) => x.id);
const items = (file: string): any[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((x) => !x.annoconv);

describe('split', () => {
  const input = join(dir, 'all.annoconv');
  writeFileSync(input, generate(100_000));
  const names = ['train', 'val', 'test'];
  const ratios = [0.8, 0.1, 0.1];

  it('is complete, disjoint, deterministic and within ±2% of the ratios on 100,000 items', async () => {
    const a = await cli(['split', input, '--ratios', '0.8,0.1,0.1', '-o', join(dir, 'a') + '/']);
    expect(a.code, a.stderr).toBe(0);
    const b = await cli(['split', input, '--ratios', '0.8,0.1,0.1', '-o', join(dir, 'b') + '/']);
    expect(b.code).toBe(0);
    const parts = names.map((n) => ids(join(dir, 'a', `${n}.annoconv.jsonl`)));
    for (const n of names) expect(readFileSync(join(dir, 'b', `${n}.annoconv.jsonl`)).equals(readFileSync(join(dir, 'a', `${n}.annoconv.jsonl`)))).toBe(true);
    const all = parts.flat();
    expect(all.length).toBe(100_000);
    expect(new Set(all).size).toBe(100_000); // disjoint, and with the count: complete
    parts.forEach((p, k) => expect(Math.abs(p.length / 100_000 - ratios[k]!)).toBeLessThan(0.02));
  }, 120_000);

  it('keeps old items where they were when items are added, and moves them with another seed', async () => {
    const grown = join(dir, 'grown.annoconv');
    writeFileSync(grown, readFileSync(input, 'utf8') + generate(20_000, 100_000));
    const r = await cli(['split', grown, '--ratios', '0.8,0.1,0.1', '-o', join(dir, 'g') + '/']);
    expect(r.code, r.stderr).toBe(0);
    const where = (base: string): Map<string, string> => new Map(names.flatMap((n) => ids(join(dir, base, `${n}.annoconv.jsonl`)).map((id) => [id, n] as [string, string])));
    const before = where('a');
    const after = where('g');
    expect(after.size).toBe(120_000);
    let moved = 0;
    for (const [id, n] of before) if (after.get(id) !== n) moved++;
    expect(moved).toBe(0);
    const s = await cli(['split', input, '--ratios', '0.8,0.1,0.1', '--seed', 'other', '-o', join(dir, 's') + '/']);
    expect(s.code).toBe(0);
    const seeded = where('s');
    let changed = 0;
    for (const [id, n] of before) if (seeded.get(id) !== n) changed++;
    expect(changed).toBeGreaterThan(20_000); // about 1 - (0.8² + 0.1² + 0.1²) = 34% move
  }, 120_000);

  it('stratified: every label within ±3% of the ratios in every split', async () => {
    const r = await cli(['split', input, '--ratios', '0.8,0.1,0.1', '--stratify', 'label', '-o', join(dir, 'st') + '/', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const counts: Record<string, number[]> = {};
    const totals: Record<string, number> = {};
    names.forEach((n, k) => {
      for (const it of items(join(dir, 'st', `${n}.annoconv.jsonl`)))
        for (const a of it.annotations) {
          (counts[a.label] ??= [0, 0, 0])[k]!++;
          totals[a.label] = (totals[a.label] ?? 0) + 1;
        }
    });
    for (const l of LABELS) counts[l]!.forEach((c, k) => expect({ l, k, off: Math.abs(c / totals[l]! - ratios[k]!) < 0.03 }).toEqual({ l, k, off: true }));
    const report = JSON.parse(r.stdout);
    expect(report.labels.rare.splits).toEqual(counts.rare);
  }, 120_000);

  it('YOLO: labels/<split>/ and a data.yaml naming the splits; VOC: ImageSets/Main lists', async () => {
    const small = join(dir, 'small.annoconv');
    writeFileSync(small, generate(200));
    const y = await cli(['split', small, '--ratios', '0.5,0.3,0.2', '--to', 'yolo', '-o', join(dir, 'yolo')]);
    expect(y.code, y.stderr).toBe(0);
    const yaml = parse(readFileSync(join(dir, 'yolo', 'data.yaml'), 'utf8'));
    expect({ train: yaml.train, val: yaml.val, test: yaml.test }).toEqual({ train: 'images/train', val: 'images/val', test: 'images/test' });
    const n = names.map((s) => readdirSync(join(dir, 'yolo', 'labels', s)).length);
    expect(n.reduce((a, b) => a + b, 0)).toBe(200);
    const v = await cli(['split', small, '--ratios', '0.5,0.3,0.2', '--to', 'voc', '-o', join(dir, 'voc')]);
    expect(v.code, v.stderr).toBe(0);
    const lists = names.map((s) => readFileSync(join(dir, 'voc', 'ImageSets', 'Main', `${s}.txt`), 'utf8').trim().split('\n'));
    expect(lists.map((l) => l.length)).toEqual(n); // the same hash, the same split sizes as YOLO
    for (const stem of lists.flat()) expect(existsSync(join(dir, 'voc', `${stem}.xml`))).toBe(true);
    const bad = await cli(['split', small, '--ratios', '0.5,0.5', '--names', 'a,b', '--to', 'yolo', '-o', join(dir, 'yolo2')]);
    expect(bad.code).toBe(2);
    expect(existsSync(join(dir, 'yolo2'))).toBe(false);
  }, 120_000);
});
