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
 * The validator for a schema file, or for one of its definitions (`fragment` such as
 * "#/definitions/item"). The pair must be listed in SCHEMA_ENTRIES.
 */
export async function validator(file: string, fragment = ''): Promise<Validator> {
  const key = file + fragment;
  const hit = cache.get(key);
  if (hit) return hit;
  const fragments = SCHEMA_ENTRIES[file];
  if (!fragments || !fragments.includes(fragment)) throw new Error(`schema entry ${key} is not listed in SCHEMA_ENTRIES`);
  let v: Validator | undefined;
  try {
    const mod = (await import(standaloneModule(file))) as Record<string, Validator>;
    v = mod[exportName(fragment)];
  } catch {
    v = undefined;
  }
  v ??= await compileNow(file, fragment);
  cache.set(key, v);
  return v;
}

async function compileNow(file: string, fragment: string): Promise<Validator> {
  const { default: AjvModule } = await import('ajv');
  const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as unknown as typeof AjvModule.default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const schema = loadSchema(file) as { $id?: string };
  const id = schema.$id ?? file;
  ajv.addSchema(schema, id);
  const v = ajv.getSchema(id + (fragment || '#'));
  if (!v) throw new Error(`schema ${file}${fragment} not found`);
  return v as Validator;
}
