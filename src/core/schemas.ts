/**
 * JSON Schemas under schemas/, compiled with ajv once per process and on first use only (ajv's load
 * and compile cost stays off the startup path of commands that do not need it).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';

const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

type AjvCtor = typeof AjvModule.default;
const Ajv = ((AjvModule as unknown as { default?: AjvCtor }).default ?? AjvModule) as AjvCtor;

const instances = new Map<string, { ajv: InstanceType<AjvCtor>; id: string }>();
const compiled = new Map<string, ValidateFunction>();

/** The parsed schema file `schemas/<file>`. */
export function loadSchema(file: string): object {
  return JSON.parse(readFileSync(SCHEMA_DIR + file, 'utf8')) as object;
}

/** The schema file's text, as shipped. */
export function schemaText(file: string): string {
  return readFileSync(SCHEMA_DIR + file, 'utf8');
}

/**
 * A compiled validator reporting all errors of a record, for the whole schema file or for one of its
 * definitions (`fragment` such as "#/definitions/item").
 */
export function validator(file: string, fragment = ''): ValidateFunction {
  const key = file + fragment;
  let v = compiled.get(key);
  if (!v) {
    let inst = instances.get(file);
    if (!inst) {
      const ajv = new Ajv({ allErrors: true, strict: false });
      const schema = loadSchema(file) as { $id?: string };
      const id = schema.$id ?? file;
      ajv.addSchema(schema, id);
      inst = { ajv, id };
      instances.set(file, inst);
    }
    v = inst.ajv.getSchema(inst.id + (fragment || '#'));
    if (!v) throw new Error(`schema ${file}${fragment} not found`);
    compiled.set(key, v);
  }
  return v;
}

export type SchemaError = ErrorObject;
