/**
 * The source's own JSON text for a parsed value, so a writer can splice it instead of formatting
 * every number again. Formatting doubles is most of the cost of serializing geometry (measured on
 * COCO L: polygons are ~40 numbers per annotation and `JSON.stringify` of the model took 4.8 s of
 * 20 s); the source text of an array that was parsed and checked is already valid JSON with the
 * same values.
 *
 * Only readers whose items go straight into a writer keep texts (ReadContext.keepRawJson): items a
 * library user receives never carry one, so a change made to them cannot be shadowed by a stale
 * text. Keys are the parsed arrays themselves, which carry it under a symbol key.
 */
const RAW = Symbol('annoconv.rawJson');

/** Remember `text` as the JSON of `value` (it must parse to exactly `value`). */
export function keepRawJson(value: object, text: string): void {
  // a symbol key: JSON.stringify, Object.keys and structured clone all pass it by (measured: a
  // WeakMap cost 0.5 s more on COCO L, most of it in the collector)
  (value as { [RAW]?: string })[RAW] = text;
}

/** The remembered JSON text of `value`, if any. */
export function rawJsonOf(value: object): string | undefined {
  return (value as { [RAW]?: string })[RAW];
}

/**
 * `JSON.stringify(obj)` for a plain object whose own values are JSON values, except that a value for
 * which `text(key, value)` returns a string is written as that string. Key order and the rest of
 * the output match `JSON.stringify`.
 */
export function stringifyWith(obj: object, text: (key: string, value: unknown) => string | undefined): string {
  let s = '{';
  let first = true;
  const o = obj as Record<string, unknown>;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    const v = o[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    s += (first ? '' : ',') + JSON.stringify(k) + ':' + (text(k, v) ?? JSON.stringify(v));
    first = false;
  }
  return s + '}';
}
