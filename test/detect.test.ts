/**
 * Detection by structure: keys and types of the first JSON value (parsed as far as the sample goes),
 * the first line's record, the first CSV row; never text matched anywhere in the sample.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convert, detect } from '../src/core/run.js';
import { bufferInput, MemorySink } from '../src/core/io.js';
import { AnnoconvError, type Diagnostic } from '../src/core/diagnostics.js';
import { parseHead } from '../src/core/json-head.js';
import { findFormat } from '../src/core/registry.js';
import { cli, jsonDiagnostics, ROOT, walk } from './helpers/run.js';

const detected = (text: string, name = 'in'): Promise<string | undefined> => detect(bufferInput(text, name));

function lsTask(results: number, dataFirst: boolean): string {
  const result = Array.from({ length: results }, (_, i) => ({ id: `r${i}`, from_name: 'label', to_name: 'image', type: 'rectanglelabels', original_width: 100, original_height: 100, value: { x: 1, y: 2, width: 3, height: 4, rotation: 0, rectanglelabels: ['cat'] } }));
  const data = { image: 'https://x.org/a.jpg' };
  const annotations = [{ id: 1, result }];
  return JSON.stringify([dataFirst ? { id: 1, data, annotations } : { id: 1, annotations, data }]);
}

describe('detection by structure', () => {
  it('an item whose metadata holds "images" and "annotations" lists is items.jsonlines, and reads as such', async () => {
    const text = [
      { uuid: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed', type: 'image', data: { url: 'https://x.org/a.jpg' }, metadata: { images: [1, 2], annotations: [{ x: 1 }], categories: [] } },
      { uuid: '2b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed', type: 'image', data: { url: 'https://x.org/b.jpg' } },
    ].map((x) => JSON.stringify(x)).join('\n') + '\n';
    expect(await detected(text, 'items.jsonlines')).toBe('jsonl');
    const r = await convert({ input: bufferInput(text, 'items.jsonlines'), to: 'annoconv', output: new MemorySink() });
    expect([r.from, r.read, r.written, r.rejected]).toEqual(['jsonl', 2, 2, 0]);
  });

  it('a Label Studio task with data.images (and data.categories) is Label Studio, as a list or as one task', async () => {
    const task = { data: { images: ['https://x.org/a.jpg'], categories: ['a'] }, annotations: [{ result: [] }] };
    expect(await detected(JSON.stringify(task))).toBe('labelstudio');
    expect(await detected(JSON.stringify([task]))).toBe('labelstudio');
    expect(await detected(JSON.stringify([{ data: { images: ['https://x.org/a.jpg'] } }]))).toBe('labelstudio');
  });

  it('a Label Studio export whose first task is larger than the sample is still Label Studio (data before or after the results)', async () => {
    for (const [results, dataFirst] of [[1000, false], [1000, true], [12000, false]] as const) {
      const text = lsTask(results, dataFirst);
      expect(text.length).toBeGreaterThan(64 * 1024);
      expect(await detected(text)).toBe('labelstudio');
    }
  });

  it('top-level structure decides between COCO, COCO results, Encord, Remo and JSON-MIN', async () => {
    expect(await detected(JSON.stringify({ info: {}, images: [{ id: 1, file_name: 'a.jpg' }], annotations: [], categories: [] }))).toBe('coco');
    expect(await detected(JSON.stringify({ images: [{ objectUrl: 'https://x.org/a.jpg' }] }))).toBe('encord-json');
    expect(await detected(JSON.stringify([{ image_id: 1, category_id: 2, bbox: [0, 0, 1, 1], score: 0.5 }]))).toBe('coco-results');
    expect(await detected(JSON.stringify([{ file_name: 'a.jpg', annotations: [{ classes: ['x'], coordinates: [] }] }]))).toBe('remo-json');
    expect(await detected(JSON.stringify([{ image: 'a.jpg', id: 1, annotation_id: 2, label: [] }]))).toBe('labelstudio-min');
    // the same keys one level down are not top-level lists
    expect(await detected(JSON.stringify({ meta: { images: [], annotations: [], categories: [] } }))).toBeUndefined();
  });

  it('CSV headers are read as cells (quotes honoured)', async () => {
    expect(await detected('"ObjectUrl","Image title"\nhttps://x.org/a.jpg,A\n')).toBe('encord-csv');
    expect(await detected('"file_name","class_name"\na.jpg,cat\n')).toBe('csv');
    expect(await detected('"file_name,class_name"\na.jpg\n')).toBeUndefined();
  });

  it('every fixture input is detected as the format its case reads it as, unless the case is about a wrong or unread format, or reads it as a format never detected (annotto-export)', async () => {
    const wrong: string[] = [];
    for (const fmt of readdirSync(join(ROOT, 'fixtures'))) {
      for (const f of walk(join(ROOT, 'fixtures', fmt)).filter((p) => /\/input[^/]*$/.test(p) && !/\/(voc|sample)\//.test(p))) {
        const c = JSON.parse(readFileSync(join(f, '../case.json'), 'utf8')) as { from: string };
        if (!findFormat(c.from)?.detect) continue;
        const expected = (JSON.parse(readFileSync(join(f, '../diagnostics.json'), 'utf8')) as { code: string }[]).map((d) => d.code);
        const got = await detected(readFileSync(f, 'utf8'), f).catch((e: AnnoconvError) => e.diagnostic.code);
        // a case about a file its format does not read (COCO panoptic read as coco) may be detected as the format that reads it
        const about = expected.includes('INPUT_FORMAT_UNSUPPORTED') || (got !== 'INPUT_FORMAT_UNSUPPORTED' && expected.includes('INPUT_FORMAT_MISMATCH'));
        if (got !== undefined && got !== c.from && !about) wrong.push(`${f}: ${got} (the case reads it as ${c.from})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('files annoconv recognises but does not read', () => {
  const panoptic = JSON.stringify({ images: [{ id: 40, width: 5, height: 10, file_name: 'b.jpg' }], annotations: [{ image_id: 40, file_name: 'b.png', segments_info: [{ id: 7, category_id: 1, bbox: [0, 0, 1, 9] }] }], categories: [{ id: 1, name: 'a', isthing: 0 }] });
  const predictions = '{"uuid": "d7bb0128-c478-4f56-a00a-601ee6bd0849", "annotations": {"Sentiment": {"labels": [{"value": "pos", "proba": 0.9}]}}}\n';
  const exported = '{"item": {"uuid": "e1", "datatype": "image", "data": {"url": "https://x.org/a.png"}}, "annotation": {"zone": {}}, "itemMetadata": {}, "annotationMetadata": {}}\n';

  it('COCO panoptic is detected as coco-panoptic; read as coco, it is named in one INPUT_FORMAT_UNSUPPORTED that points to coco-panoptic', async () => {
    expect(await detected(panoptic)).toBe('coco-panoptic');
    const diags: Diagnostic[] = [];
    const e = await convert({ input: bufferInput(panoptic, 'in'), from: 'coco', to: 'annoconv', output: new MemorySink(), onDiagnostic: (d) => diags.push(d) }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(AnnoconvError);
    expect((e as AnnoconvError).diagnostic).toMatchObject({ code: 'INPUT_FORMAT_UNSUPPORTED', message: expect.stringMatching(/COCO panoptic.*--from coco-panoptic/) });
    expect(diags).toEqual([]);
    // detected and read: from stdin there is no folder of segment maps beside it
    const read: Diagnostic[] = [];
    await convert({ input: bufferInput(panoptic, 'in'), to: 'annoconv', output: new MemorySink(), onDiagnostic: (d) => read.push(d) });
    expect(read.map((d) => [d.code, d.pointer])).toEqual([['MASK_PNG_MISSING', '#/annotations/0/file_name']]);
  });

  it('Annotto predictions and annotation exports are read by their formats; read as jsonl, one INPUT_FORMAT_MISMATCH names them', async () => {
    for (const [text, id] of [[predictions, 'annotto-predictions'], [exported, 'annotto-annotations']] as const) {
      expect(await detected(text)).toBe(id);
      const e = await convert({ input: bufferInput(text, 'in'), from: 'jsonl', to: 'annoconv', output: new MemorySink() }).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(AnnoconvError);
      expect((e as AnnoconvError).diagnostic).toMatchObject({ code: 'INPUT_FORMAT_MISMATCH', message: expect.stringContaining(`--from ${id}`) });
    }
  });

  it('the CLI prints one diagnostic and exits 1 (the corpus panoptic file, read as coco)', async () => {
    const file = join(ROOT, 'fixtures/coco/panoptic/input.json');
    const r = await cli(['convert', file, '--from', 'coco', '--to', 'annoconv', '--diagnostics', 'json']);
    expect(r.code).toBe(1);
    expect(jsonDiagnostics(r.stderr).map((d) => d.code)).toEqual(['INPUT_FORMAT_UNSUPPORTED']);
    expect(r.stdout).toBe('');
  });
});

describe('the partial JSON parse', () => {
  it('sees the same top-level value in every prefix of a JSON file as in the whole, and nothing in blanks', () => {
    const texts = walk(join(ROOT, 'fixtures')).filter((f) => /\/input\.json$/.test(f)).map((f) => readFileSync(f, 'utf8'));
    expect(texts.length).toBeGreaterThan(10);
    for (const t of texts) {
      const whole = parseHead(t, true);
      for (let n = 1; n <= t.length; n += 7) {
        const prefix = t.slice(0, n);
        const part = parseHead(prefix, false);
        if (prefix.replace(/^\ufeff/, '').trim() === '') expect(part).toBeUndefined();
        else if (whole) expect(part?.value.type, prefix.slice(-40)).toBe(whole.value.type);
      }
    }
    expect(parseHead('['.repeat(100_000), false)).toMatchObject({ after: 'cut', value: { type: 'array', complete: false } });
    expect(parseHead('{"a": [1, {"b": "x', false)).toMatchObject({ after: 'cut', value: { type: 'object', complete: false } });
    expect(parseHead('{"a": 1}\n{"b": 2}\n', true)).toMatchObject({ after: 'value', value: { type: 'object', complete: true } });
    expect(parseHead('file_name,class_name\n', true)).toBeUndefined();
  });
});
