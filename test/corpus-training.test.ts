/** Every corpus file of the training-side formats reads without a crash, and datumaro's VOC -> YOLO boxes. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { convert, MemorySink } from '../src/index.js';
import { AnnoconvError, type Diagnostic } from '../src/core/diagnostics.js';
import { CORPUS, walk } from './helpers/run.js';

async function read(input: string, from: string): Promise<{ exitCode: number; diags: Diagnostic[] }> {
  const diags: Diagnostic[] = [];
  try {
    const r = await convert({ input, from, to: 'annoconv', output: new MemorySink(), onDiagnostic: (d) => diags.push(d) });
    return { exitCode: r.exitCode, diags };
  } catch (e) {
    if (!(e instanceof AnnoconvError)) throw e;
    return { exitCode: e.exitCode, diags: [...diags, e.diagnostic] };
  }
}

const inputs = (): [string, string][] => {
  const out: [string, string][] = [];
  for (const f of walk(CORPUS + 'csv')) if (f.endsWith('.csv')) out.push(['csv', f]);
  for (const f of walk(CORPUS + 'voc')) if (f.endsWith('.xml')) out.push(['voc', f]);
  const dirs = new Set(walk(CORPUS + 'yolo').filter((f) => /(classes\.txt|\.names)$/.test(f)).map(dirname));
  for (const d of dirs) out.push(['yolo', d]);
  const vocTrees = new Set(walk(CORPUS + 'voc').filter((f) => f.includes('/Annotations/')).map((f) => f.slice(0, f.indexOf('/Annotations/'))));
  for (const d of vocTrees) out.push(['voc', d]);
  return out;
};

describe.skipIf(!existsSync(CORPUS + 'voc'))('corpus: csv, voc, yolo', () => {
  it('every file and folder reads to a result: exit 0 or 1 with coded diagnostics, never a crash', async () => {
    const list = inputs();
    expect(list.length).toBeGreaterThan(30);
    for (const [from, path] of list) {
      const r = await read(path, from);
      expect([0, 1], `${from} ${path}`).toContain(r.exitCode);
      expect(r.diags.filter((d) => d.code === 'INTERNAL_ERROR'), path).toEqual([]);
      if (r.exitCode === 1) expect(r.diags.some((d) => d.severity === 'error'), path).toBe(true);
    }
  });

  it('datumaro voc_dataset1 -> yolo with --voc-offset 0 (datumaro applies no shift): cat (1, 2, 2, 2), head (5.5, 6, 2, 2) [the <part>], person (4, 5, 2, 2) on 20 x 10, in datumaro\'s order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-corpus-yolo-'));
    try {
      // the XMLs alone: the tree's SegmentationObject mask (a bicycle) would add its envelope box
      const r = await convert({ input: CORPUS + 'voc/datumaro/voc_dataset/voc_dataset1/Annotations', from: 'voc', to: 'yolo', output: dir, options: { format: { vocOffset: '0' } } });
      expect(r.exitCode).toBe(0);
      const names = readFileSync(join(dir, 'classes.txt'), 'utf8').trim().split('\n');
      const lines = readFileSync(join(dir, 'labels', '2007_000001.txt'), 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
      const boxes = lines.map(([c, cx, cy, w, h]) => [names[c!], (cx! - w! / 2) * 20, (cy! - h! / 2) * 10, w! * 20, h! * 10]);
      const want = [['cat', 1, 2, 2, 2], ['head', 5.5, 6, 2, 2], ['person', 4, 5, 2, 2]] as const;
      expect(boxes.map((b) => b[0])).toEqual(want.map((w) => w[0]));
      boxes.forEach((b, i) => b.slice(1).forEach((v, k) => expect(Math.abs((v as number) - (want[i]![k + 1] as number))).toBeLessThan(1e-9)));
      // the head's link to its person has no place in YOLO, nor the person's actions
      expect(r.losses.map((l) => [l.what, l.count])).toEqual([['attributes', 4], ["item's voc fields", 1], ['part link', 1]]);
      expect(readdirSync(join(dir, 'labels'))).toEqual(['2007_000001.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
