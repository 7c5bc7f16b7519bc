/**
 * Detection by structure, not by matching text: the sample parsed once (as far as it goes) into the
 * first JSON value, the first line's record or the first CSV row, and helpers to ask what is there.
 * A format's `detect` looks at keys and types of these; a key named "images" inside an item's
 * metadata is not a top-level "images" array.
 */
import type { Sample } from './format.js';
import { parseHead, type Head, type Shape } from './json-head.js';

export type { Shape } from './json-head.js';
export type ObjectShape = Extract<Shape, { type: 'object' }>;
export type ArrayShape = Extract<Shape, { type: 'array' }>;

interface Parsed {
  head?: Head | undefined;
  record?: Shape | undefined;
  row?: string[] | undefined;
}

const cache = new WeakMap<Sample, Parsed>();

function parsed(sample: Sample): Parsed {
  let p = cache.get(sample);
  if (!p) cache.set(sample, (p = {}));
  return p;
}

/** The first non-empty line of a sample, without a BOM, and whether it is complete. */
export function firstLine(sample: Sample): { text: string; complete: boolean } {
  let s = sample.text;
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  let start = 0;
  for (;;) {
    // LF, CRLF, or a CR alone (CR-only files: old Mac and some Excel exports)
    const eol = /\r\n?|\n/g;
    eol.lastIndex = start;
    const m = eol.exec(s);
    const nl = m ? m.index : -1;
    const line = nl < 0 ? s.slice(start) : s.slice(start, nl);
    if (line.trim() !== '' || nl < 0) return { text: line, complete: nl >= 0 || sample.complete };
    start = nl + m![0].length;
  }
}

/**
 * The input as one JSON document: its first value, as far as the sample goes; undefined when the
 * input does not start with JSON or holds one value a line (a line format).
 */
export function documentOf(sample: Sample): Shape | undefined {
  const p = parsed(sample);
  if (!('head' in p)) p.head = parseHead(sample.text, sample.complete);
  return p.head && p.head.after !== 'value' ? p.head.value : undefined;
}

/**
 * The first non-empty line as one JSON value (what a line format's first record is): whole when
 * the line is, as far as it goes when the line is longer than the sample; undefined when the line
 * is not one JSON value (a document spread over lines starts with a line that is not).
 */
export function firstRecordOf(sample: Sample): Shape | undefined {
  const p = parsed(sample);
  if (!('record' in p)) {
    const line = firstLine(sample);
    const head = parseHead(line.text, line.complete);
    p.record = head && (line.complete ? head.after === 'end' : head.after === 'cut') ? head.value : undefined;
  }
  return p.record;
}

/** The cells of the first non-empty line read as a CSV row (RFC 4180 quotes), cut at the sample's end. */
export function firstRowOf(sample: Sample): string[] {
  const p = parsed(sample);
  if (!p.row) p.row = splitRow(firstLine(sample).text);
  return p.row;
}

function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') cells.push(cell), (cell = '');
    else cell += c;
  }
  cells.push(cell);
  return cells;
}

export const isObject = (s: Shape | undefined): s is ObjectShape => s?.type === 'object';
export const isArray = (s: Shape | undefined): s is ArrayShape => s?.type === 'array';

/** The value of `key` in an object shape (undefined when absent, or not an object). */
export function field(s: Shape | undefined, key: string): Shape | undefined {
  return isObject(s) ? s.fields.get(key) : undefined;
}

/** Whether an object shape has `key` (as far as the sample shows). */
export function has(s: Shape | undefined, key: string): boolean {
  return isObject(s) && s.fields.has(key);
}

/** The keys of an object shape seen in the sample, in order. */
export function keysOf(s: Shape | undefined): string[] {
  return isObject(s) ? [...s.fields.keys()] : [];
}

/** The elements of an array shape seen in the sample (its first few). */
export function itemsOf(s: Shape | undefined): Shape[] {
  return isArray(s) ? s.items : [];
}

/** The value of a string shape (its first characters). */
export function textOf(s: Shape | undefined): string | undefined {
  return s?.type === 'string' ? s.value : undefined;
}

/** True when the file name ends with one of the extensions (with the dot, case-insensitive). */
export function hasExtension(name: string, exts: readonly string[]): boolean {
  const n = name.toLowerCase();
  return exts.some((e) => n.endsWith(e));
}
