/**
 * A byte scanner for large JSON documents: it finds the boundaries of the top-level values and of
 * the elements of top-level arrays, and hands each one over as raw bytes for `JSON.parse`. It
 * never builds a token tree (token-level streaming parsers are 10-30x slower than JSON.parse per
 * element, ARCHITECTURE.md §5), holds at most one element plus one read in memory, and tracks
 * nesting with a counter, so depth cannot overflow a stack.
 *
 * Root object: `{"key": value, ...}` — a value that is an array is split into its elements, any
 * other value is handed over whole. Root array: its elements. Keys may repeat; the caller decides.
 * One top-level key of one array can be "captured" from each element as it streams by (COCO
 * routes annotations by their `image_id` without parsing them).
 */

import { isUtf8 } from 'node:buffer';
import { MAX_JSON_DEPTH } from './json-depth.js';
import type { Code } from './codes.js';

export type ScanEvent =
  /** A root object key (raw JSON string bytes decoded). */
  | { type: 'key'; key: string; offset: number }
  /** An element of a top-level array (`key` null for a root array). */
  | { type: 'element'; key: string | null; index: number; raw: Buffer; offset: number; captured?: (number | undefined)[] }
  /** An element larger than the limit: skipped, not held. */
  /** `deep`: nested deeper than MAX_JSON_DEPTH rather than too large. */
  /** `utf8`: the bytes are not valid UTF-8 (decoding would silently put U+FFFD in the data). */
  | { type: 'oversized'; key: string | null; index: number; offset: number; bytes: number; deep?: boolean; utf8?: boolean }
  // (`index` is -1 for a top-level value that is not in an array)
  /** A top-level value that is not an array. */
  | { type: 'value'; key: string; raw: Buffer; offset: number }
  /** The end of a top-level array. */
  | { type: 'end-array'; key: string | null; count: number }
  /** The document is not well-formed JSON at `offset`; scanning stops. */
  | { type: 'error'; message: string; offset: number };

export interface ScanOptions {
  maxElementBytes: number;
  /** Capture these numeric top-level keys of each element of this array ('' for a root array). */
  capture?: { array: string; keys: string[] };
}

const enum S {
  Start, // before the root
  RootObjKey, // in root object: expect key or '}'
  RootObjColon,
  RootObjValue,
  RootObjAfter, // expect ',' or '}'
  ArrElem, // in a top-level array: expect element or ']'
  ArrAfter, // expect ',' or ']'
  Done,
  Failed,
}

const QUOTE = 34;
/** Byte classes for the element loop: 1 quote, 2 open, 3 close, 4 colon, 5 comma, 0 the rest. */
const CLASS = new Uint8Array(256);
CLASS[34] = 1;
CLASS[123] = 2;
CLASS[91] = 2;
CLASS[125] = 3;
CLASS[93] = 3;
CLASS[58] = 4;
CLASS[44] = 5;
const BACKSLASH = 92;
const isWs = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

export class JsonScanner {
  private state: S = S.Start;
  private buf: Buffer = Buffer.alloc(0);
  /** Absolute offset of buf[0]. */
  private base = 0;
  private pos = 0;
  private rootIsArray = false;
  private key: string | null = null;
  private index = 0;
  // element/value in progress
  private inValue = false;
  private valueStart = 0; // absolute
  private valueIsArrayElem = false;
  private depth = 0; // nesting inside the current element
  private tooDeep = false; // the current element nests deeper than MAX_JSON_DEPTH
  private inString = false;
  private scalar = false; // element is a number/literal
  private skipping = false;
  // capture
  private capturing = false;
  private captureState = 0; // 0 none, 1 key seen expect ':', 2 expect number
  private captureStart = -1;
  private captureKey = -1;
  private captured: (number | undefined)[] | undefined;
  private keyStart = -1; // absolute start of a string at depth 1 of the element

  constructor(private readonly opts: ScanOptions) {}

  /** Feed the next bytes; returns the events they complete. */
  push(chunk: Buffer): ScanEvent[] {
    const out: ScanEvent[] = [];
    if (this.state === S.Done || this.state === S.Failed) {
      if (this.state === S.Done) this.trailing(chunk, out, this.base + this.buf.length);
      this.base += chunk.length;
      return out;
    }
    // Keep only what an unfinished token or element needs (an element being skipped keeps a tail,
    // so that a backslash before a quote split across reads is still seen).
    const keepFrom = this.inValue && !this.skipping ? this.valueStart - this.base : Math.max(this.inValue ? this.valueStart - this.base : 0, this.pos - 4096, 0);
    const kept = keepFrom < this.buf.length ? this.buf.subarray(keepFrom) : Buffer.alloc(0);
    this.base += keepFrom;
    this.pos -= keepFrom;
    this.buf = kept.length ? Buffer.concat([kept, chunk]) : chunk;
    this.run(out);
    return out;
  }

  /** The input ended; returns the last events (an error when the document is incomplete). */
  end(): ScanEvent[] {
    const out: ScanEvent[] = [];
    if (this.state === S.Done || this.state === S.Failed) return out;
    out.push({ type: 'error', message: this.state === S.Start ? 'empty input: no JSON value' : 'unexpected end of input: the document is truncated', offset: this.base + this.buf.length });
    this.state = S.Failed;
    return out;
  }

  private fail(out: ScanEvent[], message: string, at: number): void {
    out.push({ type: 'error', message, offset: this.base + at });
    this.state = S.Failed;
  }

  private trailing(chunk: Buffer, out: ScanEvent[], offset: number): void {
    for (let i = 0; i < chunk.length; i++) {
      if (!isWs(chunk[i]!)) {
        out.push({ type: 'error', message: 'unexpected data after the end of the JSON document', offset: offset + i });
        this.state = S.Failed;
        return;
      }
    }
  }

  private run(out: ScanEvent[]): void {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    while (i < n) {
      if (this.inValue) {
        const r = this.scanValue(buf, i, out);
        if (r < 0) {
          this.pos = n;
          return;
        }
        i = r;
        continue;
      }
      const c = buf[i]!;
      if (isWs(c)) {
        i++;
        continue;
      }
      switch (this.state) {
        case S.Start:
          if (c === 123) {
            this.state = S.RootObjKey;
            i++;
          } else if (c === 91) {
            this.rootIsArray = true;
            this.key = null;
            this.index = 0;
            this.state = S.ArrElem;
            i++;
          } else if (c === 0xef && i === 0 && this.base === 0) {
            if (n < 3) {
              this.pos = i; // wait for the whole byte order mark
              return;
            }
            if (buf[1] !== 0xbb || buf[2] !== 0xbf) {
              this.fail(out, 'the document is not a JSON object or array', i);
              return;
            }
            i += 3; // UTF-8 BOM
          } else {
            this.fail(out, 'the document is not a JSON object or array', i);
            return;
          }
          break;
        case S.RootObjKey: {
          if (c === 125) {
            this.state = S.Done;
            this.trailing(buf.subarray(i + 1), out, this.base + i + 1);
            this.pos = n;
            return;
          }
          if (c !== QUOTE) {
            this.fail(out, 'expected a key string in the top-level object', i);
            return;
          }
          const end = stringEnd(buf, i + 1);
          if (end < 0) {
            this.pos = i; // wait for more bytes
            return;
          }
          let key: string;
          try {
            if (!isUtf8(buf.subarray(i, end + 1))) throw new Error('not UTF-8');
            key = JSON.parse(buf.toString('utf8', i, end + 1)) as string;
          } catch (e) {
            this.fail(out, (e as Error).message === 'not UTF-8' ? 'a top-level key is not valid UTF-8' : 'invalid key string in the top-level object', i);
            return;
          }
          this.key = key;
          out.push({ type: 'key', key, offset: this.base + i });
          this.state = S.RootObjColon;
          i = end + 1;
          break;
        }
        case S.RootObjColon:
          if (c !== 58) {
            this.fail(out, 'expected ":" after a top-level key', i);
            return;
          }
          this.state = S.RootObjValue;
          i++;
          break;
        case S.RootObjValue:
          if (c === 44 || c === 125 || c === 93 || c === 58) {
            this.fail(out, 'expected a value after ":"', i);
            return;
          }
          if (c === 91) {
            this.state = S.ArrElem;
            this.index = 0;
            i++;
          } else {
            this.beginValue(i, false);
          }
          break;
        case S.RootObjAfter:
          if (c === 44) {
            this.state = S.RootObjKey;
            i++;
          } else if (c === 125) {
            this.state = S.Done;
            this.trailing(buf.subarray(i + 1), out, this.base + i + 1);
            this.pos = n;
            return;
          } else {
            this.fail(out, 'expected "," or "}" in the top-level object', i);
            return;
          }
          break;
        case S.ArrElem:
          if (c === 93 && this.index === 0) {
            this.endArray(out);
            i++;
          } else if (c === 93 || c === 44 || c === 125 || c === 58) {
            this.fail(out, c === 93 ? 'trailing comma in an array' : `unexpected "${String.fromCharCode(c)}" where an array element should start`, i);
            return;
          } else {
            this.beginValue(i, true);
          }
          break;
        case S.ArrAfter:
          if (c === 44) {
            this.state = S.ArrElem;
            i++;
          } else if (c === 93) {
            this.endArray(out);
            i++;
          } else {
            this.fail(out, 'expected "," or "]" between array elements', i);
            return;
          }
          break;
        default:
          this.pos = n;
          return;
      }
      if ((this.state as S) === S.Failed) return;
    }
    this.pos = i;
  }

  private endArray(out: ScanEvent[]): void {
    out.push({ type: 'end-array', key: this.rootIsArray ? null : this.key, count: this.index });
    if (this.rootIsArray) {
      this.state = S.Done;
    } else {
      this.state = S.RootObjAfter;
    }
  }

  private beginValue(i: number, arrayElem: boolean): void {
    this.inValue = true;
    this.valueIsArrayElem = arrayElem;
    this.valueStart = this.base + i;
    this.depth = 0;
    this.tooDeep = false;
    this.inString = false;
    this.skipping = false;
    const c = this.buf[i]!;
    this.scalar = c !== 123 && c !== 91 && c !== QUOTE;
    this.capturing = arrayElem && this.opts.capture !== undefined && (this.key ?? '') === this.opts.capture.array;
    this.captureState = 0;
    this.captured = undefined;
    this.keyStart = -1;
  }


  /** Continue the current value from i; returns where to go on, or -1 when the buffer is used up. */
  private scanValue(buf: Buffer, i: number, out: ScanEvent[]): number {
    const n = buf.length;
    if (this.scalar) {
      while (i < n) {
        const c = buf[i]!;
        if (c === 44 || c === 93 || c === 125 || isWs(c)) return this.finishValue(i, out);
        i++;
      }
      return this.checkSize(n);
    }
    // Hot loop: most bytes are digits, letters and spaces (class 0) and are passed over.
    const capturing = this.capturing;
    let depth = this.depth;
    if (this.inString) {
      const end = stringEnd(buf, i);
      if (end < 0) return this.checkSize(n);
      this.inString = false;
      if (capturing && depth === 1 && this.keyStart >= 0) this.maybeKey(buf, end);
      i = end + 1;
      if (depth === 0) return this.finishValue(i, out);
    }
    while (i < n) {
      const k = CLASS[buf[i]!]!;
      if (k === 0) {
        i++;
        continue;
      }
      if (k === 1) {
        if (capturing && depth === 1) this.keyStart = this.base + i + 1;
        const end = stringEnd(buf, i + 1);
        if (end < 0) {
          this.inString = true;
          this.depth = depth;
          return this.checkSize(n);
        }
        if (capturing && depth === 1) this.maybeKey(buf, end);
        i = end + 1;
        if (depth === 0) {
          this.depth = depth;
          return this.finishValue(i, out);
        }
        continue;
      }
      if (k === 2) {
        if (++depth > MAX_JSON_DEPTH) this.tooDeep = true;
        i++;
        continue;
      }
      if (k === 3) {
        depth--;
        if (capturing && depth === 0 && this.captureState === 2) this.endCapture(buf, i);
        i++;
        if (depth === 0) {
          this.depth = depth;
          return this.finishValue(i, out);
        }
        continue;
      }
      if (capturing && depth === 1) {
        if (k === 4 && this.captureState === 1) {
          this.captureState = 2;
          this.captureStart = this.base + i + 1;
        } else if (k === 5) {
          if (this.captureState === 2) this.endCapture(buf, i);
          this.captureState = 0;
        }
      }
      i++;
    }
    this.depth = depth;
    return this.checkSize(n);
  }

  private maybeKey(buf: Buffer, end: number): void {
    const keys = this.opts.capture!.keys;
    const start = this.keyStart - this.base;
    this.keyStart = -1;
    if (this.captureState === 2) return; // a string value, not a key
    const len = end - start;
    for (let k = 0; k < keys.length; k++) {
      if (keys[k]!.length === len && buf.toString('latin1', start, end) === keys[k]) {
        this.captureState = 1;
        this.captureKey = k;
        return;
      }
    }
  }

  private endCapture(buf: Buffer, at: number): void {
    if (this.captureStart >= 0) {
      const text = buf.toString('latin1', this.captureStart - this.base, at).trim();
      const v = Number(text);
      if (text !== '' && Number.isFinite(v)) (this.captured ??= [])[this.captureKey] = v;
    }
    this.captureState = 0;
    this.captureStart = -1;
  }

  /** An element or value grew past the buffer: drop it if it is too large. */
  private checkSize(n: number): number {
    const size = this.base + n - this.valueStart;
    if (size > this.opts.maxElementBytes) this.skipping = true;
    return -1;
  }

  private finishValue(i: number, out: ScanEvent[]): number {
    const start = this.valueStart - this.base;
    const bytes = this.base + i - this.valueStart;
    const raw = this.skipping || bytes > this.opts.maxElementBytes ? undefined : this.buf.subarray(start, i);
    if (!raw || this.tooDeep) {
      out.push({ type: 'oversized', key: this.key, index: this.valueIsArrayElem ? this.index : -1, offset: this.valueStart, bytes, ...(this.tooDeep && raw ? { deep: true } : {}) });
    } else if (!isUtf8(raw)) {
      out.push({ type: 'oversized', key: this.key, index: this.valueIsArrayElem ? this.index : -1, offset: this.valueStart, bytes, utf8: true });
    } else if (this.valueIsArrayElem) {
      const ev: ScanEvent = { type: 'element', key: this.key, index: this.index, raw, offset: this.valueStart };
      if (this.captured !== undefined) ev.captured = this.captured;
      out.push(ev);
    } else {
      out.push({ type: 'value', key: this.key!, raw, offset: this.valueStart });
    }
    this.inValue = false;
    this.skipping = false;
    if (this.valueIsArrayElem) {
      this.index++;
      this.state = S.ArrAfter;
    } else {
      this.state = S.RootObjAfter;
    }
    return i;
  }
}

/** Index of the closing quote of a string whose content starts at `from`, or -1 if not in buf. */
function stringEnd(buf: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const q = buf.indexOf(QUOTE, i);
    if (q < 0) return -1;
    let b = q - 1;
    while (b >= 0 && buf[b] === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    i = q + 1;
  }
}

/** The diagnostic of an oversized, too deeply nested or non-UTF-8 element. */
export function oversizedMessage(ev: { bytes: number; deep?: boolean; utf8?: boolean }, maxRecordSize: number): [Code, string] {
  if (ev.utf8) return ['INPUT_INVALID_UTF8', `record of ${ev.bytes} bytes is not valid UTF-8; skipped (decoding it would replace bytes silently)`];
  return ev.deep ? ['INPUT_TOO_DEEP', `a record nested deeper than ${MAX_JSON_DEPTH} levels; skipped`] : ['INPUT_RECORD_TOO_LARGE', `record of ${ev.bytes} bytes exceeds --max-record-size ${maxRecordSize}; skipped`];
}
