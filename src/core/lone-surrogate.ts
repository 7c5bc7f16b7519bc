/**
 * Lone surrogates in JSON: `"\ud800"` is valid JSON (any `\u` escape is) but not a character.
 * JSON.parse gives a string holding it, and written out as UTF-8 it becomes U+FFFD, so two labels
 * `"\ud800"` and `"\udbff"` would become one. Every JSON reader refuses a record holding one, at the
 * value's pointer, with one call to {@link refuseLoneSurrogate}.
 *
 * Cheap by design: raw UTF-8 cannot encode a surrogate, so one can only come from a `\u` escape;
 * the raw text is searched only when it holds `\u`, and the parsed value is walked only when the
 * text has a surrogate escape that is not one half of a pair (escaped emoji, `\ud83d\ude00`, are
 * pairs and cost one regex search).
 */
import { below, diag, pointerSegment, type DiagnosticSink, type Place } from './diagnostics.js';

/** A high surrogate escape not followed by a low one, or a low one not preceded by a high one. */
const LONE_ESCAPE = /\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}/;
/** The same in a decoded string. */
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface Found {
  /** Plain JSON pointer of the key or string value. */
  at: string;
  /** The surrogate, as `\uD800`. */
  unit: string;
}

/**
 * The first key or string in `value` (parsed from `text`) holding a lone surrogate, or undefined.
 * An escaped backslash before `u` (`"\\ud800"`, no surrogate at all) only costs the walk.
 */
export function findLoneSurrogate(text: string, value: unknown): Found | undefined {
  if (!text.includes('\\u') || !LONE_ESCAPE.test(text)) return undefined;
  return walk(value, '');
}

function walk(v: unknown, at: string): Found | undefined {
  if (typeof v === 'string') return lone(v, at);
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const f = walk(v[i], `${at}/${i}`);
      if (f) return f;
    }
    return undefined;
  }
  for (const k of Object.keys(v)) {
    const here = `${at}/${pointerSegment(k)}`;
    const f = lone(k, here) ?? walk((v as Record<string, unknown>)[k], here);
    if (f) return f;
  }
  return undefined;
}

function lone(s: string, at: string): Found | undefined {
  const m = LONE.exec(s);
  return m ? { at, unit: '\\u' + m[0].charCodeAt(0).toString(16).toUpperCase() } : undefined;
}

/**
 * Reports INPUT_LONE_SURROGATE when `value`, parsed from `text`, holds a lone surrogate, and says
 * whether it did: the caller rejects the record. `place.pointer` (fragment form) is the record's
 * own pointer, under which the value's is given.
 */
export function refuseLoneSurrogate(text: string, value: unknown, report: DiagnosticSink, place: Place): boolean {
  const f = findLoneSurrogate(text, value);
  if (!f) return false;
  const message = `the string holds ${f.unit} without the other half of its surrogate pair: not a character (written out it would become U+FFFD, and two such values one); the record is rejected`;
  report(diag('INPUT_LONE_SURROGATE', message, { ...place, pointer: below(place.pointer ?? '#', f.at) }));
  return true;
}
