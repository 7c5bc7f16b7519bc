/**
 * Items as Annotto predictions and annotations refer to them: an items.jsonlines line (`uuid`,
 * `type`/`datatype`, `data.text|url|html`, `metadata`, `tags`) read into a model item, and written
 * back as one. The export's `item` is the items line the project was made from; the import reads
 * only its `uuid`. Checking items lines is the jsonl format's work (`annoconv validate items.jsonlines`):
 * here they are only read.
 */
import { openInput } from '../../core/io.js';
import { splitLines } from '../../core/lines.js';
import { setOwn } from '../../core/safe.js';
import { mediaUrl } from '../../core/object-url.js';
import type { Item, ItemKind, JsonObject } from '../../model/types.js';

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const KINDS: readonly string[] = ['text', 'image', 'video', 'audio', 'html'];
const FIELD: Record<string, 'text' | 'url' | 'html'> = { text: 'text', html: 'html', image: 'url', video: 'url', audio: 'url' };
const MODELED = new Set(['uuid', 'type', 'datatype', 'data', 'metadata', 'tags']);

/** A model item of an items line, or undefined when it has no uuid. */
export function itemOfLine(o: JsonObject): Item | undefined {
  if (typeof o.uuid !== 'string' || o.uuid === '') return undefined;
  const t = typeof o.type === 'string' ? o.type : o.datatype;
  const kind = (typeof t === 'string' && KINDS.includes(t) ? t : 'image') as ItemKind;
  const item: Item = { id: o.uuid, kind, metadata: isObj(o.metadata) ? { ...o.metadata } : {}, annotations: [] };
  const data = isObj(o.data) ? o.data : {};
  if (typeof data.text === 'string') item.text = data.text;
  if (typeof data.url === 'string') item.url = data.url;
  if (typeof data.html === 'string') item.html = data.html;
  if (Array.isArray(o.tags) && o.tags.every((x) => typeof x === 'string')) item.tags = o.tags as string[];
  const rest: JsonObject = {};
  for (const k of Object.keys(o)) if (!MODELED.has(k)) setOwn(rest, k, o[k]);
  if (typeof o.type === 'string') rest.typeKey = 'type';
  if (Object.keys(rest).length) item.extras = { annotto: { item: rest } };
  return item;
}

/**
 * The items line of a model item (what the export's `item` holds), or a reason it cannot be one.
 * Fields another source kept for Annotto (`description`, ...) come back as they were.
 */
export function lineOfItem(item: Item, urlPrefix?: string): { line: JsonObject } | { error: string } {
  const field = FIELD[item.kind];
  if (!field) return { error: `kind "${item.kind}" cannot be an Annotto item (text, image, video, audio, html only)` };
  const value = field === 'text' ? item.text : field === 'html' ? item.html : mediaUrl(item.url, item.path, urlPrefix);
  if (value === undefined) return { error: `no ${field === 'url' ? 'URL' : field} for data.${field}${field === 'url' && item.path !== undefined ? ' (it has a file name: pass --url-prefix)' : ''}` };
  const kept = (item.extras?.annotto?.item ?? {}) as JsonObject;
  const line: JsonObject = { uuid: item.id };
  line[kept.typeKey === 'type' ? 'type' : 'datatype'] = item.kind;
  const data: JsonObject = {};
  setOwn(data, field, value);
  line.data = data;
  if (Object.keys(item.metadata).length) line.metadata = item.metadata;
  if (item.tags?.length) line.tags = item.tags;
  for (const k of Object.keys(kept)) if (k !== 'typeKey' && !Object.hasOwn(line, k)) setOwn(line, k, kept[k]);
  return { line };
}

/**
 * `--annotto-items FILE`: the items a predictions file refers to, by uuid (held in memory: one
 * entry an item, its text included). Lines that are no item object are passed over.
 */
export async function loadItems(path: string, maxInflatedSize: number, maxRecordSize: number): Promise<Map<string, Item>> {
  const input = await openInput(path, { maxInflatedSize });
  const items = new Map<string, Item>();
  for await (const batch of splitLines(input.chunks(), maxRecordSize)) {
    for (const text of batch.lines) {
      if (text.trim() === '') continue;
      let o: unknown;
      try {
        o = JSON.parse(text);
      } catch {
        continue;
      }
      const item = isObj(o) ? itemOfLine(o) : undefined;
      if (item && !items.has(item.id)) items.set(item.id, item);
    }
  }
  return items;
}
