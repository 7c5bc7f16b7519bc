/**
 * Turns ajv's errors for schemas/jsonl.schema.json into one coded finding per problem.
 */
import { redact } from '../../core/secrets.js';
import type { Code } from '../../core/codes.js';
import type { SchemaError } from '../../core/schemas.js';
import { pointer } from '../../core/diagnostics.js';
import { EXPORT_KEYS, exportKeysMessage } from './export-keys.js';
import { ITEM_DATE_KEYS } from './dates.js';

const DATE_PATHS = new Set<string>(ITEM_DATE_KEYS.map((k) => '/' + k));

export interface Finding {
  code: Code;
  message: string;
  pointer: string;
  /** When not the code's default. */
  severity?: 'warning';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') {
    const shown = redact(v); // before cutting: a cut secret would no longer be recognised
    return `a string (${JSON.stringify(shown.length > 40 ? shown.slice(0, 40) + '…' : shown)})`;
  }
  return `a ${typeof v}`;
}

function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** The message of a key in `data` besides its one field: an error, or a warning with --allow-extra-data. */
function extraDataKey(key: string, allowed: boolean): string {
  return allowed
    ? `"data.${key}" is not a field of this item type: kept, as --allow-extra-data asks (the server refuses it)`
    : `"data.${key}" is not allowed for this item type (data is closed, the server refuses it): remove it, or pass --allow-extra-data to keep it with a warning`;
}

/** The message of a tolerated top-level field with a value the server's schema refuses. */
function fieldTypeMessage(path: string, v: unknown, fallback: string | undefined): string {
  const name = path.slice(1);
  if (/^tags\/\d+$/.test(name)) return `tags[${name.slice(5)}] must be a non-empty string, got ${v === '' ? 'an empty string (the server refuses it)' : describe(v)}`;
  if (name === 'tags') return `"tags" must be a list of strings, got ${describe(v)}`;
  if (name === 'annotated') return `"annotated" must be true or false (or the strings "true"/"false", which the server converts), got ${describe(v)}`;
  if (name === 'highlights' || name === 'sourceHighlights') return `"${name}" must be a list (the server refuses null), got ${describe(v)}`;
  return `${name || 'record'} ${fallback ?? 'is invalid'}`;
}

/** One finding per problem; with `allowExtraData` (--allow-extra-data) extra keys in data are warnings. */
export function mapSchemaErrors(errors: readonly SchemaError[], rec: Record<string, unknown>, allowExtraData = false): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  const add = (code: Code, message: string, ptr: string, severity?: 'warning'): void => {
    const key = code + ptr;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ code, message, pointer: ptr, ...(severity ? { severity } : {}) });
  };
  for (const e of errors) {
    const path = e.instancePath;
    const sp = e.schemaPath;
    if (sp.startsWith('#/oneOf/')) continue; // the oneOf error itself says what happened
    if (e.keyword === 'if') continue;
    if (sp.startsWith('#/oneOf') && e.keyword === 'oneOf') {
      const both = Array.isArray((e.params as { passingSchemas?: unknown }).passingSchemas);
      if (both) add('JSONL_TYPE_BOTH', 'both "type" and "datatype" are given; give exactly one (they are aliases)', '');
      else add('JSONL_TYPE_MISSING', 'neither "type" nor "datatype" is given', '');
      continue;
    }
    if (path === '') {
      if (e.keyword === 'required') {
        const p = (e.params as { missingProperty: string }).missingProperty;
        if (p === 'uuid') add('JSONL_UUID_MISSING', 'the item has no "uuid"', '/uuid');
        else if (p === 'data') add('JSONL_DATA_MISSING', 'the item has no "data" object', '/data');
        continue;
      }
      if (e.keyword === 'additionalProperties') {
        const p = (e.params as { additionalProperty: string }).additionalProperty;
        // one finding a line, at the first of them it holds
        if (EXPORT_KEYS.has(p)) add('JSONL_EXPORT_KEYS', exportKeysMessage(rec), pointer([...EXPORT_KEYS].find((k) => Object.prototype.hasOwnProperty.call(rec, k))!));
        else add('JSONL_UNKNOWN_KEY', `unknown top-level key "${p}" (the server rejects it)`, pointer(p));
        continue;
      }
    }
    if (path === '/uuid') {
      add('JSONL_UUID_TYPE', `"uuid" must be a non-empty string, got ${describe(rec.uuid)}`, path);
      continue;
    }
    if (path === '/type' || path === '/datatype') {
      add('JSONL_TYPE_INVALID', `"${path.slice(1)}" must be one of text, image, video, audio, html; got ${describe(at(rec, path))}`, path);
      continue;
    }
    if (path === '/metadata') {
      add('JSONL_METADATA_NOT_OBJECT', `"metadata" must be an object, got ${describe(rec.metadata)}`, path);
      continue;
    }
    if (path === '/data') {
      if (e.keyword === 'type') add('JSONL_DATA_MISSING', `"data" must be an object, got ${describe(rec.data)}`, path);
      else if (e.keyword === 'required') {
        const p = (e.params as { missingProperty: string }).missingProperty;
        add('JSONL_DATA_FIELD_MISSING', `"data.${p}" is required for this item type`, pointer('data', p));
      } else if (e.keyword === 'additionalProperties') {
        const p = (e.params as { additionalProperty: string }).additionalProperty;
        add('JSONL_DATA_EXTRA_KEY', extraDataKey(p, allowExtraData), pointer('data', p), allowExtraData ? 'warning' : undefined);
      }
      continue;
    }
    if (path.startsWith('/data/')) {
      const v = at(rec, path);
      add('JSONL_DATA_FIELD_TYPE', `"${path.slice(1).replace('/', '.')}" must be a non-empty string, got ${v === '' ? 'an empty string (the server refuses it)' : describe(v)}`, path);
      continue;
    }
    if (DATE_PATHS.has(path)) {
      add('JSONL_DATE_INVALID', `"${path.slice(1)}" must be a date (an ISO string, epoch milliseconds or null), got ${describe(at(rec, path))}`, path);
      continue;
    }
    add('JSONL_FIELD_TYPE', fieldTypeMessage(path, at(rec, path), e.message), path);
  }
  return out;
}
