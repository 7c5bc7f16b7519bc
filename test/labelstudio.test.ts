/** Label Studio: percent <-> pixels, rotation, round trips through the model, and the SDK's own expectations. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { CORPUS, ROOT, walk } from './helpers/run.js';

async function run(input: string, from: string, to: string, format: Record<string, unknown> = {}): Promise<{ text: string; exitCode: number; diags: Diagnostic[]; losses: { what: string; count: number }[] }> {
  const sink = new MemorySink();
  const diags: Diagnostic[] = [];
  const r = await convert({ input: bufferInput(input), from, to, output: sink, options: { format }, onDiagnostic: (d) => diags.push(d) });
  return { text: sink.text(), exitCode: r.exitCode, diags, losses: r.losses };
}

/** Deep equality where numbers may differ by 1e-9 relative (percent -> pixels -> percent). */
function close(a: unknown, b: unknown, path = '$'): string | undefined {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)) ? undefined : `${path}: ${a} != ${b}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} != ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = close(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) return `${path}: keys ${ka.join()} != ${kb.join()}`;
    for (const k of ka) {
      const d = close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return a === b ? undefined : `${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
}

const coco = (ann: Record<string, unknown>, w = 200, h = 100): string =>
  JSON.stringify({ info: {}, images: [{ id: 1, file_name: 'a.jpg', width: w, height: h }], annotations: [{ id: 1, image_id: 1, category_id: 1, iscrowd: 0, ...ann }], categories: [{ id: 1, name: 'cat' }] });

describe('labelstudio geometry', () => {
  it('a COCO box [10, 20, 30, 40] on 200 x 100 is x=5, y=20, width=15, height=40 percent, and comes back', async () => {
    const ls = await run(coco({ bbox: [10, 20, 30, 40], area: 1200 }), 'coco', 'labelstudio', { urlPrefix: 'https://b/' });
    const task = (JSON.parse(ls.text) as { annotations: { result: { value: Record<string, number>; original_width: number; original_height: number }[] }[] }[])[0]!;
    const r = task.annotations[0]!.result[0]!;
    expect([r.value.x, r.value.y, r.value.width, r.value.height, r.original_width, r.original_height]).toEqual([5, 20, 15, 40, 200, 100]);
    const back = JSON.parse((await run(ls.text, 'labelstudio', 'coco')).text) as { annotations: { bbox: number[] }[] };
    const bbox = back.annotations[0]!.bbox;
    [10, 20, 30, 40].forEach((v, i) => expect(Math.abs(bbox[i]! - v)).toBeLessThanOrEqual(1e-9));
  });

  it('a rotated rectangle becomes the envelope of its rotated corners in COCO, counted as loss, and keeps its rotation through annoconv', async () => {
    const input = readFileSync(ROOT + 'fixtures/labelstudio/all-types/input.json', 'utf8');
    const out = await run(input, 'labelstudio', 'coco');
    const ann = (JSON.parse(out.text) as { annotations: { bbox: number[]; image_id: number; category_id: number }[]; categories: { id: number; name: string }[] });
    // box: x 10, y 20, w 30, h 40 px, 30 degrees clockwise about (10, 20); corners computed here
    const t = (30 * Math.PI) / 180;
    const corners = [[0, 0], [30, 0], [30, 40], [0, 40]].map(([dx, dy]) => [10 + dx! * Math.cos(t) - dy! * Math.sin(t), 20 + dx! * Math.sin(t) + dy! * Math.cos(t)]);
    const xs = corners.map((c) => c[0]!);
    const ys = corners.map((c) => c[1]!);
    const want = [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
    const cat = ann.categories.find((c) => c.name === 'cat')!.id;
    const got = ann.annotations.find((a) => a.category_id === cat)!.bbox;
    want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(1e-9));
    expect(out.losses.find((l) => l.what === 'box rotation')?.count).toBe(1);
    const model = await run(input, 'labelstudio', 'annoconv');
    const again = JSON.parse((await run(model.text, 'annoconv', 'labelstudio')).text) as { annotations: { result: { id: string; value: { rotation?: number } }[] }[] }[];
    expect(again[0]!.annotations[0]!.result.find((r) => r.id === 'box1')!.value.rotation).toBe(30);
  });
});

describe('labelstudio round trips', () => {
  const files = [ROOT + 'fixtures/labelstudio/all-types/input.json', ...walk(CORPUS + 'label-studio').filter((f) => f.endsWith('.json') && !f.includes('label_config'))];

  for (const file of files) {
    it.skipIf(!existsSync(file))(`labelstudio -> annoconv -> labelstudio keeps everything: ${file.replace(ROOT, '').replace(CORPUS, 'corpus/')}`, async () => {
      const src = readFileSync(file, 'utf8');
      const model = await run(src, 'labelstudio', 'annoconv');
      expect(model.diags.filter((d) => d.severity === 'error')).toEqual([]);
      const back = await run(model.text, 'annoconv', 'labelstudio');
      expect(back.exitCode).toBe(0);
      const a = JSON.parse(src.replace(/^\ufeff/, '')) as unknown;
      expect(close(JSON.parse(back.text), Array.isArray(a) ? a : [a])).toBeUndefined();
    });
  }
});

describe('Label Studio SDK expectations', () => {
  const sdk = CORPUS + 'label-studio/label-studio-sdk/data/';

  it.skipIf(!existsSync(sdk))('test_export_coco: the rectangle becomes bbox [x/100*500, y/100*320, w/100*500, h/100*320]; the polygon 6 numbers with area > 0', async () => {
    const out = JSON.parse((await run(readFileSync(sdk + 'test_export_coco/data.json', 'utf8'), 'labelstudio', 'coco')).text) as { annotations: { bbox: number[]; segmentation: number[][]; area: number; category_id: number }[]; categories: { id: number; name: string }[] };
    const id = (name: string): number => out.categories.find((c) => c.name === name)!.id;
    const rect = out.annotations.find((a) => a.category_id === id('rectangle_label'))!;
    const want = [(31.941923774954628 / 100) * 500, (4.113475177304964 / 100) * 320, (6.352087114337568 / 100) * 500, (9.929078014184398 / 100) * 320];
    want.forEach((v, i) => expect(Math.abs(rect.bbox[i]! - v) / v).toBeLessThanOrEqual(1e-6));
    const poly = out.annotations.find((a) => a.category_id === id('polygon_label'))!;
    expect(poly.segmentation[0]).toHaveLength(6);
    expect(poly.area).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(CORPUS + 'coco'))('COCO import: one task per image, labels Class_1 and Class_2', async () => {
    const src = readFileSync(CORPUS + 'coco/label-studio-sdk/data/test_import_coco/coco_import_input.json', 'utf8');
    const out = await run(src, 'coco', 'labelstudio', { urlPrefix: '/data/local-files/?d=' });
    const tasks = JSON.parse(out.text) as { data: { image: string }; annotations: { result: { value: Record<string, unknown> }[] }[] }[];
    expect(tasks).toHaveLength(2);
    const labels = new Set(tasks.flatMap((t) => t.annotations.flatMap((a) => a.result.flatMap((r) => (r.value.rectanglelabels ?? r.value.polygonlabels ?? []) as string[]))));
    expect([...labels].sort()).toEqual(['Class_1', 'Class_2']);
  });
});

describe('labelstudio bad input and refusals', () => {
  const codes = async (input: string, from: string, to: string, format: Record<string, unknown> = {}): Promise<[string, string | undefined][]> =>
    (await run(input, from, to, format)).diags.map((d) => [d.code, d.pointer]);

  it('broken JSON and a root that is not tasks are reported with their place', async () => {
    expect(await codes('[{"data": {"image": "https://b/1.jpg"}}, {"data": ', 'labelstudio', 'annoconv')).toEqual([['LS_INVALID_JSON', undefined]]);
    expect(await codes('"just a string"', 'labelstudio', 'annoconv')).toEqual([['LS_NOT_TASKS', undefined]]);
    expect(await codes('[{"data": {"image": "https://b/1.jpg"}}, {"data": {"image": "x"}, "id": 2,}]', 'labelstudio', 'annoconv')).toEqual([['LS_INVALID_JSON', '#/1']]);
  });

  it('writing refuses shapes without image size, items without media and kinds without a data field; a bare path is warned', async () => {
    const item = (o: Record<string, unknown>): string => JSON.stringify({ id: 'a', kind: 'image', metadata: {}, annotations: [], ...o });
    expect(await codes(item({ url: 'https://b/a.jpg', annotations: [{ kind: 'box', x: 1, y: 1, w: 1, h: 1, label: 'x' }] }), 'annoconv', 'labelstudio')).toEqual([['LS_NO_SIZE', undefined]]);
    expect(await codes(item({}), 'annoconv', 'labelstudio')).toEqual([['LS_NO_DATA', undefined]]);
    expect(await codes(item({ kind: 'dicom_series', urls: ['s3://b/1'] }), 'annoconv', 'labelstudio')).toEqual([['LS_ITEM_UNSUPPORTED', undefined]]);
    const r = await run(item({ path: 'imgs/a.jpg' }), 'annoconv', 'labelstudio');
    expect(r.diags.map((d) => d.code)).toEqual(['LS_DATA_PATH']);
    expect(JSON.parse(r.text)).toEqual([{ data: { image: 'imgs/a.jpg' } }]);
  });

  it('--as predictions puts labels from other formats into predictions, with their scores', async () => {
    const input = JSON.stringify({ id: '5', kind: 'image', url: 'https://b/a.jpg', width: 100, height: 50, metadata: {}, annotations: [{ kind: 'box', x: 10, y: 5, w: 20, h: 10, label: 'car', score: 0.7 }] });
    const task = (JSON.parse((await run(input, 'annoconv', 'labelstudio', { as: 'predictions' })).text) as Record<string, unknown>[])[0]!;
    expect(task).toEqual({ id: 5, data: { image: 'https://b/a.jpg' }, predictions: [{ result: [{ id: 'r1', type: 'rectanglelabels', from_name: 'label', to_name: 'image', original_width: 100, original_height: 50, score: 0.7, value: { x: 10, y: 10, width: 20, height: 20, rotation: 0, rectanglelabels: ['car'] } }] }] });
  });
});

describe('ls-bulk writer', () => {
  const items = [
    { id: 'img-a', kind: 'image', url: 'https://b/a.jpg', width: 100, height: 50, metadata: { ls_task: 41 }, annotations: [{ kind: 'box', x: 10, y: 5, w: 20, h: 10, label: 'car' }] },
    { id: 'img-b', kind: 'image', url: 'https://b/b.jpg', width: 100, height: 50, metadata: {}, annotations: [{ kind: 'classification', labels: ['night'] }] },
    { id: 'img-c', kind: 'image', url: 'https://b/c.jpg', metadata: {}, annotations: [] },
  ].map((i) => JSON.stringify(i)).join('\n');
  const lines = (text: string): Record<string, unknown>[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

  it('--task-map (JSON or CSV) gives each item its task; items without labels give no payload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-bulk-'));
    try {
      writeFileSync(join(dir, 'map.json'), '{"img-a": 7, "img-b": 8}');
      writeFileSync(join(dir, 'map.csv'), 'item_id,task_id\nimg-a,7\nimg-b,8\n');
      for (const map of ['map.json', 'map.csv']) {
        const r = await run(items, 'annoconv', 'ls-bulk', { taskMap: join(dir, map), project: 3 });
        expect(r.exitCode).toBe(0);
        expect(lines(r.text).map((p) => [p.task, p.project, (p.result as { type: string }[]).map((x) => x.type)])).toEqual([[7, 3, ['rectanglelabels']], [8, 3, ['choices']]]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--task-id-field takes the task id from item metadata; an item without one is refused with a code', async () => {
    const r = await run(items, 'annoconv', 'ls-bulk', { taskIdField: 'ls_task' });
    expect(lines(r.text).map((p) => p.task)).toEqual([41]);
    expect(r.diags.map((d) => [d.code, d.line])).toEqual([['LSB_TASK_ID_MISSING', 2], ['LOSS_DROPPED', undefined]]);
    expect(r.losses).toEqual([{ what: 'item without labels', count: 1, reason: 'a bulk payload carries labels only' }]);
    expect(r.exitCode).toBe(1);
  });

  it('payloads targeting several tasks or a selection, and results of unknown types, survive ls-bulk -> annoconv -> ls-bulk', async () => {
    const src = [
      { tasks: [3, 4], result: [{ id: 'n', type: 'number', from_name: 'n', to_name: 'image', value: { number: 2 } }] },
      { selected_items: { all: true, excluded: [5] }, result: [{ id: 'c', type: 'choices', from_name: 'c', to_name: 'image', value: { choices: ['x'] } }] },
    ];
    const model = await run(src.map((p) => JSON.stringify(p)).join('\n'), 'ls-bulk', 'annoconv');
    const back = await run(model.text, 'annoconv', 'ls-bulk');
    expect(back.exitCode).toBe(0);
    expect(close(lines(back.text), src)).toBeUndefined();
  });

  it('ls-bulk -> annoconv -> ls-bulk keeps the payload fields and results', async () => {
    const src = readFileSync(ROOT + 'fixtures/ls-bulk/rules/input.jsonl', 'utf8').split('\n')[4]!;
    const model = await run(src, 'ls-bulk', 'annoconv');
    const back = await run(model.text, 'annoconv', 'ls-bulk');
    expect(close(lines(back.text), [JSON.parse(src)])).toBeUndefined();
  });
});

describe('labelstudio-min (JSON-MIN)', () => {
  const sdk = CORPUS + 'label-studio/label-studio-sdk/data/';
  const min = async (file: string): Promise<{ records: Record<string, unknown>[]; diags: Diagnostic[] }> => {
    const r = await run(readFileSync(sdk + file, 'utf8'), 'labelstudio', 'labelstudio-min');
    return { records: JSON.parse(r.text) as Record<string, unknown>[], diags: r.diags };
  };

  it.skipIf(!existsSync(sdk))('the SDK expectations: one record with key label; repeater keys labels_0 and categories_0; chat as a list of 4 messages', async () => {
    const a = await min('test_export_json_min/data.json');
    expect(a.records).toHaveLength(1);
    expect(Object.keys(a.records[0]!)).toContain('label');
    const b = await min('test_export_json_min/data_repeater.json');
    expect(Object.keys(b.records[0]!)).toEqual(expect.arrayContaining(['labels_0', 'categories_0']));
    const chat = (await min('test_export_json_min/chat_data.json')).records[0]!.chat as { role: string; content: string }[];
    expect(chat).toHaveLength(4);
    expect(chat[0]!.role).toBe('user');
    expect(chat[1]!.content.startsWith('Hello! How can I assist you today?')).toBe(true);
  });

  it.skipIf(!existsSync(sdk))('a data key colliding with a control name is warned, not overwritten silently', async () => {
    const r = await min('test_export_csv/csv_test_colliding_keys.json');
    expect(r.diags.filter((d) => d.code === 'LSMIN_KEY_COLLISION').map((d) => d.pointer)).toEqual(['#/0']);
    expect(r.records[0]!.text).toBe('positive');
  });

  it('JSON-MIN -> annoconv -> JSON-MIN gives the same records; the types are inferred from the values', async () => {
    const src = JSON.stringify([
      { image: 'https://b/1.jpg', id: 5, annotation_id: 9, annotator: 2, lead_time: 3.5, label: [{ x: 10, y: 20, width: 30, height: 40, rotation: 0, rectanglelabels: ['cat'], original_width: 200, original_height: 100 }], outline: [{ points: [[1, 1], [50, 1], [50, 60]], polygonlabels: ['dog'], original_width: 200, original_height: 100 }] },
    ]);
    const model = await run(src, 'labelstudio-min', 'annoconv');
    const item = JSON.parse(model.text) as { annotations: { kind: string; x?: number; w?: number }[] };
    expect(item.annotations.map((a) => a.kind)).toEqual(['box', 'polygon']);
    expect([item.annotations[0]!.x, item.annotations[0]!.w]).toEqual([20, 60]);
    const back = await run(model.text, 'annoconv', 'labelstudio-min');
    expect(close(JSON.parse(back.text), JSON.parse(src))).toBeUndefined();
  });
});

describe('--config-out', () => {
  it('writes a labeling config whose controls hold exactly the labels used (parsed back with fast-xml-parser)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-config-'));
    try {
      const input = coco({ bbox: [10, 20, 30, 40], area: 1200 }).replace('"name":"cat"', '"name":"a \\"cat\\" & <dog>"');
      const out = join(dir, 'config.xml');
      const r = await run(input, 'coco', 'labelstudio', { urlPrefix: 'https://b/', configOut: out });
      expect(r.exitCode).toBe(0);
      const { XMLParser } = await import('fast-xml-parser');
      const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(out, 'utf8')) as { View: { Image: { name: string; value: string }; RectangleLabels: { name: string; toName: string; Label: { value: string } } } };
      expect(doc.View.Image).toEqual({ name: 'image', value: '$image' });
      expect(doc.View.RectangleLabels).toEqual({ name: 'label', toName: 'image', Label: { value: 'a "cat" & <dog>' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync(CORPUS + 'coco'))('COCO import: the config holds the category names Class_1 and Class_2, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-config-'));
    try {
      const out = join(dir, 'config.xml');
      await run(readFileSync(CORPUS + 'coco/label-studio-sdk/data/test_import_coco/coco_import_input.json', 'utf8'), 'coco', 'labelstudio', { configOut: out });
      const labels = [...readFileSync(out, 'utf8').matchAll(/<(?:Label|Choice) value="([^"]*)"/g)].map((m) => m[1]);
      expect(labels.sort()).toEqual(['Class_1', 'Class_2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('labelstudio hostile and odd input', () => {
  const task = (results: unknown[], extra: Record<string, unknown> = {}): string => JSON.stringify([{ id: 1, data: { image: 'https://b/1.jpg' }, annotations: [{ result: results }], ...extra }]);

  it('a brush claiming a 20000 x 20000 image is refused before any bitmap is made', async () => {
    const r = await run(task([{ id: 'b', type: 'brushlabels', from_name: 'b', to_name: 'image', original_width: 20000, original_height: 20000, value: { format: 'rle', rle: [0, 0, 0, 1], brushlabels: ['x'] } }]), 'labelstudio', 'annoconv');
    expect(r.diags.map((d) => d.code)).toEqual(['LS_BRUSH_INVALID']);
  });

  it('result types named like object properties are unknown types, not crashes', async () => {
    const r = await run(task([{ id: 'c', type: 'constructor', from_name: 'x', to_name: 'image', value: {} }, { id: 'd', type: '__proto__', from_name: 'x', to_name: 'image', value: {} }]), 'labelstudio', 'annoconv');
    expect(r.diags.map((d) => d.code)).toEqual(['LS_RESULT_TYPE_UNKNOWN', 'LS_RESULT_TYPE_UNKNOWN']);
    expect(r.exitCode).toBe(0);
  });

  it('result ids of any spelling, and per-result image sizes, come back as they were', async () => {
    const src = task([
      { id: 'a b/1', type: 'rectanglelabels', from_name: 'label', to_name: 'image', original_width: 100, original_height: 50, value: { x: 10, y: 10, width: 10, height: 10, rotation: 0, rectanglelabels: ['x'] } },
      { id: 7, type: 'rectanglelabels', from_name: 'label', to_name: 'image2', original_width: 400, original_height: 300, value: { x: 10, y: 10, width: 10, height: 10, rotation: 0, rectanglelabels: ['y'] } },
    ]);
    const back = await run((await run(src, 'labelstudio', 'annoconv')).text, 'annoconv', 'labelstudio');
    expect(close(JSON.parse(back.text), JSON.parse(src))).toBeUndefined();
  });

  it('ls-bulk never takes a list position or a non-positive value for a task id', async () => {
    const importTask = JSON.stringify([{ data: { image: 'https://b/1.jpg' }, annotations: [{ result: [{ id: 'c', type: 'choices', from_name: 'c', to_name: 'image', value: { choices: ['x'] } }] }] }]);
    const r = await run(importTask, 'labelstudio', 'ls-bulk');
    expect(r.diags.map((d) => d.code)).toEqual(['LSB_TASK_ID_MISSING']);
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-bulk-'));
    try {
      writeFileSync(join(dir, 'map.json'), '{"0": -3}');
      await expect(convert({ input: bufferInput(importTask), from: 'labelstudio', to: 'ls-bulk', output: new MemorySink(), options: { format: { taskMap: join(dir, 'map.json') } } })).rejects.toMatchObject({ exitCode: 2, diagnostic: { code: 'OPTION_INVALID' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('spans against the task text', () => {
  it('a span ending beyond the text is refused at its annotation (LS_SPAN_INVALID); one inside it is kept', async () => {
    const task = (end: number): string => JSON.stringify([{ id: 7, data: { text: 'abc' }, annotations: [{ id: 1, result: [{ id: 's', type: 'labels', from_name: 'ner', to_name: 'text', value: { start: 0, end, labels: ['X'] } }] }] }]);
    const bad = await run(task(99), 'labelstudio', 'annoconv');
    expect(bad.diags.map((d) => [d.code, d.pointer])).toEqual([['LS_SPAN_INVALID', '#/0/annotations/0']]);
    expect(bad.exitCode).toBe(1);
    const ok = await run(task(3), 'labelstudio', 'annoconv');
    expect(ok.diags).toEqual([]);
    expect(JSON.parse(ok.text).annotations[0]).toMatchObject({ kind: 'span', start: 0, end: 3, label: 'X' });
  });
});
