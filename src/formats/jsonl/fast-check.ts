/**
 * A conservative fast path in front of the JSON Schema: it accepts only items that plainly satisfy
 * schemas/jsonl.schema.json (the common shape: uuid, one of type/datatype, data with exactly its one
 * field, a non-empty string, optional metadata object, optional non-empty tags). Anything else —
 * including every invalid item — goes to the ajv validator, which stays the authority and produces the errors. A property test
 * checks that whatever this accepts, the schema accepts too.
 */
const FIELD: Record<string, string> = { text: 'text', html: 'html', image: 'url', video: 'url', audio: 'url' };

export function plainlyValid(o: Record<string, unknown>): boolean {
  let kind: unknown;
  // for-in also walks inherited enumerable keys (a polluted prototype): they fall to `default`
  for (const k in o) {
    switch (k) {
      case 'uuid':
      case 'data':
      case 'metadata':
      case 'tags':
        break;
      case 'type':
      case 'datatype':
        if (kind !== undefined) return false;
        kind = o[k];
        break;
      default:
        return false;
    }
  }
  const uuid = o.uuid;
  if (typeof uuid !== 'string' || uuid.length === 0) return false;
  if (typeof kind !== 'string') return false;
  const field = FIELD[kind];
  if (field === undefined || !Object.prototype.hasOwnProperty.call(FIELD, kind)) return false;
  const data = o.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return false;
  let n = 0;
  for (const k in data) {
    if (k !== field) return false;
    n++;
  }
  const value = (data as Record<string, unknown>)[field];
  if (n !== 1 || typeof value !== 'string' || value.length === 0) return false;
  const md = o.metadata;
  if (md !== undefined && (md === null || typeof md !== 'object' || Array.isArray(md))) return false;
  const tags = o.tags;
  if (tags !== undefined) {
    if (!Array.isArray(tags)) return false;
    for (const t of tags) if (typeof t !== 'string' || t.length === 0) return false;
  }
  return true;
}
