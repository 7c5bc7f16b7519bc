/** Small helpers for detection by content. */
import type { Sample } from './format.js';

/** The first non-empty line of a sample, without a BOM, and whether it is complete. */
export function firstLine(sample: Sample): { text: string; complete: boolean } {
  let s = sample.text;
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  let start = 0;
  for (;;) {
    const nl = s.indexOf('\n', start);
    const line = (nl < 0 ? s.slice(start) : s.slice(start, nl)).replace(/\r$/, '');
    if (line.trim() !== '' || nl < 0) return { text: line, complete: nl >= 0 || sample.complete };
    start = nl + 1;
  }
}

/** The first line parsed as a JSON object, or undefined. */
export function firstLineObject(sample: Sample): Record<string, unknown> | undefined {
  const { text, complete } = firstLine(sample);
  if (!complete) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** True when the file name ends with one of the extensions (with the dot, case-insensitive). */
export function hasExtension(name: string, exts: readonly string[]): boolean {
  const n = name.toLowerCase();
  return exts.some((e) => n.endsWith(e));
}
