/**
 * Label Studio JSON-MIN (FORMATS.md §4.4): one flat record per (task, annotation): the task's data
 * keys at the top, `id` (the task), `annotation_id`, `annotator`, times, `lead_time`, and one key per
 * control (`from_name`) holding the list of its values, `original_width`/`original_height` merged
 * in. A lone Choices or TextArea value collapses to a bare string.
 *
 * What it cannot hold: result ids, `to_name`, `type`, scores, relations, predictions and cancelled
 * annotations; the writer counts them as loss. Data keys and control names share one namespace:
 * a collision overwrites (Label Studio's converter does so silently; here it is warned). Reading
 * infers each result's type from its value's keys; a string under a control name cannot be told
 * from a data field, and is read as data.
 */
import { noun, type Noun } from '../../core/noun.js';
import type { FormatWriter, ReadContext, ReadEvent, WriteContext } from '../../core/format.js';
import type { InputSource, OutputSink } from '../../core/io.js';
import { diag, type Place, below, docPointer } from '../../core/diagnostics.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import { setOwn } from '../../core/safe.js';
import type { Item, JsonObject } from '../../model/types.js';
import { taskToItem } from './tasks.js';
import { taskOf, taskOptions } from './writer.js';
import { readJsonList } from '../../core/json-list.js';
import { refuseLoneSurrogate } from '../../core/lone-surrogate.js';

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Record keys that describe the annotation, not the data. */
const META = ['annotation_id', 'annotator', 'created_at', 'updated_at', 'lead_time', 'agreement'] as const;

/** The result type a JSON-MIN value object had, from its keys. */
function typeOf(v: JsonObject): string | undefined {
  for (const t of ['rectanglelabels', 'polygonlabels', 'keypointlabels', 'ellipselabels', 'brushlabels', 'labels', 'choices', 'taxonomy']) if (v[t] !== undefined) return t;
  if (Array.isArray(v.text)) return 'textarea';
  if (v.rle !== undefined) return 'brush';
  if (v.radiusX !== undefined) return 'ellipse';
  if (v.points !== undefined) return 'polygon';
  if (v.start !== undefined && v.end !== undefined) return 'labels';
  if (v.width !== undefined && v.height !== undefined) return 'rectangle';
  if (v.x !== undefined && v.y !== undefined) return 'keypoint';
  return undefined;
}

/** A JSON-MIN record as a full task with one annotation, for the task reader. */
function recordToTask(rec: JsonObject): JsonObject {
  const data: JsonObject = {};
  const results: JsonObject[] = [];
  const ann: JsonObject = {};
  for (const k of Object.keys(rec)) {
    const v = rec[k];
    if (k === 'id') continue;
    if ((META as readonly string[]).includes(k)) {
      setOwn(ann, k === 'annotation_id' ? 'id' : k === 'annotator' ? 'completed_by' : k, v);
      continue;
    }
    const values = Array.isArray(v) && v.length > 0 && v.every(isObj) ? (v as JsonObject[]) : undefined;
    const types = values?.map(typeOf);
    if (!values || types!.some((t) => t === undefined)) {
      setOwn(data, k, v);
      continue;
    }
    values.forEach((val, i) => {
      const { original_width, original_height, ...value } = val;
      const r: JsonObject = { type: types![i], from_name: k, to_name: types![i] === 'labels' ? 'text' : 'image', value };
      if (original_width !== undefined) r.original_width = original_width;
      if (original_height !== undefined) r.original_height = original_height;
      results.push(r);
    });
  }
  const task: JsonObject = { data };
  if (rec.id !== undefined) task.id = rec.id;
  if (results.length || Object.keys(ann).length) task.annotations = [{ ...ann, result: results }];
  return task;
}

export function readMin(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  return readJsonList(input, ctx, { invalid: 'LS_INVALID_JSON', notList: 'LS_NOT_TASKS', what: 'records' }, (index, raw, offset, events) => {
    const place: Place = { file: ctx.file, pointer: docPointer(index), offset };
    let rec: unknown;
    try {
      rec = JSON.parse(raw);
    } catch {
      ctx.report(diag('LS_INVALID_JSON', jsonErrorMessage(raw), place));
      events.push({ type: 'reject', place, raw });
      return;
    }
    if (refuseLoneSurrogate(raw, rec, ctx.report, place)) return void events.push({ type: 'reject', place, raw });
    const r = isObj(rec) ? taskToItem(recordToTask(rec), index) : { findings: [{ code: 'LS_TASK_INVALID' as const, message: 'a JSON-MIN record must be an object', at: '', severity: 'error' as const }] };
    for (const f of r.findings) ctx.report(diag(f.code, f.message, { ...place, pointer: below(place.pointer!, f.at.replace(/^\/annotations\/0\/result\/\d+/, '')) }, f.severity ?? 'error'));
    events.push(r.item ? { type: 'item', item: r.item, place, raw } : { type: 'reject', place, raw });
  });
}

const TASK_KEYS = new Set(['id', 'data', 'annotations', 'completions', 'predictions', 'meta', 'created_at', 'updated_at', 'project', 'inner_id', 'total_annotations', 'cancelled_annotations', 'total_predictions', 'file_upload', 'drafts', 'updated_by', 'comment_authors', 'is_labeled']);

export function createMinWriter(sink: OutputSink, ctx: WriteContext): FormatWriter {
  const o = taskOptions(ctx);
  let n = 0;
  return {
    write(item: Item, place: Place): void {
      const task = taskOf(item, place, ctx, o) as JsonObject | undefined;
      if (!task) return;
      // an import task written flat (no "data" wrapper) holds its data at the top
      const data = (isObj(task.data) ? task.data : Object.fromEntries(Object.entries(task).filter(([k]) => !TASK_KEYS.has(k)))) as JsonObject;
      const lose = (what: Noun, count: number, reason: string): boolean => count === 0 || ctx.lose(what, count, reason, place);
      const preds = Array.isArray(task.predictions) ? task.predictions.length : 0;
      if (!lose(noun('prediction'), preds, 'JSON-MIN holds annotations only')) return;
      const recs = [...(Array.isArray(task.annotations) ? task.annotations : []), ...(Array.isArray(task.completions) ? task.completions : [])] as JsonObject[];
      const records: JsonObject[] = [];
      for (const rec of recs.length ? recs : [{}]) {
        if (rec.was_cancelled === true) {
          if (!lose(noun('cancelled annotation'), 1, 'JSON-MIN leaves cancelled annotations out')) return;
          continue;
        }
        const out: JsonObject = {};
        for (const k of Object.keys(data)) setOwn(out, k, data[k]);
        const meta: JsonObject = { id: task.id, annotation_id: rec.id, annotator: rec.completed_by, created_at: rec.created_at, updated_at: rec.updated_at, lead_time: rec.lead_time };
        for (const k of Object.keys(meta)) {
          if (meta[k] === undefined) continue;
          if (Object.hasOwn(out, k)) ctx.report(diag('LSMIN_KEY_COLLISION', `data key ${JSON.stringify(k)} is overwritten by the record's ${k} (JSON-MIN has one namespace)`, place));
          setOwn(out, k, meta[k]);
        }
        const byControl = new Map<string, JsonObject[]>();
        let dropped = 0;
        for (const r of (Array.isArray(rec.result) ? rec.result : []) as JsonObject[]) {
          if (r.type === 'relation' || typeof r.from_name !== 'string') {
            dropped++;
            continue;
          }
          // a chat message is given as the message itself, as Label Studio's converter does
          const v: JsonObject = r.type === 'chatmessage' && isObj((r.value as JsonObject | undefined)?.chatmessage) ? { ...((r.value as JsonObject).chatmessage as JsonObject) } : { ...(r.value as JsonObject) };
          if (r.original_width !== undefined) v.original_width = r.original_width;
          if (r.original_height !== undefined) v.original_height = r.original_height;
          let list = byControl.get(r.from_name);
          if (!list) byControl.set(r.from_name, (list = []));
          list.push(v);
        }
        if (!lose(noun('relation'), dropped, 'JSON-MIN has no relations')) return;
        for (const [name, values] of byControl) {
          if (Object.hasOwn(out, name)) ctx.report(diag('LSMIN_KEY_COLLISION', `control ${JSON.stringify(name)} overwrites the data key of the same name (JSON-MIN has one namespace)`, place));
          const only = values.length === 1 ? values[0]! : undefined;
          const bare = only && Object.keys(only).length === 1 ? (Array.isArray(only.choices) && only.choices.length === 1 ? only.choices[0] : Array.isArray(only.text) && only.text.length === 1 ? only.text[0] : undefined) : undefined;
          setOwn(out, name, bare ?? values);
        }
        records.push(out);
      }
      if (!lose(noun("annotation's result id, to_name, type and score", "annotations' result ids, to_name, types and scores"), item.annotations.length, 'JSON-MIN keeps values by control name only')) return;
      const sized = records.some((r) => Object.values(r).some((v) => Array.isArray(v) && v.some((x) => isObj(x) && x.original_width !== undefined)));
      if (item.width !== undefined && !sized && !lose(noun('image size'), 1, 'JSON-MIN carries the image size only on regions, and this item has none')) return;
      if (item.media && Object.keys(item.media).length > 0 && !lose(noun("item's media facts", "items' media facts"), 1, 'JSON-MIN has no place for media facts')) return;
      for (const r of records) sink.write((n++ ? ',\n' : '[\n') + JSON.stringify(r));
    },
    async end(): Promise<void> {
      sink.write(n ? '\n]\n' : '[]\n');
      await sink.flush();
    },
  };
}
