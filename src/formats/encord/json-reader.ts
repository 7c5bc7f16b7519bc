/**
 * Encord registration manifest, JSON (FORMATS.md §2): one object of arrays, read element by element
 * with the byte scanner, so a manifest of a million entries streams in bounded memory.
 *
 * Duplicate keys: the documented multi-type example repeats `image_groups`; JSON.parse (and Python's
 * json, which Encord's SDK uses) keep only the last value, silently dropping the first. Here a
 * repeated key is an error naming both places, and the repeat's entries are rejected, unless
 * `--merge-duplicate-keys` asks for the arrays to be concatenated in document order.
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { JsonScanner, oversizedMessage, type ScanEvent } from '../../core/json-scan.js';
import { diag, type Place, below, docPointer } from '../../core/diagnostics.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import { IdSet } from '../../core/idset.js';
import { GcPacer } from '../../core/gc.js';
import type { Dataset } from '../../model/types.js';
import { ENTRY_KEYS, MAX_ENTRIES, MAX_URLS, entryToItem, type EntryKey } from './entries.js';
import { refuseLoneSurrogate } from '../../core/lone-surrogate.js';

/** Input bytes between explicit collections (core/gc.ts): keeps resident memory near the live size. */
const GC_EVERY = 32 * 1024 * 1024;

interface State {
  ctx: ReadContext;
  events: ReadEvent[];
  /** Offset of each top-level key's first occurrence. */
  keys: Map<string, number>;
  /** The current key repeats and its entries are rejected. */
  rejecting: boolean;
  merge: boolean;
  urls: IdSet;
  entries: number;
  urlCount: number;
  limitReported: boolean;
  dataset: Dataset | undefined;
  failed: boolean;
}

export async function* readEncordJson(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const st: State = {
    ctx,
    events: [],
    keys: new Map(),
    rejecting: false,
    merge: ctx.options.format.mergeDuplicateKeys === true,
    urls: new IdSet(),
    entries: 0,
    urlCount: 0,
    limitReported: false,
    dataset: undefined,
    failed: false,
  };
  const scanner = new JsonScanner({ maxElementBytes: ctx.options.maxRecordSize });
  let first = true;
  const gc = new GcPacer(GC_EVERY);
  for await (const chunk of input.chunks()) {
    gc.tick(chunk.length);
    if (first && chunk.length > 0) {
      const head = chunk.toString('latin1', 0, Math.min(64, chunk.length)).replace(/^\xef\xbb\xbf/, '').trimStart();
      if (head === '') continue;
      first = false;
      if (head[0] !== '{') {
        ctx.report(diag('ENCORD_NOT_OBJECT', 'a manifest must be one JSON object ({"images": [...], ...})', { file: ctx.file, offset: 0 }));
        return;
      }
    }
    for (const ev of scanner.push(chunk)) onScan(st, ev);
    if (st.events.length) yield st.events.splice(0);
    if (st.failed) return;
  }
  for (const ev of scanner.end()) onScan(st, ev);
  if (st.dataset) st.events.push({ type: 'dataset', dataset: st.dataset });
  if (st.events.length) yield st.events.splice(0);
  if (!st.failed && st.entries === 0) ctx.report(diag('INPUT_EMPTY', 'the manifest registers nothing', { file: ctx.file }));
}

function onScan(st: State, ev: ScanEvent): void {
  const { ctx } = st;
  const file = ctx.file;
  switch (ev.type) {
    case 'error':
      ctx.report(diag('ENCORD_INVALID_JSON', ev.message, { file, offset: ev.offset }));
      st.failed = true;
      return;
    case 'key': {
      const firstAt = st.keys.get(ev.key);
      st.rejecting = false;
      if (firstAt !== undefined) {
        if (st.merge && (ENTRY_KEYS as readonly string[]).includes(ev.key)) return;
        ctx.report(diag('ENCORD_DUPLICATE_KEY', `key "${ev.key}" appears twice (first at byte ${firstAt}, again here); JSON parsers keep only the last one, dropping the first silently. Its entries here are rejected; --merge-duplicate-keys concatenates the arrays instead`, { file, pointer: docPointer(ev.key), offset: ev.offset }));
        st.rejecting = true;
        return;
      }
      st.keys.set(ev.key, ev.offset);
      if (!(ENTRY_KEYS as readonly string[]).includes(ev.key) && ev.key !== 'skip_duplicate_urls') {
        ctx.report(diag('ENCORD_UNKNOWN_KEY', `unknown top-level key "${ev.key}" (known: ${ENTRY_KEYS.join(', ')}, skip_duplicate_urls)`, { file, pointer: docPointer(ev.key), offset: ev.offset }));
        st.rejecting = true;
      }
      return;
    }
    case 'oversized': {
      const place: Place = { file, pointer: ev.index >= 0 ? docPointer(ev.key ?? '', ev.index) : docPointer(ev.key ?? ''), offset: ev.offset };
      const [code, message] = oversizedMessage(ev, ctx.options.maxRecordSize);
      ctx.report(diag(code, message, place));
      st.events.push({ type: 'reject', place });
      return;
    }
    case 'end-array':
      if (ev.key === 'skip_duplicate_urls' && !st.rejecting) ctx.report(diag('ENCORD_FIELD_TYPE', 'skip_duplicate_urls must be true or false, not an array', { file, pointer: '#/skip_duplicate_urls' }));
      return;
    case 'value':
      onValue(st, ev.key, ev.raw.toString('utf8'), ev.offset);
      return;
    case 'element':
      onEntry(st, ev.key ?? '', ev.index, ev.raw.toString('utf8'), ev.offset);
  }
}

function onValue(st: State, key: string, raw: string, offset: number): void {
  const { ctx } = st;
  const place: Place = { file: ctx.file, pointer: docPointer(key), offset };
  if (st.rejecting) return;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    ctx.report(diag('ENCORD_INVALID_JSON', jsonErrorMessage(raw), place));
    return;
  }
  if (key === 'skip_duplicate_urls') {
    if (typeof v !== 'boolean') ctx.report(diag('ENCORD_FIELD_TYPE', `skip_duplicate_urls must be true or false, got ${JSON.stringify(v)}`, place));
    else st.dataset = { categories: [], extras: { encord: { skip_duplicate_urls: v } } };
    return;
  }
  ctx.report(diag('ENCORD_FIELD_TYPE', `"${key}" must be an array of entries`, place));
}

function onEntry(st: State, key: string, index: number, raw: string, offset: number): void {
  const { ctx } = st;
  const file = ctx.file;
  const base = docPointer(key, index);
  const place: Place = { file, pointer: base, offset };
  if (key === 'skip_duplicate_urls') return; // reported at the end of the array
  if (st.rejecting) {
    st.events.push({ type: 'reject', place, raw });
    return;
  }
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    ctx.report(diag('ENCORD_INVALID_JSON', jsonErrorMessage(raw), place));
    st.events.push({ type: 'reject', place, raw });
    return;
  }
  if (refuseLoneSurrogate(raw, o, ctx.report, place)) return void st.events.push({ type: 'reject', place, raw });
  const prefix = ctx.options.format.urlPrefix;
  const r = entryToItem(key as EntryKey, o, typeof prefix === 'string' ? prefix : undefined);
  let bad = false;
  for (const f of r.findings) {
    const d = diag(f.code, f.message, { file, pointer: below(base, f.at), offset }, f.severity ?? 'error');
    if (d.severity === 'error') bad = true;
    ctx.report(d);
  }
  st.entries++;
  st.urlCount += r.urls.length;
  // a limit of the file registered: in a conversion the writer checks (or splits) its own output
  if (!ctx.materialize && !st.limitReported && (st.entries > MAX_ENTRIES || st.urlCount > MAX_URLS)) {
    st.limitReported = true;
    ctx.report(diag('ENCORD_LIMIT', `the manifest holds more than ${st.entries > MAX_ENTRIES ? MAX_ENTRIES.toLocaleString('en-US') + ' entries' : MAX_URLS.toLocaleString('en-US') + ' URLs'}, Encord's limit for one file: split it (convert --to encord-json --split N)`, place));
  }
  if (bad || !r.item) {
    st.events.push({ type: 'reject', place, raw });
    return;
  }
  for (const u of r.urls) {
    if (st.urls.add(u)) ctx.report(diag('ENCORD_URL_DUPLICATE', `URL ${JSON.stringify(u.slice(0, 200))} is registered again (Encord identifies objects by URL)`, place, 'warning'));
  }
  st.events.push({ type: 'item', item: r.item, place, raw });
}
