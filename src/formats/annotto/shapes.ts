/**
 * The shapes the Annotto server's Joi schemas (src/router/validation/item.ts) want for each task
 * type, in predictions and in imported annotations, checked here without Joi. Joi objects are
 * closed: a key not listed is refused; `Joi.string()` refuses the empty string.
 *
 *   predictions   classifications {labels: [{value, proba}]+}   ner {entities: [{value, start, end}]+}
 *                 zone {entities: [{value, coords: [{x, y} in 0-1] (3+)}]+}   text {entities: [{value, text}]+}
 *   annotations   classifications {labels: [{value}]} (any object to Joi; the import maps `labels`)
 *                 ner {entities: [{value, start_char, end_char, ent_id}]}, relations [{label, src, dest}]
 *                 zone {entities: [{value, coords: [{_id?, x, y}]}]}   text {entities: [{value, text}]}
 */
import type { JsonObject } from '../../model/types.js';
import type { TaskType } from './config.js';

export interface Finding {
  message: string;
  /** JSON pointer below the category object. */
  at: string;
}

type Field = 'string' | 'number' | 'fraction' | 'any';

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

function fieldOk(v: unknown, t: Field): boolean {
  if (t === 'any') return true;
  if (t === 'string') return typeof v === 'string' && v !== '';
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  return t === 'number' || (v >= 0 && v <= 1);
}

const WANT: Record<Field, string> = { string: 'a non-empty string', number: 'a number', fraction: 'a number from 0 to 1', any: 'anything' };

/** A closed object: every `required` key present and well typed, `optional` ones well typed, no others. */
function closed(o: unknown, at: string, required: Record<string, Field>, f: Finding[], optional: Record<string, Field> = {}): o is JsonObject {
  if (!isObj(o)) {
    f.push({ message: 'must be an object', at });
    return false;
  }
  const before = f.length;
  for (const [k, t] of Object.entries(required)) {
    if (!Object.hasOwn(o, k)) f.push({ message: `${k} is required`, at });
    else if (!fieldOk(o[k], t)) f.push({ message: `${k} must be ${WANT[t]}`, at: `${at}/${k}` });
  }
  for (const k of Object.keys(o)) {
    if (Object.hasOwn(required, k)) continue;
    if (Object.hasOwn(optional, k)) {
      if (!fieldOk(o[k], optional[k]!)) f.push({ message: `${k} must be ${WANT[optional[k]!]}`, at: `${at}/${k}` });
    } else f.push({ message: `${JSON.stringify(k)} is not allowed here`, at: `${at}/${k}` });
  }
  return f.length === before;
}

/** A list under `key` of `o` (at least `min` long), each element checked by `each`. */
function list(o: JsonObject, key: string, min: number, f: Finding[], each: (e: unknown, at: string) => void): void {
  const v = o[key];
  if (!Array.isArray(v)) return void f.push({ message: `${key} must be a list`, at: `/${key}` });
  if (v.length < min) return void f.push({ message: `${key} must hold at least ${min}`, at: `/${key}` });
  v.forEach((e, i) => each(e, `/${key}/${i}`));
}

/** Problems of one prediction category of task type `type`, as the server's schema sees them. */
export function checkPredictionCategory(type: TaskType, cat: unknown): Finding[] {
  const f: Finding[] = [];
  const key = type === 'classifications' ? 'labels' : 'entities';
  if (!closed(cat, '', { [key]: 'any' }, f)) return f;
  list(cat, key, 1, f, (e, at) => {
    if (type === 'classifications') closed(e, at, { value: 'string', proba: 'number' }, f);
    else if (type === 'ner') closed(e, at, { value: 'string', start: 'number', end: 'number' }, f);
    else if (type === 'text') closed(e, at, { value: 'string', text: 'string' }, f);
    else if (closed(e, at, { value: 'string', coords: 'any' }, f)) {
      const coords = (e as JsonObject).coords;
      if (!Array.isArray(coords) || coords.length < 3) f.push({ message: 'coords must be a list of at least 3 points', at: `${at}/coords` });
      else coords.forEach((p, j) => closed(p, `${at}/coords/${j}`, { x: 'fraction', y: 'fraction' }, f));
    }
  });
  return f;
}

/** The task type a prediction category's shape shows, when no config tells it. */
export function predictionTypeOf(cat: unknown): TaskType | undefined {
  if (!isObj(cat)) return undefined;
  if (Array.isArray(cat.labels)) return 'classifications';
  if (!Array.isArray(cat.entities)) return undefined;
  const first = cat.entities.find(isObj);
  if (!first) return undefined;
  if (Object.hasOwn(first, 'coords')) return 'zone';
  if (Object.hasOwn(first, 'text')) return 'text';
  return 'ner';
}

/** Problems of one annotation category of `type` (not the ner `relations` list). */
export function checkAnnotationCategory(type: TaskType, cat: unknown): Finding[] {
  const f: Finding[] = [];
  if (type === 'classifications') {
    // Joi takes any object; the import maps category.labels and fails on anything else
    if (!isObj(cat)) return [{ message: 'must be an object', at: '' }];
    list(cat, 'labels', 0, f, (e, at) => {
      if (!isObj(e) || !fieldOk(e.value, 'string')) f.push({ message: 'a label needs value (a non-empty string)', at });
    });
    return f;
  }
  if (!closed(cat, '', { entities: 'any' }, f)) return f;
  list(cat, 'entities', 0, f, (e, at) => {
    if (type === 'ner') closed(e, at, { value: 'string', start_char: 'number', end_char: 'number', ent_id: 'number' }, f);
    else if (type === 'text') closed(e, at, { value: 'string', text: 'string' }, f);
    else if (closed(e, at, { value: 'string', coords: 'any' }, f)) {
      const coords = (e as JsonObject).coords;
      if (!Array.isArray(coords)) f.push({ message: 'coords must be a list of points', at: `${at}/coords` });
      else coords.forEach((p, j) => closed(p, `${at}/coords/${j}`, { x: 'number', y: 'number' }, f, { _id: 'any' }));
    }
  });
  return f;
}

/** Problems of the ner `relations` list of an annotation. */
export function checkRelations(rels: unknown): Finding[] {
  const f: Finding[] = [];
  if (!Array.isArray(rels)) return [{ message: 'relations must be a list', at: '' }];
  rels.forEach((r, i) => closed(r, `/${i}`, { label: 'string', src: 'number', dest: 'number' }, f));
  return f;
}
