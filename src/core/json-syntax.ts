/**
 * What is wrong with JSON text that JSON.parse refused, worked out from the text itself. V8's
 * messages are not used: they quote the text around the error (`..."0SECRET": NaN}" is not valid
 * JSON`), which can hold the end of a secret that masking, made for whole values and their starts,
 * does not recognise; and since V8 11 most of them no longer give the position. Here the problem is
 * named in our words, placed by character, and quoted only from the input, masked, and not at all
 * when the quote could show part of a secret.
 */
import { redact, sharesSecret } from './secrets.js';

export interface JsonSyntaxError {
  /** 0-based index in the text (UTF-16 code units, as JSON.parse counts) where it goes wrong. */
  index: number;
  /** What is wrong there, e.g. `unexpected character "N" (expected a value)`. */
  problem: string;
  /** A few characters of the input from `index` on, masked; absent when they could show a secret. */
  near?: string;
}

const QUOTED = 12;

type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'end';

/**
 * The first place where `text` stops being one JSON value, or undefined when it is valid JSON.
 * Iterative (a stack of open brackets, no recursion), so any depth is fine.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const open: string[] = [];
  let expect: Expect = 'value';
  let i = 0;
  const afterValue = (): Expect => (open.length ? 'commaOrClose' : 'end');
  for (;;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= text.length) return expect === 'end' ? undefined : at(text, i, expect === 'value' && open.length === 0 ? 'no JSON value (the text is empty or blank)' : 'unexpected end of the text (it is cut short)');
    const c = text[i]!;
    if (expect === 'end') return at(text, i, 'more data after the end of the JSON value');
    if (expect === 'colon') {
      if (c !== ':') return unexpected(text, i, '":" after the key');
      i++;
      expect = 'value';
    } else if (expect === 'commaOrClose') {
      const top = open[open.length - 1];
      if (c === ',') {
        i++;
        expect = top === '{' ? 'key' : 'value';
      } else if ((c === ']' && top === '[') || (c === '}' && top === '{')) {
        open.pop();
        i++;
        expect = afterValue();
      } else return unexpected(text, i, top === '{' ? '"," or "}"' : '"," or "]"');
    } else if (expect === 'key' || expect === 'keyOrClose') {
      if (expect === 'keyOrClose' && c === '}') {
        open.pop();
        i++;
        expect = afterValue();
      } else if (c === '"') {
        const end = stringEnd(text, i);
        if (typeof end !== 'number') return end;
        i = end;
        expect = 'colon';
      } else return unexpected(text, i, 'a key in double quotes');
    } else if (expect === 'valueOrClose' && c === ']') {
      open.pop();
      i++;
      expect = afterValue();
    } else if (c === '{' || c === '[') {
      open.push(c);
      i++;
      expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
    } else {
      const end = c === '"' ? stringEnd(text, i) : scalarEnd(text, i);
      if (typeof end !== 'number') return end;
      i = end;
      expect = afterValue();
    }
  }
}

/** The index after the string starting at `i` (its opening quote), or what is wrong in it. */
function stringEnd(text: string, i: number): number | JsonSyntaxError {
  for (let j = i + 1; j < text.length; j++) {
    const code = text.charCodeAt(j);
    if (code === 0x22) return j + 1;
    if (code < 0x20) return at(text, j, 'a control character (a raw tab or line break?) inside a string', false);
    if (code !== 0x5c) continue;
    const e = text[j + 1];
    if (e === 'u') {
      let k = j + 2;
      while (k < j + 6 && /[0-9A-Fa-f]/.test(text[k] ?? '')) k++;
      if (k < j + 6) return at(text, k, 'a \\u escape without four hex digits', false);
      j += 5;
    } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j++;
    else return at(text, j + 1, 'an escape JSON does not have (only \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)', false);
  }
  return at(text, text.length, `a string that never closes (opened at character ${i + 1})`, false);
}

const LITERALS: Record<string, string> = { t: 'true', f: 'false', n: 'null' };

/** The index after the number or literal at `i`, or what is wrong there (placed where V8 places it). */
function scalarEnd(text: string, i: number): number | JsonSyntaxError {
  const word = LITERALS[text[i]!];
  if (word) {
    let j = i;
    while (j < text.length && j - i < word.length && text[j] === word[j - i]) j++;
    if (j - i === word.length) return j;
    return j >= text.length ? at(text, j, 'unexpected end of the text (it is cut short)') : unexpected(text, j, JSON.stringify(word));
  }
  let j = i;
  if (text[j] === '-') j++;
  if (text[j] === '0') j++;
  else if (isDigit(text, j)) while (isDigit(text, j)) j++;
  else return j > i ? at(text, j, 'no digit after the minus sign') : unexpected(text, i, 'a value');
  if (text[j] === '.') {
    if (!isDigit(text, ++j)) return at(text, j, 'no digit after the decimal point');
    while (isDigit(text, j)) j++;
  }
  if (text[j] === 'e' || text[j] === 'E') {
    if (text[++j] === '+' || text[j] === '-') j++;
    if (!isDigit(text, j)) return at(text, j, 'no digit in the exponent');
    while (isDigit(text, j)) j++;
  }
  return j;
}

function isDigit(text: string, j: number): boolean {
  const c = text.charCodeAt(j);
  return c >= 0x30 && c <= 0x39;
}

function unexpected(text: string, i: number, expected: string): JsonSyntaxError {
  return at(text, i, `unexpected character ${JSON.stringify(String.fromCodePoint(text.codePointAt(i)!))} (expected ${expected})`);
}

/**
 * The error at `i`, quoting what follows it. Inside a string (`quote` false) nothing is quoted:
 * the string may be a secret whose middle no mask would recognise.
 */
function at(text: string, i: number, problem: string, quote = true): JsonSyntaxError {
  const excerpt = text.slice(i, i + QUOTED);
  if (!quote || excerpt === '' || sharesSecret(excerpt)) return { index: i, problem };
  return { index: i, problem, near: redact(JSON.stringify(excerpt)) };
}

/**
 * `not valid JSON: <problem> at character N near "..."` for text JSON.parse refused (the place is
 * left out when `withPlace` is false, for callers that give it as a column).
 */
export function jsonErrorMessage(text: string, withPlace = true): string {
  const e = findJsonSyntaxError(text);
  if (!e) return 'not valid JSON';
  return `not valid JSON: ${e.problem}${withPlace ? ` at character ${e.index + 1}` : ''}${e.near ? ` near ${e.near}` : ''}`;
}
