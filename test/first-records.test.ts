/**
 * A wrong --from gives one INPUT_FORMAT_MISMATCH naming the likely format, instead of an error per
 * record; an input of the right format keeps every diagnostic, in order.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convert, validate } from '../src/core/run.js';
import { bufferInput, MemorySink } from '../src/core/io.js';
import { AnnoconvError, type Diagnostic } from '../src/core/diagnostics.js';
import { cli, jsonDiagnostics, ROOT } from './helpers/run.js';

const ITEMS = Array.from({ length: 30 }, (_, i) => JSON.stringify({ uuid: `id-${i}`, type: 'image', data: { url: `https://x.org/${i}.jpg` }, metadata: { images: [1], annotations: [] } })).join('\n') + '\n';
const COCO = readFileSync(join(ROOT, 'fixtures/sample/instances.json'), 'utf8');
const LS = readFileSync(join(ROOT, 'fixtures/labelstudio/all-types/input.json'), 'utf8');
const CSV = readFileSync(join(ROOT, 'fixtures/csv/segmentation/input.csv'), 'utf8');
const ENCORD_CSV = readFileSync(join(ROOT, 'fixtures/encord-csv/documented/input.csv'), 'utf8');

interface Outcome {
  diags: Diagnostic[];
  error?: AnnoconvError;
  exitCode?: number;
}

async function run(text: string, from: string, options: Record<string, unknown> = {}): Promise<Outcome> {
  const diags: Diagnostic[] = [];
  try {
    const r = await convert({ input: bufferInput(text, 'in'), from, to: 'annoconv', output: new MemorySink(), options, onDiagnostic: (d) => diags.push(d) });
    return { diags, exitCode: r.exitCode };
  } catch (e) {
    if (!(e instanceof AnnoconvError)) throw e;
    return { diags, error: e };
  }
}

describe('a wrong --from', () => {
  it('items.jsonlines read as COCO, COCO read as jsonl, Label Studio read as COCO, items read as ls-bulk or annoconv: one message naming the format, nothing else', async () => {
    for (const [text, from, likely] of [[ITEMS, 'coco', 'jsonl'], [COCO, 'jsonl', 'coco'], [LS, 'coco', 'labelstudio'], [ITEMS, 'ls-bulk', 'jsonl'], [ITEMS, 'annoconv', 'jsonl']] as const) {
      const r = await run(text, from);
      expect(r.diags, `${likely} as ${from}`).toEqual([]);
      expect(r.error?.diagnostic.code, `${likely} as ${from}`).toBe('INPUT_FORMAT_MISMATCH');
      expect(r.error?.diagnostic.message).toMatch(new RegExp(`^read as ${from}, .*; it looks like ${likely}: use --from ${likely}$`));
      expect(r.error?.exitCode).toBe(1);
    }
  });

  it('one error refusing every record (a CSV header without known columns, a JSON document that is not one) is enough', async () => {
    for (const [text, from, likely] of [[COCO, 'csv', 'coco'], [CSV, 'labelstudio', 'csv'], [ENCORD_CSV, 'encord-json', 'encord-csv'], [ENCORD_CSV, 'csv', 'encord-csv']] as const) {
      const r = await run(text, from);
      expect([r.error?.diagnostic.code, r.diags], `${likely} as ${from}`).toEqual(['INPUT_FORMAT_MISMATCH', []]);
      expect(r.error?.diagnostic.message).toContain(`use --from ${likely}`);
    }
  });

  it('pins the message', async () => {
    const r = await run(ITEMS, 'coco');
    expect(r.error?.diagnostic).toMatchObject({ file: 'in', message: 'read as coco, nothing could be read; it looks like jsonl: use --from jsonl' });
    const lines = await run(COCO, 'jsonl');
    expect(lines.error?.diagnostic.message).toMatch(/^read as jsonl, its first \d+ records all failed; it looks like coco/);
  });

  it('--on-invalid fail stops with the mismatch, not at the first record', async () => {
    const r = await run(COCO, 'jsonl', { onInvalid: 'fail' });
    expect([r.error?.diagnostic.code, r.diags]).toEqual(['INPUT_FORMAT_MISMATCH', []]);
  });

  it('through the CLI from a pipe: one diagnostic, exit 1, no output', async () => {
    const r = await cli(['convert', '--from', 'coco', '--to', 'annoconv', '--diagnostics', 'json'], { stdin: ITEMS });
    expect(r.code).toBe(1);
    expect(jsonDiagnostics(r.stderr).map((d) => [d.code, d.file])).toEqual([['INPUT_FORMAT_MISMATCH', '<stdin>']]);
    expect(r.stdout).toBe('');
  });
});

describe('the right --from', () => {
  it('a broken file of the format keeps every diagnostic, in order (detection says it is that format)', async () => {
    const broken = Array.from({ length: 25 }, (_, i) => `{"uuid": "u${i}", "type": "image", "data": {"url": "https://x.org/${i}.jpg"}, "oops"}`).join('\n') + '\n';
    const r = await run(broken, 'jsonl');
    expect(r.error).toBeUndefined();
    expect(r.diags.map((d) => [d.code, d.line])).toEqual(Array.from({ length: 25 }, (_, i) => ['JSONL_INVALID_JSON', i + 1]));
  });

  it('a file name alone names no other format: broken lines in a .jsonl read as annoconv keep their errors', async () => {
    const diags: Diagnostic[] = [];
    const r = await validate({ input: bufferInput('{bad\n{bad\n', 'x.jsonl'), from: 'annoconv', onDiagnostic: (d) => diags.push(d) });
    expect([r.exitCode, diags.map((d) => [d.code, d.line])]).toEqual([1, [['MODEL_INVALID_JSON', 1], ['MODEL_INVALID_JSON', 2]]]);
  });

  it('first records refused for reasons other than their shape keep their diagnostics (keys MongoDB refuses are jsonl, just refused)', async () => {
    const dotted = Array.from({ length: 22 }, (_, i) => JSON.stringify({ uuid: `u${i}`, type: 'image', data: { url: `https://x.org/b/${i}.jpg` }, metadata: { 'file.name': `${i}.jpg` } })).join('\n') + '\n';
    const diags: Diagnostic[] = [];
    const r = await validate({ input: bufferInput(dotted, 'in'), from: 'jsonl', onDiagnostic: (d) => diags.push(d) });
    expect(r.exitCode).toBe(1);
    expect(diags.filter((d) => d.code === 'JSONL_KEY_INVALID')).toHaveLength(22);
  });

  it('valid records after 20 bad ones: the diagnostics held for the first ones go out before the rest', async () => {
    const bad = Array.from({ length: 20 }, () => '{"uuid": ').join('\n');
    const good = ITEMS.split('\n').slice(0, 3).join('\n');
    const r = await run(bad + '\n' + good + '\n', 'jsonl');
    expect(r.exitCode).toBe(1);
    expect(r.diags.filter((d) => d.severity === 'error').map((d) => [d.code, d.line])).toEqual(Array.from({ length: 20 }, (_, i) => ['JSONL_INVALID_JSON', i + 1]));
  });
});
