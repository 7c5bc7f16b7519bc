/**
 * An annotations line against the project config, as the import checks it (core/projects
 * validateTasksAndAddObject): each value a task value (found by value alone), each category's
 * count within the min/max of its last task, each relation label in an `entitiesRelationsGroup`
 * and each group's count within its min/max (checked only when the line has relations). Any
 * failure makes the server refuse the whole file.
 */
import type { Code } from '../../core/codes.js';
import type { Place } from '../../core/diagnostics.js';
import type { JsonObject } from '../../model/types.js';
import { categoryBounds, type ProjectConfig } from './config.js';
import { at } from './read-common.js';

type Fail = (p: Place, message: string, code?: Code, severity?: 'error' | 'warning') => void;

export function checkAgainstConfig(config: ProjectConfig, annotation: JsonObject, place: Place, fail: Fail): void {
  const byValue = new Map(config.tasks.map((t) => [t.value, t]));
  const counts = new Map<string, number>();
  for (const [type, cats] of Object.entries(annotation)) {
    for (const [category, cat] of Object.entries(cats as JsonObject)) {
      if (type === 'ner' && category === 'relations') continue;
      const key = type === 'classifications' ? 'labels' : 'entities';
      ((cat as JsonObject)[key] as JsonObject[]).forEach((e, i) => {
        const task = byValue.get(e.value as string);
        if (!task) return fail(at(place, 'annotation', type, category, key, i, 'value'), `${JSON.stringify(e.value)} is no task value of the --annotto-config project`, 'ANNOTTO_TASK_UNKNOWN');
        counts.set(task.category, (counts.get(task.category) ?? 0) + 1);
      });
    }
  }
  for (const [category, b] of categoryBounds(config)) {
    const n = counts.get(category) ?? 0;
    if (b.min !== undefined && n < b.min) fail(at(place, 'annotation'), `category ${JSON.stringify(category)} has ${n} annotation(s), its min is ${b.min}`, 'ANNOTTO_TASK_COUNT');
    if (b.max !== undefined && n > b.max) fail(at(place, 'annotation'), `category ${JSON.stringify(category)} has ${n} annotation(s), its max is ${b.max}`, 'ANNOTTO_TASK_COUNT');
  }
  checkRelationsAgainst(config, annotation, place, fail);
}

function checkRelationsAgainst(config: ProjectConfig, annotation: JsonObject, place: Place, fail: Fail): void {
  const ner = annotation.ner as JsonObject | undefined;
  const rels = (ner?.relations as JsonObject[] | undefined) ?? [];
  const ids = new Set<number>();
  for (const [k, cat] of Object.entries(ner ?? {})) if (k !== 'relations') for (const e of (cat as JsonObject).entities as JsonObject[]) ids.add(e.ent_id as number);
  // the server drops relations without both ends first, silently
  const kept = rels.map((r, i) => [r, i] as const).filter(([r]) => ids.has(r.src as number) && ids.has(r.dest as number));
  for (const [r, i] of rels.map((r, i) => [r, i] as const)) {
    if (!kept.some(([k]) => k === r)) fail(at(place, 'annotation', 'ner', 'relations', i), `relation ${r.src} -> ${r.dest}: no entity of the line has that ent_id (the server drops it)`, 'ANNOTTO_RELATION_DANGLING', 'warning');
  }
  if (!kept.length) return;
  for (const [r, i] of kept) {
    if (!config.relationGroups.some((g) => g.values.has(r.label as string))) fail(at(place, 'annotation', 'ner', 'relations', i, 'label'), `relation label ${JSON.stringify(r.label)} is in no entitiesRelationsGroup of the --annotto-config project`, 'ANNOTTO_TASK_UNKNOWN');
  }
  for (const g of config.relationGroups) {
    const n = kept.filter(([r]) => g.values.has(r.label as string)).length;
    if (g.min && n < g.min) fail(at(place, 'annotation', 'ner', 'relations'), `relation group ${JSON.stringify(g.name)} has ${n} relation(s), its min is ${g.min}`, 'ANNOTTO_TASK_COUNT');
    if (g.max && n > g.max) fail(at(place, 'annotation', 'ner', 'relations'), `relation group ${JSON.stringify(g.name)} has ${n} relation(s), its max is ${g.max}`, 'ANNOTTO_TASK_COUNT');
  }
}
