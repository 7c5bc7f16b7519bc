/**
 * The diagnostics of the PNG mask formats (masks, VOC segmentation, COCO panoptic): each code met
 * on the input that causes it, with its place; detection of mask folders and panoptic files.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, jsonDiagnostics, jsonSummary } from './helpers/run.js';
import { encodeGreyPng, encodeRgbPng } from '../src/media/png.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-pngcodes-'));
const LABELS = '# label:color_rgb:parts:actions\nbackground:0,0,0::\ncat:128,0,0::\n';

function run(args: string[], stdin?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--diagnostics', 'json'], { encoding: 'utf8', input: stdin ?? '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const codes = (stderr: string): string[] => jsonDiagnostics(stderr).map((d) => d.code);

/** A masks folder: labelmap.txt (or none) and the PNGs given. */
function maskFolder(name: string, pngs: Record<string, Uint8Array | string>, labels: string | null = LABELS): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'masks'), { recursive: true });
  if (labels !== null) writeFileSync(join(root, 'labelmap.txt'), labels);
  for (const [n, bytes] of Object.entries(pngs)) writeFileSync(join(root, 'masks', n), bytes);
  return root;
}

const grey = (values: number[]): Uint8Array => encodeGreyPng(values.length, 1, Uint8Array.from(values));

describe('masks: reading', () => {
  it('a folder with labelmap.txt and masks/*.png is detected as masks', () => {
    const root = maskFolder('detect', { 'a.png': grey([0, 1, 1]) });
    const r = run(['convert', root, '--to', 'annoconv']);
    expect(r.code).toBe(0);
    expect(jsonSummary(r.stderr)).toMatchObject({ from: 'masks' });
  });

  it('MASK_LABELS_MISSING: no labelmap.txt or classes.txt', () => {
    const root = maskFolder('nolabels', { 'a.png': grey([0, 1]) }, null);
    const r = run(['convert', root, '--from', 'masks', '--to', 'annoconv']);
    expect(r.code).toBe(1);
    expect(codes(r.stderr)).toEqual(['MASK_LABELS_MISSING']);
  });

  it('MASK_LABELMAP_INVALID: a line that is not name:r,g,b:parts:actions, with its line number', () => {
    const root = maskFolder('badmap', { 'a.png': grey([0, 1]) }, '# label:color_rgb:parts:actions\nbackground:0,0,0::\ncat:128,0\n');
    const r = run(['convert', root, '--from', 'masks', '--to', 'annoconv']);
    expect(r.code).toBe(1);
    expect(jsonDiagnostics(r.stderr).map((d) => [d.code, d.line])).toEqual([['MASK_LABELMAP_INVALID', 3]]);
  });

  it('MASK_PNG_INVALID: a .png that is not a PNG is refused by name; the others are read', () => {
    const root = maskFolder('badpng', { 'a.png': 'not a png', 'b.png': grey([1, 1]) });
    const r = run(['convert', root, '--to', 'annoconv']);
    expect(r.code).toBe(1);
    const d = jsonDiagnostics(r.stderr);
    expect(d.map((x) => x.code)).toEqual(['MASK_PNG_INVALID']);
    expect(d[0]!.file).toMatch(/masks\/a\.png$/);
    expect(r.stdout).toContain('"label":"cat"');
  });

  it('MASK_VALUE_UNKNOWN: a class index beyond the label map is named by its index', () => {
    const root = maskFolder('value', { 'a.png': grey([0, 1, 9]) });
    const r = run(['convert', root, '--to', 'annoconv']);
    expect(codes(r.stderr)).toEqual(['MASK_VALUE_UNKNOWN']);
    expect(r.stdout).toContain('"label":"9","categoryId":9');
  });

  it('MASK_COLOR_UNKNOWN: an RGB pixel of a colour the label map lacks is read as ignore', () => {
    const root = maskFolder('colour', { 'a.png': encodeRgbPng(3, 1, Uint8Array.from([128, 0, 0, 1, 2, 3, 0, 0, 0])) });
    const r = run(['convert', root, '--to', 'annoconv']);
    expect(codes(r.stderr)).toEqual(['MASK_COLOR_UNKNOWN']);
    // only pixel 0 is cat: the 3 x 1 mask's runs
    expect(r.stdout).toContain('"rle":{"size":[1,3],"counts":[0,1,2]},"label":"cat"');
  });

  it('--background and --ignore: values that are no class; a bad value is a usage error before anything is read', () => {
    const root = maskFolder('values', { 'a.png': grey([0, 1, 2]) }, '# label:color_rgb:parts:actions\nbackground:0,0,0::\ncat:128,0,0::\ndog:0,128,0::\n');
    const r = run(['convert', root, '--to', 'annoconv', '--background', '1', '--ignore', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"label":"background","categoryId":0');
    expect(r.stdout).not.toContain('"label":"cat"');
    const bad = run(['convert', root, '--to', 'annoconv', '--background', 'x']);
    expect(bad.code).toBe(2);
    expect(codes(bad.stderr)).toEqual(['OPTION_INVALID']);
    // a 16-bit value is read, but the PNGs written are 8-bit palette PNGs
    expect(run(['convert', root, '--to', 'annoconv', '--background', '300']).code).toBe(0);
    const wide = run(['convert', root, '--to', 'masks', '-o', join(dir, 'wide'), '--background', '300']);
    expect(wide.code).toBe(2);
    expect(codes(wide.stderr)).toEqual(['OPTION_INVALID']);
  });
});

describe('masks: writing', () => {
  const item = (id: string, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ id, kind: 'image', path: id, metadata: {}, annotations: [], width: 2, height: 1, ...extra });

  it('MASK_NO_SIZE: an item with no size and no mask is refused', () => {
    const r = run(['convert', '-', '--from', 'annoconv', '--to', 'masks', '-o', join(dir, 'nosize')], JSON.stringify({ id: 'a.jpg', kind: 'image', path: 'a.jpg', metadata: {}, annotations: [] }) + '\n');
    expect(r.code).toBe(1);
    expect(codes(r.stderr)).toEqual(['MASK_NO_SIZE']);
  });

  it('MASK_NAME_TAKEN: two images with one stem', () => {
    const r = run(['convert', '-', '--from', 'annoconv', '--to', 'masks', '-o', join(dir, 'taken')], item('a.jpg') + '\n' + item('a.png') + '\n');
    expect(r.code).toBe(1);
    expect(codes(r.stderr)).toEqual(['MASK_NAME_TAKEN']);
  });

  it('MASK_TOO_MANY: a 256th class (beside background and ignore) cannot be numbered', () => {
    const annotations = Array.from({ length: 256 }, (_, i) => ({ kind: 'mask', rle: { size: [1, 2], counts: [0, 2] }, label: `c${i}` }));
    const r = run(['convert', '-', '--from', 'annoconv', '--to', 'masks', '-o', join(dir, 'many')], item('a.jpg', { annotations }) + '\n');
    expect(r.code).toBe(1);
    expect(codes(r.stderr)).toEqual(['MASK_TOO_MANY']);
  });

  it('keypoints and boxes are not painted: counted as loss', () => {
    const annotations = [{ kind: 'box', x: 0, y: 0, w: 1, h: 1, label: 'cat' }, { kind: 'keypoints', points: [[0, 0, 2]], label: 'cat' }];
    const r = run(['convert', '-', '--from', 'annoconv', '--to', 'masks', '-o', join(dir, 'loss')], item('a.jpg', { annotations }) + '\n');
    expect(r.code).toBe(0);
    expect((jsonSummary(r.stderr)!.losses as { what: string; count: number }[]).map((l) => [l.what, l.count])).toEqual([['box annotation', 1], ['keypoints annotation', 1]]);
  });
});

describe('COCO panoptic: reading', () => {
  function panoptic(name: string, segments: { id: number; category_id: number }[], png?: Uint8Array): string {
    const root = join(dir, name);
    mkdirSync(join(root, 'panoptic_x'), { recursive: true });
    const doc = { images: [{ id: 1, file_name: 'a.jpg', width: 3, height: 1 }], annotations: [{ image_id: 1, file_name: 'a.png', segments_info: segments.map((s) => ({ ...s, iscrowd: 0, area: 1, bbox: [0, 0, 1, 1] })) }], categories: [{ id: 1, name: 'cat', isthing: 1 }] };
    writeFileSync(join(root, 'panoptic_x.json'), JSON.stringify(doc));
    if (png) writeFileSync(join(root, 'panoptic_x', 'a.png'), png);
    return join(root, 'panoptic_x.json');
  }
  // ids 5, 0, 6 as R + 256 G + 256^2 B
  const png = encodeRgbPng(3, 1, Uint8Array.from([5, 0, 0, 0, 0, 0, 6, 0, 0]));

  it('MASK_PNG_MISSING: the segment map is not in the folder named like the JSON', () => {
    const r = run(['convert', panoptic('nopng', [{ id: 5, category_id: 1 }]), '--to', 'annoconv']);
    expect(r.code).toBe(1);
    expect(codes(r.stderr)).toEqual(['MASK_PNG_MISSING']);
  });

  it('PANOPTIC_SEGMENT_UNLISTED and PANOPTIC_SEGMENT_EMPTY: ids of the PNG not listed, listed ids with no pixel', () => {
    const r = run(['convert', panoptic('unlisted', [{ id: 5, category_id: 1 }, { id: 7, category_id: 1 }], png), '--to', 'annoconv']);
    expect(r.code).toBe(0);
    expect(jsonDiagnostics(r.stderr).map((d) => [d.code, d.pointer])).toEqual([
      ['PANOPTIC_SEGMENT_EMPTY', '#/annotations/0/segments_info/1'],
      ['PANOPTIC_SEGMENT_UNLISTED', '#/annotations/0/segments_info'],
    ]);
    expect(r.stdout).toContain('"rle":{"size":[1,3],"counts":[0,1,2]},"id":"5"');
  });

  it('--panoptic-masks names the PNG folder', () => {
    const json = panoptic('option', [{ id: 5, category_id: 1 }]);
    const other = join(dir, 'option-pngs');
    mkdirSync(other);
    writeFileSync(join(other, 'a.png'), png);
    const r = run(['convert', json, '--to', 'annoconv', '--panoptic-masks', other]);
    expect(codes(r.stderr)).toEqual(['PANOPTIC_SEGMENT_UNLISTED']);
    expect(r.code).toBe(0);
  });
});
