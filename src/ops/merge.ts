/**
 * `annoconv merge`: the items of several inputs (any readable formats) as one output.
 *
 * Categories are reconciled by name: the first input's keep their ids; a later input's category
 * of a name already seen takes that category's id, a new name keeps its id when it is free and
 * gets the next free id otherwise (MERGE_CATEGORY_RENUMBERED says which), and every annotation's
 * category id follows. Items are the same item when they have the same media URL, else the same
 * path (COCO `file_name`), else the same id. A later copy is, by `onDuplicate`:
 * - `merge`: united with the first (its annotations appended, its annotation sets kept apart by
 *   a suffix `@N`, N the input's number, so that two annotators never become one set). The
 *   inputs are read twice: once to find the keys that repeat, once to write; only items whose key
 *   repeats are held until the end, so memory grows with those, not with the inputs;
 * - `rename`: kept as an item of its own, its id suffixed `-N` when the id is taken;
 * - `error`: refused (MERGE_DUPLICATE_ITEM, exit 1).
 */
import type { Annotation, AnnotationSet, Category, Dataset, Item } from '../model/types.js';
import type { FormatReader, ReadContext, ReadEvent } from '../core/format.js';
import { openInput } from '../core/io.js';
import { defaultOptions } from '../core/options.js';
import { resolveFormat } from '../core/detect.js';
import { IdSet } from '../core/idset.js';
import { diag, type Place } from '../core/diagnostics.js';
import { convertFromReader, type ConvertParams, type RunResult } from '../core/run.js';
import { ChangeCounter, type Change } from './operation.js';
import { noun } from '../core/noun.js';
import { sumSummaries, type SummaryTotals } from './summaries.js';

export type OnDuplicate = 'merge' | 'rename' | 'error';

export interface MergeParams extends Omit<ConvertParams, 'input' | 'from' | 'transform' | 'transformDataset' | 'wrapWriter'> {
  /** Input paths, read in this order. */
  inputs: string[];
  /** One format for every input, or one per input; detected when absent. */
  from?: string | string[];
  onDuplicate?: OnDuplicate;
  /**
   * `--summary` files of the runs that wrote the inputs (the shards of one input): added up into
   * `totals` (ops/summaries.ts). Read before anything else: a bad one is a usage error.
   */
  summaries?: string[];
}

export interface MergeResult extends RunResult {
  changes: Change[];
  /** The added-up accounting of `summaries`. */
  totals?: SummaryTotals;
}

/** The identity of an item across inputs. */
export const itemKey = (item: Item): string => (item.url !== undefined ? 'u:' + item.url : item.path !== undefined ? 'p:' + item.path : 'i:' + item.id);

/** Categories by name across inputs. */
class CategoryTable {
  private readonly byName = new Map<string, Category>();
  private readonly used = new Set<number>();
  readonly list: Category[] = [];

  /** Adds an input's categories; returns its id -> merged id, and the renumbered ones. */
  add(cats: readonly Category[]): { ids: Map<number, number>; renumbered: [Category, number][] } {
    const ids = new Map<number, number>();
    const renumbered: [Category, number][] = [];
    for (const c of cats) {
      const same = this.byName.get(c.name);
      if (same) {
        ids.set(c.id, same.id);
        if (same.id !== c.id) renumbered.push([c, same.id]);
        continue;
      }
      let id = c.id;
      if (this.used.has(id)) {
        id = Math.max(0, ...this.used) + 1;
        renumbered.push([c, id]);
      }
      const merged = id === c.id ? c : { ...c, id };
      this.byName.set(c.name, merged);
      this.used.add(id);
      this.list.push(merged);
      ids.set(c.id, id);
    }
    return { ids, renumbered };
  }
}

const suffixGroup = (g: string | undefined, n: number): string | undefined => (g === undefined ? undefined : `${g}@${n}`);

/**
 * The later copy's annotations and sets, their groups and ids suffixed with the input's number
 * (ids too: annotations sharing an id are one object to COCO).
 */
function apart(item: Item, n: number): { annotations: Annotation[]; sets: AnnotationSet[] | undefined } {
  const ref = (id: string | undefined): string | undefined => (id === undefined ? undefined : `${id}@${n}`);
  const annotations = item.annotations.map((a): Annotation => {
    const b: Annotation = { ...a };
    if (a.group !== undefined) b.group = suffixGroup(a.group, n)!;
    if (a.id !== undefined) b.id = ref(a.id)!;
    if (a.parent !== undefined) b.parent = ref(a.parent)!;
    if (b.kind === 'relation' && a.kind === 'relation') {
      b.from = ref(a.from)!;
      b.to = ref(a.to)!;
    }
    return b;
  });
  const sets = item.sets?.map((s) => ({ ...s, group: suffixGroup(s.group, n)! }));
  return { annotations, sets };
}

/** Reads every input in turn with its own format's reader. */
async function* eachInput(params: MergeParams, ctx: ReadContext): AsyncGenerator<{ index: number; events: ReadEvent[] }> {
  const options = defaultOptions(params.options);
  const froms = Array.isArray(params.from) ? params.from : params.inputs.map(() => params.from as string | undefined);
  for (let i = 0; i < params.inputs.length; i++) {
    const source = await openInput(params.inputs[i], { maxInflatedSize: options.maxInflatedSize });
    const desc = await resolveFormat(source, froms[i], 'read');
    const impl = await desc.load();
    const { serializer: _s, ...rest } = ctx;
    for await (const events of impl.read!(source, { ...rest, file: source.name, materialize: true })) yield { index: i, events };
  }
}

/** Merges inputs into one output (see the module comment). */
export async function merge(params: MergeParams): Promise<MergeResult> {
  const onDuplicate = params.onDuplicate ?? 'merge';
  const totals = params.summaries?.length ? await sumSummaries(params.summaries, params.onDiagnostic ?? (() => undefined)) : undefined;
  const changes = new ChangeCounter();
  const read: FormatReader = async function* (_input, ctx) {
    // pass 1 (merge only): which keys repeat
    const repeated = new Set<string>(); // only the keys that repeat: few
    if (onDuplicate === 'merge') {
      const seen = new IdSet();
      const quiet: ReadContext = { ...ctx, report: () => undefined };
      for await (const { events } of eachInput(params, quiet))
        for (const ev of events) if (ev.type === 'item' && seen.add(itemKey(ev.item))) repeated.add(itemKey(ev.item));
    }
    const cats = new CategoryTable();
    const seenKeys = new IdSet();
    const seenIds = new IdSet();
    const held = new Map<string, { item: Item; place: Place }>();
    let ids = new Map<number, number>();
    let current = -1;
    for await (const { index, events } of eachInput(params, ctx)) {
      const n = index + 1;
      if (index !== current) {
        current = index;
        ids = new Map();
      }
      const out: ReadEvent[] = [];
      for (const ev of events) {
        if (ev.type === 'dataset') {
          const r = cats.add(ev.dataset.categories);
          ids = r.ids;
          for (const [c, id] of r.renumbered)
            ctx.report(diag('MERGE_CATEGORY_RENUMBERED', `category ${JSON.stringify(c.name)} of ${params.inputs[index]} (id ${c.id}) is category ${id} in the output`, { file: params.inputs[index]! }));
          const merged: Dataset = { ...ev.dataset, categories: [...cats.list] };
          out.push({ type: 'dataset', dataset: merged });
          continue;
        }
        if (ev.type !== 'item') {
          out.push(ev);
          continue;
        }
        let item = ids.size ? withCategoryIds(ev.item, ids) : ev.item;
        const key = itemKey(item);
        if (onDuplicate === 'merge') {
          if (!repeated.has(key)) {
            out.push({ ...ev, item });
            continue;
          }
          const first = held.get(key);
          if (!first) {
            held.set(key, { item: { ...item, annotations: [...item.annotations] }, place: ev.place });
            continue;
          }
          const more = apart(item, n);
          first.item.annotations.push(...more.annotations);
          if (more.sets) first.item.sets = [...(first.item.sets ?? []), ...more.sets];
          changes.add(noun('item'), 'merged into an earlier copy');
          out.push({ type: 'valid', count: 1 }); // read, and written as part of its first copy
          continue;
        }
        const again = seenKeys.add(key);
        const idTaken = seenIds.add(item.id);
        if (onDuplicate === 'error' && again) {
          ctx.report(diag('MERGE_DUPLICATE_ITEM', `this item (${describe(item)}) is already in an earlier input (--on-duplicate error)`, ev.place));
          out.push({ type: 'reject', place: ev.place, ...(ev.raw !== undefined ? { raw: ev.raw } : {}) });
          continue;
        }
        if (idTaken) {
          let k = 0;
          let id = `${item.id}-${n}`;
          while (seenIds.add(id)) id = `${item.id}-${n}-${++k}`;
          item = { ...item, id };
          changes.add(noun('item'), 'renamed apart');
        }
        out.push({ ...ev, item });
      }
      yield out;
    }
    if (held.size) yield [...held.values()].map(({ item, place }): ReadEvent => ({ type: 'item', item, place }));
  };
  const r = await convertFromReader(read, params.inputs.join(' + '), 'merge', params);
  return { ...r, changes: [...(r.changes ?? []), ...changes.list()], ...(totals ? { totals } : {}) };
}

const describe = (item: Item): string => (item.url ?? item.path ?? `id ${item.id}`);

function withCategoryIds(item: Item, ids: Map<number, number>): Item {
  let changed = false;
  const annotations = item.annotations.map((a) => {
    if (a.categoryId === undefined) return a;
    const id = ids.get(a.categoryId);
    if (id === undefined || id === a.categoryId) return a;
    changed = true;
    return { ...a, categoryId: id };
  });
  return changed ? { ...item, annotations } : item;
}
