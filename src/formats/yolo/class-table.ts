/**
 * The class ids a YOLO writer gives, kept rather than compacted:
 * - The dataset's categories are all classes, used or not. Ids from 0 (a YOLO source, or any list
 *   that counts from 0) are the class ids as they are; ids that do not start at 0 (COCO counts
 *   from 1) become 0..n-1 in id order, said once in a YOLO_CLASS_MAP note ("1..80 -> 0..79",
 *   Ultralytics' own 80 COCO classes). A label no category has gets the next free id.
 * - An id below the highest that has no category is named `class_<id>` (YOLO_CLASS_UNNAMED):
 *   Ultralytics refuses a names map whose ids are not 0..n-1, and a blank line would be read as
 *   a slot by darknet and the Label Studio SDK but skipped (shifting the ids) by datumaro.
 * - The label wins over the categoryId when they disagree (a label edited with jq): the annotation
 *   goes to the label's class and MODEL_LABEL_CATEGORY_MISMATCH names the change, once a pair.
 * - Two categories with one name stay two classes (MODEL_CATEGORY_NAME_REPEATED); an annotation
 *   with only the name goes to the first.
 */
import { diag, type DiagnosticSink, type Place } from '../../core/diagnostics.js';
import type { Annotation, Category } from '../../model/types.js';
import { unnamedClass } from './classes.js';

/** Above this, category ids from 0 are mapped like others: placeholders would outnumber the names. */
const MAX_KEPT_ID = 10_000;

export class ClassTable {
  private readonly names = new Map<number, string>();
  private readonly byName = new Map<string, number>();
  /** Category id -> class id and the category's name. */
  private readonly categories = new Map<number, { cls: number; name: string }>();
  private readonly warned = new Set<string>();
  private next = 0;

  constructor(private readonly report: DiagnosticSink) {}

  /** Takes the dataset's categories as the classes (ids kept, or mapped when they do not start at 0). */
  setCategories(list: readonly Category[]): void {
    const seen = new Set<number>();
    const cats = [...list].sort((a, b) => a.id - b.id).filter((c) => !seen.has(c.id) && seen.add(c.id));
    if (cats.length === 0) return;
    const keep = cats[0]!.id === 0 && cats[cats.length - 1]!.id <= MAX_KEPT_ID;
    const firstOfName = new Map<string, Category>();
    cats.forEach((c, rank) => {
      const cls = keep ? c.id : rank;
      this.categories.set(c.id, { cls, name: c.name });
      const first = firstOfName.get(c.name);
      if (first) this.warnOnce(`name\0${c.name}`, diag('MODEL_CATEGORY_NAME_REPEATED', `categories ${first.id} and ${c.id} are both named ${JSON.stringify(c.name)}: kept apart as classes ${this.categories.get(first.id)!.cls} and ${cls}`));
      else firstOfName.set(c.name, c);
      this.add(cls, c.name);
    });
    if (!keep) this.report(diag('YOLO_CLASS_MAP', `category ids ${describeMap(cats.map((c) => c.id))} (YOLO class ids count from 0 and are the names' indices)`));
  }

  /** Whether an annotation has a class: a label, or a categoryId of a known category. */
  has(a: Annotation): boolean {
    return a.label !== undefined || (a.categoryId !== undefined && this.categories.has(a.categoryId));
  }

  /** The class id of an annotation (see {@link has}); the label wins over a categoryId naming another. */
  classOf(a: Annotation, place: Place): number {
    const byId = a.categoryId !== undefined ? this.categories.get(a.categoryId) : undefined;
    if (a.label === undefined) return byId!.cls;
    if (byId && byId.name === a.label) return byId.cls;
    const cls = this.byName.get(a.label) ?? this.add(this.next, a.label);
    if (byId) {
      const msg = `label ${JSON.stringify(a.label)} differs from the name of its category ${a.categoryId} (${JSON.stringify(byId.name)}, class ${byId.cls}): written as class ${cls} ${JSON.stringify(a.label)}, the label wins`;
      this.warnOnce(`label\0${a.categoryId}\0${a.label}`, diag('MODEL_LABEL_CATEGORY_MISMATCH', msg, place));
    }
    return cls;
  }

  /** Every class name by id, 0 to the highest, and the ids that had no name (named `class_<id>`). */
  list(): { names: string[]; unnamed: number[] } {
    const names: string[] = [];
    const unnamed: number[] = [];
    let max = -1;
    for (const id of this.names.keys()) if (id > max) max = id;
    for (let id = 0; id <= max; id++) {
      const n = this.names.get(id);
      if (n === undefined) unnamed.push(id);
      names.push(n ?? unnamedClass(id));
    }
    return { names, unnamed };
  }

  private add(cls: number, name: string): number {
    if (!this.names.has(cls)) this.names.set(cls, name);
    if (!this.byName.has(name)) this.byName.set(name, cls);
    if (cls >= this.next) this.next = cls + 1;
    return cls;
  }

  private warnOnce(key: string, d: ReturnType<typeof diag>): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.report(d);
  }
}

/** `1..80 -> class ids 0..79`, or the pairs (`1, 2, 4 -> class ids 0, 1, 2`), shortened past 12. */
export function describeMap(ids: readonly number[]): string {
  const n = ids.length;
  const contiguous = ids.every((id, i) => id === ids[0]! + i);
  if (n === 1) return `${ids[0]} -> class id 0`;
  if (contiguous) return `${ids[0]}..${ids[n - 1]} -> class ids 0..${n - 1}`;
  const shown = ids.slice(0, 12).map((id, i) => `${id} -> ${i}`).join(', ');
  return `mapped to class ids in their order: ${shown}${n > 12 ? `, ... (${n} in all, the last ${ids[n - 1]} -> ${n - 1})` : ''}`;
}
