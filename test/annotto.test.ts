/**
 * Annotto labels (annotto-predictions, annotto-annotations): what the server reads, checked by
 * rules taken from its source (src/router/validation/item.ts, src/core/annotations.ts) and by the
 * browser's string indices, not by annoconv reading its own output back alone.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { cli, jsonDiagnostics, ROOT } from './helpers/run.js';

const work = mkdtempSync(join(tmpdir(), 'annoconv-annotto-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const SAMPLE = join(ROOT, 'fixtures/sample/instances.json');
const lines = (file: string): Record<string, any>[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

/** A project folder: items, predictions, annotations and config of the COCO sample. */
async function cocoProject(): Promise<string> {
  const dir = join(work, 'coco');
  mkdirSync(dir, { recursive: true });
  const prefix = ['--url-prefix', 'https://bucket.s3.eu-west-1.amazonaws.com/imgs/'];
  expect((await cli(['convert', '--from', 'coco', '--to', 'jsonl', ...prefix, SAMPLE, '-o', join(dir, 'items.jsonlines')])).code).toBe(0);
  const p = await cli(['convert', '--from', 'coco', '--to', 'annotto-predictions', SAMPLE, '-o', join(dir, 'predictions.jsonlines'), '--config-out', join(dir, 'config.json')]);
  expect(p.code).toBe(0);
  const a = await cli(['convert', '--from', 'coco', '--to', 'annotto-annotations', ...prefix, '--annotated-at', '2024-05-01T12:00:00Z', SAMPLE, '-o', join(dir, 'annotations.jsonlines')]);
  expect(a.code).toBe(0);
  return dir;
}

describe('COCO sample to Annotto and back', () => {
  const coco = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { images: { id: number; width: number; height: number; file_name: string }[]; annotations: { image_id: number; bbox: number[]; keypoints?: number[]; segmentation?: number[][] }[]; categories: { id: number; name: string }[] };
  /** COCO's boxes normalised with their image's size, by image id: what a zone must hold. */
  const expected = new Map<string, number[][]>();
  for (const a of coco.annotations) {
    // the keypoints are lost (no Annotto task type), the person's outline stays
    if (a.keypoints && !a.segmentation?.length) continue;
    const im = coco.images.find((i) => i.id === a.image_id)!;
    const [x, y, w, h] = a.bbox as [number, number, number, number];
    const list = expected.get(String(im.id)) ?? [];
    list.push([x / im.width, y / im.height, (x + w) / im.width, (y + h) / im.height]);
    expected.set(String(im.id), list);
  }

  it('writes zones as 4 corners TL, TR, BR, BL in 0-1 and a config of the labels, validated against it', async () => {
    const dir = await cocoProject();
    for (const [file, key] of [['predictions.jsonlines', 'annotations'], ['annotations.jsonlines', 'annotation']] as const) {
      for (const line of lines(join(dir, file))) {
        const uuid = key === 'annotations' ? line.uuid : line.item.uuid;
        const cats = key === 'annotations' ? line.annotations : line.annotation.zone;
        const zones = Object.values(cats as Record<string, { entities: { coords: { x: number; y: number }[] }[] }>).flatMap((c) => c.entities);
        const boxes = expected.get(uuid)!;
        expect(zones.length).toBe(boxes.length);
        zones.forEach((z, i) => {
          const [x1, y1, x2, y2] = boxes[i]!;
          const want = [[x1, y1], [x2, y1], [x2, y2], [x1, y2]];
          z.coords.forEach((p, j) => {
            expect(Math.abs(p.x - want[j]![0]!)).toBeLessThan(1e-9);
            expect(Math.abs(p.y - want[j]![1]!)).toBeLessThan(1e-9);
          });
        });
      }
    }
    const annotations = lines(join(dir, 'annotations.jsonlines'));
    expect(annotations.every((l) => !('uuid' in l) && l.itemMetadata.seenAt === '2024-05-01T12:00:00.000Z' && l.annotationMetadata.annotatedAt === '2024-05-01T12:00:00.000Z')).toBe(true);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ name: 'coco', client: 'annoconv', type: 'image', filterPredictionsMinimum: 0.4 });
    expect(config.s3).toBeUndefined();
    expect(config.tasks.map((t: { value: string; type: string }) => `${t.type}:${t.value}`).sort()).toEqual(['zone:car', 'zone:person']);
    for (const f of ['predictions', 'annotations']) {
      const v = await cli(['validate', join(dir, `${f}.jsonlines`), '--annotto-config', join(dir, 'config.json')]);
      expect(v.code, v.stderr).toBe(0);
    }
  });

  it('reads the zones back as the same boxes, with the image sizes under --media-root', async () => {
    const dir = join(work, 'coco');
    const images = join(work, 'images');
    mkdirSync(images, { recursive: true });
    for (const im of coco.images) await sharp({ create: { width: im.width, height: im.height, channels: 3, background: '#888' } }).jpeg().toFile(join(images, im.file_name));
    const runs = [
      ['convert', '--from', 'annotto-predictions', join(dir, 'predictions.jsonlines'), '--annotto-items', join(dir, 'items.jsonlines'), '--media-root', images, '--to', 'annoconv'],
      ['convert', '--from', 'annotto-annotations', join(dir, 'annotations.jsonlines'), '--media-root', images, '--to', 'annoconv'],
    ];
    for (const args of runs) {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(0);
      const items = r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
      expect(items.length).toBe(3);
      for (const item of items) {
        const boxes = item.annotations.filter((a: { kind: string }) => a.kind === 'box');
        expect(boxes.length).toBe(expected.get(item.id)!.length);
        boxes.forEach((b: { x: number; y: number; w: number; h: number }, i: number) => {
          const [x1, y1, x2, y2] = expected.get(item.id)![i]!;
          const got = [b.x / item.width, b.y / item.height, (b.x + b.w) / item.width, (b.y + b.h) / item.height];
          got.forEach((v, k) => expect(Math.abs(v - [x1, y1, x2, y2][k]!)).toBeLessThan(1e-9));
        });
      }
    }
  });

  it('without sizes the zones are kept for Annotto output and written back as they were', async () => {
    const dir = join(work, 'coco');
    const r = await cli(['convert', '--from', 'annotto-predictions', join(dir, 'predictions.jsonlines'), '--to', 'annotto-predictions', '--diagnostics', 'json']);
    expect(r.code).toBe(0);
    expect(jsonDiagnostics(r.stderr).map((d) => d.code)).toContain('ANNOTTO_NO_SIZE_KEPT');
    expect(lines(join(dir, 'predictions.jsonlines'))).toEqual(r.stdout.split('\n').filter((l) => l).map((l) => JSON.parse(l)));
  });

  it('says on the jsonl summary which targets carry the labels', async () => {
    const r = await cli(['convert', '--from', 'coco', '--to', 'jsonl', '--url-prefix', 'https://x.org/', SAMPLE]);
    expect(r.stderr).toMatch(/--to annotto-predictions/);
    expect(r.stderr).toMatch(/annotto-annotations/);
  });
});

/** A Label Studio export of one text task: spans over emoji and accents, a relation, a choice and a textarea. */
function lsExport(): { file: string; text: string; spans: { text: string; label: string; start: number; end: number }[] } {
  const text = 'Zoë 👩‍💻 works at Café Ünïcode 🎉 in Zürich, née à Île-de-France 😀.';
  const cps = [...text];
  const find = (s: string): [number, number] => {
    const i = text.indexOf(s);
    const start = [...text.slice(0, i)].length;
    return [start, start + [...s].length];
  };
  const spans = [
    ['Zoë 👩‍💻', 'PER'],
    ['Café Ünïcode 🎉', 'ORG'],
    ['Zürich', 'LOC'],
    ['Île-de-France 😀', 'LOC'],
  ].map(([s, label]) => ({ text: s!, label: label!, start: find(s!)[0], end: find(s!)[1] }));
  expect(spans.every((s) => cps.slice(s.start, s.end).join('') === s.text)).toBe(true);
  const result = [
    ...spans.map((s, i) => ({ id: `s${i}`, from_name: 'label', to_name: 'text', type: 'labels', value: { start: s.start, end: s.end, text: s.text, labels: [s.label] } })),
    { id: 'r0', from_id: 's0', to_id: 's1', type: 'relation', direction: 'right', labels: ['works_at'] },
    { id: 'c0', from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['positive'] } },
    { id: 't0', from_name: 'summary', to_name: 'text', type: 'textarea', value: { text: ['Une note, déjà 👍'] } },
  ];
  const task = [{ id: 7, data: { text }, annotations: [{ id: 70, completed_by: 1, created_at: '2024-03-04T05:06:07.000Z', result }] }];
  const file = join(work, 'ls-ner.json');
  writeFileSync(file, JSON.stringify(task));
  return { file, text, spans };
}

describe('Label Studio text tasks to Annotto and back', () => {
  it('spans become ner entities whose UTF-16 offsets slice the text as a browser does', async () => {
    const { file, text, spans } = lsExport();
    const out = join(work, 'ls-annotations.jsonlines');
    const r = await cli(['convert', '--from', 'labelstudio', '--to', 'annotto-annotations', file, '-o', out, '--config-out', join(work, 'ls-config.json')]);
    expect(r.code, r.stderr).toBe(0);
    const [line] = lines(out);
    expect(line!.item.data.text).toBe(text);
    const entities = Object.values(line!.annotation.ner as Record<string, { entities: { value: string; start_char: number; end_char: number; ent_id: number }[] }>).flatMap((c) => (Array.isArray(c) ? [] : c.entities));
    // String.prototype.slice counts UTF-16 units: the indices the browser's selection gives
    expect(entities.map((e) => [text.slice(e.start_char, e.end_char), e.value])).toEqual(spans.map((s) => [s.text, s.label]));
    expect(line!.annotation.ner.relations).toEqual([{ label: 'works_at', src: entities[0]!.ent_id, dest: entities[1]!.ent_id }]);
    expect(Object.values(line!.annotation.classifications)).toEqual([{ labels: [{ value: 'positive' }] }]);
    expect(Object.values(line!.annotation.text)).toEqual([{ entities: [{ value: 'text', text: 'Une note, déjà 👍' }] }]);
    expect(line!.annotationMetadata.annotatedAt).toBe('2024-03-04T05:06:07.000Z');
    const config = JSON.parse(readFileSync(join(work, 'ls-config.json'), 'utf8'));
    expect(config.type).toBe('text');
    expect(config.entitiesRelationsGroup).toEqual([{ name: 'Relations', values: [{ value: 'works_at', label: 'works_at' }] }]);
    const v = await cli(['validate', out, '--annotto-config', join(work, 'ls-config.json')]);
    expect(v.code, v.stderr).toBe(0);
  });

  it('and back to Label Studio: the same spans, relation, choice and text', async () => {
    const { spans } = lsExport();
    const back = await cli(['convert', '--from', 'annotto-annotations', join(work, 'ls-annotations.jsonlines'), '--to', 'labelstudio']);
    expect(back.code, back.stderr).toBe(0);
    const [task] = JSON.parse(back.stdout);
    const results = task.annotations[0].result as { id: string; type: string; value: Record<string, any>; from_id?: string; to_id?: string; labels?: string[] }[];
    const got = results.filter((x) => x.type === 'labels').map((x) => ({ text: x.value.text, label: x.value.labels[0], start: x.value.start, end: x.value.end }));
    expect(got).toEqual(spans);
    const rel = results.find((x) => x.type === 'relation')!;
    const byId = new Map(results.map((x) => [x.id, x]));
    expect([byId.get(rel.from_id!)!.value.text, byId.get(rel.to_id!)!.value.text, rel.labels]).toEqual([spans[0]!.text, spans[1]!.text, ['works_at']]);
    expect(results.find((x) => x.type === 'choices')!.value.choices).toEqual(['positive']);
    expect(results.find((x) => x.type === 'textarea')!.value.text).toEqual(['Une note, déjà 👍']);
  });

  it('predictions of the same spans carry start/end in UTF-16 units', async () => {
    const { file, text, spans } = lsExport();
    const r = await cli(['convert', '--from', 'labelstudio', '--to', 'annotto-predictions', file, '--diagnostics', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const [line] = r.stdout.split('\n').filter((l) => l).map((l) => JSON.parse(l));
    expect(Object.keys(line)).toEqual(['uuid', 'annotations']);
    const ents = line.annotations.Entities.entities as { value: string; start: number; end: number }[];
    expect(ents.map((e) => text.slice(e.start, e.end))).toEqual(spans.map((s) => s.text));
    expect(line.annotations.Classification).toEqual({ labels: [{ value: 'positive', proba: 1 }] });
    const codes = jsonDiagnostics(r.stderr).map((d) => d.code);
    expect(codes).toContain('ANNOTTO_PROBA_FILLED');
  });
});

describe('Annotto diagnostics, as the server would fail', () => {
  const config = join(work, 'codes-config.json');
  writeFileSync(config, JSON.stringify({ name: 'p', client: 'c', type: 'text', tasks: [
    { category: 'Entities', type: 'ner', value: 'PER', label: 'Person', min: 1 },
    { category: 'Entities', type: 'ner', value: 'ORG', label: 'Org', min: 1 },
    { category: 'Mood', type: 'classifications', value: 'calm', label: 'Calm' },
  ], entitiesRelationsGroup: [{ name: 'g', max: 1, values: [{ value: 'knows', label: 'knows' }] }] }));
  const item = { uuid: 'u1', datatype: 'text', data: { text: 'Zoë 👩‍💻 and Ann' } };
  const meta = { itemMetadata: { seenAt: '2024-01-01T00:00:00Z' }, annotationMetadata: { annotatedAt: '2024-01-01T00:00:00Z' } };
  const ner = (ents: object[], rel?: object[]): object => ({ item, ...meta, annotation: { ner: { Entities: { entities: ents }, ...(rel ? { relations: rel } : {}) } } });
  const e = (value: string, s: number, end: number, id: number): object => ({ value, start_char: s, end_char: end, ent_id: id });

  async function codesOf(format: string, records: unknown[], args: string[] = []): Promise<{ code: string; line?: number; severity: string }[]> {
    const file = join(work, `codes-${format}.jsonlines`);
    writeFileSync(file, records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
    const r = await cli(['validate', file, '--format', format, '--diagnostics', 'json', ...args]);
    return jsonDiagnostics(r.stderr).map((d) => ({ code: d.code, severity: d.severity, ...(d.line !== undefined ? { line: d.line } : {}) }));
  }

  it('annotations: export keys, missing times, shapes, config tasks and counts, dangling relations, spans', async () => {
    const d = await codesOf('annotto-annotations', [
      '{not json',
      { ...(ner([e('PER', 0, 3, 0)]) as object), uuid: 'u1' },
      { item, annotation: {} },
      ner([{ value: 'PER', start_char: 0, end_char: 3 }]),
      ner([e('NOPE', 0, 3, 0)]),
      ner([e('PER', 0, 3, 0), e('ORG', 4, 9, 1)], [{ label: 'knows', src: 0, dest: 7 }]),
      ner([e('PER', 0, 3, 0), e('ORG', 4, 99, 1)]),
      { item, ...meta, annotation: { classifications: { Mood: { labels: [{ value: 'calm' }] } } } },
      ner([e('PER', 0, 3, 0), e('ORG', 4, 9, 1)], [{ label: 'knows', src: 0, dest: 1 }, { label: 'knows', src: 1, dest: 0 }]),
      'null',
    ], ['--annotto-config', config]);
    const at = (line: number): string[] => d.filter((x) => x.line === line && x.severity === 'error').map((x) => x.code);
    expect(at(1)).toEqual(['ANNOTTO_INVALID_JSON']);
    expect(at(2)).toEqual(['ANNOTTO_EXPORT_KEY']);
    expect(at(3)).toContain('ANNOTTO_TIME_MISSING');
    expect(at(4)).toEqual(['ANNOTTO_ENTITY_INVALID']);
    expect(at(5)).toContain('ANNOTTO_TASK_UNKNOWN');
    expect(d.filter((x) => x.line === 6).map((x) => x.code)).toEqual(['ANNOTTO_RELATION_DANGLING']);
    expect(at(7)).toEqual(['ANNOTTO_SPAN_INVALID']);
    expect(at(8)).toEqual(['ANNOTTO_TASK_COUNT']); // no entity: under the min of Entities' last task
    expect(at(9)).toEqual(['ANNOTTO_TASK_COUNT']);
    expect(at(10)).toEqual(['ANNOTTO_RECORD_INVALID']);
  });

  it('predictions: items, text, config categories', async () => {
    const items = join(work, 'codes-items.jsonlines');
    writeFileSync(items, JSON.stringify(item) + '\n');
    const d = await codesOf('annotto-predictions', [
      { uuid: 'u1', annotations: { Entities: { entities: [{ value: 'PER', start: 0, end: 3 }] }, Mood: { labels: [{ value: 'calm', proba: 0.9 }] } } },
      { uuid: 'u2', annotations: { Mood: { labels: [{ value: 'calm', proba: 0.9 }] } } },
      { uuid: 'u1', annotations: { Nope: { labels: [{ value: 'calm', proba: 0.9 }] } } },
    ], ['--annotto-config', config, '--annotto-items', items]);
    expect(d.filter((x) => x.severity === 'error').map((x) => [x.line, x.code])).toEqual([[2, 'ANNOTTO_ITEM_UNKNOWN'], [3, 'ANNOTTO_TASK_UNKNOWN']]);
    const noItems = await cli(['convert', '--from', 'annotto-predictions', join(work, 'codes-annotto-predictions.jsonlines'), '--to', 'annoconv', '--diagnostics', 'json']);
    expect(jsonDiagnostics(noItems.stderr).map((x) => x.code)).toContain('ANNOTTO_NO_TEXT');
  });

  it('writing: sizes, text, labels of two types, the project type, a label outside the config', async () => {
    const model = join(work, 'codes-model.jsonl');
    writeFileSync(model, [
      { id: 'a', kind: 'image', url: 'https://x.org/a.jpg', metadata: {}, annotations: [{ kind: 'box', x: 1, y: 1, w: 2, h: 2, label: 'cat' }] },
      { id: 'b', kind: 'text', metadata: {}, annotations: [{ kind: 'span', start: 0, end: 1, label: 'cat' }] },
      { id: 'c', kind: 'image', url: 'https://x.org/c.jpg', width: 10, height: 10, metadata: {}, annotations: [{ kind: 'box', x: 1, y: 1, w: 2, h: 2, label: 'cat' }] },
      { id: 'd', kind: 'text', text: 'hello', metadata: {}, annotations: [{ kind: 'classification', labels: ['cat'] }] },
      { id: 'e', kind: 'text', text: 'hello', metadata: {}, annotations: [{ kind: 'classification', labels: ['calm'], score: 0.2 }] },
    ].map((x) => JSON.stringify(x)).join('\n') + '\n');
    const r = await cli(['convert', '--from', 'annoconv', '--to', 'annotto-predictions', model, '--diagnostics', 'json']);
    const d = jsonDiagnostics(r.stderr).map((x) => [x.line, x.code]);
    expect(d).toContainEqual([1, 'ANNOTTO_NO_SIZE']);
    expect(d).toContainEqual([2, 'ANNOTTO_NO_TEXT']);
    expect(d).toContainEqual([4, 'ANNOTTO_VALUE_TAKEN']);
    expect(d).toContainEqual([5, 'ANNOTTO_PROJECT_TYPE']);
    expect(d.map((x) => x[1])).toContain('ANNOTTO_SCORE_HIDDEN');
    const withConfig = await cli(['convert', '--from', 'annoconv', '--to', 'annotto-annotations', model, '--annotto-config', config, '--diagnostics', 'json']);
    expect(jsonDiagnostics(withConfig.stderr).map((x) => [x.line, x.code])).toContainEqual([3, 'ANNOTTO_TASK_UNKNOWN']);
    expect(jsonDiagnostics(withConfig.stderr).map((x) => x.code)).toContain('ANNOTTO_TIME_FILLED');
  });

  it('a bad --annotto-config or --annotated-at is a usage error before anything is read', async () => {
    writeFileSync(join(work, 'dup.json'), JSON.stringify({ tasks: [{ category: 'a', type: 'zone', value: 'x', label: 'X' }, { category: 'a', type: 'zone', value: 'x', label: 'Y' }] }));
    const a = await cli(['validate', '--format', 'annotto-predictions', join(work, 'nothing-here'), '--annotto-config', join(work, 'dup.json')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/OPTION_INVALID.*value "x"/);
    const b = await cli(['convert', '--from', 'coco', '--to', 'annotto-annotations', SAMPLE, '--annotated-at', 'soon']);
    expect(b.code).toBe(2);
  });
});

describe('keys from the data are data', () => {
  it('a category named __proto__ is written as a category of its own, and no prototype changes', async () => {
    const line = '{"uuid":"a","annotations":{"__proto__":{"labels":[{"value":"q","proba":0.5}]},"constructor":{"labels":[{"value":"r","proba":0.7}]}}}\n';
    const r = await cli(['convert', '--from', 'annotto-predictions', '--to', 'annotto-predictions'], { stdin: line });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(line));
    expect(Object.keys(JSON.parse(r.stdout).annotations)).toEqual(['__proto__', 'constructor']);
  });
});
