/**
 * A partial JSON parse of the start of an input, for detection by structure: the first value as far
 * as the sample goes (objects with their keys, arrays with their first elements), each container
 * marked complete or cut by the end of the sample. Bounded whatever the sample: values nested deeper
 * than MAX_DEPTH and array elements after the first MAX_ITEMS are skipped by a scanner that does not
 * recurse, and strings are kept to MAX_STRING characters.
 */

/** What was seen of a JSON value. */
export type Shape =
  | { type: 'object'; fields: Map<string, Shape>; complete: boolean }
  | { type: 'array'; items: Shape[]; complete: boolean }
  | { type: 'string'; value: string; complete: boolean }
  | { type: 'number' | 'boolean' | 'null' | 'skipped' };

/** The first value of a text and what follows it. */
export interface Head {
  value: Shape;
  /**
   * After the value: `end` nothing (the text is complete), `cut` the sample ended (inside the value
   * or after it), `value` another JSON value (a line format), `other` anything else.
   */
  after: 'end' | 'cut' | 'value' | 'other';
}

const MAX_DEPTH = 16;
/** A number or literal at `lastIndex`. */
const SCALAR = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
const MAX_ITEMS = 8;
const MAX_STRING = 256;

/** The sample ended inside a value. */
class Cut extends Error {}
/** Not JSON. */
class Invalid extends Error {}

/** Where a value cut by the end of the sample leaves what was seen of it. */
interface Into {
  partial?: Shape;
}

const SKIPPED: Shape = { type: 'skipped' };

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  ws(): void {
    const s = this.s;
    for (let c = s.charCodeAt(this.i); c === 32 || c === 10 || c === 13 || c === 9; c = s.charCodeAt(++this.i));
  }

  /** The next non-space character; the end of the sample is a cut. */
  peek(): string {
    this.ws();
    if (this.i >= this.s.length) throw new Cut();
    return this.s[this.i]!;
  }

  value(depth: number, into: Into): Shape {
    const c = this.peek();
    if (depth >= MAX_DEPTH && (c === '{' || c === '[')) return this.skip();
    if (c === '{') return this.object(depth, into);
    if (c === '[') return this.array(depth, into);
    if (c === '"') return this.string(into);
    return this.scalar(into);
  }

  object(depth: number, into: Into): Shape {
    const out: Shape = { type: 'object', fields: new Map(), complete: false };
    into.partial = out;
    this.i++;
    if (this.peek() === '}') return this.close(out);
    for (;;) {
      if (this.peek() !== '"') throw new Invalid();
      const key = (this.string({}) as { value: string }).value;
      if (this.peek() !== ':') throw new Invalid();
      this.i++;
      const child: Into = {};
      try {
        const v = this.value(depth + 1, child);
        if (!out.fields.has(key)) out.fields.set(key, v);
      } catch (e) {
        if (e instanceof Cut && child.partial && !out.fields.has(key)) out.fields.set(key, child.partial);
        throw e;
      }
      const n = this.peek();
      if (n === '}') return this.close(out);
      if (n !== ',') throw new Invalid();
      this.i++;
    }
  }

  array(depth: number, into: Into): Shape {
    const out: Shape = { type: 'array', items: [], complete: false };
    into.partial = out;
    this.i++;
    if (this.peek() === ']') return this.close(out);
    for (;;) {
      const child: Into = {};
      try {
        if (out.items.length < MAX_ITEMS) out.items.push(this.value(depth + 1, child));
        else this.skip();
      } catch (e) {
        if (e instanceof Cut && child.partial) out.items.push(child.partial);
        throw e;
      }
      const n = this.peek();
      if (n === ']') return this.close(out);
      if (n !== ',') throw new Invalid();
      this.i++;
    }
  }

  close<T extends { complete: boolean }>(out: T): T {
    this.i++;
    out.complete = true;
    return out;
  }

  /** A string at the quote under the cursor, decoded (its first MAX_STRING characters). */
  string(into: Into): Shape {
    const s = this.s;
    let i = this.i + 1;
    let raw = '';
    for (;;) {
      const q = s.indexOf('"', i);
      if (q < 0) {
        into.partial = { type: 'string', value: decode(raw + s.slice(i)), complete: false };
        this.i = s.length;
        throw new Cut();
      }
      let back = 0;
      while (q - 1 - back >= i && s[q - 1 - back] === '\\') back++;
      raw += s.slice(i, q);
      i = q + 1;
      if (back % 2 === 0) break;
      raw += '"';
    }
    this.i = i;
    return { type: 'string', value: decode(raw), complete: true };
  }

  scalar(into: Into): Shape {
    SCALAR.lastIndex = this.i;
    const m = SCALAR.exec(this.s);
    const type = (t: string): Shape => ({ type: t === 'null' ? 'null' : t === 'true' || t === 'false' ? 'boolean' : 'number' });
    // the sample ends inside the literal (or a number that may go on): a cut, if it can still be one
    if (this.s.length - this.i <= 400) {
      const rest = this.s.slice(this.i);
      if (/^(?:-?[\d.eE+-]*|t(?:r(?:ue?)?)?|f(?:a(?:l(?:se?)?)?)?|n(?:u(?:ll?)?)?)$/.test(rest)) {
        into.partial = type(rest[0] === 't' || rest[0] === 'f' ? 'true' : rest[0] === 'n' ? 'null' : '0');
        this.i = this.s.length;
        throw new Cut();
      }
    }
    if (!m) throw new Invalid();
    this.i += m[0].length;
    return type(m[0]);
  }

  /** Steps over one value without building it (no recursion: a depth counter). */
  skip(): Shape {
    const c = this.peek();
    if (c === '"') return this.string({}), SKIPPED;
    if (c !== '{' && c !== '[') return this.scalar({}), SKIPPED;
    const s = this.s;
    let depth = 0;
    for (;;) {
      if (this.i >= s.length) throw new Cut();
      const ch = s[this.i]!;
      if (ch === '"') {
        this.string({});
        continue;
      }
      this.i++;
      if (ch === '{' || ch === '[') depth++;
      else if ((ch === '}' || ch === ']') && --depth === 0) return SKIPPED;
    }
  }
}

/** A JSON string body (escapes as written) decoded, cut to MAX_STRING characters. */
function decode(raw: string): string {
  const cut = raw.slice(0, MAX_STRING * 6).replace(/\\u[0-9a-fA-F]{0,3}$|\\$/, '');
  try {
    return (JSON.parse('"' + cut + '"') as string).slice(0, MAX_STRING);
  } catch {
    return cut.slice(0, MAX_STRING);
  }
}

/**
 * The first JSON value of `text` (a BOM skipped) as far as it goes, and what follows it; undefined
 * when the text does not start with JSON. `complete`: `text` is the whole input.
 */
export function parseHead(text: string, complete: boolean): Head | undefined {
  const p = new Parser(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const top: Into = {};
  try {
    const value = p.value(0, top);
    p.ws();
    if (p.i >= p.s.length) return { value, after: complete ? 'end' : 'cut' };
    return { value, after: '{["'.includes(p.s[p.i]!) ? 'value' : 'other' };
  } catch (e) {
    if (e instanceof Invalid) return undefined;
    if (!(e instanceof Cut)) throw e;
    return top.partial ? { value: top.partial, after: 'cut' } : undefined;
  }
}
