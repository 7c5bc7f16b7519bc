/**
 * A rejected record as one line of `--rejects`. A record that is a single line is kept byte for
 * byte. A JSON record spread over lines (an element of a pretty-printed COCO file or Label Studio
 * export) is put on one line by removing the whitespace between its tokens: the tokens themselves
 * (numbers as `10.0`, strings, key order, repeated keys) stay as written, which a
 * `JSON.parse`/`JSON.stringify` round trip would not promise, and a record that is not valid JSON
 * can be put on one line too (a space is kept where removing it would join two tokens). Records of
 * other syntaxes (a CSV row with a quoted line break, a VOC or YOLO file) are kept as they are.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CR = 0x0d;
const LF = 0x0a;

const isSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === LF || b === CR;
/** Bytes that end or start a token without a delimiter: removing the space between two would join them. */
const isWord = (b: number | undefined): boolean => b !== undefined && !isSpace(b) && !'{}[],:"'.includes(String.fromCharCode(b));

/** True when the text holds a line break. */
function spansLines(raw: string | Buffer): boolean {
  return typeof raw === 'string' ? /[\r\n]/.test(raw) : raw.includes(LF) || raw.includes(CR);
}

/**
 * JSON text without the whitespace between tokens. A line break inside a string (invalid JSON) is
 * written as its escape, so that the result is one line in every case.
 */
export function compactJson(raw: Buffer): Buffer {
  const out = Buffer.allocUnsafe(raw.length * 2);
  let n = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (inString) {
      if (b === LF || b === CR) {
        out[n++] = BACKSLASH;
        out[n++] = b === LF ? 0x6e : 0x72;
        continue;
      }
      out[n++] = b;
      if (b === BACKSLASH && i + 1 < raw.length) out[n++] = raw[++i]!;
      else if (b === QUOTE) inString = false;
      continue;
    }
    if (isSpace(b)) {
      let j = i;
      while (j + 1 < raw.length && isSpace(raw[j + 1]!)) j++;
      if (n > 0 && isWord(out[n - 1]) && isWord(raw[j + 1])) out[n++] = 0x20;
      i = j;
      continue;
    }
    out[n++] = b;
    if (b === QUOTE) inString = true;
  }
  return out.subarray(0, n);
}

/**
 * The line `--rejects` gets for a rejected record's raw text, with `newline` (the input's own
 * line ending) after it. `json`: the reader's records are JSON, so one spread over lines is compacted.
 */
export function rejectLine(raw: string | Buffer, json: boolean, newline: string): string | Buffer {
  if (!json || !spansLines(raw)) return typeof raw === 'string' ? raw + newline : Buffer.concat([raw, Buffer.from(newline)]);
  const trimmed = compactJson(typeof raw === 'string' ? Buffer.from(raw) : raw);
  return Buffer.concat([trimmed, Buffer.from(newline)]);
}
