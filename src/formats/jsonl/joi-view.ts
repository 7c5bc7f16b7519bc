/**
 * The item as the Annotto server's validator sees it when the line holds a "__proto__" key at the
 * top level or in `data`. Joi 17 copies an object key by key, by assignment, before it checks the
 * copy's keys: assigning "__proto__" sets the copy's prototype instead of making a key. So that key
 * is never "not allowed", and when its value is an object, its fields stand in for absent ones
 * (`{"data": {"__proto__": {"text": "t"}}}` passes as a text item). Deeper objects (`metadata`)
 * are not copied by the validator. The stored line keeps the key as it came (storage.ts).
 */
import { setOwn } from '../../core/safe.js';
import { JSONL_TOLERATED_KEYS } from './keys.js';

type Obj = Record<string, unknown>;

const has = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether `obj` or its `data` object has an own "__proto__" key. */
export function hasValidatorBlindKey(obj: Obj): boolean {
  if (has(obj, '__proto__')) return true;
  const data = has(obj, 'data') ? obj.data : undefined;
  return isObject(data) && has(data, '__proto__');
}

/** The keys the item schema names: only these are looked up, and so found beneath. */
const ITEM_KEYS = new Set<string>(['uuid', 'type', 'datatype', 'data', 'metadata', 'tags', ...JSONL_TOLERATED_KEYS]);
const DATA_FIELD: Record<string, string> = { text: 'text', html: 'html', image: 'url', video: 'url', audio: 'url' };

/**
 * `o` as Joi's copy reads it: its own keys but "__proto__", then, beneath, the fields of that
 * object the schema names (arrays offer none; a primitive is ignored by the assignment).
 */
function view(o: Obj, named: (k: string) => boolean): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o)) if (k !== '__proto__') setOwn(out, k, o[k]);
  const proto = o['__proto__'];
  if (has(o, '__proto__') && isObject(proto)) {
    for (const k of Object.keys(proto)) if (named(k) && !has(out, k)) setOwn(out, k, proto[k]);
  }
  return out;
}

/** The line as the server's validator reads it (a copy when it differs, else the line itself). */
export function validatorView(obj: Obj): Obj {
  if (!hasValidatorBlindKey(obj)) return obj;
  const top = has(obj, '__proto__') ? view(obj, (k) => ITEM_KEYS.has(k)) : { ...obj };
  const data = top.data;
  if (isObject(data) && has(data, '__proto__')) {
    const kind = top.type ?? top.datatype;
    const field = typeof kind === 'string' && has(DATA_FIELD, kind) ? DATA_FIELD[kind] : undefined;
    top.data = view(data, (k) => k === field);
  }
  return top;
}
