/**
 * preview draws where the model says, read back pixel by pixel with sharp's raw output.
 *
 * Expectations come from the model's definition (MODEL.md: continuous pixel coordinates, the box
 * [x, y, w, h] covers pixels x .. x+w-1 and y .. y+h-1), not from earlier output: on a 100x50 white
 * image, a box at x=10, y=5, w=20, h=10 colours exactly its edge pixels in the label's colour and
 * leaves the pixels just outside white; a polygon with a hole does so on its outer and inner edges
 * and leaves the hole white; a mask (its RLE written here from a bitmap) is outlined on its boundary
 * pixels and filled translucent; a rotated box's corners land where geometry.ts's rotatedCorners
 * puts them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { cli } from '../helpers/run.js';
import { labelColour, labelRgb } from '../../src/preview/colour.js';
import { rotatedCorners } from '../../src/model/geometry.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-preview-px-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Rgb = [number, number, number];
const WHITE: Rgb = [255, 255, 255];

interface Raw {
  data: Buffer;
  width: number;
  height: number;
  at(x: number, y: number): Rgb;
}

async function white(name: string, w: number, h: number): Promise<void> {
  await sharp({ create: { width: w, height: h, channels: 3, background: '#ffffff' } }).png().toFile(join(dir, name));
}

let runs = 0;
/** Previews one item (annoconv lines) on img.png with tags off; the picture read back raw. */
async function drawn(annotations: unknown[], extra: string[] = []): Promise<Raw> {
  const n = ++runs;
  const input = join(dir, `in${n}.annoconv`);
  writeFileSync(input, JSON.stringify({ id: 'one', kind: 'image', path: 'img.png', width: 100, height: 50, metadata: {}, annotations }) + '\n');
  const out = join(dir, `out${n}`);
  const r = await cli(['preview', input, '--media-root', dir, '-o', out, '--no-tags', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  const png = readdirSync(out).find((f) => f.startsWith('0001-'))!;
  const { data, info } = await sharp(join(out, png)).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return {
    data,
    width: info.width,
    height: info.height,
    at: (x, y) => [data[(y * info.width + x) * 3]!, data[(y * info.width + x) * 3 + 1]!, data[(y * info.width + x) * 3 + 2]!],
  };
}

const near = (a: Rgb, b: Rgb, tol = 2): boolean => a.every((v, i) => Math.abs(v - b[i]!) <= tol);
const dist = (a: Rgb, b: Rgb): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
/** White under the label colour at the given opacity. */
const over = (c: Rgb, alpha: number): Rgb => c.map((v) => Math.round(v * alpha + 255 * (1 - alpha))) as Rgb;

const CAR = labelRgb('car');

await white('img.png', 100, 50);

describe('label colours', () => {
  it('one stable colour per label name, far from white', () => {
    // pinned: a label keeps its colour across runs, machines and versions
    expect(labelColour('car')).toBe(labelColour('car'));
    expect([labelColour('car'), labelColour('dog'), labelColour('person')]).toEqual(['#17ec13', '#1080c6', '#13b2ec']);
    expect(labelColour('car')).not.toBe(labelColour('dog'));
    for (const l of ['car', 'dog', 'person', 'bus', 'a', '']) expect(dist(labelRgb(l), WHITE)).toBeGreaterThan(120);
  });
});

describe('preview pixels (100x50 white image, scale 1)', () => {
  it('a 1-pixel box at x=10, y=5, w=20, h=10: its edge pixels in the label colour, the pixels just outside white', async () => {
    const img = await drawn([{ kind: 'box', x: 10, y: 5, w: 20, h: 10, label: 'car' }]);
    expect([img.width, img.height]).toEqual([100, 50]);
    for (let x = 10; x <= 29; x++) {
      expect(img.at(x, 5), `top edge x=${x}`).toEqual(CAR);
      expect(img.at(x, 14), `bottom edge x=${x}`).toEqual(CAR);
      expect(img.at(x, 4), `above x=${x}`).toEqual(WHITE);
      expect(img.at(x, 15), `below x=${x}`).toEqual(WHITE);
    }
    for (let y = 5; y <= 14; y++) {
      expect(img.at(10, y), `left edge y=${y}`).toEqual(CAR);
      expect(img.at(29, y), `right edge y=${y}`).toEqual(CAR);
      expect(img.at(9, y), `left of it y=${y}`).toEqual(WHITE);
      expect(img.at(30, y), `right of it y=${y}`).toEqual(WHITE);
    }
    // a box is not filled: the pixels inside its edges stay white
    for (let y = 6; y <= 13; y++) for (let x = 11; x <= 28; x++) expect(img.at(x, y)).toEqual(WHITE);
    // and nothing else on the picture changed
    let coloured = 0;
    for (let y = 0; y < 50; y++) for (let x = 0; x < 100; x++) if (!near(img.at(x, y), WHITE, 0)) coloured++;
    expect(coloured).toBe(2 * 20 + 2 * 8);
  });

  it('a polygon with a hole: outer and inner edges in the colour, fill translucent (even-odd), hole and outside white', async () => {
    const img = await drawn([{ kind: 'polygon', label: 'car', rings: [[10, 5, 40, 5, 40, 45, 10, 45], [20, 15, 30, 15, 30, 35, 20, 35]] }]);
    for (let y = 5; y <= 44; y++) {
      expect(img.at(10, y), `outer left edge y=${y}`).toEqual(CAR);
      expect(img.at(39, y), `outer right edge y=${y}`).toEqual(CAR);
      expect(img.at(9, y)).toEqual(WHITE);
      expect(img.at(40, y)).toEqual(WHITE);
    }
    for (let x = 10; x <= 39; x++) {
      expect(img.at(x, 5)).toEqual(CAR);
      expect(img.at(x, 44)).toEqual(CAR);
      expect(img.at(x, 4)).toEqual(WHITE);
      expect(img.at(x, 45)).toEqual(WHITE);
    }
    // the hole [20, 30) x [15, 35): its outline is drawn on the polygon's side of its edge
    for (let y = 15; y <= 34; y++) {
      expect(img.at(19, y), `left of the hole y=${y}`).toEqual(CAR);
      expect(img.at(30, y), `right of the hole y=${y}`).toEqual(CAR);
      for (let x = 20; x <= 29; x++) expect(img.at(x, y), `in the hole ${x},${y}`).toEqual(WHITE);
    }
    // inside the polygon, off its edges: the colour at 25% over white
    expect(near(img.at(15, 25), over(CAR, 0.25))).toBe(true);
    expect(near(img.at(35, 40), over(CAR, 0.25))).toBe(true);
  });

  it('a mask (RLE of a bitmap, column-major): boundary pixels in the colour, inside translucent, outside white', async () => {
    // the bitmap: the same 20x10 rectangle as the box, plus one pixel alone at (50, 30)
    const h = 50;
    const w = 100;
    const bits = new Uint8Array(h * w);
    const set = (x: number, y: number): void => {
      bits[x * h + y] = 1; // column-major, as COCO
    };
    for (let x = 10; x <= 29; x++) for (let y = 5; y <= 14; y++) set(x, y);
    set(50, 30);
    const counts: number[] = [];
    let run = 0;
    let value = 0;
    for (const b of bits) {
      if (b !== value) {
        counts.push(run);
        run = 0;
        value = b;
      }
      run++;
    }
    counts.push(run);
    const img = await drawn([{ kind: 'mask', label: 'car', rle: { size: [h, w], counts } }]);
    for (let x = 10; x <= 29; x++) {
      expect(img.at(x, 5)).toEqual(CAR);
      expect(img.at(x, 14)).toEqual(CAR);
      expect(img.at(x, 4)).toEqual(WHITE);
      expect(img.at(x, 15)).toEqual(WHITE);
    }
    for (let y = 5; y <= 14; y++) {
      expect(img.at(10, y)).toEqual(CAR);
      expect(img.at(29, y)).toEqual(CAR);
      expect(img.at(9, y)).toEqual(WHITE);
      expect(img.at(30, y)).toEqual(WHITE);
    }
    for (let y = 6; y <= 13; y++) for (let x = 11; x <= 28; x++) expect(near(img.at(x, y), over(CAR, 90 / 255)), `fill ${x},${y}`).toBe(true);
    expect(img.at(50, 30)).toEqual(CAR);
    for (const [x, y] of [[49, 30], [51, 30], [50, 29], [50, 31]] as const) expect(img.at(x, y)).toEqual(WHITE);
  });

  it("a rotated box: its corners where geometry.ts's rotatedCorners puts them (30 degrees clockwise about the top-left corner)", async () => {
    const box = { x: 40, y: 8, w: 30, h: 20 };
    const img = await drawn([{ kind: 'box', ...box, rotation: 30, label: 'car' }]);
    const corners = rotatedCorners(box, 30);
    const cx = corners.reduce((s, c) => s + c[0], 0) / 4;
    const cy = corners.reduce((s, c) => s + c[1], 0) / 4;
    for (const [x, y] of corners) {
      const len = Math.hypot(cx - x, cy - y);
      const ux = (cx - x) / len;
      const uy = (cy - y) / len;
      // just inside the corner: the outline; just outside it: white
      const inside = img.at(Math.floor(x + ux * 1.2), Math.floor(y + uy * 1.2));
      const outside = img.at(Math.floor(x - ux * 1.5), Math.floor(y - uy * 1.5));
      expect(dist(inside, CAR), `inside corner ${x},${y}: ${inside}`).toBeLessThan(dist(inside, WHITE));
      expect(outside, `outside corner ${x},${y}`).toEqual(WHITE);
    }
    // the unrotated box's bottom-right corner (70, 28) is not on the rotated outline
    expect(img.at(69, 27)).toEqual(WHITE);
    expect(img.at(Math.floor(cx), Math.floor(cy))).toEqual(WHITE);
  });

  it('predictions (a score) are dashed: the top edge has gaps, ground truth has none', async () => {
    const img = await drawn([{ kind: 'box', x: 10, y: 5, w: 60, h: 10, label: 'car', score: 0.9 }]);
    const top = Array.from({ length: 60 }, (_, i) => near(img.at(10 + i, 5), WHITE, 0));
    expect(top.some((gap) => gap)).toBe(true);
    expect(top.filter((gap) => !gap).length).toBeGreaterThan(20);
  });

  it('keypoints with the skeleton of their category: points and the segment between labelled points', async () => {
    const input = join(dir, 'kp.annoconv');
    writeFileSync(
      input,
      [
        { annoconv: 'dataset', version: 1, categories: [{ id: 1, name: 'car', keypoints: ['a', 'b', 'c'], skeleton: [[1, 2], [2, 3]] }] },
        { id: 'kp', kind: 'image', path: 'img.png', width: 100, height: 50, metadata: {}, annotations: [{ kind: 'keypoints', label: 'car', categoryId: 1, points: [[20.5, 20.5, 2], [60.5, 20.5, 2], [80, 40, 0]] }] },
      ].map((l) => JSON.stringify(l)).join('\n') + '\n',
    );
    const out = join(dir, 'kp-out');
    const r = await cli(['preview', input, '--media-root', dir, '-o', out, '--no-tags']);
    expect(r.code, r.stderr).toBe(0);
    const { data, info } = await sharp(join(out, '0001-kp.png')).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number): Rgb => [data[(y * info.width + x) * 3]!, data[(y * info.width + x) * 3 + 1]!, data[(y * info.width + x) * 3 + 2]!];
    // on the skeleton line (1, 2) halfway between the points; the unlabelled third point and its segment absent
    expect(dist(at(40, 20), CAR)).toBeLessThan(dist(at(40, 20), WHITE));
    expect(at(20, 20)).toEqual(CAR);
    expect(at(70, 30)).toEqual(WHITE);
    expect(at(80, 40)).toEqual(WHITE);
  });
});
