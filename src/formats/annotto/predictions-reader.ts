/**
 * Annotto predictions (`predictions.jsonlines` of a project import): one line per item,
 * `{"uuid": <item uuid>, "annotations": {<category>: <labels or entities>}}` and nothing else.
 *
 * As the server reads them (src/core/file-upload, src/router/validation/item.ts): the category
 * names a task of the project, matched case-insensitively, and that task's type decides the shape
 * (classifications `{labels: [{value, proba}]}`, ner `{entities: [{value, start, end}]}` in UTF-16
 * units, zone `{entities: [{value, coords}]}` in fractions, text `{entities: [{value, text}]}`);
 * every value must be a task value of that type; the uuid must be an item of the project. One
 * failing line makes the server refuse the whole file. Without `--annotto-config` the type is told
 * by the shape. Items get their kind, text and URL from `--annotto-items`, else the config type
 * or the labels (zones: image, NER: text, else image).
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { lineRecords } from '../../core/lines.js';
import { below, diag, type Place } from '../../core/diagnostics.js';
import type { Item, ItemKind, JsonObject } from '../../model/types.js';
import { getOwn } from '../../core/safe.js';
import { taskOfCategory, type TaskType } from './config.js';
import { checkPredictionCategory, predictionTypeOf } from './shapes.js';
import { addCategory, at, parseLine, readSetup, settleZones, type ReadSetup } from './read-common.js';

const KEYS = new Set(['uuid', 'annotations']);

export async function* readPredictions(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const setup = await readSetup(ctx, true);
  const lines = lineRecords(input, ctx, 'no predictions in the input', (text, place) => {
    const item = lineToItem(text, place, ctx, setup);
    return item ? { type: 'item', item, place, raw: text } : { type: 'reject', place, raw: text };
  });
  for await (const batch of lines) {
    await settleZones(batch, ctx, setup, 'prediction');
    yield batch;
  }
}

function lineToItem(text: string, place: Place, ctx: ReadContext, setup: ReadSetup): Item | undefined {
  const o = parseLine(text, place, ctx);
  if (!o) return undefined;
  let ok = true;
  const fail = (p: Place, message: string, code: Parameters<typeof diag>[0] = 'ANNOTTO_RECORD_INVALID'): void => {
    ctx.report(diag(code, message, p));
    ok = false;
  };
  for (const k of Object.keys(o)) if (!KEYS.has(k)) fail(at(place, k), `${JSON.stringify(k)} is not allowed: a predictions line holds uuid and annotations only`);
  if (typeof o.uuid !== 'string' || o.uuid === '') fail(at(place, 'uuid'), 'uuid (the item\'s, a non-empty string) is required');
  const anns = o.annotations;
  if (anns === null || typeof anns !== 'object' || Array.isArray(anns)) fail(at(place, 'annotations'), 'annotations (an object of categories) is required');
  if (!ok) return undefined;
  const uuid = o.uuid as string;
  const known = setup.items?.get(uuid);
  if (setup.items && !known) return fail(at(place, 'uuid'), `uuid ${JSON.stringify(uuid)} is no item of --annotto-items (the server refuses the whole file)`, 'ANNOTTO_ITEM_UNKNOWN'), undefined;
  const cats = anns as JsonObject;
  const types = new Map<string, TaskType>();
  for (const [category, cat] of Object.entries(cats)) {
    const type = typeOf(category, cat, place, setup, fail);
    if (!type) continue;
    const found = checkPredictionCategory(type, cat);
    for (const x of found) fail({ ...place, pointer: below(at(place, 'annotations', category).pointer!, x.at) }, `${type} prediction: ${x.message}`, 'ANNOTTO_ENTITY_INVALID');
    if (found.length) continue;
    if (setup.config) checkValues(type, category, cat as JsonObject, place, setup, fail);
    types.set(category, type);
  }
  if (!ok) return undefined;
  const item: Item = known ? { ...known, metadata: { ...known.metadata }, annotations: [] } : { id: uuid, kind: kindOf(setup, [...types.values()]), metadata: {}, annotations: [] };
  for (const [category, type] of types) {
    if (!addCategory(item, type, category, getOwn(cats, category) as JsonObject, { origin: 'prediction' }, place, ['annotations', category], ctx)) ok = false;
  }
  return ok ? item : undefined;
}

/** The task type of a category: the config's (an unknown category is an error), else the shape's. */
function typeOf(category: string, cat: unknown, place: Place, setup: ReadSetup, fail: (p: Place, m: string, code?: Parameters<typeof diag>[0]) => void): TaskType | undefined {
  if (setup.config) {
    const task = taskOfCategory(setup.config, category);
    if (!task) return fail(at(place, 'annotations', category), `category ${JSON.stringify(category)} is no task category of the --annotto-config project`, 'ANNOTTO_TASK_UNKNOWN'), undefined;
    return task.type;
  }
  const type = predictionTypeOf(cat);
  if (!type) fail(at(place, 'annotations', category), 'a category holds {labels: [...]} (classifications) or {entities: [...]} (ner, zone, text)', 'ANNOTTO_ENTITY_INVALID');
  return type;
}

/** Each value must be a task value of the category's type (any category of it), as the server checks. */
function checkValues(type: TaskType, category: string, cat: JsonObject, place: Place, setup: ReadSetup, fail: (p: Place, m: string, code?: Parameters<typeof diag>[0]) => void): void {
  const key = type === 'classifications' ? 'labels' : 'entities';
  const values = new Set(setup.config!.tasks.filter((t) => t.type === type).map((t) => t.value));
  (cat[key] as JsonObject[]).forEach((e, i) => {
    if (!values.has(e.value as string)) fail(at(place, 'annotations', category, key, i, 'value'), `${JSON.stringify(e.value)} is no ${type} task value of the --annotto-config project`, 'ANNOTTO_TASK_UNKNOWN');
  });
}

function kindOf(setup: ReadSetup, types: TaskType[]): ItemKind {
  const t = setup.config?.type;
  if (t === 'text' || t === 'image' || t === 'video' || t === 'audio' || t === 'html') return t;
  if (types.includes('zone')) return 'image';
  return types.includes('ner') ? 'text' : 'image';
}
