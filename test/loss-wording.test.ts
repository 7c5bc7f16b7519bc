/**
 * The loss report reads right for a count of 1 and of many: each item below, written alone and
 * then twice (so that every loss it causes counts 1, then 2), into every target; each loss line
 * must change its noun between the two ("dropped 1 polygon" / "dropped 2 polygons", never
 * "dropped 1 annotation sets merged").
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert } from '../src/core/run.js';
import { bufferInput, MemorySink } from '../src/core/io.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import type { Loss } from '../src/core/pipeline.js';
import type { SetChoice } from '../src/core/annotation-sets.js';

const HEADER = { annoconv: 'dataset', version: 1, categories: [{ id: 1, name: 'cat' }], info: { year: 2024 } };

const IMAGE = {
  id: 'a', kind: 'image', url: 'https://x.org/a.jpg', path: 'a.jpg', width: 640, height: 480, title: 'A',
  media: { mimeType: 'image/jpeg', fileSize: 1234 }, metadata: { lang: 'fr' }, tags: ['t'],
  annotations: [
    { kind: 'box', x: 1, y: 2, w: 30, h: 40, rotation: 20, label: 'cat', group: 'annotations/0', author: 'ann', createdAt: '2024-01-01T00:00:00Z', attributes: { pose: 'left' } },
    { kind: 'box', x: 1, y: 2, w: 0.5, h: 0.5, label: 'cat', group: 'annotations/1' },
    { kind: 'polygon', rings: [[0, 0, 10, 0, 10, 10], [20, 20, 30, 20, 30, 30]], label: 'cat', group: 'predictions/0', origin: 'prediction', score: 0.9 },
    { kind: 'ellipse', cx: 50, cy: 50, rx: 10, ry: 5, label: 'cat' },
    { kind: 'mask', rle: { size: [480, 640], counts: [0, 20, 307180] }, label: 'cat' },
    { kind: 'keypoints', points: [[1, 2, 1], [3, 4, 2]], label: 'cat' },
    { kind: 'classification', labels: ['indoor', 'day'] },
    { kind: 'box', x: 5, y: 5, w: 5, h: 5 },
  ],
  extras: { other: { k: 1 } },
};

const TEXT = {
  id: 't', kind: 'text', text: 'Bonjour Paris', metadata: {},
  annotations: [
    { kind: 'span', start: 8, end: 13, text: 'Paris', label: 'LOC', id: 's1' },
    { kind: 'span', start: 0, end: 7, label: 'GREET', id: 's0' },
    { kind: 'relation', from: 's0', to: 's1', direction: 'right' },
    { kind: 'text', values: ['note'] },
  ],
};

// annoconv is lossless, so it has nothing to report
const TARGETS = ['jsonl', 'coco', 'encord-json', 'encord-csv', 'labelstudio', 'ls-bulk', 'labelstudio-min', 'csv', 'remo-json', 'voc', 'yolo'];
const OPTIONS: Record<string, Record<string, unknown>[]> = { csv: [{}, { csvTask: 'segmentation' }, { csvTask: 'classification' }], yolo: [{}, { yoloTask: 'segment' }, { yoloTask: 'obb' }] };

function copy(item: Record<string, unknown>, n: number): Record<string, unknown> {
  // whole-number ids: ls-bulk takes them as task ids
  return { ...item, id: `${item.id === 'a' ? 10 : 20}${n}`, ...(item.url ? { url: `https://x.org/${n}/a.jpg`, path: `${n}.jpg` } : {}) };
}

/** Every set written together (so that each shape reaches the writer), unless `sets` says otherwise. */
const ALL_SETS: SetChoice = { annotations: 'all', predictions: 'include' };

async function losses(to: string, items: Record<string, unknown>[], format: Record<string, unknown>, sets: SetChoice = ALL_SETS): Promise<{ losses: Loss[]; diags: Diagnostic[] }> {
  const text = [HEADER, ...items].map((x) => JSON.stringify(x)).join('\n') + '\n';
  const diags: Diagnostic[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'annoconv-loss-'));
  try {
    const folder = to === 'voc' || to === 'yolo';
    const r = await convert({ input: bufferInput(text, 'in.annoconv'), from: 'annoconv', to, output: folder ? join(dir, 'out') : new MemorySink(), options: { format, sets }, onDiagnostic: (d) => diags.push(d) });
    return { losses: r.losses, diags };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loss wording', () => {
  for (const to of TARGETS) {
    for (const format of OPTIONS[to] ?? [{}]) {
      it(`${to} ${JSON.stringify(format)}: each loss line agrees with its count`, async () => {
        let compared = 0;
        for (const item of [IMAGE, TEXT]) {
          const one = await losses(to, [copy(item, 1)], format);
          const two = await losses(to, [copy(item, 1), copy(item, 2)], format);
          for (const l of one.losses) {
            const twice = two.losses.find((m) => m.reason === l.reason && m.count === 2 * l.count);
            if (l.count !== 1 || !twice) continue;
            compared++;
            expect(twice.what, `"${l.what}" (${l.reason}) reads the same for 1 and 2`).not.toBe(l.what);
            expect(one.diags.filter((d) => d.code === 'LOSS_DROPPED').map((d) => d.message)).toContain(`dropped 1 ${l.what}: ${l.reason}`);
          }
        }
        expect(compared).toBeGreaterThan(0);
      });
    }
  }

  it('several annotation sets merged into one read as separate sets, 1 and many', async () => {
    const one = await losses('coco', [copy(IMAGE, 1)], {});
    const sets = one.losses.find((l) => /annotation set/.test(l.what));
    expect(sets).toEqual({ what: 'separate annotation sets', count: 2, reason: expect.stringContaining('holds one set of annotations per image') });
    const single = await losses('coco', [{ ...copy(IMAGE, 1), annotations: IMAGE.annotations.slice(0, 2) }], {});
    expect(single.losses.find((l) => /annotation set/.test(l.what))).toEqual({ what: 'separate annotation set', count: 1, reason: expect.any(String) });
    expect(single.diags.map((d) => d.message)).toContain("dropped 1 separate annotation set: COCO holds one set of annotations per image: the annotators' and prediction sets were written together");
  });

  it('the sets the default choice leaves out are named, 1 and many: other annotation sets, prediction sets', async () => {
    // IMAGE has two annotators' sets, a prediction set and annotations without a set: one set is kept
    const one = await losses('coco', [copy(IMAGE, 1)], {}, {});
    const two = await losses('coco', [copy(IMAGE, 1), copy(IMAGE, 2)], {}, {});
    const named = (r: { losses: Loss[] }): [string, number][] => r.losses.filter((l) => /set/.test(l.what)).map((l) => [l.what, l.count]);
    expect(named(one)).toEqual([['other annotation sets', 2], ['prediction set', 1]]);
    expect(named(two)).toEqual([['other annotation sets', 4], ['prediction sets', 2]]);
    expect(one.diags.map((d) => d.message)).toContain('dropped 1 prediction set: --predictions exclude: predictions are not ground truth; --predictions include makes them candidates');
  });
});
