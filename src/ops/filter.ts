/**
 * `annoconv filter`: keep the items and annotations that match, in any format, streaming.
 *
 * Annotation tests (all given must hold): `labels` (its label, or one of a classification's labels,
 * which keeps only the matching ones), `kinds`, `minScore` (annotations without a score, ground
 * truth, always pass), `minArea` (pixels: box w·h, polygon ring areas, mask pixels, ellipse π·rx·ry;
 * labels without geometry pass). A relation whose end was left out goes too. Item tests: `ids`
 * (the item's id), `hasAnnotations` (the item had an annotation before the annotation tests).
 * Items left without annotations stay unless `dropEmpty`.
 */
import { shapeArea } from '../model/geometry.js';
import type { Annotation, Item } from '../model/types.js';
import type { ItemTransform } from '../core/pipeline.js';
import { noun } from '../core/noun.js';
import { readOptionFile } from '../core/option-files.js';
import { ChangeCounter, runOperation, type OperationParams, type OperationResult } from './operation.js';

export interface FilterSpec {
  labels?: readonly string[];
  kinds?: readonly string[];
  minScore?: number;
  minArea?: number;
  /** Item ids to keep. */
  ids?: ReadonlySet<string>;
  hasAnnotations?: boolean;
  dropEmpty?: boolean;
}

const ANNOTATION = noun('annotation');
const ITEM = noun('item');

/** The filter as a transform; what it leaves out is counted in `changes`. */
export function filterTransform(spec: FilterSpec, changes: ChangeCounter): ItemTransform {
  const labels = spec.labels ? new Set(spec.labels) : undefined;
  const kinds = spec.kinds ? new Set(spec.kinds) : undefined;
  const keep = (a: Annotation): Annotation | undefined => {
    if (kinds && !kinds.has(a.kind)) return undefined;
    if (spec.minScore !== undefined && a.score !== undefined && a.score < spec.minScore) return undefined;
    if (spec.minArea !== undefined) {
      const area = shapeArea(a);
      if (area !== undefined && area < spec.minArea) return undefined;
    }
    if (labels) {
      if (a.kind === 'classification' && a.label === undefined) {
        const kept = a.labels.filter((l) => labels.has(l));
        if (kept.length === 0) return undefined;
        return kept.length === a.labels.length ? a : { ...a, labels: kept };
      }
      if (a.label === undefined || !labels.has(a.label)) return undefined;
    }
    return a;
  };
  return (item: Item): Item | undefined => {
    if (spec.ids && !spec.ids.has(item.id)) {
      changes.add(ITEM, 'left out (not in --ids)');
      return undefined;
    }
    if (spec.hasAnnotations && item.annotations.length === 0) {
      changes.add(ITEM, 'left out (no annotations)');
      return undefined;
    }
    const kept: Annotation[] = [];
    for (const a of item.annotations) {
      const k = a.kind === 'relation' ? a : keep(a);
      if (k) kept.push(k);
    }
    // relations only between annotations that stay
    const ids = new Set(kept.map((a) => a.id).filter((id) => id !== undefined));
    const final = kept.filter((a) => a.kind !== 'relation' || (ids.has(a.from) && ids.has(a.to) && (!kinds || kinds.has('relation'))));
    const removed = item.annotations.length - final.length;
    if (removed) changes.add(ANNOTATION, 'left out', removed);
    if (spec.dropEmpty && final.length === 0) {
      changes.add(ITEM, 'left out (no annotations left)');
      return undefined;
    }
    return removed || final.some((a, i) => a !== item.annotations[i]) ? { ...item, annotations: final } : item;
  };
}

/** Item ids from a file, one a line (blank lines and surrounding spaces ignored). */
export async function readIds(path: string): Promise<Set<string>> {
  const text = await readOptionFile('ids', path);
  return new Set(text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ''));
}

/** Filters an input (any readable format) into an output, by default of the same format. */
export async function filter(params: OperationParams & { filter: FilterSpec }): Promise<OperationResult> {
  const changes = new ChangeCounter();
  return runOperation(params, { transform: filterTransform(params.filter, changes) }, changes);
}
