/**
 * VOC segmentation, read: `SegmentationClass/<stem>.png` (class index a pixel) and
 * `SegmentationObject/<stem>.png` (instance index a pixel) beside `Annotations/`.
 *
 * Quirks worth knowing:
 * - The devkit's PNGs are palette PNGs (index = class or instance, colours the VOC colour map);
 *   datumaro writes RGB PNGs painted with those colours. Both are read: palette indices as they
 *   are, RGB colours through the label map's colours (labelmap.txt beside the tree, else VOC's 21
 *   classes), and instance colours through the VOC colour map.
 * - 0 is background, 255 void (the boundary band): neither is an annotation; the void pixels are
 *   kept in the item's `extras.voc.void` (an RLE) so that the VOC writer paints them back.
 * - Instance k is object k of the XML (1-based: object i, counted from 0, is instance i + 1, the
 *   devkit's rule). Its class is the class most of its pixels have in SegmentationClass (the XML
 *   name when there is no class PNG). The mask keeps the object's id in `extras.voc.object` and
 *   the object's box gets that id, so a VOC writer writes the pair as one object again.
 * - Without SegmentationObject, each class present is one mask (as datumaro reads it).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadContext } from '../../core/format.js';
import { diag } from '../../core/diagnostics.js';
import { readMaskPng } from '../../media/png.js';
import { indexMapToRles, vocColormap, type IndexMap } from '../../model/index-map.js';
import type { Annotation, Item } from '../../model/types.js';
import { colourIndex, readLabelFiles, vocLabelMap, type LabelEntry } from '../masks/labelmap.js';
import { pngIndices } from '../masks/decode.js';

const VOID = 255;

/** What a VOC tree's segmentation needs: its folders and its label map. */
export interface VocSegmentation {
  classDir?: string;
  objectDir?: string;
  labels: LabelEntry[];
  classColours: Map<number, number>;
  instanceColours: Map<number, number>;
  /** Stems with a PNG in either folder. */
  stems: Set<string>;
}

/** The segmentation of the VOC tree at `root`, or undefined when it has none. */
export async function vocSegmentation(root: string, ctx: ReadContext): Promise<VocSegmentation | undefined> {
  const classDir = (await isDir(join(root, 'SegmentationClass'))) ? join(root, 'SegmentationClass') : undefined;
  const objectDir = (await isDir(join(root, 'SegmentationObject'))) ? join(root, 'SegmentationObject') : undefined;
  if (!classDir && !objectDir) return undefined;
  const found = await readLabelFiles(root);
  for (const p of found?.problems ?? []) ctx.report(diag('MASK_LABELMAP_INVALID', p.message, { file: found!.file, line: p.line }));
  const labels = found?.entries.length ? found.entries : vocLabelMap();
  const classColours = colourIndex(labels);
  // the void band: `ignored`'s colour, and the colour map's 255 in any case
  labels.forEach((e, i) => {
    if (e.name === 'ignored') for (const [k, v] of classColours) if (v === i) classColours.set(k, VOID);
  });
  const cm = vocColormap();
  classColours.set(cm[VOID]![0] * 65536 + cm[VOID]![1] * 256 + cm[VOID]![2], VOID);
  const instanceColours = new Map(cm.map((c, i) => [c[0] * 65536 + c[1] * 256 + c[2], i]));
  const stems = new Set<string>();
  for (const d of [classDir, objectDir]) for (const n of d ? await readdir(d) : []) if (n.toLowerCase().endsWith('.png')) stems.add(n.slice(0, -4));
  return { ...(classDir ? { classDir } : {}), ...(objectDir ? { objectDir } : {}), labels, classColours, instanceColours, stems };
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Reads one image's index PNG from `dir`, when there is one: its indices, or undefined. */
async function indicesOf(dir: string | undefined, stem: string, colours: Map<number, number>, ctx: ReadContext): Promise<IndexMap | undefined> {
  if (!dir) return undefined;
  const path = join(dir, stem + '.png');
  try {
    await stat(path);
  } catch {
    return undefined;
  }
  const png = await readMaskPng(path, ctx.report);
  if (!png) return undefined;
  const r = pngIndices(png, colours, VOID);
  if (r.unknownColours) ctx.report(diag('MASK_COLOR_UNKNOWN', `${r.unknownColours} pixel(s) of ${path} have colours the label map does not name: read as void (255)`, { file: path }, 'warning'));
  return r.map;
}

/** Adds the masks of image `stem` to `item` (and its size when it had none). */
export async function addSegmentation(item: Item, stem: string, seg: VocSegmentation, ctx: ReadContext): Promise<void> {
  if (!seg.stems.has(stem)) return;
  const cls = await indicesOf(seg.classDir, stem, seg.classColours, ctx);
  const obj = await indicesOf(seg.objectDir, stem, seg.instanceColours, ctx);
  const any = obj ?? cls;
  if (!any) return;
  if (cls && obj && (cls.width !== obj.width || cls.height !== obj.height)) {
    ctx.report(diag('MASK_SIZE_MISMATCH', `SegmentationClass and SegmentationObject of ${stem} differ in size: instances read without classes`, { file: join(seg.objectDir!, stem + '.png') }, 'warning'));
  }
  if (item.width === undefined) {
    item.width = any.width;
    item.height = any.height;
  } else if (item.width !== any.width || item.height !== any.height) {
    ctx.report(diag('MASK_SIZE_MISMATCH', `the segmentation of ${stem} is ${any.width} x ${any.height}, its image ${item.width} x ${item.height}: the masks keep the PNG's size`, { file: join((obj ? seg.objectDir : seg.classDir)!, stem + '.png') }, 'warning'));
  }
  const sameSize = cls && obj && cls.width === obj.width && cls.height === obj.height;
  const masks = obj ? instanceMasks(item, obj, sameSize ? cls : undefined, seg, stem, ctx) : classMasks(cls!, seg, stem, ctx);
  item.annotations.push(...masks);
  const voidRle = indexMapToRles(any, (v) => v !== VOID).get(VOID);
  if (voidRle) (item.extras ??= {}).voc = { ...(item.extras?.voc ?? {}), void: voidRle as unknown as Record<string, unknown> };
}

function labelOf(index: number, seg: VocSegmentation, stem: string, ctx: ReadContext): string {
  const e = seg.labels[index];
  if (e) return e.name;
  ctx.report(diag('MASK_VALUE_UNKNOWN', `class index ${index} in the segmentation of ${stem} is beyond the ${seg.labels.length} labels of the label map: named "${index}"`, { file: join(seg.classDir ?? seg.objectDir!, stem + '.png') }, 'warning'));
  return String(index);
}

/** One mask a class present (no instance PNG). */
function classMasks(cls: IndexMap, seg: VocSegmentation, stem: string, ctx: ReadContext): Annotation[] {
  const rles = indexMapToRles(cls, (v) => v === 0 || v === VOID);
  return [...rles.keys()].sort((a, b) => a - b).map((k) => ({ kind: 'mask', rle: rles.get(k)!, label: labelOf(k, seg, stem, ctx) }));
}

/** One mask an instance, labelled by its pixels' majority class, paired with its XML object. */
function instanceMasks(item: Item, obj: IndexMap, cls: IndexMap | undefined, seg: VocSegmentation, stem: string, ctx: ReadContext): Annotation[] {
  const rles = indexMapToRles(obj, (v) => v === 0 || v === VOID);
  const votes = cls ? classVotes(obj, cls) : undefined;
  const objects = item.annotations.filter((a) => a.kind === 'box' && a.parent === undefined);
  const out: Annotation[] = [];
  for (const k of [...rles.keys()].sort((a, b) => a - b)) {
    const box = objects[k - 1];
    const classIndex = majority(votes?.get(k));
    const label = classIndex !== undefined ? labelOf(classIndex, seg, stem, ctx) : box?.label;
    const m: Annotation = { kind: 'mask', rle: rles.get(k)! };
    if (label !== undefined) m.label = label;
    if (box) {
      box.id ??= String(k);
      m.extras = { voc: { object: box.id } };
    }
    out.push(m);
  }
  return out;
}

/** For each instance, how many of its pixels each class has. */
function classVotes(obj: IndexMap, cls: IndexMap): Map<number, Map<number, number>> {
  const out = new Map<number, Map<number, number>>();
  for (let p = 0; p < obj.values.length; p++) {
    const k = obj.values[p]!;
    if (k === 0 || k === VOID) continue;
    const c = cls.values[p]!;
    if (c === 0 || c === VOID) continue;
    const v = out.get(k) ?? out.set(k, new Map()).get(k)!;
    v.set(c, (v.get(c) ?? 0) + 1);
  }
  return out;
}

function majority(votes: Map<number, number> | undefined): number | undefined {
  if (!votes) return undefined;
  let best: number | undefined;
  let n = -1;
  for (const [c, count] of votes) if (count > n || (count === n && c < best!)) [best, n] = [c, count];
  return best;
}
