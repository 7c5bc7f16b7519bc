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
  // and a secret cut at its start (an excerpt that begins inside it): its last PARTIAL or more
  for (const s of ordered) {
    if (s.length <= PARTIAL) continue;
    const tail = s.slice(-PARTIAL);
    for (let at = out.indexOf(tail); at >= 0; at = out.indexOf(tail, at + MASK.length)) {
      let start = at;
      const end = at + PARTIAL;
      while (start > 0 && end - start < s.length && out[start - 1] === s[s.length - (end - start) - 1]) start--;
      out = out.slice(0, start) + MASK + out.slice(end);
      at = start;
    }
  }
  return out;
}

/** Shortest run of a secret's characters that sharesSecret counts. */
const SHARED = 4;

/**
 * True when `text` holds SHARED or more characters in a row of a registered secret: a short excerpt
 * of the input may show any part of one (its middle, which `redact` cannot recognise), so such an
 * excerpt is not quoted at all.
 */
export function sharesSecret(text: string): boolean {
  if (ordered.length === 0 || text.length < SHARED) return false;
  for (let i = 0; i + SHARED <= text.length; i++) {
    const piece = text.slice(i, i + SHARED);
    for (const s of ordered) if (s.includes(piece)) return true;
  }
  return false;
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
