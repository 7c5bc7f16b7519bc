/**
 * `annoconv stats`: what is in a dataset, in one streaming pass over any readable format.
 *
 * Counts are of the model's items and annotations. An object that a format writes as several
 * annotations sharing an id (a COCO polygon and its keypoints) is one object: `objects` per label
 * count distinct ids per item (annotations without an id count one each). Extents are the
 * axis-aligned envelope of each shape (boxes, polygons, masks, ellipses), in pixels; their
 * quartiles are exact up to RESERVOIR values per label and measure, then estimated from a seeded
 * reservoir sample of that many (`approximate: true`), so memory grows with labels, not items.
 * Duplicates are two annotations of one item, in one annotation set, with the same kind, label and
 * geometry. An annotation is outside its image when its envelope leaves [0, width] x [0, height]
 * by more than 0.001 px.
 */
import { envelopeOf } from '../model/geometry.js';
import type { Annotation, Item } from '../model/types.js';
import { validate, type CommonParams, type RunResult } from '../core/run.js';

/** Values kept per label and measure for quartiles. */
export const RESERVOIR = 10_000;

export interface Distribution {
  count: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  /** Quartiles from a reservoir sample (more than RESERVOIR values). */
  approximate?: true;
}

export interface LabelStats {
  /** Annotations with this label (a classification counts once for each of its labels). */
  annotations: number;
  /** Distinct objects (annotations sharing an id on one item count once). */
  objects: number;
  /** Items with at least one annotation of this label, and their share of all items (0-1). */
  items: number;
  itemShare: number;
  byKind: Record<string, number>;
  /** Envelope width, height and area in pixels of the label's shapes. */
  width?: Distribution;
  height?: Distribution;
  area?: Distribution;
  /** Scores of the label's predictions. */
  score?: Distribution;
}

export interface DatasetStats {
  items: number;
  itemsByKind: Record<string, number>;
  /** Items with no annotation, placed or not. */
  itemsWithoutAnnotations: number;
  /**
   * Shapes a source gave in units of an image size it does not state (Label Studio percent
   * without original_width/height): kept for their own format, not counted under labels or kinds.
   */
  unplaced: number;
  /** Image-like items (image, dicom, video, nifti) without width or height. */
  itemsWithoutSize: number;
  annotations: number;
  annotationsByKind: Record<string, number>;
  /** Annotations by origin: `annotation` (ground truth, also when unsaid) or `prediction`. */
  annotationsByOrigin: Record<string, number>;
  /** Annotations without a label (relations, text, unnamed shapes). */
  unlabelled: number;
  labels: Record<string, LabelStats>;
  outsideImage: number;
  duplicates: number;
  /** Annotations that carry a score. */
  scored: number;
}

/** Running quartiles: every value up to RESERVOIR, then a seeded reservoir sample. */
class Sampler {
  private values = new Float64Array(64);
  private n = 0;
  private min = Infinity;
  private max = -Infinity;
  private seed = 0x9e3779b9;

  add(v: number): void {
    if (!Number.isFinite(v)) return;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    const i = this.n++;
    if (i < RESERVOIR) {
      if (i === this.values.length) {
        const grown = new Float64Array(Math.min(RESERVOIR, i * 2));
        grown.set(this.values);
        this.values = grown;
      }
      this.values[i] = v;
      return;
    }
    // Algorithm R with a fixed xorshift: the same input gives the same figures
    this.seed ^= this.seed << 13;
    this.seed ^= this.seed >>> 17;
    this.seed ^= this.seed << 5;
    const j = (this.seed >>> 0) % (i + 1);
    if (j < RESERVOIR) this.values[j] = v;
  }

  result(): Distribution | undefined {
    if (this.n === 0) return undefined;
    const kept = this.values.slice(0, Math.min(this.n, RESERVOIR)).sort();
    // quartiles by linear interpolation between order statistics (NumPy's default)
    const q = (p: number): number => {
      const pos = (kept.length - 1) * p;
      const lo = Math.floor(pos);
      const hi = Math.min(lo + 1, kept.length - 1);
      return kept[lo]! + (kept[hi]! - kept[lo]!) * (pos - lo);
    };
    return {
      count: this.n,
      min: this.min,
      q1: q(0.25),
      median: q(0.5),
      q3: q(0.75),
      max: this.max,
      ...(this.n > RESERVOIR ? { approximate: true as const } : {}),
    };
  }
}

interface LabelAcc {
  annotations: number;
  objects: number;
  items: number;
  byKind: Map<string, number>;
  width: Sampler;
  height: Sampler;
  area: Sampler;
  score: Sampler;
}

const IMAGE_LIKE = new Set(['image', 'dicom', 'video', 'nifti']);
const bump = (m: Map<string, number>, k: string, n = 1): void => {
  m.set(k, (m.get(k) ?? 0) + n);
};
const sorted = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));

/** The labels an annotation names: its label, or a classification's labels. */
export function labelsOf(a: Annotation): string[] {
  if (a.label !== undefined) return [a.label];
  if (a.kind === 'classification') return a.labels;
  return [];
}

/** What makes two annotations the same: kind, label and geometry (not id, author, score). */
function geometryKey(a: Annotation): string {
  const { id: _i, score: _s, author: _a, createdAt: _c, extras: _e, attributes: _t, origin: _o, parent: _p, ...rest } = a;
  return JSON.stringify(rest);
}

/** Accumulates the figures of items seen one at a time. */
export class StatsCollector {
  private items = 0;
  private readonly itemKinds = new Map<string, number>();
  private withoutAnnotations = 0;
  private unplaced = 0;
  private withoutSize = 0;
  private annotations = 0;
  private readonly kinds = new Map<string, number>();
  private readonly origins = new Map<string, number>();
  private unlabelled = 0;
  private readonly labels = new Map<string, LabelAcc>();
  private outside = 0;
  private duplicates = 0;
  private scored = 0;

  private label(name: string): LabelAcc {
    let l = this.labels.get(name);
    if (!l) {
      l = { annotations: 0, objects: 0, items: 0, byKind: new Map(), width: new Sampler(), height: new Sampler(), area: new Sampler(), score: new Sampler() };
      this.labels.set(name, l);
    }
    return l;
  }

  add(item: Item): void {
    this.items++;
    bump(this.itemKinds, item.kind);
    if (item.annotations.length === 0 && !item.unplaced) this.withoutAnnotations++;
    this.unplaced += item.unplaced ?? 0;
    const sized = item.width !== undefined && item.height !== undefined;
    if (IMAGE_LIKE.has(item.kind) && !sized) this.withoutSize++;
    const labelsHere = new Set<string>();
    const objectsHere = new Set<string>();
    const seen = new Set<string>();
    for (const a of item.annotations) {
      this.annotations++;
      bump(this.kinds, a.kind);
      bump(this.origins, a.origin ?? 'annotation');
      if (a.score !== undefined) this.scored++;
      const key = (a.group ?? '') + '\u0000' + geometryKey(a);
      if (seen.has(key)) this.duplicates++;
      else seen.add(key);
      const env = envelopeOf(a);
      if (env && sized) {
        const eps = 1e-3;
        if (env.x < -eps || env.y < -eps || env.x + env.w > item.width! + eps || env.y + env.h > item.height! + eps) this.outside++;
      }
      const names = labelsOf(a);
      if (names.length === 0) this.unlabelled++;
      for (const name of names) {
        const l = this.label(name);
        l.annotations++;
        bump(l.byKind, a.kind);
        labelsHere.add(name);
        const objectKey = a.id === undefined ? undefined : name + '\u0000' + (a.group ?? '') + '\u0000' + a.id;
        if (objectKey === undefined || !objectsHere.has(objectKey)) {
          l.objects++;
          if (objectKey !== undefined) objectsHere.add(objectKey);
        }
        if (env) {
          l.width.add(env.w);
          l.height.add(env.h);
          l.area.add(env.w * env.h);
        }
        if (a.score !== undefined) l.score.add(a.score);
      }
    }
    for (const name of labelsHere) this.label(name).items++;
  }

  result(): DatasetStats {
    const labels: Record<string, LabelStats> = {};
    for (const name of [...this.labels.keys()].sort()) {
      const l = this.labels.get(name)!;
      const dist = { width: l.width.result(), height: l.height.result(), area: l.area.result(), score: l.score.result() };
      labels[name] = {
        annotations: l.annotations,
        objects: l.objects,
        items: l.items,
        itemShare: this.items ? l.items / this.items : 0,
        byKind: sorted(l.byKind),
        ...Object.fromEntries(Object.entries(dist).filter(([, v]) => v !== undefined)),
      };
    }
    return {
      items: this.items,
      itemsByKind: sorted(this.itemKinds),
      itemsWithoutAnnotations: this.withoutAnnotations,
      unplaced: this.unplaced,
      itemsWithoutSize: this.withoutSize,
      annotations: this.annotations,
      annotationsByKind: sorted(this.kinds),
      annotationsByOrigin: sorted(this.origins),
      unlabelled: this.unlabelled,
      labels,
      outsideImage: this.outside,
      duplicates: this.duplicates,
      scored: this.scored,
    };
  }
}

export interface StatsResult extends RunResult {
  stats: DatasetStats;
}

/** Reads an input (any readable format) and returns its figures with the run's counters. */
export async function stats(params: CommonParams): Promise<StatsResult> {
  const collector = new StatsCollector();
  const previous = params.transform;
  const run = await validate({
    ...params,
    transform: (item, place, report) => {
      const kept = previous ? previous(item, place, report) : item;
      if (kept) collector.add(kept);
      return kept;
    },
  });
  return { ...run, stats: collector.result() };
}
