/** Remo JSON: round trip, fractions, and the COCO <-> Remo path. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { ROOT } from './helpers/run.js';

async function run(input: string, from: string, to: string, format: Record<string, unknown> = {}): Promise<{ text: string; diags: Diagnostic[]; exitCode: number }> {
  const sink = new MemorySink();
  const diags: Diagnostic[] = [];
  const r = await convert({ input: bufferInput(input), from, to, output: sink, options: { format }, onDiagnostic: (d) => diags.push(d) });
  return { text: sink.text(), diags, exitCode: r.exitCode };
}

describe('remo-json', () => {
  it('remo-json -> annoconv -> remo-json gives the valid images back', async () => {
    const src = readFileSync(ROOT + 'fixtures/remo-json/rules/input.json', 'utf8');
    const back = await run((await run(src, 'remo-json', 'annoconv')).text, 'annoconv', 'remo-json');
    expect(back.exitCode).toBe(0);
    expect(JSON.parse(back.text)).toEqual((JSON.parse(src) as unknown[]).slice(0, 2));
  });

  it('--coordinates percent: fractions 0-1 of the image size both ways; without a size it is a coded error', async () => {
    const coco = JSON.stringify({ info: {}, images: [{ id: 1, file_name: 'a.jpg', width: 200, height: 100 }], annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [10, 20, 30, 40], area: 1200, iscrowd: 0 }], categories: [{ id: 1, name: 'cat' }] });
    const remo = await run(coco, 'coco', 'remo-json', { coordinates: 'percent' });
    expect((JSON.parse(remo.text) as { annotations: unknown[] }[])[0]!.annotations).toEqual([{ classes: ['cat'], coordinates: [{ x: 0.05, y: 0.2 }, { x: 0.2, y: 0.6 }] }]);
    const back = JSON.parse((await run(remo.text, 'remo-json', 'coco', { coordinates: 'percent' })).text) as { annotations: { bbox: number[] }[] };
    back.annotations[0]!.bbox.forEach((v, i) => expect(Math.abs(v - [10, 20, 30, 40][i]!)).toBeLessThan(1e-9));
    const r = await run('[{"file_name": "a.jpg", "annotations": [{"classes": ["x"], "coordinates": [{"x": 0.1, "y": 0.1}, {"x": 0.2, "y": 0.2}]}]}]', 'remo-json', 'annoconv', { coordinates: 'percent' });
    expect(r.diags.map((d) => [d.code, d.pointer])).toEqual([['REMO_NO_SIZE', '#/0/annotations/0/coordinates']]);
    const w = await run(JSON.stringify({ id: 'a', kind: 'image', path: 'a.jpg', metadata: {}, annotations: [{ kind: 'box', x: 1, y: 1, w: 1, h: 1, label: 'x' }] }), 'annoconv', 'remo-json', { coordinates: 'percent' });
    expect(w.diags.map((d) => d.code)).toEqual(['REMO_NO_SIZE']);
  });

  it('broken JSON and a root that is not a list are coded', async () => {
    expect((await run('[{"file_name": "a.jpg"', 'remo-json', 'annoconv')).diags.map((d) => d.code)).toEqual(['REMO_INVALID_JSON']);
    expect((await run('{"file_name": "a.jpg"}', 'remo-json', 'annoconv')).diags.map((d) => d.code)).toEqual(['REMO_NOT_LIST']);
  });
});
