/**
 * Fits region shapes to what the target holds (FormatDescriptor.shapes) and to `--masks`:
 * - a mask goes to a target without masks as a polygon, traced along its pixel edges (YOLO
 *   segment), and to one with both as a polygon under `--masks polygons` (crowd regions stay
 *   masks where the target says so: COCO);
 * - polygons, boxes and ellipses become masks under `--masks rle` where the target holds masks
 *   (COCO RLE, Label Studio brushes), rasterized by cocoapi's rule on the item's size.
 * Each change of kind is counted with the IoU of the traced polygon re-rasterized against its mask
 * (WriteContext.changed); a mask over the size limit is reported (MODEL_MASK_TOO_LARGE) and left
 * as it is, an empty one is left as it is or, for a target without masks, dropped and counted.
 */
import type { Annotation, Item } from '../model/types.js';
import { maskAsPolygon, shapeAsMask } from '../model/mask-shapes.js';
import { MAX_MASK_PIXELS, MAX_TRACE_RUNS } from '../model/trace.js';
import { diag, type Place } from './diagnostics.js';
import type { ShapeSupport, WriteContext } from './format.js';
import { noun, type Noun } from './noun.js';
import type { Options } from './options.js';

const MASK = noun('mask');
const SHAPE_NOUNS: Record<string, Noun> = { polygon: noun('polygon'), box: noun('box', 'boxes'), ellipse: noun('ellipse') };

/** The fitting step for a target holding `sup`, or undefined when nothing would change. */
export function shapeFitter(sup: ShapeSupport, options: Options, ctx: WriteContext, targetId: string, holdsCrowd: boolean): ((item: Item, place: Place) => Item | undefined) | undefined {
  const choice = options.masks ?? 'keep';
  const trace = sup.polygons !== false && (!sup.masks || choice === 'polygons');
  const raster = sup.masks && choice === 'rle';
  if (!trace && !raster) return undefined;
  const form = sup.polygons === 'parts' ? 'parts' : 'ring';
  const tolerance = options.polygonTolerance ?? 0;
  const dropsCrowd = !holdsCrowd && !options.keepCrowd;
  const into = (a: Annotation, item: Item, place: Place): Annotation | null => {
    if (a.kind === 'mask') {
      // crowd regions: kept as masks where the target says so, and not traced for a target that
      // leaves them out (core/crowd.ts drops and counts them after this step)
      if (!trace || (a.crowd && ((sup.crowdAsMask && sup.masks) || dropsCrowd))) return a;
      const t = maskAsPolygon(a, form, tolerance);
      if ('polygon' in t) {
        ctx.changed?.('traced', MASK, 'polygons', 1, t.iou);
        return t.polygon;
      }
      if ('tooLarge' in t) {
        ctx.report(diag('MODEL_MASK_TOO_LARGE', `item ${JSON.stringify(item.id)}: a ${a.rle.size[1]} x ${a.rle.size[0]} mask of ${a.rle.counts.length.toLocaleString('en-US')} runs is over the limits of tracing (${MAX_MASK_PIXELS.toLocaleString('en-US')} pixels, ${MAX_TRACE_RUNS.toLocaleString('en-US')} runs): not traced into a polygon`, place, 'warning'));
        return a;
      }
      if (sup.masks) return a;
      return ctx.lose(noun('empty mask'), 1, `no pixel set: nothing to trace into a ${targetId} polygon`, place) ? null : a;
    }
    if (!raster || !(a.kind in SHAPE_NOUNS) || !(item.width! > 0) || !(item.height! > 0)) return a;
    const m = shapeAsMask(a, item.height!, item.width!);
    if (!m) return a;
    ctx.changed?.('rasterized', SHAPE_NOUNS[a.kind]!, 'masks', 1);
    return m;
  };
  return (item, place) => {
    let changed = false;
    const annotations: Annotation[] = [];
    for (const a of item.annotations) {
      const b = into(a, item, place);
      if (b !== a) changed = true;
      if (b) annotations.push(b);
    }
    return changed ? { ...item, annotations } : item;
  };
}
