/**
 * Annotations changing kind between region shapes: a mask traced into a polygon (trace.ts,
 * keyhole.ts), a polygon, box or ellipse rasterized into a mask (rasterize.ts). The new annotation
 * keeps the common fields (id, label, score, group, crowd...) and every format's extras except
 * Label Studio's, which describe the old result (its type, tag and value keys).
 */
import { joinedRing, keyholeRings } from './keyhole.js';
import { rasterizeAnnotation, rasterizeRings, rleIou } from './rasterize.js';
import { MAX_MASK_PIXELS, MAX_TRACE_RUNS, traceRle } from './trace.js';
import type { Annotation, MaskAnnotation, PolygonAnnotation } from './types.js';

/**
 * How a target keeps a polygon's rings: `parts` unions them (COCO: one keyhole ring per
 * component), `ring` holds one ring per object (YOLO segment, a Label Studio polygon: the
 * components bridged into one ring).
 */
export type RingForm = 'parts' | 'ring';

export type Traced =
  | { polygon: PolygonAnnotation; iou: number }
  | { empty: true }
  | { tooLarge: true };

/** The fields an annotation keeps when its shape changes kind. */
function common(a: Annotation): Omit<Annotation, 'kind'> {
  const { kind: _k, ...rest } = a as Annotation & Record<string, unknown>;
  const out = { ...rest } as Record<string, unknown>;
  for (const k of ['rle', 'rings', 'x', 'y', 'w', 'h', 'rotation', 'cx', 'cy', 'rx', 'ry']) delete out[k];
  if (a.extras?.labelstudio) {
    const { labelstudio: _ls, ...others } = a.extras;
    if (Object.keys(others).length) out.extras = others;
    else delete out.extras;
  }
  return out as Omit<Annotation, 'kind'>;
}

/**
 * A mask traced into a polygon along its pixel edges (simplified at `tolerance` px when > 0), with
 * the IoU of the polygon re-rasterized by cocoapi's rule against the mask (1 at tolerance 0).
 */
export function maskAsPolygon(a: MaskAnnotation, form: RingForm, tolerance = 0): Traced {
  const [h, w] = a.rle.size;
  if (h * w > MAX_MASK_PIXELS || a.rle.counts.length > MAX_TRACE_RUNS) return { tooLarge: true };
  const t = traceRle(a.rle, form === 'ring');
  if (!t) return { empty: true };
  const rings = form === 'parts' ? keyholeRings(t, tolerance) : [joinedRing(t, tolerance)];
  const back = rasterizeRings(rings, h, w);
  // a ring too long for the rasterizer's walk: no tool would rasterize it in reasonable time either
  if (!back) return { tooLarge: true };
  const polygon = { ...common(a), kind: 'polygon', rings } as PolygonAnnotation;
  return { polygon, iou: rleIou(back, a.rle) };
}

/** A polygon, box or ellipse rasterized into an h x w mask by cocoapi's rule; undefined when it cannot be. */
export function shapeAsMask(a: Annotation, h: number, w: number): MaskAnnotation | undefined {
  if (a.kind !== 'polygon' && a.kind !== 'box' && a.kind !== 'ellipse') return undefined;
  const rle = rasterizeAnnotation(a, h, w);
  return rle ? ({ ...common(a), kind: 'mask', rle } as MaskAnnotation) : undefined;
}
