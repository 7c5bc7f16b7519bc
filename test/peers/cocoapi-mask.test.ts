/**
 * Rasterization as cocoapi computes it: cocoapi's own common/maskApi.c is compiled here with a
 * small driver (cocoapi_rle.c, ours) and asked for the RLE of every polygon of the corpus COCO files
 * (pycocotools frPyObjects + merge: rings of one object unioned), of every box (rleFrBbox), and of
 * a few thousand random rings (concave, self-crossing, outside the image, fractional, negative).
 * src/model/rasterize.ts must give the same counts, run for run.
 */
import { describe, expect, it, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS, walk } from '../helpers/run.js';
import { PEERS, skipping } from './peers.js';
import { rasterizeAnnotation, rasterizeRings } from '../../src/model/rasterize.js';


const COMMON = join(PEERS, 'cocoapi', 'common');
const cc = ['cc', 'gcc'].find((c) => spawnSync(c, ['--version']).status === 0);
const have = existsSync(join(COMMON, 'maskApi.c')) && cc !== undefined;
if (!existsSync(join(COMMON, 'maskApi.c'))) skipping('cocoapi maskApi.c', 'no ../peers/cocoapi: see test/peers/README.md');
else if (!cc) skipping('cocoapi maskApi.c', 'no C compiler (cc/gcc)');

const dir = mkdtempSync(join(tmpdir(), 'annoconv-peer-maskapi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let binary: string | undefined;
function maskApi(requests: string[]): number[][] {
  if (!binary) {
    binary = join(dir, 'rle');
    execFileSync(cc!, ['-O1', '-o', binary, '-I', COMMON, join(import.meta.dirname, 'cocoapi_rle.c'), join(COMMON, 'maskApi.c'), '-lm']);
  }
  const out = execFileSync(binary, { input: requests.join('\n') + '\n', maxBuffer: 1 << 28 }).toString();
  return out.trim().split('\n').map((line) => line.split(' ').slice(1).map(Number));
}

const fmt = (v: number): string => String(v);
const polyRequest = (rings: number[][], h: number, w: number): string =>
  `P ${h} ${w} ${rings.length} ` + rings.map((r) => `${r.length >> 1} ${r.slice(0, (r.length >> 1) * 2).map(fmt).join(' ')}`).join(' ');

interface Case { what: string; h: number; w: number; rings?: number[][]; box?: number[] }

/** Every polygon and box of the corpus COCO files, with its image's size. */
function corpusCases(): Case[] {
  const cases: Case[] = [];
  for (const file of walk(join(CORPUS, 'coco')).filter((f) => f.endsWith('.json'))) {
    let doc: any;
    try { doc = JSON.parse(readFileSync(file, 'utf8')); } catch { continue; }
    if (!Array.isArray(doc?.images) || !Array.isArray(doc?.annotations)) continue;
    const size = new Map<unknown, [number, number]>(doc.images.map((im: any) => [im.id, [im.height, im.width]]));
    for (const a of doc.annotations) {
      const s = size.get(a.image_id);
      if (!s || !(s[0] > 0) || !(s[1] > 0)) continue;
      const [h, w] = s;
      const where = `${file.slice(CORPUS.length)} annotation ${a.id}`;
      if (Array.isArray(a.segmentation) && a.segmentation.length && a.segmentation.every((r: unknown) => Array.isArray(r) && r.length >= 6))
        cases.push({ what: where, h, w, rings: a.segmentation });
      if (Array.isArray(a.bbox) && a.bbox.length === 4) cases.push({ what: `${where} bbox`, h, w, box: a.bbox });
    }
  }
  return cases;
}

/** Deterministic random rings: a few vertices anywhere near the image, some far outside. */
function randomCases(n: number): Case[] {
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const h = 1 + Math.floor(rand() * 40), w = 1 + Math.floor(rand() * 40);
    const parts = rand() < 0.2 ? 2 + Math.floor(rand() * 2) : 1;
    const rings: number[][] = [];
    for (let p = 0; p < parts; p++) {
      const k = 3 + Math.floor(rand() * 8);
      const ring: number[] = [];
      const grid = rand() < 0.3; // integer and half-pixel vertices hit the rounding edges
      for (let j = 0; j < k; j++) {
        let x = rand() * (w + 10) - 5, y = rand() * (h + 10) - 5;
        if (grid) { x = Math.round(x * 2) / 2; y = Math.round(y * 2) / 2; }
        ring.push(x, y);
      }
      rings.push(ring);
    }
    cases.push({ what: `random ${i}`, h, w, rings });
    cases.push({ what: `random box ${i}`, h, w, box: [rand() * w - 2, rand() * h - 2, rand() * w, rand() * h] });
  }
  return cases;
}

describe.skipIf(!have)('rasterization equals cocoapi maskApi.c', () => {
  const check = (cases: Case[]): number => {
    const want = maskApi(cases.map((c) => (c.box ? `B ${c.h} ${c.w} ${c.box.map(fmt).join(' ')}` : polyRequest(c.rings!, c.h, c.w))));
    let compared = 0;
    cases.forEach((c, i) => {
      const got = c.box
        ? rasterizeAnnotation({ kind: 'box', x: c.box[0]!, y: c.box[1]!, w: c.box[2]!, h: c.box[3]! }, c.h, c.w)
        : rasterizeRings(c.rings!, c.h, c.w);
      expect({ what: c.what, counts: got?.counts }).toEqual({ what: c.what, counts: want[i] });
      compared++;
    });
    return compared;
  };

  it('on every polygon and box of the corpus COCO files', () => {
    const cases = corpusCases();
    expect(cases.filter((c) => c.rings).length).toBeGreaterThanOrEqual(8); // the corpus's polygons today
    expect(check(cases)).toBe(cases.length);
  });

  it('on 3,000 random rings and boxes, inside and outside the image', () => {
    expect(check(randomCases(3000))).toBe(6000);
  });

  it('on a large polygon of a 10,000 x 10,000 image', () => {
    const ring: number[] = [];
    for (let i = 0; i < 400; i++) {
      const t = (i / 400) * 2 * Math.PI, r = 4000 + 900 * Math.sin(7 * t);
      ring.push(5000 + r * Math.cos(t), 5000 + r * Math.sin(t));
    }
    expect(check([{ what: 'flower', h: 10000, w: 10000, rings: [ring] }])).toBe(1);
  });
});
