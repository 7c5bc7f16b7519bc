/**
 * Which Annotto task each label written goes to. With `--annotto-config` the config decides (a
 * label must be a task value of the right type); without, tasks are made as labels come: the
 * category is the one the label was read under (from Annotto), else `--annotto-category`, else a
 * name per type. A task value names one task in a project, so a label keeps the category it got
 * first, and a label already used for another type is refused; a category holds one type, so a
 * category name taken by another type (case-insensitively, as the server compares them) gets the
 * type after it.
 */
import type { ProjectConfig, Task, TaskType } from './config.js';

const DEFAULT_CATEGORY: Record<TaskType, string> = { classifications: 'Classification', ner: 'Entities', zone: 'Zones', text: 'Text' };

export type Placement = { task: Task } | { code: 'ANNOTTO_TASK_UNKNOWN' | 'ANNOTTO_VALUE_TAKEN'; message: string };

export class TaskPlan {
  private readonly byValue = new Map<string, Task>();
  private readonly categoryType = new Map<string, TaskType>();
  private readonly used: Task[] = [];
  /** Relation labels written, in first-use order. */
  readonly relationLabels: string[] = [];

  constructor(
    readonly config: ProjectConfig | undefined,
    private readonly categoryName: string | undefined,
  ) {
    for (const t of config?.tasks ?? []) this.byValue.set(t.value, t);
  }

  /** The task for a label of `type`; `from` is the category it was read under, if any. */
  place(type: TaskType, value: string, from?: string): Placement {
    const known = this.byValue.get(value);
    if (this.config) {
      if (!known) return { code: 'ANNOTTO_TASK_UNKNOWN', message: `label ${JSON.stringify(value)} is no task value of the --annotto-config project` };
      if (known.type !== type) return { code: 'ANNOTTO_TASK_UNKNOWN', message: `label ${JSON.stringify(value)} is a ${known.type} task in the --annotto-config project, not ${type}` };
      return { task: known };
    }
    if (known) {
      if (known.type !== type) return { code: 'ANNOTTO_VALUE_TAKEN', message: `label ${JSON.stringify(value)} is already a ${known.type} task: a task value names one task of a project, so it cannot also be ${type}` };
      return { task: known };
    }
    const task: Task = { category: this.categoryFor(type, from ?? this.categoryName ?? DEFAULT_CATEGORY[type]), type, value, label: value };
    this.byValue.set(value, task);
    this.used.push(task);
    return { task };
  }

  /** Notes a relation label written. */
  relation(label: string): void {
    if (!this.relationLabels.includes(label)) this.relationLabels.push(label);
  }

  /** The tasks made from the labels written, in first-use order (none with a config). */
  tasks(): readonly Task[] {
    return this.used;
  }

  private categoryFor(type: TaskType, name: string): string {
    let n = name;
    for (let i = 1; ; i++) {
      const key = n.toLowerCase();
      const t = this.categoryType.get(key);
      if (t === undefined) this.categoryType.set(key, type);
      if (t === undefined || t === type) return n;
      n = i === 1 ? `${name} (${type})` : `${name} (${type} ${i})`;
    }
  }
}
