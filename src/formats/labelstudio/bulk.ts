/**
 * `ls-bulk`: payloads for Label Studio's annotations bulk-create endpoint, one JSON object a line
 * (so that `while read -r p; do curl ... -d "$p"; done` posts them one by one).
 *
 * Writing needs each item's task id: `--task-map FILE` (JSON object or two-column CSV, item id ->
 * task id), else `--task-id-field NAME` (an item metadata field, e.g. from task data), else the
 * item id itself when it is a whole number (Label Studio task ids, COCO image ids). One payload is
 * written per annotation set (one annotator's annotation, one prediction) of an item.
 */
import { readOptionFile } from '../../core/option-files.js';
import type { FormatWriter, ReadContext, ReadEvent, WriteContext } from '../../core/format.js';
import type { InputSource, OutputSink } from '../../core/io.js';
import { lineRecords } from '../../core/lines.js';
import { AnnoconvError, diag, type Place, fragment } from '../../core/diagnostics.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import { noun } from '../../core/noun.js';
import { CsvScanner, isRow } from '../../core/csv.js';
import { setOwn } from '../../core/safe.js';
import type { Item, JsonObject } from '../../model/types.js';
import { BULK_FIELDS, checkPayload } from './bulk-check.js';
import { readResult } from './results.js';
import { itemToTask } from './tasks.js';
import { taskOptions } from './writer.js';
import { refuseLoneSurrogate } from '../../core/lone-surrogate.js';

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export function readBulk(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  return lineRecords(input, ctx, 'no payloads in the input', (text, place) => {
    const item = payloadToItem(text, place, ctx);
    return item ? { type: 'item', item, place, raw: text } : { type: 'reject', place, raw: text };
  });
}

function payloadToItem(text: string, place: Place, ctx: ReadContext): Item | undefined {
  let p: unknown;
  try {
    p = JSON.parse(text);
  } catch {
    ctx.report(diag('LSB_INVALID_JSON', jsonErrorMessage(text), place));
    return undefined;
  }
  if (refuseLoneSurrogate(text, p, ctx.report, place)) return undefined;
  if (!isObj(p)) {
    ctx.report(diag('LSB_NOT_OBJECT', 'a payload must be a JSON object', place));
    return undefined;
  }
  let bad = false;
  const report = (code: Parameters<typeof diag>[0], message: string, at: string, severity?: 'error' | 'warning'): void => {
    const d = diag(code, message, { ...place, pointer: fragment(at) }, severity);
    if (d.severity === 'error') bad = true;
    ctx.report(d);
  };
  for (const x of checkPayload(p)) report(x.code, x.message, x.at, x.severity);
  const target = typeof p.task === 'number' ? p.task : Array.isArray(p.tasks) && typeof p.tasks[0] === 'number' ? p.tasks[0] : undefined;
  const item: Item = { id: target !== undefined ? String(target) : `line-${place.line}`, kind: 'image', metadata: {}, annotations: [] };
  const ex: JsonObject = {};
  for (const k of Object.keys(p)) if (k !== 'result') setOwn(ex, k, p[k]);
  if (Array.isArray(p.result)) {
    const size = p.result.map((r) => (isObj(r) && typeof r.original_width === 'number' && typeof r.original_height === 'number' ? ([r.original_width, r.original_height] as [number, number]) : undefined)).find((s) => s);
    if (size) [item.width, item.height] = size;
    const unmodeled: JsonObject[] = [];
    p.result.forEach((r, k) => {
      const out = readResult(r, size);
      for (const x of out.findings) report(x.code, x.message, `/result/${k}${x.at}`, x.severity);
      if (out.raw) unmodeled.push({ group: 'bulk', index: k, result: out.raw });
      else if (out.annotation) {
        const a = { ...out.annotation, group: 'bulk', origin: 'annotation' as const };
        if (isObj(r) && typeof r.id === 'string') a.id = r.id;
        item.annotations.push(a);
      }
    });
    if (unmodeled.length) ex.unmodeled = unmodeled;
  }
  item.extras = { lsbulk: ex };
  return bad ? undefined : item;
}

/** Item id -> task id, from a JSON object or a two-column CSV (header optional). */
async function loadTaskMap(path: string): Promise<Map<string, number>> {
  const text = await readOptionFile('taskMap', path);
  const map = new Map<string, number>();
  const bad = (why: string): never => {
    throw new AnnoconvError(diag('OPTION_INVALID', `--task-map ${path}: ${why}`, { file: path }), 2);
  };
  if (/^\s*\{/.test(text)) {
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch {
      return bad(jsonErrorMessage(text));
    }
    for (const [k, v] of Object.entries(o as JsonObject)) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isSafeInteger(n) || n <= 0) bad(`the task id of ${JSON.stringify(k)} is not a positive whole number: ${JSON.stringify(v)}`);
      map.set(k, n);
    }
    return map;
  }
  const s = new CsvScanner(1 << 20);
  for (const ev of [...s.push(Buffer.from(text)), ...s.end()]) {
    if (!isRow(ev)) bad(`line ${ev.line} is not valid CSV`);
    else if (ev.cells.length >= 2 && ev.cells[0]!.trim() !== '') {
      const id = ev.cells[1]!.trim();
      if (!/^\d+$/.test(id)) {
        if (ev.line === 1) continue; // a header
        bad(`line ${ev.line}: task id ${JSON.stringify(id)} is not a whole number`);
      }
      map.set(ev.cells[0]!.trim(), Number(id));
    }
  }
  return map;
}

/** Usage checks of the bulk writer's options: the --task-map file and --project (exit 2). */
export async function checkBulkOptions(f: Record<string, unknown>): Promise<Map<string, number> | undefined> {
  if (f.project !== undefined && !Number.isSafeInteger(f.project)) throw new AnnoconvError(diag('OPTION_INVALID', '--project must be a whole number'), 2);
  return typeof f.taskMap === 'string' ? await loadTaskMap(f.taskMap) : undefined;
}

export async function createBulkWriter(sink: OutputSink, ctx: WriteContext): Promise<FormatWriter> {
  const f = ctx.options.format;
  const map = await checkBulkOptions(f);
  const field = typeof f.taskIdField === 'string' ? f.taskIdField : undefined;
  const project = f.project;
  const o = taskOptions(ctx);
  // a task id is a positive whole number, given as a number or as decimal digits
  const id = (v: unknown): number | undefined => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  };
  const taskIdOf = (item: Item): number | undefined => {
    if (map) return map.get(item.id);
    const fromBulk = item.extras?.lsbulk?.task;
    if (typeof fromBulk === 'number') return fromBulk;
    if (field !== undefined) return Object.hasOwn(item.metadata, field) ? id(item.metadata[field]) : undefined;
    // a task read without an id got its list position as item id: not a task id
    if (item.extras?.labelstudio?.idAbsent === true) return undefined;
    return id(item.id);
  };
  return {
    write(item: Item, place: Place): void {
      const bulkEx = (item.extras?.lsbulk ?? {}) as JsonObject;
      const unmodeled = item.extras?.labelstudio?.unmodeled ?? bulkEx.unmodeled;
      if (item.annotations.length === 0 && !unmodeled) {
        ctx.lose(noun('item without labels', 'items without labels'), 1, 'a bulk payload carries labels only', place);
        return;
      }
      // a payload read from ls-bulk may target tasks or a selection rather than one task
      const ownTarget = bulkEx.tasks !== undefined || (bulkEx.selected_items !== undefined && bulkEx.selected_items !== null);
      const taskId = ownTarget ? 0 : taskIdOf(item);
      if (taskId === undefined) {
        const how = map ? 'is not in --task-map' : field !== undefined ? `has no whole-number metadata field ${JSON.stringify(field)}` : 'has no whole-number id (give --task-map FILE or --task-id-field NAME)';
        ctx.report(diag('LSB_TASK_ID_MISSING', `item ${JSON.stringify(item.id)} ${how}`, place));
        return;
      }
      // the task exists: only its annotation sets are built (its data is not part of a payload)
      const ls = (item.extras?.labelstudio ?? {}) as JsonObject;
      // a payload read from ls-bulk is one annotation set, the group 'bulk' of its results
      const records = ls.records ?? (item.extras?.lsbulk ? [{ group: 'bulk', list: 'annotations', envelope: {} }] : undefined);
      const t = itemToTask({ ...item, metadata: {}, extras: { labelstudio: { ...ls, dataKey: 'image', ...(unmodeled ? { unmodeled } : {}), ...(records ? { records } : {}) } } }, { ...o, as: o.as ?? 'annotations' });
      if ('error' in t) {
        ctx.report(diag(t.error, t.message, place));
        return;
      }
      const bulk = (item.extras?.lsbulk ?? {}) as JsonObject;
      const lines: string[] = [];
      for (const list of ['annotations', 'completions', 'predictions']) {
        const recs = t.task[list];
        if (!Array.isArray(recs)) continue;
        for (const rec of recs as JsonObject[]) {
          const p: JsonObject = {};
          for (const k of Object.keys(bulk)) if (k !== 'unmodeled') setOwn(p, k, bulk[k]);
          if (!ownTarget && p.task === undefined) p.task = taskId;
          if (project !== undefined) p.project = project;
          let dropped = 0;
          for (const k of Object.keys(rec)) {
            if (k === 'result') p.result = rec.result;
            else if (Object.hasOwn(BULK_FIELDS, k) && BULK_FIELDS[k]!(rec[k]) === undefined && k !== 'task' && k !== 'tasks') setOwn(p, k, rec[k]);
            else dropped++;
          }
          if (dropped && !ctx.lose(noun('annotation record field'), dropped, 'the bulk endpoint takes the fields of FORMATS.md 4.1 only (ids, times and the like are set by the server)', place)) return;
          if (list === 'predictions' && !ctx.lose(noun('prediction written as an annotation', 'predictions written as annotations'), 1, 'the bulk endpoint creates annotations', place)) return;
          lines.push(JSON.stringify(p));
        }
      }
      for (const [what, count, reason] of t.resultLosses) if (!ctx.lose(what, count, reason, place)) return;
      for (const l of lines) sink.write(l + '\n');
    },
    async end(): Promise<void> {
      await sink.flush();
    },
  };
}
