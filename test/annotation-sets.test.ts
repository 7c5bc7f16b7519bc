/**
 * One annotation set per item for targets that hold one (--annotations, --predictions): the choice
 * itself (core/annotation-sets.ts), what the loss report names, --strict, the CLI's usage checks,
 * and that targets holding many sets keep them all.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePredictionRule, parseSetRule, pickSets, type SetChoice } from '../src/core/annotation-sets.js';
import { AnnoconvError } from '../src/core/diagnostics.js';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import type { Annotation, AnnotationSet, Item } from '../src/model/types.js';
import { cli, jsonDiagnostics, ROOT } from './helpers/run.js';

const box = (group: string, label: string, extra: Partial<Annotation> = {}): Annotation => ({ kind: 'box', x: 1, y: 1, w: 2, h: 2, label, group, ...extra }) as Annotation;

/** Two annotators (a 10:00, b 11:00), a cancelled one at 12:00, and a prediction at 13:00. */
function item(extra: Partial<Item> = {}): Item {
  const sets: AnnotationSet[] = [
    { group: 'annotations/0', origin: 'annotation', id: '1', author: 'a@example.org', createdAt: '2024-01-01T10:00:00Z' },
    { group: 'annotations/1', origin: 'annotation', id: '2', author: 'b@example.org', createdAt: '2024-01-01T11:00:00Z' },
    { group: 'annotations/2', origin: 'annotation', id: '3', author: 'c@example.org', createdAt: '2024-01-01T12:00:00Z', cancelled: true },
    { group: 'predictions/0', origin: 'prediction', id: '1', createdAt: '2024-01-01T13:00:00Z' },
  ];
  return {
    id: '7', kind: 'image', width: 10, height: 10, metadata: {}, sets,
    annotations: [box('annotations/0', 'A'), box('annotations/1', 'B'), box('annotations/1', 'B2'), box('annotations/2', 'C'), box('predictions/0', 'P', { origin: 'prediction', score: 0.9 })],
    ...extra,
  };
}

const labels = (annotations: Annotation[]): string[] => annotations.map((a) => a.label!);
const pick = (it: Item, annotations?: string, predictions?: string): ReturnType<typeof pickSets> => pickSets(it, parseSetRule(annotations), parsePredictionRule(predictions));

describe('choosing the sets', () => {
  it('latest (default): the newest non-cancelled annotation set; predictions and the cancelled set left out, each counted', () => {
    const r = pick(item());
    expect(labels(r.item.annotations)).toEqual(['B', 'B2']);
    expect(r.item.sets!.map((s) => s.id)).toEqual(['2']);
    expect(r.dropped).toEqual({ other: 1, predictions: 1, annotations: 0, cancelled: 1 });
  });

  it('first, all, author=EMAIL (any case), id=N', () => {
    expect(labels(pick(item(), 'first').item.annotations)).toEqual(['A']);
    expect(labels(pick(item(), 'all').item.annotations)).toEqual(['A', 'B', 'B2']);
    expect(pick(item(), 'all').dropped).toEqual({ other: 0, predictions: 1, annotations: 0, cancelled: 1 });
    expect(labels(pick(item(), 'author=A@Example.org').item.annotations)).toEqual(['A']);
    expect(labels(pick(item(), 'id=1').item.annotations)).toEqual(['A']);
    // nobody by that name: no set kept, every candidate counted
    const none = pick(item(), 'author=z@example.org');
    expect(none.item.annotations).toEqual([]);
    expect(none.dropped.other).toBe(2);
  });

  it('--predictions include makes predictions candidates (the newest here); only chooses among them alone', () => {
    expect(labels(pick(item(), 'latest', 'include').item.annotations)).toEqual(['P']);
    expect(labels(pick(item(), 'all', 'include').item.annotations)).toEqual(['A', 'B', 'B2', 'P']);
    // id=1 names annotation 1 and prediction 1 once predictions are candidates
    expect(labels(pick(item(), 'id=1', 'include').item.annotations)).toEqual(['A', 'P']);
    const only = pick(item(), 'latest', 'only');
    expect(labels(only.item.annotations)).toEqual(['P']);
    expect(only.dropped).toEqual({ other: 0, predictions: 0, annotations: 3, cancelled: 0 });
  });

  it('an empty set is a set: the newest annotator who found nothing gives an item without labels', () => {
    const it0 = item();
    it0.sets!.push({ group: 'annotations/3', origin: 'annotation', createdAt: '2024-01-02T00:00:00Z' });
    const r = pick(it0);
    expect(r.item.annotations).toEqual([]);
    expect(r.dropped.other).toBe(2);
  });

  it('sets without a time are older than any with one; file order breaks ties', () => {
    const undated: Item = { id: '1', kind: 'image', metadata: {}, annotations: [box('g1', 'one'), box('g2', 'two'), box('g3', 'three', { createdAt: '2020-01-01T00:00:00Z' })] };
    expect(labels(pick(undated).item.annotations)).toEqual(['three']);
    expect(labels(pick(undated, 'first').item.annotations)).toEqual(['one']);
    undated.annotations.pop();
    expect(labels(pick(undated).item.annotations)).toEqual(['two']);
  });

  it('an item that names no sets (COCO, YOLO, VOC sources) is left as it is, predictions included', () => {
    const plain: Item = { id: '1', kind: 'image', metadata: {}, annotations: [box(undefined as unknown as string, 'x', { origin: 'prediction' })] };
    delete plain.annotations[0]!.group;
    const r = pick(plain);
    expect(r.item).toBe(plain);
    expect(r.dropped).toEqual({ other: 0, predictions: 0, annotations: 0, cancelled: 0 });
  });

  it('unplaced shapes follow their set', () => {
    const it0 = item({ unplaced: 2 });
    it0.sets![0]!.unplaced = 2;
    expect(pick(it0).item.unplaced).toBeUndefined();
    expect(pick(it0, 'first').item.unplaced).toBe(2);
  });

  it('bad values are usage errors (exit 2)', () => {
    for (const bad of ['newest', 'author=', 'id', '']) {
      let e: unknown;
      try {
        parseSetRule(bad);
      } catch (x) {
        e = x;
      }
      expect(e instanceof AnnoconvError && e.exitCode === 2 && e.diagnostic.code === 'OPTION_INVALID', bad).toBe(true);
    }
    expect(() => parsePredictionRule('maybe')).toThrow(AnnoconvError);
  });
});

const FIXTURE = ROOT + 'fixtures/labelstudio/sets-default/input.json';

async function run(to: string, sets?: SetChoice, extra: { strict?: boolean; input?: string; from?: string } = {}): Promise<{ text: string; exitCode: number; diags: Diagnostic[]; losses: { what: string; count: number; reason: string }[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'annoconv-sets-'));
  try {
    const folder = to === 'voc' || to === 'yolo';
    const sink = new MemorySink();
    const diags: Diagnostic[] = [];
    const r = await convert({
      input: bufferInput(extra.input ?? readFileSync(FIXTURE, 'utf8')), from: extra.from ?? 'labelstudio', to, output: folder ? join(dir, 'out') : sink,
      options: { ...(sets ? { sets } : {}), ...(extra.strict ? { strict: true } : {}) }, onDiagnostic: (d) => diags.push(d),
    });
    return { text: sink.text(), exitCode: r.exitCode, diags, losses: r.losses };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const setLosses = (r: { losses: { what: string; count: number }[] }): [string, number][] => r.losses.filter((l) => /set/.test(l.what)).map((l) => [l.what, l.count]);

describe('the SDK file with two annotators and a prediction (fixtures/labelstudio/sets-default)', () => {
  it('every target holding one set writes one, and the loss report names the others', async () => {
    for (const to of ['coco', 'yolo', 'voc', 'csv', 'remo-json']) {
      const r = await run(to);
      expect(r.exitCode, to).toBe(0);
      expect(setLosses(r), to).toEqual([['other annotation set', 1], ['prediction set', 1]]);
      expect(r.diags.map((d) => d.message), to).toContain(`dropped 1 other annotation set: not chosen by --annotations latest; ${to} holds one set per item, --annotations all writes every set together`);
    }
    const coco = JSON.parse((await run('coco')).text) as { annotations: unknown[] };
    expect(coco.annotations).toHaveLength(2);
  });

  it('--annotations all --predictions include writes every set together, counted as merged (the old behaviour)', async () => {
    const r = await run('coco', { annotations: 'all', predictions: 'include' });
    expect((JSON.parse(r.text) as { annotations: unknown[] }).annotations).toHaveLength(5);
    expect(setLosses(r)).toEqual([['separate annotation sets', 2]]);
  });

  it('targets holding many sets keep them all: labelstudio, ls-bulk (a payload each), annoconv', async () => {
    const ls = JSON.parse((await run('labelstudio')).text) as { annotations: unknown[]; predictions: unknown[] }[];
    expect([ls[0]!.annotations.length, ls[0]!.predictions.length]).toEqual([2, 1]);
    expect((await run('ls-bulk')).text.trim().split('\n')).toHaveLength(3);
    const model = JSON.parse((await run('annoconv')).text) as Item;
    expect(model.annotations).toHaveLength(5);
    expect(model.sets!.map((s) => [s.id, s.author, s.origin])).toEqual([['1', '2', 'annotation'], ['2', '1', 'annotation'], ['9', undefined, 'prediction']]);
  });

  it('the sets survive the annoconv pipe: labelstudio -> annoconv -> coco chooses as labelstudio -> coco does', async () => {
    const model = (await run('annoconv')).text;
    const direct = await run('coco');
    const piped = await run('coco', undefined, { input: model, from: 'annoconv' });
    expect(JSON.parse(piped.text).annotations).toEqual(JSON.parse(direct.text).annotations);
    expect(setLosses(piped)).toEqual(setLosses(direct));
  });

  it('--strict refuses the drop the default made, not one the options asked for', async () => {
    // annoconv input without other losses to report: only the choice of sets is at stake
    const model = JSON.parse((await run('annoconv')).text) as Item;
    const lean = JSON.stringify({ ...model, annotations: model.annotations.map(({ extras: _e, author: _a, createdAt: _c, score: _s, ...a }) => ({ ...a, origin: 'annotation' })), extras: undefined }) + '\n';
    const implicit = await run('coco', undefined, { input: lean, from: 'annoconv', strict: true });
    expect(implicit.exitCode).toBe(1);
    expect(implicit.diags.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['LOSS_DROPPED']);
    const asked = await run('coco', { annotations: 'latest', predictions: 'exclude' }, { input: lean, from: 'annoconv', strict: true });
    expect(asked.exitCode).toBe(0);
    expect(setLosses(asked)).toEqual([['other annotation set', 1], ['prediction set', 1]]);
  });
});

describe('the CLI options', () => {
  it('--annotations author=EMAIL and --predictions reach the run', async () => {
    const r = await cli(['convert', '--from', 'labelstudio', '--to', 'coco', '--annotations', 'author=2', '--predictions', 'include', '--diagnostics', 'json', FIXTURE]);
    expect(r.code).toBe(0);
    const bboxes = (JSON.parse(r.stdout) as { annotations: { bbox: number[] }[] }).annotations.map((a) => Math.round(a.bbox[0]!));
    expect(bboxes).toEqual([1040, 1618]);
  });

  it('a bad value is a usage error before the input is opened (exit 2)', async () => {
    const bad = await cli(['convert', '--from', 'labelstudio', '--to', 'coco', '--annotations', 'newest', '--diagnostics', 'json', '/nonexistent/input.json']);
    expect(bad.code).toBe(2);
    expect(jsonDiagnostics(bad.stderr).map((d) => d.code)).toEqual(['OPTION_INVALID']);
    const badPred = await cli(['convert', '--from', 'labelstudio', '--to', 'coco', '--predictions', 'maybe', '/nonexistent/input.json']);
    expect(badPred.code).toBe(2);
  });
});
