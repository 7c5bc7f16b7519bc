/**
 * Annotto labels (one category's checked entries) to model annotations.
 *
 * - Zones are fractions (0-1) of the image: with the image size they become pixels, a 4-point
 *   axis-aligned rectangle a box and anything else a polygon; without it they are handed back to
 *   be kept as they are (for Annotto output only).
 * - NER offsets are UTF-16 units into `data.text`, end exclusive (the browser's string indices);
 *   the model counts code points, so they are converted with the item text.
 * - The category is kept in `extras.annotto.category`, so that Annotto output puts the label back
 *   under it; the task value is the model's label.
 */
import { fractionsToPoints, rectangleOf, utf16ToCodePoints } from '../../model/geometry.js';
import type { Annotation, Item, JsonObject } from '../../model/types.js';
import type { TaskType } from './config.js';

export interface Form {
  /** predictions: labels with proba, ner start/end; annotations: labels without, ner start_char/end_char/ent_id. */
  origin: 'prediction' | 'annotation';
  /** Image width and height in pixels, when known. */
  size?: [number, number];
}

export interface CategoryOut {
  annotations: Annotation[];
  /** Zones that could not be put in pixels (no image size): kept as they are. */
  unsized: JsonObject[];
  /** Problems of single entries: message and the pointer below the category. */
  problems: { message: string; at: string; warning?: boolean }[];
  /** NER offsets read without a text to convert them. */
  unconverted: number;
}

/** The model annotations of one checked category of task type `type`. */
export function categoryToModel(type: TaskType, category: string, cat: JsonObject, item: Item, form: Form): CategoryOut {
  const out: CategoryOut = { annotations: [], unsized: [], problems: [], unconverted: 0 };
  const common = (): Pick<Annotation, 'origin' | 'extras'> => ({ origin: form.origin, extras: { annotto: { category } } });
  if (type === 'classifications') {
    const labels = cat.labels as JsonObject[];
    if (form.origin === 'prediction') {
      for (const l of labels) out.annotations.push({ kind: 'classification', labels: [l.value as string], score: l.proba as number, ...common() });
    } else if (labels.length) {
      out.annotations.push({ kind: 'classification', labels: labels.map((l) => l.value as string), ...common() });
    }
    return out;
  }
  (cat.entities as JsonObject[]).forEach((e, i) => {
    const value = e.value as string;
    if (type === 'text') out.annotations.push({ kind: 'text', label: value, values: [e.text as string], ...common() });
    else if (type === 'ner') nerToSpan(e, i, value, item, form, out, common());
    else if (!form.size) out.unsized.push({ category, entity: e });
    else out.annotations.push(zoneToShape(e.coords as { x: number; y: number }[], form.size, { label: value, ...common() }));
  });
  return out;
}

function nerToSpan(e: JsonObject, i: number, value: string, item: Item, form: Form, out: CategoryOut, common: Pick<Annotation, 'origin' | 'extras'>): void {
  const pred = form.origin === 'prediction';
  const start = (pred ? e.start : e.start_char) as number;
  const end = (pred ? e.end : e.end_char) as number;
  const at = `/entities/${i}`;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end) {
    return void out.problems.push({ message: `span ${start}-${end}: offsets are whole numbers, start at most end`, at });
  }
  const text = item.text;
  if (text !== undefined && end > text.length) {
    return void out.problems.push({ message: `span ${start}-${end} ends beyond the item text (${text.length} UTF-16 units)`, at });
  }
  if (text === undefined) out.unconverted++;
  const span: Annotation = {
    kind: 'span',
    start: text === undefined ? start : utf16ToCodePoints(text, start),
    end: text === undefined ? end : utf16ToCodePoints(text, end),
    label: value,
    ...common,
  };
  if (text !== undefined) span.text = text.slice(start, end);
  if (!pred) span.id = String(e.ent_id);
  out.annotations.push(span);
}

/** Zone points (fractions) to a box when they are a rectangle's corners, else a polygon, in pixels. */
function zoneToShape(coords: { x: number; y: number }[], [w, h]: [number, number], rest: Omit<Annotation, 'kind'>): Annotation {
  const flat = coords.flatMap((p) => [p.x, p.y]);
  const rect = rectangleOf(flat);
  if (rect) {
    const [x, y, x2, y2] = fractionsToPoints([rect.x, rect.y, rect.x + rect.w, rect.y + rect.h], w, h) as [number, number, number, number];
    return { kind: 'box', x, y, w: x2 - x, h: y2 - y, ...rest } as Annotation;
  }
  return { kind: 'polygon', rings: [fractionsToPoints(flat, w, h)], ...rest } as Annotation;
}
