/**
 * Compiled validators for the JSON Schemas under schemas/. At build time schema-build.ts turns each
 * entry of SCHEMA_ENTRIES into ajv standalone code (dist/schemas/), so a run pays neither ajv's load
 * nor its compile; when that code is absent (running from sources) ajv compiles on first use.
 */
import type { ErrorObject } from 'ajv';
import { loadSchema, SCHEMA_ENTRIES, standaloneModule, exportName } from './schema-files.js';

export type SchemaError = ErrorObject;

/** A validator as ajv makes them: true when valid, else `errors` holds every problem. */
export interface Validator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

const cache = new Map<string, Validator>();

/**
 * Values in a record beyond which only its first schema error is listed. ajv's every-error mode
 * costs time that grows with the square of a record's errors (a 1 MB line of 60,000 bad boxes took
 * 46 s, a 16 MiB one would take hours) and memory with their number: a record this large gets
 * the first-error pass only, which stops at the first problem.
 */
export const ALL_ERRORS_MAX_VALUES = 5_000;

/**
 * The validator for a schema file, or for one of its definitions (`fragment` such as
 * "#/definitions/item"). The pair must be listed in SCHEMA_ENTRIES. A valid record is checked once,
 * by the pass that stops at the first error; an invalid one is checked again for all its errors,
 * unless it holds more than ALL_ERRORS_MAX_VALUES values.
 */
export async function validator(file: string, fragment = ''): Promise<Validator> {
  const key = file + fragment;
  const hit = cache.get(key);
  if (hit) return hit;
  const fragments = SCHEMA_ENTRIES[file];
  if (!fragments || !fragments.includes(fragment)) throw new Error(`schema entry ${key} is not listed in SCHEMA_ENTRIES`);
  const [first, all] = await Promise.all([load(file, fragment, false), load(file, fragment, true)]);
  const v: Validator = (data) => {
    if (first(data)) {
      v.errors = null;
      return true;
    }
    v.errors = valuesAtMost(data, ALL_ERRORS_MAX_VALUES) && !all(data) ? all.errors : first.errors;
    return false;
  };
  cache.set(key, v);
  return v;
}

async function load(file: string, fragment: string, allErrors: boolean): Promise<Validator> {
  try {
    const mod = (await import(standaloneModule(file, allErrors))) as Record<string, Validator>;
    const v = mod[exportName(fragment)];
    if (v) return v;
  } catch {
    // not built: compiled below
  }
  return compileNow(file, fragment, allErrors);
}

/** Whether a parsed JSON value holds at most `max` values (objects, arrays and scalars), counted until it is known. */
function valuesAtMost(data: unknown, max: number): boolean {
  let left = max;
  const stack: unknown[] = [data];
  while (stack.length) {
    const x = stack.pop();
    if (--left < 0) return false;
    if (x === null || typeof x !== 'object') continue;
    for (const c of Array.isArray(x) ? x : Object.values(x)) {
      if (stack.length >= left) return false;
      stack.push(c);
    }
  }
  return true;
}

async function compileNow(file: string, fragment: string, allErrors: boolean): Promise<Validator> {
  const { default: AjvModule } = await import('ajv');
  const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as unknown as typeof AjvModule.default;
  const ajv = new Ajv({ allErrors, strict: false });
  const schema = loadSchema(file) as { $id?: string };
  const id = schema.$id ?? file;
  ajv.addSchema(schema, id);
  const v = ajv.getSchema(id + (fragment || '#'));
  if (!v) throw new Error(`schema ${file}${fragment} not found`);
  return v as Validator;
}
