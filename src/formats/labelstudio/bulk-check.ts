/**
 * The bulk-create annotations payload (FORMATS.md §4.1): every field is optional, but a payload
 * must name its target (`task`, `tasks` or `selected_items`), and each field has a type.
 */
import type { Code } from '../../core/codes.js';
import { pointer } from '../../core/diagnostics.js';
import type { JsonObject } from '../../model/types.js';
import type { Finding } from './results.js';

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const isInt = (v: unknown): boolean => Number.isSafeInteger(v);
const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export const LAST_ACTIONS = ['prediction', 'propagated_annotation', 'imported', 'submitted', 'updated', 'skipped', 'accepted', 'rejected', 'fixed_and_accepted', 'deleted_review'] as const;

type Check = (v: unknown) => string | undefined;
const nullable = (c: Check): Check => (v) => (v === null ? undefined : c(v));
const int: Check = (v) => (isInt(v) ? undefined : 'an integer id');
const positiveId: Check = (v) => (isInt(v) && (v as number) > 0 ? undefined : 'a positive integer id');
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');

/** Each documented field and its check (undefined: fine; else what it must be). */
export const BULK_FIELDS: Record<string, Check> = {
  result: (v) => (Array.isArray(v) && v.every(isObj) ? undefined : 'a list of result objects'),
  task: positiveId,
  tasks: (v) => (Array.isArray(v) && v.length > 0 && v.every((x) => isInt(x) && (x as number) > 0) ? undefined : 'a non-empty list of positive integer task ids'),
  selected_items: nullable((v) => (isObj(v) ? undefined : 'an object {"all": ..., "included"/"excluded": [...]} or null')),
  project: nullable(int),
  completed_by: nullable(int),
  updated_by: nullable(int),
  last_created_by: nullable(int),
  ground_truth: bool,
  was_cancelled: bool,
  bulk_created: bool,
  lead_time: nullable((v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : 'a number of seconds')),
  draft_created_at: nullable((v) => (typeof v === 'string' && ISO.test(v) && !Number.isNaN(Date.parse(v)) ? undefined : 'an ISO 8601 date-time')),
  import_id: nullable(int),
  last_action: nullable((v) => ((LAST_ACTIONS as readonly unknown[]).includes(v) ? undefined : `one of ${LAST_ACTIONS.join(', ')}`)),
  parent_annotation: nullable(int),
  parent_prediction: nullable(int),
  unique_id: (v) => (typeof v === 'string' && v.length >= 1 ? undefined : 'a non-empty string'),
};

/** Checks one payload's fields (not its results); pointers are relative to the payload. */
export function checkPayload(p: JsonObject): Finding[] {
  const f: Finding[] = [];
  for (const k of Object.keys(p)) {
    const check = Object.hasOwn(BULK_FIELDS, k) ? BULK_FIELDS[k] : undefined;
    const at = pointer(k);
    if (!check) {
      f.push({ code: 'LSB_UNKNOWN_FIELD', message: `${JSON.stringify(k)} is not a field of the bulk-create payload`, at, severity: 'warning' });
      continue;
    }
    const want = check(p[k]);
    if (want) f.push({ code: k === 'last_action' ? 'LSB_LAST_ACTION' : 'LSB_FIELD_TYPE', message: `${k} must be ${want}, got ${JSON.stringify(p[k])?.slice(0, 80)}`, at });
  }
  const sel = p.selected_items;
  if (isObj(sel)) {
    const code: Code = 'LSB_SELECTED_ITEMS';
    if (typeof sel.all !== 'boolean') f.push({ code, message: 'selected_items.all must be true or false', at: '/selected_items/all' });
    else if (sel.all === false && sel.excluded !== undefined) f.push({ code, message: 'selected_items with all: false takes "included", not "excluded"', at: '/selected_items/excluded' });
    else if (sel.all === true && sel.included !== undefined) f.push({ code, message: 'selected_items with all: true takes "excluded", not "included"', at: '/selected_items/included' });
    for (const k of ['included', 'excluded']) {
      if (sel[k] !== undefined && !(Array.isArray(sel[k]) && (sel[k] as unknown[]).every(isInt))) f.push({ code, message: `selected_items.${k} must be a list of integer task ids`, at: `/selected_items/${k}` });
    }
  }
  if (p.task === undefined && p.tasks === undefined && (p.selected_items === undefined || p.selected_items === null)) {
    f.push({ code: 'LSB_NO_TARGET', message: 'the payload names no target: give task, tasks or selected_items', at: '' });
  }
  return f;
}
