/**
 * The picture is the model's, whatever the format: the same data previewed from Label Studio and
 * from the COCO annoconv converts it to (and from the corpus YOLO sample of the Label Studio SDK,
 * its images included, converted to COCO and to Label Studio) gives the same pixels. And against
 * the YOLO definition itself (a small reader here: class cx cy w h as fractions of the image
 * size): each box's edge pixels are in its label's colour and the pixels beside it are the image's
 * own, untouched.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { CORPUS, cli } from '../helpers/run.js';
import { labelRgb } from '../../src/preview/colour.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-preview-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const YOLO = join(CORPUS, 'yolo/label-studio-sdk/data/test_import_yolo_data');

type Rgb = [number, number, number];

/** The PNGs of a preview folder (contact sheet aside), in order, as raw pixels. */
async function pictures(out: string): Promise<{ name: string; data: Buffer; width: number; height: number }[]> {
  const names = readdirSync(out).filter((f) => /^\d{4}-.*\.png$/.test(f)).sort();
  return Promise.all(names.map(async (name) => ({ name, ...(await sharp(join(out, name)).raw().toBuffer({ resolveWithObject: true }).then((r) => ({ data: r.data, width: r.info.width, height: r.info.height }))) })));
}

async function preview(input: string, from: string, root: string, out: string, extra: string[] = []): Promise<void> {
  const r = await cli(['preview', input, '--from', from, '--media-root', root, '-o', out, ...extra]);
  expect(r.code, r.stderr).toBe(0);
}

async function convert(input: string, from: string, to: string, out: string, extra: string[] = []): Promise<void> {
  const r = await cli(['convert', input, '--from', from, '--to', to, '-o', out, ...extra]);
  expect(r.code, r.stderr).toBe(0);
}

describe('preview: the same picture from every format holding the same data', () => {
  it('a Label Studio export and the COCO annoconv converts it to', async () => {
    await sharp({ create: { width: 200, height: 100, channels: 3, background: '#406080' } }).png().toFile(join(dir, 'scene.png'));
    const rect = (x: number, y: number, w: number, h: number, label: string) => ({ id: `r${label}`, type: 'rectanglelabels', from_name: 'label', to_name: 'image', original_width: 200, original_height: 100, value: { x, y, width: w, height: h, rotation: 0, rectanglelabels: [label] } });
    const poly = { id: 'p1', type: 'polygonlabels', from_name: 'poly', to_name: 'image', original_width: 200, original_height: 100, value: { points: [[50, 20], [90, 25], [70, 80]], polygonlabels: ['roof'] } };
    const ls = [{ id: 1, data: { image: '/data/local-files/?d=scene.png' }, annotations: [{ id: 10, result: [rect(5, 10, 20, 30, 'car'), rect(30.5, 40.25, 10, 10, 'dog'), poly] }] }];
    const lsFile = join(dir, 'export.json');
    writeFileSync(lsFile, JSON.stringify(ls));
    const coco = join(dir, 'from-ls.json');
    await convert(lsFile, 'labelstudio', 'coco', coco);
    // the COCO file names the same image, and holds the two boxes and the polygon
    const doc = JSON.parse(readFileSync(coco, 'utf8'));
    expect(doc.images.map((i: { file_name: string }) => i.file_name)).toEqual(['scene.png']);
    expect(doc.annotations.length).toBe(3);
    await preview(lsFile, 'labelstudio', dir, join(dir, 'ls-out'));
    await preview(coco, 'coco', dir, join(dir, 'coco-out'));
    const [a] = await pictures(join(dir, 'ls-out'));
    const [b] = await pictures(join(dir, 'coco-out'));
    expect([a!.width, a!.height]).toEqual([200, 100]);
    expect(b!.data.equals(a!.data)).toBe(true);
    // something was drawn: the car box's top-left edge pixel (10, 10) is the car's colour
    // (LS percent to pixels is 10.000000000000002 here: a trace of the background may blend in)
    const edge = [...a!.data.subarray((10 * 200 + 10) * 3, (10 * 200 + 10) * 3 + 3)];
    labelRgb('car').forEach((v, i) => expect(Math.abs(edge[i]! - v)).toBeLessThanOrEqual(2));
  });

  it('the corpus YOLO sample (Label Studio SDK, with its images), its COCO and its Label Studio conversions', async () => {
    const coco = join(dir, 'yolo.json');
    const ls = join(dir, 'yolo-ls.json');
    await convert(YOLO, 'yolo', 'coco', coco);
    await convert(YOLO, 'yolo', 'labelstudio', ls, ['--url-prefix', '/data/local-files/?d=']);
    // no downscaling: the pictures are in the images' own pixels
    const opts = ['--max-size', '2000', '--no-tags'];
    await preview(YOLO, 'yolo', YOLO, join(dir, 'y'), opts);
    await preview(coco, 'coco', YOLO, join(dir, 'c'), opts);
    await preview(ls, 'labelstudio', YOLO, join(dir, 'l'), opts);
    const [y, c, l] = await Promise.all(['y', 'c', 'l'].map((d) => pictures(join(dir, d))));
    expect(y!.length).toBe(7);
    for (let i = 0; i < 7; i++) {
      expect(c![i]!.data.equals(y![i]!.data), `COCO picture ${i + 1}`).toBe(true);
      expect(l![i]!.data.equals(y![i]!.data), `Label Studio picture ${i + 1}`).toBe(true);
    }
  });

  it('against the YOLO definition: box edges in the label colour, the pixels beside them the image untouched', async () => {
    const classes = readFileSync(join(YOLO, 'classes.txt'), 'utf8').split(/\r?\n/).filter((s) => s !== '');
    const out = join(dir, 'y');
    const drawnFiles = readdirSync(out).filter((f) => /^\d{4}-.*\.png$/.test(f)).sort();
    let checked = 0;
    for (const file of drawnFiles) {
      const stem = file.replace(/^\d{4}-images_/, '').replace(/\.png$/, '');
      const image = readdirSync(join(YOLO, 'images')).find((f) => f.replace(/\.[^.]+$/, '') === stem)!;
      const orig = await sharp(join(YOLO, 'images', image)).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      const drawn = await sharp(join(out, file)).raw().toBuffer({ resolveWithObject: true });
      const W = orig.info.width;
      const H = orig.info.height;
      expect([drawn.info.width, drawn.info.height]).toEqual([W, H]);
      const px = (buf: Buffer, ch: number, x: number, y: number): Rgb => [buf[(y * W + x) * ch]!, buf[(y * W + x) * ch + 1]!, buf[(y * W + x) * ch + 2]!];
      // every box, by the YOLO definition: x0 = (cx - w/2) * W, and so on
      const boxes = readFileSync(join(YOLO, 'labels', stem + '.txt'), 'utf8').split(/\r?\n/).filter((s) => s.trim() !== '').map((line) => {
        const [k, cx, cy, w, h] = line.trim().split(/\s+/).map(Number) as [number, number, number, number, number];
        return { label: classes[k]!, x0: (cx - w / 2) * W, x1: (cx + w / 2) * W, y0: (cy - h / 2) * H, y1: (cy + h / 2) * H };
      });
      const lw = Math.max(1, Math.round(Math.max(W, H) / 400));
      // a point near another box's outline is not this box's to judge
      const nearOther = (x: number, y: number, self: (typeof boxes)[number]): boolean =>
        boxes.some((o) => o !== self && ((Math.abs(x - o.x0) < lw + 2 || Math.abs(x - o.x1) < lw + 2) && y > o.y0 - 3 && y < o.y1 + 3 || (Math.abs(y - o.y0) < lw + 2 || Math.abs(y - o.y1) < lw + 2) && x > o.x0 - 3 && x < o.x1 + 3));
      for (const b of boxes) {
        const y = Math.floor((b.y0 + b.y1) / 2);
        const inner = Math.floor(b.x0) + 1; // inside the band [x0, x0 + lw] (lw >= 2 here)
        const outer = Math.floor(b.x0) - 2;
        if (lw < 2 || outer < 0 || nearOther(inner, y, b) || nearOther(outer, y, b)) continue;
        expect(px(drawn.data, 3, inner, y), `${stem} ${b.label} left edge`).toEqual(labelRgb(b.label));
        expect(px(drawn.data, 3, outer, y), `${stem} ${b.label} beside it`).toEqual(px(orig.data, orig.info.channels, outer, y));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});
