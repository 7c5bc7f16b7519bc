/**
 * Nothing vanishes with exit 0 on the way from Label Studio percent to pixels: a shape without
 * original_width/original_height is refused by every pixel target (MODEL_NO_SIZE, exit 1) and kept
 * by Label Studio; a percent that overflows pixels is refused at reading, at its value
 * (MODEL_VALUE_RANGE), so that no target writes Infinity or null.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import type { SetChoice } from '../src/core/annotation-sets.js';

const rect = (value: Record<string, unknown>, size: Record<string, unknown> = { original_width: 100, original_height: 50 }): Record<string, unknown> =>
  ({ id: 'r', type: 'rectanglelabels', from_name: 'label', to_name: 'image', ...size, value: { rectanglelabels: ['cat'], ...value } });
const task = (id: number, results: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ id, data: { image: `https://b/${id}.jpg` }, annotations: [{ id: id * 10, result: results }], ...extra });

/** Every file a run wrote (a folder's files, or the stream), as one text. */
async function run(tasks: unknown[], to: string, sets?: SetChoice): Promise<{ exitCode: number; diags: Diagnostic[]; written: number; text: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'annoconv-px-'));
  try {
    const folder = to === 'voc' || to === 'yolo';
    const sink = new MemorySink();
    const diags: Diagnostic[] = [];
    const r = await convert({ input: bufferInput(JSON.stringify(tasks)), from: 'labelstudio', to, output: folder ? join(dir, 'out') : sink, options: sets ? { sets } : {}, onDiagnostic: (d) => diags.push(d) });
    let text = sink.text();
    if (folder && existsSync(join(dir, 'out'))) for (const f of readdirSync(join(dir, 'out'), { recursive: true }) as string[]) if (/\.(txt|xml)$/.test(f)) text += readFileSync(join(dir, 'out', f), 'utf8');
    return { exitCode: r.exitCode, diags, written: r.written, text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PIXEL_TARGETS = ['coco', 'yolo', 'voc', 'csv', 'remo-json'];

describe('a box without an image size', () => {
  const tasks = [task(1, [rect({ x: 10, y: 10, width: 20, height: 20 })]), task(2, [rect({ x: 10, y: 10, width: 20, height: 20 }, {})])];

  for (const to of PIXEL_TARGETS) {
    it(`${to} refuses its task with MODEL_NO_SIZE (exit 1) and writes the other`, async () => {
      const r = await run(tasks, to);
      expect(r.exitCode).toBe(1);
      expect(r.written).toBe(1);
      expect(r.diags.filter((d) => d.severity === 'error').map((d) => [d.code, d.pointer])).toEqual([['MODEL_NO_SIZE', '#/1']]);
    });
  }

  it('labelstudio keeps it as it was (warned)', async () => {
    const r = await run(tasks, 'labelstudio');
    expect(r.exitCode).toBe(0);
    expect(r.diags.map((d) => d.code)).toEqual(['LS_NO_SIZE_KEPT']);
    expect((JSON.parse(r.text) as { annotations: { result: unknown[] }[] }[])[1]!.annotations[0]!.result).toEqual([rect({ x: 10, y: 10, width: 20, height: 20 }, {})]);
  });

  it('a set not chosen does not refuse the task', async () => {
    // the sizeless box is in the older annotation; the chosen (latest) one has only a choice
    const t = {
      id: 3, data: { image: 'https://b/3.jpg' },
      annotations: [
        { id: 1, created_at: '2024-01-01T00:00:00Z', result: [rect({ x: 1, y: 1, width: 1, height: 1 }, {})] },
        { id: 2, created_at: '2024-01-02T00:00:00Z', result: [{ id: 'c', type: 'choices', from_name: 'c', to_name: 'image', value: { choices: ['day'] } }] },
      ],
    };
    const latest = await run([t], 'voc');
    expect([latest.exitCode, latest.written]).toEqual([0, 1]);
    expect(latest.diags.some((d) => d.code === 'MODEL_NO_SIZE')).toBe(false);
    const first = await run([t], 'voc', { annotations: 'first' });
    expect(first.exitCode).toBe(1);
    expect(first.diags.map((d) => d.code)).toContain('MODEL_NO_SIZE');
  });
});

describe('percent that overflows pixels', () => {
  const cases: [string, unknown, string][] = [
    ['x of 1e308 %', task(1, [rect({ x: 1e308, y: 10, width: 20, height: 20 })]), '#/0/annotations/0/result/0/value/x'],
    ['width of 1e12 %', task(1, [rect({ x: 1, y: 10, width: 1e12, height: 20 })]), '#/0/annotations/0/result/0/value/width'],
    ['rotation of 1e300 degrees', task(1, [rect({ x: 1, y: 1, width: 2, height: 2, rotation: 1e300 })]), '#/0/annotations/0/result/0/value/rotation'],
    ['a polygon point', task(1, [{ id: 'p', type: 'polygonlabels', from_name: 'p', to_name: 'image', original_width: 100, original_height: 50, value: { points: [[0, 0], [1e308, 1], [2, 2]], polygonlabels: ['cat'] } }]), '#/0/annotations/0/result/0/value/points/1'],
    ['a keypoint', task(1, [{ id: 'k', type: 'keypointlabels', from_name: 'k', to_name: 'image', original_width: 100, original_height: 50, value: { x: 1, y: -1e307, keypointlabels: ['nose'] } }]), '#/0/annotations/0/result/0/value/y'],
    ['an ellipse radius', task(1, [{ id: 'e', type: 'ellipselabels', from_name: 'e', to_name: 'image', original_width: 100, original_height: 50, value: { x: 1, y: 1, radiusX: 1e308, radiusY: 1, ellipselabels: ['ball'] } }]), '#/0/annotations/0/result/0/value/radiusX'],
    ['an image size of 1e308', task(1, [rect({ x: 1, y: 1, width: 2, height: 2 }, { original_width: 1e308, original_height: 50 })]), '#/0/annotations/0/result/0/original_width'],
    ['a size in meta', task(1, [], { meta: { original_width: 10, original_height: 1e300 } }), '#/0/meta/original_height'],
  ];

  for (const [name, t, pointer] of cases) {
    it(`${name}: MODEL_VALUE_RANGE at the value; no target writes Infinity or null`, async () => {
      for (const to of ['coco', 'yolo', 'csv', 'labelstudio', 'annoconv']) {
        const r = await run([t, task(2, [rect({ x: 10, y: 10, width: 20, height: 20 })])], to);
        expect(r.exitCode, to).toBe(1);
        expect(r.diags.filter((d) => d.severity === 'error').map((d) => [d.code, d.pointer]), to).toEqual([['MODEL_VALUE_RANGE', pointer]]);
        expect(r.written, to).toBe(1);
        expect(r.text, to).not.toMatch(/null|Infinity|NaN/);
      }
    });
  }
});
