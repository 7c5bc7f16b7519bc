/**
 * Annotto annotations (`annotations.jsonlines`): the file a project import takes, and the one its
 * export writes. One line per annotated item:
 * `{item: {uuid, ...}, itemMetadata: {seenAt, ...}, annotationMetadata: {annotatedAt, annotatedBy, ...},
 *   annotation: {classifications|ner|zone|text: {<category>: ...}}, tags|markers, comments, ...}`.
 *
 * As the server reads them (jsonlinesAnnotationImportSchema, core/annotations.ts): the top level is
 * closed and has no `uuid` (the export writes one, and null times: the import refuses both); only
 * `item.uuid` of the item is read; `itemMetadata.seenAt` and `annotationMetadata.annotatedAt` are read
 * without a check and are needed; classifications are `{labels: [{value}]}`; ner entities
 * `{value, start_char, end_char, ent_id}` in UTF-16 units of `data.text`, with `relations`
 * `[{label, src, dest}]` between ent_ids (others dropped silently); zones `{value, coords}` in
 * fractions. Each value must be a task value of the project (found by value alone, any category),
 * and each category's count within the min/max of its last task.
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { lineRecords } from '../../core/lines.js';
import { below, diag, type Place } from '../../core/diagnostics.js';
import type { Code } from '../../core/codes.js';
import type { Item, JsonObject } from '../../model/types.js';
import { TASK_TYPES, type TaskType } from './config.js';
import { checkAnnotationCategory, checkRelations } from './shapes.js';
import { itemOfLine } from './items.js';
import { addCategory, at, parseLine, readSetup, settleZones, type ReadSetup } from './read-common.js';
import { checkAgainstConfig } from './annotations-config.js';

const KEYS = new Set(['item', 'markers', 'tags', 'comments', 'itemMetadata', 'annotationMetadata', 'annotation', 'historicAnnotations', 'metadata', 'annotationTimes']);
const ITEM_META = ['createdAt', 'updated', 'seenAt'];
const ANNOTATION_META = ['annotatedBy', 'annotatedAt', 'createdAt'];
const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const isDate = (v: unknown): boolean => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && !Number.isNaN(Date.parse(v)));

export async function* readAnnotations(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const setup = await readSetup(ctx, false);
  const lines = lineRecords(input, ctx, 'no annotations in the input', (text, place) => {
    const item = lineToItem(text, place, ctx, setup);
    return item ? { type: 'item', item, place, raw: text } : { type: 'reject', place, raw: text };
  });
  for await (const batch of lines) {
    await settleZones(batch, ctx, setup, 'annotation');
    yield batch;
  }
}

type Fail = (p: Place, message: string, code?: Code, severity?: 'error' | 'warning') => void;

function lineToItem(text: string, place: Place, ctx: ReadContext, setup: ReadSetup): Item | undefined {
  const o = parseLine(text, place, ctx);
  if (!o) return undefined;
  let ok = true;
  const fail: Fail = (p, message, code = 'ANNOTTO_RECORD_INVALID', severity) => {
    const d = diag(code, message, p, severity);
    if (d.severity === 'error') ok = false;
    ctx.report(d);
  };
  // what the export writes and the import refuses: an error when validating, left out when converting
  const exportKey: 'error' | 'warning' = ctx.materialize ? 'warning' : 'error';
  for (const k of Object.keys(o)) {
    if (k === 'uuid') fail(at(place, k), 'a top-level uuid (Annotto\'s export writes one) is refused by its import: item.uuid names the item', 'ANNOTTO_EXPORT_KEY', exportKey);
    else if (!KEYS.has(k)) fail(at(place, k), `${JSON.stringify(k)} is not allowed at the top of an annotations line`);
  }
  const entry = isObj(o.item) ? itemOfLine(o.item) : undefined;
  if (!entry) fail(at(place, 'item'), 'item (an object with the item\'s uuid, a non-empty string) is required');
  if (!isObj(o.annotation)) fail(at(place, 'annotation'), 'annotation (an object of task types) is required');
  checkMeta(o, 'itemMetadata', ITEM_META, 'seenAt', place, fail, exportKey);
  checkMeta(o, 'annotationMetadata', ANNOTATION_META, 'annotatedAt', place, fail, exportKey);
  checkLists(o, place, fail);
  if (!ok || !entry) return undefined;
  const item = entry;
  if (setup.config?.type && !(o.item as JsonObject).type && !(o.item as JsonObject).datatype) item.kind = setup.config.type as Item['kind'];
  if (isObj(o.metadata)) item.metadata = { ...o.metadata };
  const tags = o.markers ?? o.tags;
  if (Array.isArray(tags) && tags.length) item.tags = tags as string[];
  const annotation = o.annotation as JsonObject;
  const checked: [TaskType, string, JsonObject][] = [];
  for (const [type, cats] of Object.entries(annotation)) {
    if (!TASK_TYPES.includes(type as TaskType)) {
      fail(at(place, 'annotation', type), `${JSON.stringify(type)} is no task type (classifications, ner, zone, text)`);
      continue;
    }
    if (!isObj(cats)) {
      fail(at(place, 'annotation', type), 'must be an object of categories', 'ANNOTTO_ENTITY_INVALID');
      continue;
    }
    for (const [category, cat] of Object.entries(cats)) {
      if (type === 'ner' && category === 'relations') {
        for (const x of checkRelations(cat)) fail({ ...place, pointer: below(at(place, 'annotation', 'ner', 'relations').pointer!, x.at) }, `ner relations: ${x.message}`, 'ANNOTTO_ENTITY_INVALID');
        continue;
      }
      const found = checkAnnotationCategory(type as TaskType, cat);
      for (const x of found) fail({ ...place, pointer: below(at(place, 'annotation', type, category).pointer!, x.at) }, `${type} annotation: ${x.message}`, 'ANNOTTO_ENTITY_INVALID');
      if (!found.length) checked.push([type as TaskType, category, cat as JsonObject]);
    }
  }
  if (!ok) return undefined;
  if (setup.config) checkAgainstConfig(setup.config, annotation, place, fail);
  else checkDangling(annotation, place, fail);
  if (!ok) return undefined;
  for (const [type, category, cat] of checked) if (!addCategory(item, type, category, cat, { origin: 'annotation' }, place, ['annotation', type, category], ctx)) ok = false;
  addRelations(item, annotation);
  keepLine(item, o);
  return ok ? item : undefined;
}

/** itemMetadata / annotationMetadata: closed objects of dates (annotatedBy a string), `need` required. */
function checkMeta(o: JsonObject, key: string, allowed: string[], need: string, place: Place, fail: Fail, exportKey: 'error' | 'warning'): void {
  const m = o[key];
  if (!isObj(m)) return void fail(at(place, key), `${key}.${need} is required (the server reads it: without it the import fails)`, 'ANNOTTO_TIME_MISSING');
  for (const k of Object.keys(m)) {
    if (!allowed.includes(k)) fail(at(place, key, k), `${JSON.stringify(k)} is not allowed in ${key}`);
    else if (k === 'annotatedBy') {
      if (typeof m[k] !== 'string' || m[k] === '') fail(at(place, key, k), 'annotatedBy must be a non-empty string');
    } else if (m[k] === null) fail(at(place, key, k), `${key}.${k} is null (Annotto's export writes it so; its import wants a date)`, k === need ? 'ANNOTTO_TIME_MISSING' : 'ANNOTTO_EXPORT_KEY', k === need ? 'error' : exportKey);
    else if (!isDate(m[k])) fail(at(place, key, k), `${key}.${k} must be a date (ISO 8601 text or milliseconds)`);
  }
  if (!Object.hasOwn(m, need)) fail(at(place, key), `${key}.${need} is required (the server reads it: without it the import fails)`, 'ANNOTTO_TIME_MISSING');
}

function checkLists(o: JsonObject, place: Place, fail: Fail): void {
  for (const k of ['markers', 'tags']) {
    if (o[k] !== undefined && (!Array.isArray(o[k]) || !(o[k] as unknown[]).every((t) => typeof t === 'string' && t !== ''))) fail(at(place, k), `${k} must be a list of strings`);
  }
  if (o.comments !== undefined && !Array.isArray(o.comments)) fail(at(place, 'comments'), 'comments must be a list');
  if (o.historicAnnotations !== undefined && (!Array.isArray(o.historicAnnotations) || !o.historicAnnotations.every(isObj))) fail(at(place, 'historicAnnotations'), 'historicAnnotations must be a list of objects');
  if (o.metadata !== undefined && o.metadata !== null && !isObj(o.metadata)) fail(at(place, 'metadata'), 'metadata must be an object or null');
  if (o.annotationTimes !== undefined && (!Array.isArray(o.annotationTimes) || !o.annotationTimes.every((t) => typeof t === 'number'))) fail(at(place, 'annotationTimes'), 'annotationTimes must be a list of numbers');
}

/** Relations whose src or dest is no ent_id of the line, or without a label, are dropped by the server. */
function checkDangling(annotation: JsonObject, place: Place, fail: Fail): void {
  const ner = annotation.ner as JsonObject | undefined;
  const rels = ner?.relations as JsonObject[] | undefined;
  if (!rels) return;
  const ids = entIds(ner!);
  rels.forEach((r, i) => {
    if (!ids.has(r.src as number) || !ids.has(r.dest as number)) fail(at(place, 'annotation', 'ner', 'relations', i), `relation ${r.src} -> ${r.dest}: no entity of the line has that ent_id (the server drops it)`, 'ANNOTTO_RELATION_DANGLING', 'warning');
  });
}

function entIds(ner: JsonObject): Set<number> {
  const ids = new Set<number>();
  for (const [k, cat] of Object.entries(ner)) if (k !== 'relations') for (const e of (cat as JsonObject).entities as JsonObject[]) ids.add(e.ent_id as number);
  return ids;
}

/** NER relations as model relations between the spans (whose ids are their ent_ids). */
function addRelations(item: Item, annotation: JsonObject): void {
  const rels = (annotation.ner as JsonObject | undefined)?.relations as JsonObject[] | undefined;
  if (!rels) return;
  const ids = new Set(item.annotations.filter((a) => a.kind === 'span').map((a) => a.id));
  for (const r of rels) {
    const [from, to] = [String(r.src), String(r.dest)];
    if (!ids.has(from) || !ids.has(to)) continue; // dropped by the server too (warned)
    item.annotations.push({ kind: 'relation', from, to, direction: 'right', labels: [r.label as string], origin: 'annotation' });
  }
}

/** Who annotated and when on each annotation; the rest of the line kept for Annotto output. */
function keepLine(item: Item, o: JsonObject): void {
  const am = o.annotationMetadata as JsonObject;
  const when = typeof am.annotatedAt === 'number' ? new Date(am.annotatedAt).toISOString() : (am.annotatedAt as string);
  for (const a of item.annotations) {
    a.createdAt = when;
    if (typeof am.annotatedBy === 'string') a.author = am.annotatedBy;
  }
  const line: JsonObject = { itemMetadata: o.itemMetadata, annotationMetadata: am };
  for (const k of ['comments', 'historicAnnotations', 'annotationTimes']) if (o[k] !== undefined) line[k] = o[k];
  if (o.markers !== undefined) line.tagsKey = 'markers';
  const ex = ((item.extras ??= {}).annotto ??= {});
  ex.line = line;
}
