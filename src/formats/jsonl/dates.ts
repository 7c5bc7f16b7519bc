/**
 * The item dates `annotatedAt`, `createdAt` and `seenAt` as the Annotto server checks them:
 * `Joi.date().allow(null)` validated with Joi's default conversion on (src/router/validation/item.ts,
 * `schema.validate(item)` in src/core/file-upload/jsonlines.ts passes no options). Joi 17 turns a
 * number or a string into a date and fails only when that gives none (lib/types/date.js):
 * - a number: `new Date(n)`, so any epoch in milliseconds within ±8.64e15;
 * - a string of digits with an optional sign and decimals ("1658755620546", "-5", "12.5"): the same
 *   number; any other string but blank ones: `new Date(s)`, V8's parser ("2020-11-16T14:17:09Z",
 *   "2020", "Mon, 16 Nov 2020 14:17:09 GMT" pass; "yesterday", "1e3", "" do not).
 * The server stores the line as it came (these values only in `raw`), so nothing is converted here.
 */
export const ITEM_DATE_KEYS = ['annotatedAt', 'createdAt', 'seenAt'] as const;

/** Whether Joi 17's `date().allow(null)` accepts `v` with conversion on. */
export function joiAcceptsDate(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Number.isNaN(new Date(v).getTime());
  if (typeof v !== 'string' || /^\s*$/.test(v)) return false;
  const value = /^[+-]?\d+(\.\d+)?$/.test(v) ? parseFloat(v) : v;
  return !Number.isNaN(new Date(value).getTime());
}
