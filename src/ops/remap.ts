/**
 * `annoconv remap`: rename, merge and drop labels, in any format, streaming.
 *
 * The map is a JSON object `{"car": "vehicle", "truck": "vehicle", "bus": null}` (null or "" drops
 * the label) or a two-column CSV `from,to` (an empty `to` drops; a first row `from,to` or
 * `source,target` is a header). Labels the map does not name are kept (`unmapped: 'keep'`),
 * dropped with their annotations, or refuse their item (`'error'`, LABEL_UNMAPPED).
 * The dataset's categories follow: a renamed category keeps its id, categories merged into one name
 * become the first of them (its id), a dropped category goes, and each annotation's category id
 * follows its new label, so COCO and YOLO writers number classes from the new list.
 */
import { parse } from 'csv-parse/sync';
import type { Annotation, Category, Dataset, Item } from '../model/types.js';
import type { ItemTransform } from '../core/pipeline.js';
import { AnnoconvError, diag } from '../core/diagnostics.js';
import { noun } from '../core/noun.js';
import { readOptionFile } from '../core/option-files.js';
import { ChangeCounter, runOperation, type OperationParams, type OperationResult } from './operation.js';

/** Old label -> new label, or null to drop. */
export type LabelMap = ReadonlyMap<string, string | null>;
export type Unmapped = 'keep' | 'drop' | 'error';

const bad = (path: string, why: string): AnnoconvError => new AnnoconvError(diag('LABEL_MAP_INVALID', `--labels ${path}: ${why}`, { file: path }), 2);

/** Parses a label map (JSON object or two-column CSV); a bad one is a usage error (exit 2). */
export function parseLabelMap(text: string, path: string): LabelMap {
  const t = text.trim();
  const map = new Map<string, string | null>();
  if (t.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch (e) {
      throw bad(path, `not valid JSON (${(e as Error).message})`);
    }
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
      if (v !== null && typeof v !== 'string') throw bad(path, `the value of ${JSON.stringify(k)} must be a label name or null`);
      map.set(k, v === null || v === '' ? null : v);
    }
    return map;
  }
  let rows: string[][];
  try {
    rows = parse(t, { relax_column_count: false, skip_empty_lines: true, trim: true, bom: true });
  } catch (e) {
    throw bad(path, `neither a JSON object nor a CSV table (${(e as Error).message})`);
  }
  rows.forEach((r, i) => {
    if (r.length !== 2) throw bad(path, `row ${i + 1} has ${r.length} columns: give two, from and to`);
    const [from, to] = r as [string, string];
    if (i === 0 && /^(from|source)$/i.test(from) && /^(to|target)$/i.test(to)) return;
    if (map.has(from) && map.get(from) !== (to === '' ? null : to)) throw bad(path, `${JSON.stringify(from)} is mapped twice, to different labels`);
    map.set(from, to === '' ? null : to);
  });
  if (map.size === 0) throw bad(path, 'it maps no label');
  return map;
}

/** Reads and parses the map file (regular file, at most 64 MiB). */
export async function readLabelMap(path: string): Promise<LabelMap> {
  return parseLabelMap(await readOptionFile('labelMap', path), path);
}

const ANNOTATION = noun('annotation');

/** The remap steps: categories (header) and each item's annotations. */
export function remapSteps(map: LabelMap, unmapped: Unmapped, changes: ChangeCounter): { transform: ItemTransform; transformDataset: (d: Dataset) => Dataset } {
  // new label -> category id, from the header once it is seen
  const ids = new Map<string, number>();
  const target = (label: string): string | null | undefined => (map.has(label) ? map.get(label)! : unmapped === 'keep' ? label : unmapped === 'drop' ? null : undefined);
  const transformDataset = (d: Dataset): Dataset => {
    const categories: Category[] = [];
    for (const c of d.categories) {
      const name = map.has(c.name) ? map.get(c.name)! : unmapped === 'drop' ? null : c.name;
      if (name === null) continue;
      if (ids.has(name)) continue; // merged into the first category of that name
      ids.set(name, c.id);
      categories.push(name === c.name ? c : { ...c, name });
    }
    return { ...d, categories };
  };
  const transform: ItemTransform = (item: Item, place, report): Item | undefined => {
    let changed = false;
    const out: Annotation[] = [];
    for (const a of item.annotations) {
      if (a.kind === 'classification' && a.label === undefined) {
        const labels: string[] = [];
        for (const l of a.labels) {
          const t = target(l);
          if (t === undefined) return refuse(l);
          if (t !== null && !labels.includes(t)) labels.push(t);
        }
        if (labels.length === 0) {
          changes.add(ANNOTATION, 'dropped with their label');
          changed = true;
          continue;
        }
        if (labels.join('\u0000') !== a.labels.join('\u0000')) {
          changes.add(ANNOTATION, 'relabelled');
          changed = true;
          out.push({ ...a, labels });
        } else out.push(a);
        continue;
      }
      if (a.label === undefined) {
        out.push(a);
        continue;
      }
      const t = target(a.label);
      if (t === undefined) return refuse(a.label);
      if (t === null) {
        changes.add(ANNOTATION, 'dropped with their label');
        changed = true;
        continue;
      }
      if (t === a.label) {
        out.push(a);
        continue;
      }
      changes.add(ANNOTATION, 'relabelled');
      changed = true;
      const { categoryId: _old, ...rest } = a;
      const id = ids.get(t);
      out.push({ ...rest, label: t, ...(id !== undefined ? { categoryId: id } : {}) } as Annotation);
    }
    return changed ? { ...item, annotations: out } : item;

    function refuse(label: string): undefined {
      report(diag('LABEL_UNMAPPED', `label ${JSON.stringify(label)} is not in the --labels map (--unmapped error)`, place));
      return undefined;
    }
  };
  return { transform, transformDataset };
}

/** Remaps the labels of an input (any readable format) into an output, by default of the same format. */
export async function remap(params: OperationParams & { labels: LabelMap; unmapped?: Unmapped }): Promise<OperationResult> {
  const changes = new ChangeCounter();
  return runOperation(params, remapSteps(params.labels, params.unmapped ?? 'keep', changes), changes);
}
