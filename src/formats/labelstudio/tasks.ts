/**
 * Label Studio tasks (FORMATS.md §4.2-4.3) to and from model items.
 *
 * A task's `data` names its media under a key the labeling config chose (`image`, `text`, ...): the
 * key is kept, the media goes to `url` / `text` / `html`, the other data keys to `metadata`. Each
 * annotation (or prediction) record becomes a `group` of model annotations, one per result; what the
 * record says besides its results (id, completed_by, times, lead_time, ...) is kept with the item,
 * so that the writer rebuilds the same records. A task without `data` is its own data (import form).
 * Each record is also listed in the item's `sets` (id, author, time, cancelled), for targets that
 * hold one set to choose from. The media URL stays the item's `url`; the file it names (local
 * storage `?d=dir/a.jpg` -> `dir/a.jpg`, ...: media-name.ts) is its `path`.
 */
import { noun, type Noun } from '../../core/noun.js';
import { mediaUrl } from '../../core/object-url.js';
import type { Code } from '../../core/codes.js';
import type { Annotation, AnnotationSet, Item, ItemKind, JsonObject } from '../../model/types.js';
import { MAX_PX } from '../../model/range.js';
import { mediaFileName } from './media-name.js';
import { codePointsToUtf16, utf16ToCodePoints } from '../../model/geometry.js';
import { kindFromName } from '../../model/media-kinds.js';
import { setOwn } from '../../core/safe.js';
import { readResult, writeResult, type Finding } from './results.js';

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Data keys that name the media, and the kind each gives. */
const MEDIA_KEYS: [string, ItemKind][] = [
  ['image', 'image'], ['img', 'image'], ['image_url', 'image'], ['video', 'video'], ['audio', 'audio'],
  ['text', 'text'], ['html', 'html'], ['hypertext', 'html'], ['pdf', 'pdf'],
];
const URL_LIKE = /^(https?|s3|gs|azure-blob|data):|^\/data\//i;
/** Record lists of a task, in the order they are written. */
const LISTS = ['annotations', 'completions', 'predictions'] as const;
type ListName = (typeof LISTS)[number];

export interface TaskFinding extends Finding {}

/** One task to an item; findings carry pointers below the task. */
export function taskToItem(task: unknown, index: number): { item?: Item; findings: Finding[] } {
  const f: Finding[] = [];
  if (!isObj(task)) return { findings: [{ code: 'LS_TASK_INVALID', message: 'a task must be a JSON object', at: '' }] };
  const hasData = task.data !== undefined;
  const data = hasData ? task.data : task;
  if (!isObj(data)) return { findings: [{ code: 'LS_TASK_INVALID', message: 'data must be an object', at: '/data' }] };
  const ex: JsonObject = {};
  const id = task.id;
  let itemId: string;
  if (typeof id === 'number' || (typeof id === 'string' && id !== '')) {
    itemId = String(id);
    if (typeof id === 'string') ex.idString = true;
  } else {
    itemId = String(index);
    ex.idAbsent = true;
  }
  if (!hasData) ex.noData = true;
  const { kind, key } = mediaOf(data);
  const item: Item = { id: itemId, kind, metadata: {}, annotations: [] };
  if (key !== undefined) {
    ex.dataKey = key;
    const v = data[key];
    if (typeof v === 'string') {
      if (kind === 'text') item.text = v;
      else if (kind === 'html') item.html = v;
      else {
        item.url = v;
        const name = mediaFileName(v);
        if (name !== undefined) item.path = name;
      }
    }
  }
  for (const k of Object.keys(data)) if (k !== key) setOwn(item.metadata, k, data[k]);
  if (hasData) {
    const rest: JsonObject = {};
    for (const k of Object.keys(task)) if (k !== 'id' && k !== 'data' && !(LISTS as readonly string[]).includes(k)) setOwn(rest, k, task[k]);
    if (Object.keys(rest).length) ex.task = rest;
  }
  const size = firstSize(task) ?? metaSize(task, f);
  if (size) [item.width, item.height] = size;
  const records: JsonObject[] = [];
  const unmodeled: JsonObject[] = [];
  const sets: AnnotationSet[] = [];
  for (const list of LISTS) {
    const recs = hasData ? task[list] : undefined;
    if (recs === undefined) continue;
    if (!Array.isArray(recs)) {
      f.push({ code: 'LS_TASK_INVALID', message: `${list} must be a list`, at: '/' + list });
      continue;
    }
    if (recs.length === 0) ((ex.emptyLists ??= []) as string[]).push(list);
    recs.forEach((rec, j) => readRecord(rec, list, j, size, item, { records, unmodeled, sets }, f));
  }
  if (records.length) ex.records = records;
  if (unmodeled.length) ex.unmodeled = unmodeled;
  if (sets.length) item.sets = sets;
  const unplaced = sets.reduce((n, s) => n + (s.unplaced ?? 0), 0);
  if (unplaced) item.unplaced = unplaced;
  if (item.text !== undefined) checkSpans(item, f);
  item.extras = { labelstudio: ex };
  if (f.some((x) => (x.severity ?? 'error') === 'error')) return { findings: f };
  return { item, findings: f };
}

function mediaOf(data: JsonObject): { kind: ItemKind; key?: string } {
  const keys = Object.keys(data);
  for (const [name, kind] of MEDIA_KEYS) {
    const k = keys.find((x) => x.toLowerCase() === name);
    if (k !== undefined && typeof data[k] === 'string') return { kind, key: k };
  }
  const url = keys.find((k) => typeof data[k] === 'string' && URL_LIKE.test(data[k] as string));
  if (url !== undefined) {
    const k = kindFromName(data[url] as string);
    return { kind: k === 'image' || k === 'video' || k === 'audio' || k === 'pdf' ? k : 'image', key: url };
  }
  const text = keys.find((k) => typeof data[k] === 'string');
  return text !== undefined ? { kind: 'text', key: text } : { kind: 'text' };
}

/** The first original_width/original_height any result of the task gives. */
function firstSize(task: JsonObject): [number, number] | undefined {
  for (const list of LISTS) {
    const recs = task[list];
    if (!Array.isArray(recs)) continue;
    for (const rec of recs) {
      const res = isObj(rec) ? rec.result : undefined;
      if (!Array.isArray(res)) continue;
      for (const r of res) {
        if (isObj(r) && typeof r.original_width === 'number' && typeof r.original_height === 'number' && r.original_width > 0 && r.original_height > 0) return [r.original_width, r.original_height];
      }
    }
  }
  return undefined;
}

/** Sizes a writer put in `meta` for a task whose results could not carry them (no shapes). */
function metaSize(task: JsonObject, f: Finding[]): [number, number] | undefined {
  const m = task.meta;
  if (!(isObj(m) && typeof m.original_width === 'number' && typeof m.original_height === 'number' && m.original_width > 0 && m.original_height > 0)) return undefined;
  const huge = m.original_width > MAX_PX ? 'original_width' : m.original_height > MAX_PX ? 'original_height' : undefined;
  if (huge) {
    f.push({ code: 'MODEL_VALUE_RANGE', message: `meta.${huge} ${String(m[huge])} is not an image size in pixels (at most 1e9)`, at: '/meta/' + huge });
    return undefined;
  }
  return [m.original_width, m.original_height];
}

/** What a task's records add up to besides annotations: kept envelopes and results, and the sets. */
interface RecordsOut {
  records: JsonObject[];
  unmodeled: JsonObject[];
  sets: AnnotationSet[];
}

/** A record's set: what `--annotations` / `--predictions` choose by (the SDK skips was_cancelled and skipped). */
function setOf(rec: JsonObject, group: string, list: ListName): AnnotationSet {
  const set: AnnotationSet = { group, origin: list === 'predictions' ? 'prediction' : 'annotation' };
  if (typeof rec.id === 'number' || (typeof rec.id === 'string' && rec.id !== '')) set.id = String(rec.id);
  const author = rec.completed_by;
  if (typeof author === 'number' || typeof author === 'string') set.author = String(author);
  else if (isObj(author) && (typeof author.email === 'string' || typeof author.id === 'number')) set.author = String(author.email ?? author.id);
  if (typeof rec.created_at === 'string') set.createdAt = rec.created_at;
  if (list !== 'predictions' && (rec.was_cancelled === true || rec.skipped === true)) set.cancelled = true;
  return set;
}

function readRecord(rec: unknown, list: ListName, j: number, size: [number, number] | undefined, item: Item, out: RecordsOut, f: Finding[]): void {
  const at = `/${list}/${j}`;
  if (!isObj(rec)) {
    f.push({ code: 'LS_TASK_INVALID', message: `an entry of ${list} must be an object`, at });
    return;
  }
  const group = `${list}/${j}`;
  const envelope: JsonObject = {};
  for (const k of Object.keys(rec)) if (k !== 'result') setOwn(envelope, k, rec[k]);
  out.records.push({ group, list, ...(rec.result === undefined ? { noResult: true } : {}), envelope });
  const set = setOf(rec, group, list);
  out.sets.push(set);
  const results = rec.result ?? [];
  if (!Array.isArray(results)) {
    f.push({ code: 'LS_RESULT_NOT_ARRAY', message: 'result must be a list', at: at + '/result' });
    return;
  }
  const common: Partial<Annotation> = { group, origin: set.origin };
  if (set.author !== undefined) common.author = set.author;
  if (set.createdAt !== undefined) common.createdAt = set.createdAt;
  results.forEach((r, k) => {
    const res = readResult(r, size);
    for (const x of res.findings) f.push({ ...x, at: `${at}/result/${k}${x.at}` });
    if (res.unsized) set.unplaced = (set.unplaced ?? 0) + 1;
    if (res.raw) out.unmodeled.push({ group, index: k, result: res.raw });
    else if (res.annotation) {
      const a = { ...common, ...res.annotation } as Annotation;
      if (isObj(r) && typeof r.id === 'string') a.id = r.id;
      // measured against another image size than the task's first (several images in a task)
      if (res.size && size && (res.size[0] !== size[0] || res.size[1] !== size[1])) (a.extras!.labelstudio as JsonObject).size = res.size;
      item.annotations.push(a);
    }
  });
}

/** Span offsets: code points in the model; a file counting UTF-16 units is converted and noted. */
function checkSpans(item: Item, f: Finding[]): void {
  const text = item.text!;
  let cps: string[] | undefined;
  item.annotations.forEach((a) => {
    if (a.kind !== 'span') return;
    // beyond the text in both counts (UTF-16 units are never fewer than code points)
    if (a.end > text.length) {
      f.push({ code: 'LS_SPAN_INVALID', message: `span ${a.start}-${a.end} ends beyond the task text (${text.length} UTF-16 units)`, at: `/${a.group ?? ''}` });
      return;
    }
    if (a.text === undefined) return;
    cps ??= [...text];
    if (cps.slice(a.start, a.end).join('') === a.text) return;
    const ex = a.extras!.labelstudio as JsonObject;
    if (text.slice(a.start, a.end) === a.text) {
      ex.utf16 = true;
      a.start = utf16ToCodePoints(text, a.start);
      a.end = utf16ToCodePoints(text, a.end);
      return;
    }
    f.push({ code: 'LS_SPAN_TEXT_MISMATCH', message: `span ${a.start}-${a.end} holds ${JSON.stringify(cps.slice(a.start, a.end).join('').slice(0, 60))} in the task text, not ${JSON.stringify(a.text.slice(0, 60))}`, at: `/${a.group ?? ''}`, severity: 'warning' });
  });
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface TaskOptions {
  as?: 'annotations' | 'predictions';
  urlPrefix?: string;
}

export type Loss = [what: Noun, count: number, reason: string];

/** A task, with what the item lost (`losses`: item fields; `resultLosses`: its annotations). */
export type TaskOutcome = { task: JsonObject; losses: Loss[]; resultLosses: Loss[]; warnings: [Code, string][] } | { error: Code; message: string };

const DEFAULT_KEY: Partial<Record<ItemKind, string>> = { image: 'image', video: 'video', audio: 'audio', text: 'text', html: 'html', pdf: 'pdf' };

/** The task data field an item's media goes to (undefined: the kind has none). */
export function dataKeyOf(item: Item): string | undefined {
  const k = item.extras?.labelstudio?.dataKey;
  return typeof k === 'string' ? k : DEFAULT_KEY[item.kind];
}

export function itemToTask(item: Item, o: TaskOptions): TaskOutcome {
  const ex = (item.extras?.labelstudio ?? {}) as JsonObject;
  const fromLs = item.extras?.labelstudio !== undefined;
  const losses: Loss[] = [];
  const warnings: [Code, string][] = [];
  const key = dataKeyOf(item);
  if (key === undefined) return { error: 'LS_ITEM_UNSUPPORTED', message: `an item of kind ${item.kind} has no Label Studio data field` };
  const data: JsonObject = {};
  let media: string | undefined = item.kind === 'text' ? item.text : item.kind === 'html' ? item.html : mediaUrl(item.url, item.path, o.urlPrefix);
  if (media === undefined && item.path !== undefined) {
    media = item.path;
    warnings.push(['LS_DATA_PATH', `data.${key} is the file name ${JSON.stringify(item.path)}: give --url-prefix for a URL Label Studio can load`]);
  }
  if (media !== undefined) data[key] = media;
  else if (!fromLs) return { error: 'LS_NO_DATA', message: `item ${JSON.stringify(item.id)} has no URL, path or text to put in data.${key}` };
  for (const k of Object.keys(item.metadata)) {
    if (k === key) losses.push([noun('metadata field named like the media field', 'metadata fields named like the media field'), 1, `data.${key} holds the media`]);
    else setOwn(data, k, item.metadata[k]);
  }
  const task: JsonObject = {};
  if (ex.idAbsent !== true && (fromLs || /^\d+$/.test(item.id))) task.id = ex.idString === true || !/^\d+$/.test(item.id) ? item.id : Number(item.id);
  if (ex.noData === true) Object.assign(task, data);
  else task.data = data;
  const resultLosses: Loss[] = [];
  const built = buildRecords(item, ex, o, resultLosses);
  if ('error' in built) return built;
  for (const list of LISTS) {
    if (built.lists[list]) task[list] = built.lists[list];
    else if (Array.isArray(ex.emptyLists) && ex.emptyLists.includes(list)) task[list] = [];
  }
  if (isObj(ex.task)) for (const k of Object.keys(ex.task)) if (task[k] === undefined) setOwn(task, k, ex.task[k]);
  // an image size no result carries goes to meta, so that a pixel format can be written back
  if (!fromLs && item.width !== undefined && item.height !== undefined && !sized(task)) {
    task.meta = { ...(isObj(task.meta) ? task.meta : {}), original_width: item.width, original_height: item.height };
  }
  for (const f of Object.keys(item.extras ?? {})) if (f !== 'labelstudio') losses.push([noun(`item's ${f} fields`, `items' ${f} fields`), 1, `${f}-specific fields have no place in a Label Studio task`]);
  if (item.tags?.length) losses.push([noun("item's tags", "items' tags"), 1, 'a Label Studio task has no tags']);
  if (item.title !== undefined) losses.push([noun('item title'), 1, 'a Label Studio task has no title']);
  if (item.media && Object.keys(item.media).length) losses.push([noun("item's media facts", "items' media facts"), 1, 'a Label Studio task does not describe its media file']);
  return { task, losses, resultLosses, warnings };
}

function sized(task: JsonObject): boolean {
  return LISTS.some((l) => Array.isArray(task[l]) && (task[l] as JsonObject[]).some((r) => Array.isArray(r.result) && (r.result as JsonObject[]).some((x) => typeof x.original_width === 'number')));
}

interface Rec {
  list: ListName;
  envelope: JsonObject;
  results: JsonObject[];
  noResult: boolean;
}

function buildRecords(item: Item, ex: JsonObject, o: TaskOptions, losses: Loss[]): { lists: Partial<Record<ListName, JsonObject[]>> } | { error: Code; message: string } {
  const recs = new Map<string, Rec>();
  if (Array.isArray(ex.records)) {
    for (const r of ex.records as JsonObject[]) {
      recs.set(String(r.group), { list: r.list as ListName, envelope: (r.envelope ?? {}) as JsonObject, results: [], noResult: r.noResult === true });
    }
  }
  const size: [number, number] | undefined = item.width !== undefined && item.height !== undefined ? [item.width, item.height] : undefined;
  let n = 0;
  const used = new Set(item.annotations.map((a) => a.id).filter((x): x is string => x !== undefined));
  const newId = (): string => {
    let id: string;
    do id = `r${++n}`;
    while (used.has(id));
    used.add(id);
    return id;
  };
  const toName = item.kind === 'text' || item.kind === 'html' ? 'text' : item.kind;
  for (const a of item.annotations) {
    const list: ListName = o.as ?? (a.origin === 'prediction' ? 'predictions' : 'annotations');
    const group = a.group ?? `${list}/new`;
    let rec = recs.get(group);
    if (!rec) recs.set(group, (rec = { list, envelope: {}, results: [], noResult: false }));
    const w = writeResult(a, { size, toName, newId });
    if ('error' in w) return { error: w.error, message: `item ${JSON.stringify(item.id)}: ${w.message}` };
    if (w.lost) losses.push(w.lost);
    if (a.kind === 'span' && (a.extras?.labelstudio as JsonObject | undefined)?.utf16 === true && item.text !== undefined) {
      const v = w.results[0]!.value as JsonObject;
      v.start = codePointsToUtf16(item.text, a.start);
      v.end = codePointsToUtf16(item.text, a.end);
    }
    rec.results.push(...w.results);
  }
  if (Array.isArray(ex.unmodeled)) {
    for (const u of ex.unmodeled as JsonObject[]) {
      const rec = recs.get(String(u.group));
      if (rec) rec.results.splice(Math.min(Number(u.index), rec.results.length), 0, u.result as JsonObject);
    }
  }
  const lists: Partial<Record<ListName, JsonObject[]>> = {};
  for (const rec of recs.values()) {
    const out: JsonObject = { ...rec.envelope };
    if (!(rec.noResult && rec.results.length === 0)) out.result = rec.results;
    (lists[rec.list] ??= []).push(out);
  }
  return { lists };
}
