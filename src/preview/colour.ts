/**
 * One colour per label, the same in every run and on every machine: the hue comes from a hash of
 * the label's name (FNV-1a), at a saturation and lightness dark enough to stand out on white and
 * on photographs, so a label keeps its colour across pictures, pages and datasets.
 */

/** FNV-1a over the UTF-16 code units of `s`, as an unsigned 32-bit number. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An [r, g, b] (0-255) from hue (degrees), saturation and lightness (0-1). */
function hslToRgb(hue: number, s: number, l: number): [number, number, number] {
  const k = (n: number): number => (n + hue / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))));
  return [f(0), f(8), f(4)];
}

/** The label's colour as [r, g, b]; annotations without a label share one grey. */
export function labelRgb(label: string | undefined): [number, number, number] {
  if (label === undefined) return [96, 96, 96];
  const h = fnv1a(label);
  // 7-degree steps of the hue and two lightness levels keep nearby hashes apart
  return hslToRgb((h % 52) * 7, 0.85, (h >>> 8) % 2 ? 0.42 : 0.5);
}

/** The label's colour as #rrggbb. */
export function labelColour(label: string | undefined): string {
  return '#' + labelRgb(label).map((v) => v.toString(16).padStart(2, '0')).join('');
}
