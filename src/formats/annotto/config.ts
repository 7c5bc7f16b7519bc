/**
 * The Annotto project config (`config.json`, the `project` file of a project import) as far as
 * labels go: its `type` and its `tasks`, each a `value` (what predictions and annotations name)
 * in a `category` (a group shown together) of one task `type`.
 *
 * Server facts this mirrors (src/router/validation/project.ts, src/core/projects):
 * - `name`, `client`, `type` and each task's `category`, `value`, `label`, `type` are required by
 *   the config schema; task values, labels and hotkeys must each be unique in the project.
 * - Predictions name a category (matched case-insensitively, the first task of it gives the type);
 *   annotations are matched to a task by value alone, whatever their category.
 * - min/max of a category are those of its last task (the server builds its counts that way).
 * - `filterPredictionsMinimum` hides classification predictions whose proba is not above it
 *   (0.4 when the config has none).
 */
import { readOptionFile } from '../../core/option-files.js';
import { AnnoconvError, diag } from '../../core/diagnostics.js';
import type { JsonObject } from '../../model/types.js';

export type TaskType = 'classifications' | 'ner' | 'zone' | 'text';
export const TASK_TYPES: readonly TaskType[] = ['classifications', 'ner', 'zone', 'text'];

/** The server's default for `filterPredictionsMinimum` (the project model's default). */
export const DEFAULT_FILTER_MINIMUM = 0.4;

export interface Task {
  category: string;
  type: TaskType;
  value: string;
  label: string;
}

export interface ProjectConfig {
  /** The file as read (written back by --config-out without its s3 block). */
  raw: JsonObject;
  type?: string;
  tasks: Task[];
  filterMinimum: number;
  /** Relation labels of `entitiesRelationsGroup`, with each group's min/max. */
  relationGroups: { name: string; values: Set<string>; min?: number; max?: number }[];
}

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads and checks `--annotto-config`; a problem is a usage error (exit 2) naming the option. */
export async function loadProjectConfig(path: string): Promise<ProjectConfig> {
  const text = await readOptionFile('annottoConfig', path);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw bad(path, 'not valid JSON');
  }
  return parseProjectConfig(doc, (m) => bad(path, m));
}

function bad(path: string, message: string): AnnoconvError {
  return new AnnoconvError(diag('OPTION_INVALID', `--annotto-config ${path}: ${message}`, { file: path }), 2);
}

/** A config object checked as far as labels need it; `fail` makes the error to throw. */
export function parseProjectConfig(doc: unknown, fail: (message: string) => Error): ProjectConfig {
  if (!isObj(doc)) throw fail('a project config is a JSON object');
  if (!Array.isArray(doc.tasks)) throw fail('it has no tasks list: predictions and annotations name its tasks');
  const tasks: Task[] = [];
  const seen = { value: new Map<string, number>(), label: new Map<string, number>(), hotkey: new Map<string, number>() };
  doc.tasks.forEach((t, i) => {
    if (!isObj(t)) throw fail(`tasks[${i}] is not an object`);
    for (const k of ['category', 'value', 'label', 'type'] as const) {
      if (typeof t[k] !== 'string' || t[k] === '') throw fail(`tasks[${i}].${k} must be a non-empty string`);
    }
    if (!TASK_TYPES.includes(t.type as TaskType)) throw fail(`tasks[${i}].type ${JSON.stringify(t.type)} is none of ${TASK_TYPES.join(', ')}`);
    for (const k of ['value', 'label', 'hotkey'] as const) {
      const v = t[k];
      if (typeof v !== 'string' || v === '') continue;
      const first = seen[k].get(v);
      if (first !== undefined) throw fail(`tasks[${i}].${k} ${JSON.stringify(v)} is already tasks[${first}]'s (the server wants each ${k} once)`);
      seen[k].set(v, i);
    }
    tasks.push({ category: t.category as string, type: t.type as TaskType, value: t.value as string, label: t.label as string });
  });
  const fpm = doc.filterPredictionsMinimum;
  if (fpm !== undefined && (typeof fpm !== 'number' || fpm < 0 || fpm > 1)) throw fail('filterPredictionsMinimum must be a number from 0 to 1');
  const relationGroups = (Array.isArray(doc.entitiesRelationsGroup) ? doc.entitiesRelationsGroup : []).filter(isObj).map((g) => ({
    name: String(g.name),
    values: new Set((Array.isArray(g.values) ? g.values : []).filter(isObj).map((v) => String(v.value))),
    ...(typeof g.min === 'number' ? { min: g.min } : {}),
    ...(typeof g.max === 'number' ? { max: g.max } : {}),
  }));
  return { raw: doc, ...(typeof doc.type === 'string' ? { type: doc.type } : {}), tasks, filterMinimum: typeof fpm === 'number' ? fpm : DEFAULT_FILTER_MINIMUM, relationGroups };
}

/** The task a prediction category names (case-insensitive, the first task of it), as the server finds it. */
export function taskOfCategory(config: ProjectConfig, category: string): Task | undefined {
  const key = category.toLowerCase();
  return config.tasks.find((t) => t.category.toLowerCase() === key);
}

/** min/max of each category: those of its last task, as the server counts them. */
export function categoryBounds(config: ProjectConfig): Map<string, { min?: number; max?: number }> {
  const out = new Map<string, { min?: number; max?: number }>();
  const raw = config.raw.tasks as JsonObject[];
  raw.forEach((t) => {
    out.set(t.category as string, {
      ...(typeof t.min === 'number' && t.min ? { min: t.min } : {}),
      ...(typeof t.max === 'number' && t.max ? { max: t.max } : {}),
    });
  });
  return out;
}
