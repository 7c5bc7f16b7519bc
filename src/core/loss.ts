/** Loss counting shared by writers. */
import type { WriteContext } from './format.js';
import type { Place } from './diagnostics.js';
import type { Annotation, Item } from '../model/types.js';
import { noun, type Noun } from './noun.js';

/**
 * Counts each other format's passthrough fields of an item (`extras.<format>`) as loss: what a
 * source kept for its own round trip (Label Studio result ids and authors, COCO image fields, ...)
 * has no place in `target`. Returns false when loss is refused (--strict).
 */
export function loseForeignExtras(item: Item, own: string, target: string, ctx: WriteContext, place: Place): boolean {
  for (const f of Object.keys(item.extras ?? {})) {
    if (f !== own && !ctx.lose(noun(`item's ${f} fields`, `items' ${f} fields`), 1, `${f}-specific fields (ids, authors, settings it alone has) have no place in ${target}`, place)) return false;
  }
  return true;
}

/**
 * Counts an item's metadata fields, media facts and tags as loss, for targets with no place for them (COCO,
 * VOC, YOLO, CSV hold images and shapes, not free fields; Remo keeps tags, not metadata).
 * Returns false when loss is refused (--strict).
 */
export function loseMetadata(item: Item, target: string, ctx: WriteContext, place: Place, keepsTags = false): boolean {
  const n = Object.keys(item.metadata).length;
  if (n > 0 && !ctx.lose(noun('metadata field'), n, `${target} has no place for an item's metadata`, place)) return false;
  if (item.media && Object.keys(item.media).length > 0 && !ctx.lose(noun("item's media facts", "items' media facts"), 1, `${target} keeps an image's width and height only (file size, MIME type, duration... dropped)`, place)) return false;
  return keepsTags || !item.tags?.length || ctx.lose(noun("item's tags", "items' tags"), 1, `${target} has no place for an item's tags`, place);
}

/** Counts an annotation's confidence score as loss for targets without scores. */
export function loseScore(score: number | undefined, target: string, ctx: WriteContext, place: Place): boolean {
  return score === undefined || ctx.lose(noun('score'), 1, `${target} has no confidence scores`, place);
}

/**
 * Counts what targets without provenance drop from an item's annotations: who made them and
 * when, which annotation set each belonged to (several annotators' sets end up merged into one),
 * that some were predictions (written as ground truth), and, unless the target `keepsParts`, which
 * object a part belongs to (`parent`: the part is written as an annotation of its own). Returns
 * false when loss is refused.
 */
export function loseProvenance(item: Item, target: string, ctx: WriteContext, place: Place, keepsParts = false): boolean {
  let authored = 0;
  let predictions = 0;
  let parts = 0;
  const groups = new Set<string>();
  for (const a of item.annotations) {
    if (a.author !== undefined || a.createdAt !== undefined) authored++;
    if (a.origin === 'prediction') predictions++;
    if (a.group !== undefined) groups.add(a.group);
    if (a.parent !== undefined && !keepsParts) parts++;
  }
  const lose = (what: Noun, n: number, reason: string): boolean => n === 0 || ctx.lose(what, n, reason, place);
  return (
    lose(noun("annotation's author and time", "annotations' authors and times"), authored, `${target} does not record who made an annotation or when`) &&
    lose(noun('separate annotation set'), Math.max(groups.size - 1, 0), `${target} holds one set of annotations per image: the annotators' and prediction sets were written together`) &&
    lose(noun('prediction written as an annotation', 'predictions written as annotations'), predictions, `${target} has no predictions: they were written as ground truth`) &&
    lose(noun('part link'), parts, `${target} does not record which object a part (a VOC <part>, such as a person's head) belongs to: the part was written as an annotation of its own`)
  );
}

/**
 * Counts, a kind at a time, annotations a pixel target does not paint (`${kind} annotation`:
 * boxes, keypoints, labels, text). Returns false when loss is refused.
 */
export function loseUnpainted(annotations: readonly Annotation[], target: string, ctx: WriteContext, place: Place): boolean {
  for (const [kind, n] of kindCounts(annotations)) {
    const why = kind === 'box' ? 'a box is an object\'s extent, not its pixels' : 'it has no pixels';
    if (!ctx.lose(noun(`${kind} annotation`), n, `${target} holds painted regions, and ${why}`, place)) return false;
  }
  return true;
}

/**
 * Counts shapes that a pixel target keeps only as the pixels they cover (polygons and ellipses
 * rasterized: their outline is gone), a kind at a time. Returns false when loss is refused.
 */
export function loseRasterized(shapes: readonly Annotation[], target: string, ctx: WriteContext, place: Place): boolean {
  for (const [kind, n] of kindCounts(shapes.filter((a) => a.kind !== 'mask'))) {
    if (!ctx.lose(noun(`${kind} rasterized into a mask`, `${kind}s rasterized into masks`), n, `${target} holds pixels: the outline is kept as the pixels it covers (cocoapi's rule)`, place)) return false;
  }
  return true;
}

function kindCounts(annotations: readonly Annotation[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of annotations) out.set(a.kind, (out.get(a.kind) ?? 0) + 1);
  return out;
}
