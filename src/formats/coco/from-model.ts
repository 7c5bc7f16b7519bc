/**
 * Model annotations of one item to COCO annotation records (without image_id, added by the writer).
 * Annotations sharing an id are one COCO object (a polygon or mask plus its keypoints). `area` is
 * kept from the source or computed (polygon area, RLE pixel count, box w x h), `bbox` kept or
 * derived from the geometry; `iscrowd` is 1 for the model's crowd regions and 0 for everything
 * else; what COCO cannot hold is counted as loss.
 */
import { noun } from '../../core/noun.js';
import type { WriteContext } from '../../core/format.js';
import type { Place } from '../../core/diagnostics.js';
import type { Annotation, Item, JsonObject } from '../../model/types.js';
import { boxArea, ellipseEnvelope, ellipseToRing, polygonArea, ringsEnvelope, rleArea, rleBbox, rleToString, rotatedEnvelope, pointsEnvelope, type Xywh } from '../../model/geometry.js';
import { setOwn } from '../../core/safe.js';

type CategoryOf = (label: string | undefined, id: number | undefined, place: Place) => number | undefined;

const EMPTY: JsonObject = Object.freeze({}) as JsonObject;

const box4 = (b: { x: number; y: number; w: number; h: number }): number[] => [b.x, b.y, b.w, b.h];

export function annotationsToCoco(item: Item, ctx: WriteContext, place: Place, category: CategoryOf): JsonObject[] {
  const groups = new Map<string, Annotation[]>();
  const singles: Annotation[][] = [];
  for (const a of item.annotations) {
    if (a.kind === 'span' || a.kind === 'relation') {
      ctx.lose(noun(a.kind === 'span' ? 'text span' : 'relation'), 1, 'COCO holds no text annotations', place);
      continue;
    }
    if (a.id !== undefined) {
      const key = (a.group ?? '') + '\u0000' + a.id;
      const g = groups.get(key);
      if (g) g.push(a);
      else {
        const list = [a];
        groups.set(key, list);
        singles.push(list);
      }
    } else singles.push([a]);
  }
  const out: JsonObject[] = [];
  for (const group of singles) {
    const rec = toRecord(group, item, ctx, place, category);
    if (rec) out.push(rec);
  }
  return out;
}

function toRecord(group: Annotation[], item: Item, ctx: WriteContext, place: Place, category: CategoryOf): JsonObject | undefined {
  const primary = group.find((a) => a.kind !== 'keypoints') ?? group[0]!;
  const kp = group.find((a) => a.kind === 'keypoints');
  for (const other of group) {
    if (other !== primary && other !== kp) ctx.lose(noun(`${other.kind} annotation sharing a region`, `${other.kind} annotations sharing a region`), 1, 'a COCO object holds one shape and its keypoints', place);
  }
  // read only: merged into a new object only when a keypoints annotation adds its own fields
  // (the copy per annotation was ~4% of a Label Studio -> COCO run in --cpu-prof)
  const ex: JsonObject = kp && kp !== primary && kp.extras?.coco ? { ...kp.extras.coco, ...(primary.extras?.coco ?? {}) } : (primary.extras?.coco ?? EMPTY);
  const crowd = primary.crowd === true || kp?.crowd === true;
  const rec: JsonObject = {};
  // an id beyond 2^53 would be rounded onto another one: such ids are renumbered instead
  rec.id = primary.id !== undefined && /^-?\d+$/.test(primary.id) && Number.isSafeInteger(Number(primary.id)) ? Number(primary.id) : null;
  const label = primary.label ?? (primary.kind === 'classification' ? primary.labels[0] : undefined);
  const catId = category(label, primary.categoryId, place);
  if (catId !== undefined) rec.category_id = catId;
  else if (label !== undefined || primary.categoryId !== undefined) return undefined;
  // area and bbox from the source when it had them, else computed (lazily: the computation is the
  // costly part of writing large polygon datasets)
  let area: (() => number) | undefined;
  let bbox: (() => number[]) | undefined;
  switch (primary.kind) {
    case 'box': {
      let env: Xywh = primary;
      if (primary.rotation) {
        ctx.lose(noun('box rotation'), 1, 'COCO boxes are axis-aligned (the envelope of the rotated box was written)', place);
        env = rotatedEnvelope(primary, primary.rotation);
      }
      bbox = () => box4(env);
      area = () => boxArea(env);
      rec.segmentation = ex.segmentation ?? [];
      break;
    }
    case 'polygon': {
      const rings = primary.rings;
      rec.segmentation = rings;
      area = () => polygonArea(rings);
      bbox = () => box4(ringsEnvelope(rings));
      break;
    }
    case 'ellipse': {
      ctx.lose(noun('ellipse'), 1, 'COCO has no ellipses (written as 32-point polygons)', place);
      const rings = [ellipseToRing(primary.cx, primary.cy, primary.rx, primary.ry, primary.rotation ?? 0)];
      rec.segmentation = rings;
      area = () => Math.PI * primary.rx * primary.ry;
      bbox = () => box4(ellipseEnvelope(primary.cx, primary.cy, primary.rx, primary.ry, primary.rotation ?? 0));
      break;
    }
    case 'mask': {
      const rle = primary.rle;
      rec.segmentation = { size: rle.size, counts: ex.rleString === true ? rleToString(rle.counts) : rle.counts };
      area = () => rleArea(rle);
      bbox = () => box4(rleBbox(rle));
      break;
    }
    case 'keypoints': {
      const env = pointsEnvelope(primary.points.filter((p) => p[2] > 0).flatMap((p) => [p[0], p[1]]));
      bbox = () => box4(env);
      area = () => boxArea(env);
      break;
    }
    case 'classification':
      if (primary.labels.length > 1) ctx.lose(noun('extra label of a multi-label classification', 'extra labels of multi-label classifications'), primary.labels.length - 1, 'a COCO annotation has one category', place);
      break;
    case 'text':
      rec.caption = primary.values.join('\n');
      break;
    default:
      return undefined;
  }
  if (kp && kp.kind === 'keypoints') {
    rec.keypoints = kp.points.flat();
    rec.num_keypoints = ex.num_keypoints ?? kp.points.filter((p) => p[2] > 0).length;
  }
  if (primary.kind !== 'classification' && primary.kind !== 'text') {
    rec.area = ex.area ?? area?.();
    rec.bbox = ex.bbox ?? bbox?.();
  }
  // a crowd region only when the source said so: a mask is an ordinary object (COCOeval ignores
  // iscrowd 1 ground truth, and loadRes sets 0 on every detection, masks included)
  if (crowd) rec.iscrowd = 1;
  else if (primary.kind !== 'classification' && primary.kind !== 'text') rec.iscrowd = ex.iscrowd ?? 0;
  if (primary.score !== undefined) rec.score = primary.score;
  if (primary.attributes) rec.attributes = primary.attributes;
  for (const k of Object.keys(ex)) {
    if (k === 'rleString' || k === 'num_keypoints' || Object.hasOwn(rec, k)) continue;
    setOwn(rec, k, ex[k]);
  }
  void item;
  return rec;
}
