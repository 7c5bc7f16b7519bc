/**
 * Choosing the annotation sets an item keeps for a target that holds one set per item (ground
 * truth: COCO, YOLO, VOC, CSV, ...): `--annotations latest|first|all|author=EMAIL|id=N` and
 * `--predictions exclude|include|only`. Pure functions over the model; core/before-write.ts runs
 * them before each write and counts what they drop.
 *
 * The sets are the item's `sets` (a source that lists them, e.g. Label Studio's annotations and
 * predictions, empty and cancelled ones included), plus any `group` of its annotations they do not
 * list. An item whose annotations name no group and that lists no sets has nothing to choose
 * from (COCO, YOLO, VOC sources): it is left as it is.
 */
import type { AnnotationSet, Item } from '../model/types.js';
import { AnnoconvError, diag } from './diagnostics.js';

/** Which of the candidate sets `--annotations` keeps. */
export type SetRule = { by: 'latest' } | { by: 'first' } | { by: 'all' } | { by: 'author'; author: string } | { by: 'id'; id: string };

/** Which sets are candidates: annotations only (exclude), predictions too (include), predictions only. */
export type PredictionRule = 'exclude' | 'include' | 'only';

/** The user's choice as given (CLI flags, library options); an absent field takes its default. */
export interface SetChoice {
  /** `latest` (default), `first`, `all`, `author=EMAIL` or `id=N`. */
  annotations?: string;
  /** `exclude` (default), `include` or `only`. */
  predictions?: string;
}

const usage = (message: string): never => {
  throw new AnnoconvError(diag('OPTION_INVALID', message), 2);
};

/** `--annotations` parsed; anything else is a usage error (exit 2). */
export function parseSetRule(s: string | undefined): SetRule {
  if (s === undefined || s === 'latest') return { by: 'latest' };
  if (s === 'first' || s === 'all') return { by: s };
  const m = /^(author|id)=(.+)$/.exec(s);
  if (m) return m[1] === 'author' ? { by: 'author', author: m[2]! } : { by: 'id', id: m[2]! };
  return usage(`--annotations takes latest, first, all, author=EMAIL or id=N; got ${JSON.stringify(s)}`);
}

/** `--predictions` parsed; anything else is a usage error (exit 2). */
export function parsePredictionRule(s: string | undefined): PredictionRule {
  if (s === undefined) return 'exclude';
  if (s === 'exclude' || s === 'include' || s === 'only') return s;
  return usage(`--predictions takes exclude, include or only; got ${JSON.stringify(s)}`);
}

/** Checks a choice (usage errors, exit 2) and returns it as given. */
export function checkSetChoice(c: SetChoice | undefined): SetChoice | undefined {
  if (c === undefined) return undefined;
  parseSetRule(c.annotations);
  parsePredictionRule(c.predictions);
  return c;
}

/** What choosing left out, by reason. */
export interface SetsDropped {
  /** Candidates `--annotations` did not choose. */
  other: number;
  /** Prediction sets left out by `--predictions exclude`. */
  predictions: number;
  /** Annotation sets left out by `--predictions only`. */
  annotations: number;
  /** Sets their annotators skipped or cancelled. */
  cancelled: number;
}

/** The item's sets: those it lists, then the groups of its annotations it does not list. */
export function setsOf(item: Item): AnnotationSet[] {
  const sets = item.sets ? [...item.sets] : [];
  const listed = new Set(sets.map((s) => s.group));
  // annotations without a group are a set of their own only beside annotations with one
  const grouped = item.annotations.some((a) => a.group !== undefined);
  if (!grouped && !sets.length) return sets;
  for (const a of item.annotations) {
    const group = a.group ?? '';
    if (listed.has(group)) continue;
    listed.add(group);
    sets.push({ group, origin: a.origin ?? 'annotation', ...(a.author !== undefined ? { author: a.author } : {}), ...(a.createdAt !== undefined ? { createdAt: a.createdAt } : {}) });
  }
  return sets;
}

/** Sets without a time count as older than any with one; file order breaks ties. */
function rank(sets: AnnotationSet[]): { set: AnnotationSet; time: number; index: number }[] {
  return sets.map((set, index) => {
    const t = set.createdAt === undefined ? NaN : Date.parse(set.createdAt);
    return { set, time: Number.isNaN(t) ? -Infinity : t, index };
  });
}

function newest(sets: AnnotationSet[]): AnnotationSet[] {
  const r = rank(sets);
  if (!r.length) return [];
  return [r.reduce((a, b) => (b.time > a.time || (b.time === a.time && b.index > a.index) ? b : a)).set];
}

function oldest(sets: AnnotationSet[]): AnnotationSet[] {
  const r = rank(sets);
  if (!r.length) return [];
  return [r.reduce((a, b) => (b.time < a.time ? b : a)).set];
}

function choose(candidates: AnnotationSet[], rule: SetRule): AnnotationSet[] {
  switch (rule.by) {
    case 'all':
      return candidates;
    case 'latest':
      return newest(candidates);
    case 'first':
      return oldest(candidates);
    case 'author': {
      // e-mail addresses compare without case; an annotator with several sets gives the latest
      const who = rule.author.toLowerCase();
      return newest(candidates.filter((s) => s.author?.toLowerCase() === who));
    }
    case 'id':
      return candidates.filter((s) => s.id === rule.id);
  }
}

/**
 * The item with the annotations of the chosen sets only (its `sets` and `unplaced` to match), and
 * what was left out. An item with nothing to choose from comes back as it is.
 */
export function pickSets(item: Item, rule: SetRule, predictions: PredictionRule): { item: Item; dropped: SetsDropped } {
  const dropped: SetsDropped = { other: 0, predictions: 0, annotations: 0, cancelled: 0 };
  const sets = setsOf(item);
  if (!sets.length) return { item, dropped };
  const candidates: AnnotationSet[] = [];
  for (const s of sets) {
    const prediction = s.origin === 'prediction';
    if (prediction && predictions === 'exclude') dropped.predictions++;
    else if (!prediction && predictions === 'only') dropped.annotations++;
    else if (s.cancelled === true) dropped.cancelled++;
    else candidates.push(s);
  }
  const chosen = choose(candidates, rule);
  dropped.other = candidates.length - chosen.length;
  if (chosen.length === sets.length) return { item, dropped };
  const kept = new Set(chosen.map((s) => s.group));
  const out: Item = { ...item, annotations: item.annotations.filter((a) => kept.has(a.group ?? '')) };
  if (item.sets) out.sets = item.sets.filter((s) => kept.has(s.group));
  // shapes the sets do not account for stay counted
  if (sets.some((s) => s.unplaced !== undefined)) {
    const unplaced = chosen.reduce((n, s) => n + (s.unplaced ?? 0), 0);
    if (unplaced) out.unplaced = unplaced;
    else delete out.unplaced;
  }
  return { item: out, dropped };
}
