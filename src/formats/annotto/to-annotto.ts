/**
 * Model annotations to Annotto labels, by task type and category, for predictions and annotations.
 *
 * - Zones are points in fractions (0-1) of the image: a box is its 4 corners TL, TR, BR, BL (a
 *   rotated box its rotated corners), a polygon one zone per ring, an ellipse a 32-point polygon
 *   (counted). Points outside the image are moved onto its edge (counted): the server refuses a
 *   prediction point outside 0-1. An item with shapes needs its width and height.
 * - NER offsets are UTF-16 units into the text, end exclusive: converted from the model's code points.
 * - Masks and keypoints have no Annotto task type (counted); relations only join NER spans of
 *   annotations (predictions have none).
 */
import { noun, type Noun } from '../../core/noun.js';
import { getOwn, setOwn } from '../../core/safe.js';
import type { Code } from '../../core/codes.js';
import { clipPoints, codePointsToUtf16, ellipseToRing, pointsToFractions, rotatedCorners } from '../../model/geometry.js';
import type { Annotation, Item, JsonObject } from '../../model/types.js';
import type { TaskType } from './config.js';
import type { TaskPlan } from './plan.js';

export type Loss = [Noun, number, string];

export interface Written {
  /** type -> category -> `{labels}` or `{entities}` (plus `relations` under ner, for annotations). */
  types: Partial<Record<TaskType, Record<string, JsonObject>>>;
  losses: Loss[];
  /** Scores written as proba, for the filterPredictionsMinimum check. */
  probas: number[];
  /** Classifications written without a score (proba 1). */
  probaFilled: number;
  error?: { code: Code; message: string };
}

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const SHAPES = new Set(['box', 'polygon', 'ellipse']);

/** The Annotto labels of an item; `prediction` chooses the predictions shapes. */
export function itemToAnnotto(item: Item, plan: TaskPlan, prediction: boolean): Written {
  const w: Written = { types: {}, losses: [], probas: [], probaFilled: 0 };
  const lose = (what: Noun, reason: string, n = 1): void => void w.losses.push([what, n, reason]);
  const needsSize = item.annotations.some((a) => SHAPES.has(a.kind));
  if (needsSize && !(item.width! > 0 && item.height! > 0)) {
    return { ...w, error: { code: 'ANNOTTO_NO_SIZE', message: `item ${JSON.stringify(item.id)} has shapes but no width and height: Annotto zones are fractions of the image size (give sizes in the source, or --media-root)` } };
  }
  if (item.annotations.some((a) => a.kind === 'span') && item.text === undefined) {
    return { ...w, error: { code: 'ANNOTTO_NO_TEXT', message: `item ${JSON.stringify(item.id)} has text spans but no text: Annotto counts UTF-16 units of the text, and the spans cannot be converted without it` } };
  }
  const entIds = new Map<string, number>();
  let nextEnt = 0;
  const add = (a: Annotation | string, type: TaskType, value: string, entry: JsonObject): boolean => {
    const from = typeof a === 'string' ? a : ((a.extras?.annotto as JsonObject | undefined)?.category as string | undefined);
    const placed = plan.place(type, value, from);
    if ('code' in placed) {
      w.error = placed;
      return false;
    }
    const byCat = (w.types[type] ??= {});
    // a category is data: "__proto__" too is a key of its own
    let cat = getOwn(byCat, placed.task.category) as JsonObject | undefined;
    if (!cat) setOwn(byCat, placed.task.category, (cat = type === 'classifications' ? { labels: [] } : { entities: [] }));
    (cat[type === 'classifications' ? 'labels' : 'entities'] as JsonObject[]).push(entry);
    return true;
  };
  for (const a of item.annotations) {
    if (w.error) break;
    if (a.kind === 'classification') {
      for (const value of a.labels) {
        const entry: JsonObject = { value };
        if (prediction) {
          if (a.score === undefined) w.probaFilled++;
          entry.proba = a.score ?? 1;
          w.probas.push(entry.proba as number);
        }
        if (!add(a, 'classifications', value, entry)) break;
      }
      continue;
    }
    if (a.kind === 'mask' || a.kind === 'keypoints') {
      lose(noun(a.kind === 'mask' ? 'mask' : 'keypoints annotation'), `Annotto has no ${a.kind} task (zones, NER, classifications, text only)`);
      continue;
    }
    if (a.kind === 'relation') continue; // after the spans
    // a free text has no label of its own (a Label Studio textarea): its task value is then "text"
    const value = a.kind === 'text' && (a.label === undefined || a.label === '') ? 'text' : a.label;
    if (value === undefined || value === '') {
      lose(noun(`unlabelled ${a.kind} annotation`), 'an Annotto label is a task value: one without a label has no task');
      continue;
    }
    if (a.kind === 'text') {
      const values = a.values.filter((v) => v !== '');
      if (values.length < a.values.length) lose(noun('empty text value'), 'the server refuses an empty text');
      for (const v of values) if (!add(a, 'text', value, { value, text: v })) break;
    } else if (a.kind === 'span') {
      const text = item.text!;
      const start = codePointsToUtf16(text, a.start);
      const end = codePointsToUtf16(text, a.end);
      const entry: JsonObject = prediction ? { value, start, end } : { value, start_char: start, end_char: end, ent_id: nextEnt };
      if (!prediction && a.id !== undefined) entIds.set(a.id, nextEnt);
      if (!prediction) nextEnt++;
      add(a, 'ner', value, entry);
    } else {
      for (const coords of zonesOf(a, item.width!, item.height!, lose)) if (!add(a, 'zone', value, { value, coords })) break;
    }
  }
  if (!w.error) addUnsized(item, add, lose);
  if (!w.error) addRelations(item, entIds, prediction, w, plan, lose);
  if (prediction) {
    const scored = item.annotations.filter((a) => a.kind !== 'classification' && a.kind !== 'relation' && a.score !== undefined).length;
    if (scored) lose(noun('score'), 'Annotto predictions hold a proba for classifications only', scored);
  }
  return w;
}

/** Zones read from Annotto without an image size, kept as they were. */
function unsizedZones(item: Item): JsonObject[] {
  const z = (item.extras?.annotto as JsonObject | undefined)?.zones;
  return Array.isArray(z) ? z.filter(isObj) : [];
}

/** Zones kept from Annotto without a size go back under their category, as {x, y} in 0-1. */
function addUnsized(item: Item, add: (from: string, type: TaskType, value: string, entry: JsonObject) => boolean, lose: (what: Noun, reason: string, n?: number) => void): void {
  for (const z of unsizedZones(item)) {
    const e = z.entity as JsonObject;
    const raw = (e.coords as JsonObject[]).map((p) => [p.x as number, p.y as number]);
    const coords = raw.map(([x, y]) => ({ x: Math.min(Math.max(x!, 0), 1), y: Math.min(Math.max(y!, 0), 1) }));
    if (coords.some((p, i) => p.x !== raw[i]![0] || p.y !== raw[i]![1])) lose(noun('zone moved onto the image', 'zones moved onto the image'), 'the server refuses zone points outside 0-1: points beyond the image edge were moved onto it');
    if (!add(String(z.category), 'zone', e.value as string, { value: e.value, coords })) return;
  }
}

/** The zones (lists of {x, y} in 0-1) of a shape on a w x h image. */
function zonesOf(a: Annotation, w: number, h: number, lose: (what: Noun, reason: string, n?: number) => void): { x: number; y: number }[][] {
  let rings: number[][];
  if (a.kind === 'box') rings = [rotatedCorners(a, a.rotation ?? 0).flat()];
  else if (a.kind === 'ellipse') {
    rings = [ellipseToRing(a.cx, a.cy, a.rx, a.ry, a.rotation ?? 0)];
    lose(noun('ellipse written as a polygon', 'ellipses written as polygons'), 'Annotto zones are polygons: an ellipse is written as 32 points on its outline');
  } else if (a.kind === 'polygon') {
    rings = a.rings.filter((r) => r.length >= 6);
    if (rings.length < a.rings.length) lose(noun('polygon ring of fewer than 3 points', 'polygon rings of fewer than 3 points'), 'an Annotto zone has at least 3 points', a.rings.length - rings.length);
    if (rings.length > 1) lose(noun('polygon part written as a zone of its own', 'polygon parts written as zones of their own'), 'an Annotto zone is one ring: each further part of a polygon is a zone of its own, no longer joined to the first', rings.length - 1);
  } else return [];
  return rings.map((ring) => {
    const clipped = clipPoints(ring, w, h);
    if (clipped.some((v, i) => Math.abs(v - ring[i]!) > 1e-9)) lose(noun('zone moved onto the image', 'zones moved onto the image'), 'the server refuses zone points outside 0-1: points beyond the image edge were moved onto it');
    const f = pointsToFractions(clipped, w, h);
    const pts: { x: number; y: number }[] = [];
    for (let i = 0; i + 1 < f.length; i += 2) pts.push({ x: f[i]!, y: f[i + 1]! });
    return pts;
  });
}

/** NER relations between spans written in this item (annotations only); others are counted. */
function addRelations(item: Item, entIds: Map<string, number>, prediction: boolean, w: Written, plan: TaskPlan, lose: (what: Noun, reason: string, n?: number) => void): void {
  const rels: JsonObject[] = [];
  for (const a of item.annotations) {
    if (a.kind !== 'relation') continue;
    if (prediction) {
      lose(noun('relation'), 'Annotto predictions hold no relations');
      continue;
    }
    const label = a.labels?.[0] ?? a.label;
    const src = entIds.get(a.direction === 'left' ? a.to : a.from);
    const dest = entIds.get(a.direction === 'left' ? a.from : a.to);
    if (src === undefined || dest === undefined) lose(noun('relation'), 'Annotto relations join two NER spans of the item');
    else if (label === undefined || label === '') lose(noun('unlabelled relation'), 'the server drops a relation without a label');
    else {
      if ((a.labels?.length ?? 0) > 1) lose(noun('further relation label'), 'an Annotto relation has one label', a.labels!.length - 1);
      if (a.direction === 'bi') lose(noun('relation direction (both ways)', 'relation directions (both ways)'), 'an Annotto relation goes from src to dest');
      plan.relation(label);
      rels.push({ label, src, dest });
    }
  }
  if (!rels.length) return;
  if (!w.types.ner) w.types.ner = {};
  setOwn(w.types.ner, 'relations', rels);
}
