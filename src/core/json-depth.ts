/**
 * Nesting depth limit for JSON records. Parsing is flat, but checking, copying and serialising a
 * record recurse: a record nested tens of thousands deep (a few hundred KB of brackets) would
 * overflow the stack. Records deeper than this are reported (INPUT_TOO_DEEP) and skipped.
 */
export const MAX_JSON_DEPTH = 1000;

/** Whether a JSON text nests deeper than the limit (strings skipped; short texts cannot). */
export function tooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  if (text.length <= 2 * max) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // skip the string
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}
