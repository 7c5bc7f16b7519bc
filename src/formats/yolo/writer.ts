/**
 * YOLO writer: `labels/<image stem>.txt` per image and `classes.txt` into `-o DIR`. Fractions of
 * the image size, so items need their width and height (refused by name otherwise). `--yolo-task`
 * picks the line form: detect (`class cx cy w h`, default), segment (`class x1 y1 ...`), obb
 * (`class x1 y1 ... x4 y4`). Class ids follow the dataset's categories, then first-seen labels.
 * YOLO has no attributes, no ids, no scores in ground truth: dropped and counted.
 */
import { noun, type Noun } from '../../core/noun.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { nameClash, safeRelative } from '../../core/file-tree.js';
import { loseForeignExtras, loseMetadata, loseProvenance } from '../../core/loss.js';
import { ellipseEnvelope, ellipseToRing, envelopeLoss, envelopeOf, pxToFraction, ringsEnvelope, rotatedCorners, xywhToCentre, type Xywh } from '../../model/geometry.js';
import type { Annotation, Dataset, Item } from '../../model/types.js';

type Task = 'detect' | 'segment' | 'obb';

const stemOf = (item: Item): string => {
  const name = (item.path ?? item.url ?? item.id).split(/[?#]/)[0]!;
  return name.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/^\.?\//, '');
};

const fmt = (n: number): string => String(Math.round(n * 1e6) / 1e6);

export function createYoloWriter(_sink: OutputSink, ctx: WriteContext): FormatWriter {
  const task: Task = ctx.options.format.yoloTask === 'segment' || ctx.options.format.yoloTask === 'obb' ? ctx.options.format.yoloTask : 'detect';
  const files = ctx.files!;
  const names: string[] = [];
  const ids = new Map<string, number>();
  const classOf = (label: string): number => {
    let id = ids.get(label);
    if (id === undefined) {
      id = names.length;
      names.push(label);
      ids.set(label, id);
    }
    return id;
  };
  return {
    dataset(d: Dataset): void {
      for (const c of [...d.categories].sort((a, b) => a.id - b.id)) classOf(c.name);
      if (d.info || d.licenses?.length) ctx.lose(noun('dataset description (info, licenses)', 'dataset descriptions (info, licenses)'), 1, 'YOLO has no dataset description');
    },
    async write(item: Item, place: Place): Promise<void> {
      if (!(item.width! > 0) || !(item.height! > 0)) {
        ctx.report(diag('YOLO_NO_SIZE', `item ${JSON.stringify(item.id)} has no width and height: YOLO coordinates are fractions of the image size (give sizes in the source, or --media-root)`, place));
        return;
      }
      const rel = safeRelative(`labels/${stemOf(item)}.txt`);
      if (rel === undefined) {
        ctx.report(diag('OUTPUT_PATH_UNSAFE', `item ${JSON.stringify(item.id)}: ${JSON.stringify(stemOf(item))} is not a usable file name in the output folder (it leaves it, is hidden, or is over 255 bytes)`, place));
        return;
      }
      const clash = files.claim(rel);
      if (clash) {
        ctx.report(nameClash(clash, 'YOLO_NAME_TAKEN', item.id, rel, place));
        return;
      }
      const W = item.width!;
      const H = item.height!;
      const lose = (what: Noun, n: number, reason: string): boolean => n === 0 || ctx.lose(what, n, reason, place);
      const lines: string[] = [];
      const fx = (v: number): string => fmt(pxToFraction(v, W));
      const fy = (v: number): string => fmt(pxToFraction(v, H));
      const ring = (flat: readonly number[]): string => flat.map((v, i) => (i % 2 ? fy(v) : fx(v))).join(' ');
      for (const a of item.annotations) {
        if (a.label === undefined) {
          if (!lose(noun('unlabelled annotation'), 1, 'a YOLO line starts with a class')) return;
          continue;
        }
        const shape = shapeOf(a, task);
        if ('lost' in shape) {
          if (!lose(shape.lost, 1, shape.reason)) return;
          continue;
        }
        if (shape.note && !lose(shape.note[0], 1, shape.note[1])) return;
        const cls = classOf(a.label);
        if ('box' in shape) {
          const c = xywhToCentre(shape.box);
          lines.push(`${cls} ${fx(c.cx)} ${fy(c.cy)} ${fx(c.w)} ${fy(c.h)}`);
        } else for (const r of shape.rings) lines.push(`${cls} ${ring(r)}`);
        if (a.attributes && !lose(noun('attribute'), Object.keys(a.attributes).length, 'YOLO has no attributes')) return;
        if (a.score !== undefined && !lose(noun('score'), 1, 'YOLO ground truth has no scores')) return;
      }
      if (!loseForeignExtras(item, 'yolo', 'YOLO', ctx, place)) return;
      if (!loseMetadata(item, 'YOLO', ctx, place)) return;
      if (!loseProvenance(item, 'YOLO', ctx, place)) return;
      await files.write(rel, lines.length ? lines.join('\n') + '\n' : '');
    },
    async end(): Promise<void> {
      await files.write('classes.txt', names.length ? names.join('\n') + '\n' : '');
    },
  };
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
