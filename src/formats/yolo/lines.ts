/**
 * One item's YOLO label lines, made so that the readers on the other side take the file whole.
 * Ultralytics' `verify_image_label` drops every label of an image when one value is below -0.01
 * or above 1.01, and removes repeated lines; annoconv's reader refuses a file holding a box of
 * width or height 0. So coordinates are fractions rounded to 6 decimals, clipped to the image
 * first (Ultralytics clips the same way when training: boxes to the image, segment points onto
 * it), a box whose width or height rounds to 0 is left out, and a repeated line written once;
 * each counted as loss.
 */
import { noun, type Noun } from '../../core/noun.js';
import type { WriteContext } from '../../core/format.js';
import type { Place } from '../../core/diagnostics.js';
import { clipBox, clipPoints, ellipseEnvelope, ellipseToRing, envelopeLoss, envelopeOf, pxToFraction, ringsEnvelope, rotatedCorners, xywhToCentre, type Xywh } from '../../model/geometry.js';
import type { Annotation, Item } from '../../model/types.js';
import type { ClassTable } from './class-table.js';

export type Task = 'detect' | 'segment' | 'obb';

const SCALE = 1e6;
const fmt = (n: number): string => String(Math.round(n * SCALE) / SCALE);
/** Whether a fraction, rounded as written, falls outside 0-1. */
const outside = (f: number): boolean => Math.round(f * SCALE) < 0 || Math.round(f * SCALE) > SCALE;

const CLIPPED = noun('annotation clipped to its image', 'annotations clipped to their images');
const CLIP_REASON = 'Ultralytics refuses a label file with a value outside 0-1, so the part outside the image was cut off (segment and corner points moved onto its edge)';
const EMPTY = noun('box with no width or height', 'boxes with no width or height');
const EMPTY_REASON = 'no object once rounded to 6 decimals and clipped to the image: annoconv\'s YOLO reader refuses a label file holding one, and Ultralytics drops it when training';
const REPEATED = noun('repeated label line');
const REPEATED_REASON = 'the same line twice in a label file: Ultralytics keeps one of them';

/** The label lines of an item (empty for an image without objects), or undefined when a loss was refused (--strict). */
export function labelLines(item: Item, task: Task, table: ClassTable, ctx: WriteContext, place: Place): string[] | undefined {
  const W = item.width!;
  const H = item.height!;
  const lose = (what: Noun, n: number, reason: string): boolean => n === 0 || ctx.lose(what, n, reason, place);
  const fx = (v: number): string => fmt(pxToFraction(v, W));
  const fy = (v: number): string => fmt(pxToFraction(v, H));
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const a of item.annotations) {
    if (!table.has(a)) {
      if (!lose(noun('unlabelled annotation'), 1, 'a YOLO line starts with a class')) return undefined;
      continue;
    }
    const shape = shapeOf(a, task);
    if ('lost' in shape) {
      if (!lose(shape.lost, 1, shape.reason)) return undefined;
      continue;
    }
    let coords: string[];
    let clipped: boolean;
    if ('box' in shape) {
      const b = shape.box;
      clipped = [b.x / W, (b.x + b.w) / W].some(outside) || [b.y / H, (b.y + b.h) / H].some(outside);
      const c = xywhToCentre(clipBox(b, W, H));
      if (fx(c.w) === '0' || fy(c.h) === '0') {
        if (!lose(EMPTY, 1, EMPTY_REASON)) return undefined;
        continue;
      }
      coords = [`${fx(c.cx)} ${fy(c.cy)} ${fx(c.w)} ${fy(c.h)}`];
    } else {
      clipped = shape.rings.some((r) => r.some((v, i) => outside(i % 2 ? v / H : v / W)));
      coords = shape.rings.map((r) => clipPoints(r, W, H).map((v, i) => (i % 2 ? fy(v) : fx(v))).join(' '));
    }
    if (clipped && !lose(CLIPPED, 1, CLIP_REASON)) return undefined;
    if (shape.note && !lose(shape.note[0], 1, shape.note[1])) return undefined;
    const cls = table.classOf(a, place);
    for (const c of coords) {
      const line = `${cls} ${c}`;
      if (seen.has(line)) {
        if (!lose(REPEATED, 1, REPEATED_REASON)) return undefined;
        continue;
      }
      seen.add(line);
      lines.push(line);
    }
    if (a.attributes && !lose(noun('attribute'), Object.keys(a.attributes).length, 'YOLO has no attributes')) return undefined;
    if (a.score !== undefined && !lose(noun('score'), 1, 'YOLO ground truth has no scores')) return undefined;
  }
  return lines;
}

type Shape = { box: Xywh; note?: [Noun, string] } | { rings: number[][]; note?: [Noun, string] } | { lost: Noun; reason: string };

function shapeOf(a: Annotation, task: Task): Shape {
  if (task === 'detect') {
    const box = envelopeOf(a);
    if (!box) return { lost: noun(`${a.kind} annotation`), reason: 'YOLO detection holds boxes only' };
    const lost = envelopeLoss(a);
    return lost ? { box, note: [noun(lost), 'a detection line holds an axis-aligned box (the envelope was written; --yolo-task segment or obb keeps more)'] } : { box };
  }
  switch (a.kind) {
    case 'box':
      return { rings: [rotatedCorners(a, a.rotation ?? 0).flat()] };
    case 'polygon':
      if (task === 'obb') return { rings: [rotatedCorners(ringsEnvelope(a.rings), 0).flat()], note: [noun('polygon'), 'an oriented-box line holds 4 corners (the envelope was written)'] };
      return a.rings.length > 1 ? { rings: a.rings, note: [noun('polygon part grouping'), 'each part became a line of its own'] } : { rings: a.rings };
    case 'ellipse':
      return task === 'obb' ? { rings: [rotatedCorners(ellipseEnvelope(a.cx, a.cy, a.rx, a.ry, a.rotation ?? 0), 0).flat()], note: [noun('ellipse'), 'written as their envelope box'] } : { rings: [ellipseToRing(a.cx, a.cy, a.rx, a.ry, a.rotation ?? 0)], note: [noun('ellipse'), 'written as 32-point polygons'] };
    default:
      return { lost: noun(`${a.kind} annotation`), reason: `YOLO ${task} lines hold ${task === 'obb' ? 'oriented boxes' : 'polygons'} only` };
  }
}
