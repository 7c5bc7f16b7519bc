/**
 * Wrong types in every field: each value of a JSON fixture (every path, objects and arrays too)
 * replaced in turn by values of other types. Line formats are retyped line by line.
 */
import type { Seed } from './fuzz.js';

export const WRONG: unknown[] = [null, true, 0, -1, 1.5, 1e308, '', 'x', [], [1, 'a'], {}, { a: 1 }];

const LINE_FORMATS = new Set(['jsonl', 'annoconv', 'ls-bulk']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (at.length) out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k]!, [...at, k], out);
  return out;
}

function replaced(v: Json, path: (string | number)[], value: unknown): Json {
  const copy = structuredClone(v);
  let o = copy as Record<string | number, Json>;
  for (let i = 0; i < path.length - 1; i++) o = o[path[i]!] as Record<string | number, Json>;
  o[path[path.length - 1]!] = value as Json;
  return copy;
}

/** The retyped variants of a seed: `limit` of them, spread evenly over all (path, value) pairs. */
export function retyped(seed: Seed, limit: number): { label: string; bytes: Buffer }[] {
  const text = seed.bytes.toString('utf8');
  const docs: { prefix: string; doc: Json; suffix: string }[] = [];
  if (LINE_FORMATS.has(seed.format)) {
    const lines = text.split('\n');
    lines.forEach((l, i) => {
      try {
        docs.push({ prefix: lines.slice(0, i).join('\n') + (i ? '\n' : ''), doc: JSON.parse(l) as Json, suffix: '\n' + lines.slice(i + 1).join('\n') });
      } catch {
        // not a JSON line: left as it is
      }
    });
  } else {
    try {
      docs.push({ prefix: '', doc: JSON.parse(text) as Json, suffix: '' });
    } catch {
      return [];
    }
  }
  const all: { label: string; make: () => string }[] = [];
  for (const d of docs) {
    for (const p of paths(d.doc)) {
      for (const w of WRONG) all.push({ label: `${seed.name} ${p.join('/')} = ${JSON.stringify(w)}`, make: () => d.prefix + JSON.stringify(replaced(d.doc, p, w)) + d.suffix });
    }
  }
  const step = Math.max(1, all.length / limit);
  const out: { label: string; bytes: Buffer }[] = [];
  for (let i = 0; i < all.length && out.length < limit; i += step) {
    const v = all[Math.floor(i)]!;
    out.push({ label: v.label, bytes: Buffer.from(v.make()) });
  }
  return out;
}
