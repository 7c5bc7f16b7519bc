/**
 * Masks for the tracing tests: random ones (seeded) and the corpus's, plus an independent count of
 * components and holes by flood fill, to hold the tracer's ring sets against.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rleDecode, rleEncode, rleFromString } from '../../src/model/geometry.js';
import type { Rle } from '../../src/model/types.js';
import { CORPUS } from './run.js';
import { PEERS } from '../peers/peers.js';

/** A small seeded generator (the same masks on every run). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/** A random column-major mask: noise of a random density, or blobs with holes, lines and diagonal touches. */
export function randomMask(rnd: () => number, maxSide = 14): Rle {
  const h = 1 + Math.floor(rnd() * maxSide), w = 1 + Math.floor(rnd() * maxSide);
  const bits = new Uint8Array(h * w);
  const kind = rnd();
  if (kind < 0.5) {
    const p = rnd();
    for (let i = 0; i < h * w; i++) bits[i] = rnd() < p ? 1 : 0;
  } else {
    // discs and rings (holes), one-pixel lines, single pixels (diagonal touches), image borders
    const n = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < n; k++) {
      const cx = rnd() * w, cy = rnd() * h, r = rnd() * Math.max(h, w) * 0.6, inner = rnd() < 0.5 ? r * rnd() : -1;
      const value = rnd() < 0.8 ? 1 : 0;
      for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        if (d <= r && d > inner) bits[x * h + y] = value;
      }
    }
    if (rnd() < 0.5) {
      const x = Math.floor(rnd() * w);
      for (let y = 0; y < h; y++) bits[x * h + y] = 1;
    }
    if (rnd() < 0.5) for (let i = 0; i < Math.min(h, w); i += 2) bits[i * h + i] = 1;
  }
  return rleEncode(bits, h, w);
}

/** Number of 4-connected components of set pixels and of 8-connected holes (unset regions not reaching the border). */
export function countTopology(rle: Rle): { components: number; holes: number; area: number } {
  const [h, w] = rle.size;
  const bits = rleDecode(rle);
  const seen = new Uint8Array(h * w);
  const flood = (start: number, value: number, eight: boolean): boolean => {
    let border = false;
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const x = Math.floor(p / h), y = p % h;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) border = true;
      for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
        if ((dx === 0 && dy === 0) || (!eight && dx !== 0 && dy !== 0)) continue;
        const nx = x + dx, ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const q = nx * h + ny;
        if (!seen[q] && bits[q] === value) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    return border;
  };
  let components = 0, holes = 0, area = 0;
  for (let p = 0; p < h * w; p++) {
    if (bits[p]) area++;
    if (seen[p]) continue;
    if (bits[p]) {
      flood(p, 1, false);
      components++;
    } else if (!flood(p, 0, true)) holes++;
  }
  return { components, holes, area };
}

export interface CorpusMask {
  file: string;
  rle: Rle;
}

function walk(dir: string, out: string[]): void {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (n.endsWith('.json')) out.push(p);
  }
}

/** Every RLE mask of the corpus's COCO files and of cocoapi's segmentation results (../peers). */
export function corpusMasks(): CorpusMask[] {
  const files: string[] = [];
  walk(join(CORPUS, 'coco'), files);
  const results = join(PEERS, 'cocoapi', 'results', 'instances_val2014_fakesegm100_results.json');
  try {
    statSync(results);
    files.push(results);
  } catch {
    // without the peer, the corpus's own masks only
  }
  const out: CorpusMask[] = [];
  for (const file of files) {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const anns = Array.isArray(doc) ? doc : ((doc as { annotations?: unknown[] }).annotations ?? []);
    for (const a of anns as { segmentation?: { size?: [number, number]; counts?: unknown } }[]) {
      const s = a.segmentation;
      if (!s || Array.isArray(s) || !s.size) continue;
      const counts = typeof s.counts === 'string' ? rleFromString(s.counts) : (s.counts as number[]);
      if (counts) out.push({ file, rle: { size: s.size, counts } });
    }
  }
  return out;
}

/**
 * cocoapi's segmentation results (734 compressed-RLE masks on 99 COCO val2014 images) made into a
 * COCO dataset: image sizes from the masks, one category per category id. Undefined without ../peers.
 */
export function fakesegmDataset(): { images: { id: number; file_name: string; width: number; height: number }[]; annotations: { id: number; image_id: number; category_id: number; segmentation: { size: [number, number]; counts: string }; iscrowd: 0 }[]; categories: { id: number; name: string }[] } | undefined {
  const file = join(PEERS, 'cocoapi', 'results', 'instances_val2014_fakesegm100_results.json');
  let results: { image_id: number; category_id: number; segmentation: { size: [number, number]; counts: string } }[];
  try {
    results = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const images = new Map<number, { id: number; file_name: string; width: number; height: number }>();
  const cats = new Set<number>();
  const annotations = results.map((r, i) => {
    const [h, w] = r.segmentation.size;
    if (!images.has(r.image_id)) images.set(r.image_id, { id: r.image_id, file_name: `${r.image_id}.jpg`, width: w, height: h });
    cats.add(r.category_id);
    return { id: i + 1, image_id: r.image_id, category_id: r.category_id, segmentation: r.segmentation, iscrowd: 0 as const };
  });
  return { images: [...images.values()], annotations, categories: [...cats].sort((a, b) => a - b).map((id) => ({ id, name: `class${id}` })) };
}
