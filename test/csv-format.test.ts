/** CSV annotation tables: the corpus variants, the three Remo layouts written, formula escaping, fractions. */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { CORPUS } from './helpers/run.js';

async function run(input: string, from: string, to: string, format: Record<string, unknown> = {}): Promise<{ text: string; exitCode: number; diags: Diagnostic[]; losses: { what: string; count: number }[] }> {
  const sink = new MemorySink();
  const diags: Diagnostic[] = [];
  const r = await convert({ input: bufferInput(input), from, to, output: sink, options: { format }, onDiagnostic: (d) => diags.push(d) });
  return { text: sink.text(), exitCode: r.exitCode, diags, losses: r.losses };
}

const items = (text: string): { id: string; annotations: Record<string, unknown>[] }[] => text.trim().split('\n').map((l) => JSON.parse(l) as { id: string; annotations: Record<string, unknown>[] });
const kaggle = CORPUS + 'csv/datumaro/kaggle_dataset/';
const vott = CORPUS + 'csv/datumaro/vott_csv_dataset/dataset/';

describe('csv: CR-only line endings', () => {
  it('a CSV table and an Encord CSV manifest with CR-only lines are detected and read row by row (they read as one header line: 0 rows, exit 0)', async () => {
    const table = await convert({ input: bufferInput('file_name,class_name,xmin,ymin,xmax,ymax\ra.jpg,cat,1,1,2,2\rb.jpg,dog,1,1,3,3\r'), to: 'annoconv', output: new MemorySink() });
    expect(table).toMatchObject({ from: 'csv', read: 2, written: 2, exitCode: 0 });
    const sink = new MemorySink();
    const manifest = await convert({ input: bufferInput('ObjectUrl,Image title\rhttps://x.org/a.jpg,A\rhttps://x.org/b.jpg,B\r'), to: 'encord-json', output: sink });
    expect(manifest).toMatchObject({ from: 'encord-csv', read: 2, written: 2, exitCode: 0 });
    expect((JSON.parse(sink.text()) as { images: { title: string }[] }).images.map((e) => e.title)).toEqual(['A', 'B']);
  });
});

describe('csv reading: the corpus variants', () => {
  it.skipIf(!existsSync(kaggle))('ann.csv (x1,y1,x2,y2), ann2.csv (x1,y1,w,h) and ann3.csv (one bbox cell written four ways) give the same dataset', async () => {
    const [a, b, c] = await Promise.all(['ann.csv', 'ann2.csv', 'ann3.csv'].map(async (f) => items((await run(readFileSync(kaggle + 'image_csv_det/' + f, 'utf8'), 'csv', 'annoconv')).text)));
    expect(a!.map((i) => i.annotations.length)).toEqual([2, 1, 3]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a![0]!.annotations[1]).toEqual({ kind: 'box', x: 1, y: 2, w: 2, h: 1, label: 'cat' });
  });

  it.skipIf(!existsSync(kaggle))('one-hot label columns become multi-label classifications', async () => {
    const out = items((await run(readFileSync(kaggle + 'image_csv_multi_label/ann.csv', 'utf8'), 'csv', 'annoconv')).text);
    expect(out.map((i) => [i.id, i.annotations[0]!.labels])).toEqual([['1.jpg', ['dog']], ['2.jpg', ['cat']], ['3.jpg', ['person']], ['4.jpg', ['dog', 'cat']], ['5.jpg', ['dog', 'person']], ['6.jpg', ['cat', 'person']]]);
  });

  it.skipIf(!existsSync(kaggle))('names without an extension (ann_wo_ext.csv) find their images with --media-root: the same labels and sizes (15 x 10, as `file` reports) as ann.csv', async () => {
    const root = { mediaRoot: kaggle + 'image_csv/images' };
    const withExt = items((await run(readFileSync(kaggle + 'image_csv/ann.csv', 'utf8'), 'csv', 'annoconv', root)).text);
    const without = await run(readFileSync(kaggle + 'image_csv/ann_wo_ext.csv', 'utf8'), 'csv', 'annoconv', root);
    expect(without.diags).toEqual([]);
    const sized = (list: ReturnType<typeof items>): unknown[] => list.map((i) => [i.id.replace(/\.jpg$/, ''), (i as unknown as { width: number }).width, (i as unknown as { height: number }).height, i.annotations]);
    expect(sized(items(without.text))).toEqual(sized(withExt));
    expect(sized(withExt).map((x) => (x as unknown[]).slice(1, 3))).toEqual(Array(5).fill([15, 10]));
  });

  it.skipIf(!existsSync(vott))('VoTT rows (quoted header, image rows apart) give the boxes datumaro expects', async () => {
    const out = items((await run(readFileSync(vott + 'train-export.csv', 'utf8'), 'csv', 'annoconv')).text);
    const want: Record<string, [number, number, number, number, string][]> = { 'img0003.jpg': [[6.7, 10.3, 3.3, 4.7, 'helmet'], [13.7, 20.2, 31.9, 43.4, 'person']], 'img0004.jpg': [[1, 2, 1, 2, 'helmet']] };
    for (const it of out) {
      const got = it.annotations.map((a) => [a.x, a.y, a.w, a.h, a.label] as [number, number, number, number, string]);
      expect(got.length).toBe(want[it.id]!.length);
      got.forEach((g, i) => g.forEach((v, k) => (typeof v === 'number' ? expect(Math.abs(v - (want[it.id]![i]![k] as number))).toBeLessThan(1e-9) : expect(v).toBe(want[it.id]![i]![k]))));
    }
  });

  it('--columns maps headings the names do not give; a header without a file column is reported', async () => {
    const src = 'pic,kind,left_x,top_y,right_x,bottom_y\na.jpg,cat,1,2,3,5\n';
    const r = await run(src, 'csv', 'annoconv', { columns: 'file=pic,class=kind,xmin=left_x,ymin=top_y,xmax=right_x,ymax=bottom_y' });
    expect(items(r.text)[0]!.annotations).toEqual([{ kind: 'box', x: 1, y: 2, w: 2, h: 3, label: 'cat' }]);
    const bad = await run('name,kind\na.jpg,cat\n', 'csv', 'annoconv');
    expect(bad.diags.map((d) => [d.code, d.line])).toEqual([['CSV_COLUMNS_UNKNOWN', 1]]);
    expect(bad.exitCode).toBe(1);
  });

  it('--coordinates percent (fractions) cannot be read without image sizes: a coded error per row', async () => {
    const r = await run('file_name,class_name,xmin,ymin,xmax,ymax\na.jpg,cat,0.1,0.2,0.3,0.4\n', 'csv', 'annoconv', { coordinates: 'percent' });
    expect(r.diags.map((d) => [d.code, d.line])).toEqual([['CSV_NO_SIZE', 2]]);
  });
});

describe('csv writing', () => {
  const model = [
    { id: '1', kind: 'image', path: 'imgs/a.jpg', width: 200, height: 100, metadata: {}, annotations: [{ kind: 'box', x: 10, y: 20, w: 30, h: 40, label: '=HYPERLINK("http://x")' }, { kind: 'polygon', rings: [[0, 0, 20, 0, 20, 10]], label: 'road' }, { kind: 'classification', labels: ['day', 'dry'] }] },
  ].map((i) => JSON.stringify(i)).join('\n');

  it('detection: corners in pixels, a formula cell escaped by default, polygons as their envelope (counted)', async () => {
    const r = await run(model, 'annoconv', 'csv');
    expect(r.text).toBe('file_name,class_name,xmin,ymin,xmax,ymax\na.jpg,"\'=HYPERLINK(""http://x"")",10,20,40,60\na.jpg,road,0,0,20,10\n');
    expect(r.losses.map((l) => [l.what, l.count])).toEqual([['polygon', 1], ['classification annotation', 1], ['image size', 1]]);
    expect(r.diags.filter((d) => d.code === 'CSV_FORMULA_ESCAPED')).toHaveLength(1);
    const raw = await run(model, 'annoconv', 'csv', { escapeFormulas: false });
    expect(raw.text.split('\n')[1]).toBe('a.jpg,"=HYPERLINK(""http://x"")",10,20,40,60');
  });

  it('classification: each ;-joined class is escaped on its own (plain numbers are not), and reading the table back gives the classes', async () => {
    const labels = ['cat', '=HYPERLINK("http://x")', '+1', 'dog', '@SUM(A1)', '-2', '-1+A1'];
    const item = JSON.stringify({ id: '1', kind: 'image', path: 'a.jpg', metadata: {}, annotations: [{ kind: 'classification', labels }] });
    const r = await run(item, 'annoconv', 'csv', { csvTask: 'classification' });
    const cell = (await run(r.text, 'csv', 'annoconv')).text;
    expect(r.text).toBe('file_name,class_name\na.jpg,"cat;\'=HYPERLINK(""http://x"");+1;dog;\'@SUM(A1);-2;\'-1+A1"\n');
    const parts = r.text.split('\n')[1]!.slice('a.jpg,'.length).replace(/^"|"$/g, '').split(';');
    // what a spreadsheet would run: = + - @ tab CR first, unless the whole value is a number
    expect(parts.filter((p) => /^[=+\-@\t\r]/.test(p) && !/^[+-]?\d+(\.\d+)?$/.test(p))).toEqual([]);
    expect(r.diags.find((d) => d.code === 'CSV_FORMULA_ESCAPED')?.message).toMatch(/^3 values /);
    expect(items(cell)[0]!.annotations).toEqual([{ kind: 'classification', labels }]);
  });

  it('the escape is reversible: numbers stay as they are, a value that already starts with an apostrophe before a formula gets one more, and every value (file names too) reads back as it was', async () => {
    const names = ['-1', '-5', '+3.5', '-2e3', '=x', "'=x", "''@y", "'plain", "'-1", '-', '@2x', '-photo'];
    const input = names.map((n, i) => JSON.stringify({ id: String(i), kind: 'image', path: `${n}.jpg`, metadata: {}, annotations: [{ kind: 'box', x: 1, y: 1, w: 1, h: 1, label: n }] })).join('\n');
    const r = await run(input, 'annoconv', 'csv');
    const rows = r.text.trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.map((c) => c[1])).toEqual(['-1', '-5', '+3.5', '-2e3', "'=x", "''=x", "'''@y", "'plain", "'-1", "'-", "'@2x", "'-photo"]);
    // a file name is never a plain number: '-1.jpg' is escaped
    expect(rows.map((c) => c[0])).toEqual(names.map((n) => (/^'*[=+\-@]/.test(n) ? "'" : '') + n + '.jpg'));
    const back = items((await run(r.text, 'csv', 'annoconv')).text);
    expect(back.map((i) => [i.id, i.annotations[0]!.label])).toEqual(names.map((n) => [n + '.jpg', n]));
  });

  it('an item without a file name, URL or id is refused with a code', async () => {
    const r = await run(JSON.stringify({ id: '', kind: 'image', metadata: {}, annotations: [{ kind: 'classification', labels: ['x'] }] }), 'annoconv', 'csv', { csvTask: 'classification' });
    expect(r.diags.map((d) => [d.code, d.line])).toEqual([['CSV_NO_FILE', 1]]);
  });

  it('--coordinates percent writes fractions of the image size; --full-path keeps the stored path', async () => {
    const r = await run(model, 'annoconv', 'csv', { coordinates: 'percent', fullPath: true, escapeFormulas: false });
    expect(r.text.split('\n')[1]).toBe('imgs/a.jpg,"=HYPERLINK(""http://x"")",0.05,0.2,0.2,0.6');
  });

  it('segmentation and classification layouts; csv -> annoconv -> csv gives the same table', async () => {
    const seg = await run(model, 'annoconv', 'csv', { csvTask: 'segmentation', escapeFormulas: false });
    expect(seg.text.split('\n').slice(1, 3)).toEqual(['a.jpg,"=HYPERLINK(""http://x"")",10; 20; 40; 20; 40; 60; 10; 60', 'a.jpg,road,0; 0; 20; 0; 20; 10']);
    const cls = await run(model, 'annoconv', 'csv', { csvTask: 'classification' });
    expect(cls.text).toBe('file_name,class_name\na.jpg,day;dry\n');
    for (const [task, text] of [['segmentation', seg.text], ['classification', cls.text]] as const) {
      const back = await run((await run(text, 'csv', 'annoconv')).text, 'annoconv', 'csv', { csvTask: task, escapeFormulas: false });
      expect(back.text).toBe(text);
    }
  });
});
