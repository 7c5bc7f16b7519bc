/**
 * Values that must never be printed (S3 keys from a server config, FORMATS.md §1.4). Whatever
 * registers a secret gets it masked in every diagnostic the pipeline reports and in everything the
 * CLI writes to stderr, whichever message or field it turns up in (a URL that carries the key, a
 * file name, an error text).
 */
import { fragment, pointerSegment, type Diagnostic } from './diagnostics.js';

const secrets = new Set<string>();
let ordered: string[] = [];

/** Values shorter than this are not registered: masking them would garble ordinary text. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Register a value, with the forms messages may show it in: JSON string, JSON pointer segment
 * (`~0`, `~1`) and that segment in a pointer's URI fragment form (percent-encoded, as diagnostics
 * carry pointers), URL encoding.
 */
export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  const segment = pointerSegment(value);
  const forms = [value, JSON.stringify(value).slice(1, -1), segment, fragment(segment).slice(1), encodeURIComponent(value)];
  for (const f of forms) secrets.add(f);
  // longest first, so a secret that contains another is masked whole
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

export const MASK = '[redacted]';

/** Shortest start of a secret that is masked on its own (a message that cut the value short). */
const PARTIAL = 8;

export function redact(text: string): string {
  if (ordered.length === 0) return text;
  let out = text;
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join(MASK);
  // what remains of a secret a message cut short: its first PARTIAL or more characters
  for (const s of ordered) {
    if (s.length <= PARTIAL) continue;
    const head = s.slice(0, PARTIAL);
    for (let at = out.indexOf(head); at >= 0; at = out.indexOf(head, at + MASK.length)) {
      let end = at + PARTIAL;
      while (end < out.length && end - at < s.length && out[end] === s[end - at]) end++;
      out = out.slice(0, at) + MASK + out.slice(end);
    }
  }
  return out;
}

/** The diagnostic with every string field masked (the same object when there is nothing to mask). */
export function redactDiagnostic(d: Diagnostic): Diagnostic {
  if (ordered.length === 0) return d;
  let copy: Diagnostic | undefined;
  for (const [k, v] of Object.entries(d)) {
    if (typeof v !== 'string') continue;
    const r = redact(v);
    if (r !== v) (copy ??= { ...d })[k as 'message'] = r;
  }
  return copy ?? d;
}
