/**
 * Semantic mask folders (`masks`): one PNG an image whose pixel values are class indices, and a
 * label map naming them: `labelmap.txt` (datumaro's `name:r,g,b:parts:actions` lines) or
 * `classes.txt` (one name a line), index = position from 0.
 *
 * Quirks worth knowing:
 * - The PNGs are below `masks/` when the folder has one (datumaro's common semantic segmentation
 *   layout, images in `images/`), else anywhere below the folder.
 * - Palette PNGs are read by index (not colour), grey PNGs (8 or 16 bits) by value, RGB PNGs by
 *   the label map's colours (datumaro paints them so; a colour it lacks is read as ignore).
 * - `--background` (default 0) and `--ignore` (default 255) are no annotation. Every other value
 *   present gives one mask annotation: label = the label map's name (MASK_VALUE_UNKNOWN, named by
 *   the index, when it has none), categoryId = the index.
 * - The image of `masks/a/b.png` is `images/a/b.<any extension>` when there is one (its path is
 *   then `a/b.jpg`), else the item's path is the mask's own relative path.
 * - One PNG is decoded at a time: memory is O(largest image), never O(dataset).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { diag } from '../../core/diagnostics.js';
import { filesBelow } from '../../core/walk.js';
import { readMaskPng } from '../../media/png.js';
import { indexMapToRles } from '../../model/index-map.js';
import type { Category, Item } from '../../model/types.js';
import { colourIndex, readLabelFiles, type LabelEntry } from './labelmap.js';
import { pngIndices } from './decode.js';

/** The background and ignore values of a run (format options). */
export function maskValues(format: Record<string, unknown>): { background: number; ignore: number } {
  const num = (v: unknown, d: number): number => (v === undefined || v === '' ? d : Number(v));
  return { background: num(format.background, 0), ignore: num(format.ignore, 255) };
}

export async function* readMasks(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const root = input.path!;
  if (!input.directory) {
    ctx.report(diag('MASK_LABELS_MISSING', 'masks are read from a folder (PNGs and labelmap.txt or classes.txt), not a single file', { file: ctx.file }));
    yield [{ type: 'reject', place: { file: ctx.file } }];
    return;
  }
  const found = await readLabelFiles(root);
  if (!found) {
    ctx.report(diag('MASK_LABELS_MISSING', `no labelmap.txt or classes.txt in ${root}: class indices cannot be named`, { file: root }));
    yield [{ type: 'reject', place: { file: root } }];
    return;
  }
  for (const p of found.problems) ctx.report(diag('MASK_LABELMAP_INVALID', p.message, { file: found.file, line: p.line }));
  if (found.problems.length) {
    yield [{ type: 'reject', place: { file: found.file } }];
    return;
  }
  const { background, ignore } = maskValues(ctx.options.format);
  const labels = found.entries;
  yield [{ type: 'dataset', dataset: { categories: categoriesOf(labels, background, ignore) } }];
  const base = (await isDir(join(root, 'masks'))) ? join(root, 'masks') : root;
  const images = await imageNames(join(root, 'images'));
  const { files, skipped } = await filesBelow(base, (f) => f.toLowerCase().endsWith('.png') && !(base === root && f.startsWith('images/')));
  if (skipped) ctx.report(diag('INPUT_LINKS_SKIPPED', `${skipped} symbolic link(s) or special file(s) below ${base} skipped`, { file: base }));
  if (!files.length) ctx.report(diag('INPUT_EMPTY', `no .png masks in ${base}`, { file: root }));
  const colours = colourIndex(labels);
  for (const rel of files) {
    const path = join(base, rel);
    const png = await readMaskPng(path, ctx.report);
    if (!png) {
      yield [{ type: 'reject', place: { file: path } }];
      continue;
    }
    const { map, unknownColours } = pngIndices(png, colours, ignore);
    if (unknownColours) ctx.report(diag('MASK_COLOR_UNKNOWN', `${unknownColours} pixel(s) have colours the label map does not name: read as ignore (${ignore})`, { file: path }, 'warning'));
    const stem = rel.slice(0, -4);
    const name = images.get(stem) ?? rel;
    const item: Item = { id: name, kind: 'image', path: name, width: png.width, height: png.height, metadata: {}, annotations: [] };
    const rles = indexMapToRles(map, (v) => v === background || v === ignore);
    for (const v of [...rles.keys()].sort((a, b) => a - b)) {
      const e = labels[v];
      if (!e) ctx.report(diag('MASK_VALUE_UNKNOWN', `class index ${v} is beyond the ${labels.length} labels of ${found.file}: named "${v}"`, { file: path }, 'warning'));
      item.annotations.push({ kind: 'mask', rle: rles.get(v)!, label: e?.name ?? String(v), categoryId: v });
    }
    yield [{ type: 'item', item, place: { file: path } }];
  }
}

/** The label map as categories: id = index, background and ignore left out. */
function categoriesOf(labels: readonly LabelEntry[], background: number, ignore: number): Category[] {
  return labels.flatMap((e, i) => (i === background || i === ignore ? [] : [{ id: i, name: e.name }]));
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Relative stem -> relative image path, for the files below `dir` (none when it is not there). */
async function imageNames(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!(await isDir(dir))) return out;
  const { files } = await filesBelow(dir, () => true);
  for (const f of files) {
    const dot = f.lastIndexOf('.');
    if (dot > f.lastIndexOf('/')) out.set(f.slice(0, dot), f);
  }
  return out;
}

/** Whether `dir` looks like a masks folder: a label map and PNGs (in masks/ or beside it), no VOC or YOLO tree. */
export async function looksLikeMasks(dir: string): Promise<boolean> {
  try {
    const names = await readdir(dir);
    if (!names.includes('labelmap.txt') && !names.includes('classes.txt')) return false;
    if (names.includes('labels') || names.includes('Annotations') || names.includes('SegmentationClass')) return false;
    const pngs = (list: string[]): boolean => list.some((n) => n.toLowerCase().endsWith('.png'));
    return pngs(names) || (names.includes('masks') && pngs(await readdir(join(dir, 'masks'))));
  } catch {
    return false;
  }
}
