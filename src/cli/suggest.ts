/** "Did you mean": the known name closest to a mistyped one, by edit distance. */

/** Levenshtein distance, with an early exit past `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]!);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest of `known` to `name` within a third of its length (at most 3 edits), or undefined. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  const max = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestD = max + 1;
  for (const k of known) {
    if (k.length <= 1) continue;
    const d = distance(name.toLowerCase(), k.toLowerCase(), max);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}
