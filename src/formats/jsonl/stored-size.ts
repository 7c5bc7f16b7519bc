/**
 * The BSON size of the document the Annotto server inserts for one item line, counted as MongoDB's
 * driver counts it before it sends an insert (mongodb 3.7: `bson.calculateObjectSize(doc,
 * { ignoreUndefined: false })`, and a document of 16 MiB or more is refused, failing the upload).
 *
 * The document is `transformLineToItem` (src/core/items/index.ts) plus the driver's `_id`: the line
 * whole as `raw`, then `data` again, and `body`, which is `data.text` (or `data.body`) once more:
 * a text item holds its text three times, so a text of about 5.5 MB (16 MiB / 3, less the rest)
 * is too large. Also copied: `uuid` (and in `compositeUuid`, after the 24-digit project id),
 * `tags`, `metadata`, `description`. The rest is a fixed set of small fields.
 *
 * bson 1.1 sizes: an element is its type byte, its key and a NUL, then the value: a string 4 + its
 * UTF-8 bytes + 1, an integer in int32 range 4, any other number 8, a boolean 1, null (and
 * undefined here) 0, a date 8, an ObjectId 12, an object or array 4 + its elements + 1 (array keys
 * are "0", "1", ...).
 */

/** The driver refuses a document of this many bytes or more. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/**
 * Lines shorter than this (UTF-16 units) cannot make a document that large: a JSON character
 * takes at most 7 BSON bytes (`0,` in a long array: type, a 7-digit key, NUL, int32), the line is
 * stored once whole and its parts once more at most, the text a third time at 3 bytes a character.
 */
export const SIZE_CHECK_FROM = 900_000;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** An element of `valueBytes` under `key` in a document. */
const element = (key: string, valueBytes: number): number => 1 + utf8(key) + 1 + valueBytes;

/** The BSON size of a JSON value as an element's value. */
export function bsonValueSize(v: unknown): number {
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case 'string':
      return 4 + utf8(v) + 1;
    case 'boolean':
      return 1;
    case 'number':
      return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? 4 : 8;
    case 'object':
      break;
    default:
      return 0;
  }
  let n = 5;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) n += element(String(i), bsonValueSize(v[i]));
  } else {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) n += element(k, bsonValueSize(o[k]));
  }
  return n;
}

const OBJECT_ID = 12;
const DATE = 8;
const EMPTY = 5;
const PROJECT_ID_CHARS = 24;

/** The size of the document the server would insert for `line` (a line its validation passed). */
export function storedDocumentSize(line: Record<string, unknown>): number {
  const own = (k: string): unknown => (Object.prototype.hasOwnProperty.call(line, k) ? line[k] : undefined);
  const data = own('data') as Record<string, unknown> | undefined;
  const uuid = String(own('uuid'));
  const text = data && typeof data === 'object' ? (data.text || data.body || '') : '';
  const tags = own('tags') || [];
  let n = 5;
  n += element('_id', OBJECT_ID);
  n += element('raw', bsonValueSize(line));
  n += element('predictions', EMPTY) + element('highlights', EMPTY);
  n += element('project', OBJECT_ID);
  n += element('uuid', bsonValueSize(uuid));
  n += element('compositeUuid', 4 + PROJECT_ID_CHARS + 1 + utf8(uuid) + 1);
  n += element('data', bsonValueSize(data));
  n += element('type', bsonValueSize(own('type') || own('datatype')));
  n += element('body', bsonValueSize(text));
  n += element('tags', bsonValueSize(tags));
  n += element('metadata', bsonValueSize(own('metadata') || {}));
  n += element('description', bsonValueSize(own('description') || ''));
  n += element('status', bsonValueSize('todo')) + element('annotated', 1);
  n += element('annotatedBy', EMPTY) + element('annotationValues', EMPTY) + element('entitiesRelations', EMPTY);
  n += element('updatedAt', DATE) + element('createdAt', DATE);
  n += element('velocity', 0) + element('annotationTimes', EMPTY) + element('lastAnnotator', 0);
  n += element('commentCount', 4) + element('logCount', 4) + element('sourceHighlights', EMPTY);
  return n;
}
