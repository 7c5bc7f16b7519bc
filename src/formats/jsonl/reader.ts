/**
 * items.jsonlines reader (Annotto item import), FORMATS.md §1, checked as the server treats an
 * upload (src/core/file-upload/: ndjson.ts splits and parses, jsonlines.ts validates each line
 * with Joi against the project's type, src/core/items/index.ts inserts it into MongoDB).
 *
 * Quirks the server has and this reader mirrors: lines split on \n or \r\n; an empty line, or a
 * `null` one, ends the server's stream, so one followed by more items fails the upload, and only
 * trailing ones are harmless (framing.ts); a whitespace-only line or a byte order mark fails
 * `JSON.parse` there; `type` and `datatype` are aliases and giving both is an error even when
 * equal; `data` is closed (exactly the key its type needs, a non-empty string); dates and
 * `annotated` are converted as Joi converts them; `metadata` may be `null` (warned); a line is
 * also checked as MongoDB will store it (keys, depth, size). As `annotto-export`, the three fields
 * Annotto's own export misspells are read under their upload names (export-keys.ts).
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { splitLines, type LineProblem } from '../../core/lines.js';
import { MAX_JSON_DEPTH, tooDeep } from '../../core/json-depth.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { findJsonSyntaxError, jsonErrorMessage } from '../../core/json-syntax.js';
import { validator } from '../../core/schemas.js';
import { ItemChecker, countKind, type FileState } from './checker.js';
import { IdSet } from '../../core/idset.js';
import type { Item, ItemKind, JsonObject } from '../../model/types.js';
import { JSONL_TOLERATED_KEYS } from './keys.js';
import { setOwn } from '../../core/safe.js';
import { serverConfigOf } from './server-config.js';
import { refuseLoneSurrogate } from '../../core/lone-surrogate.js';
import { LineFraming } from './framing.js';
import { renameExportKeys } from './export-keys.js';

/** Reads items.jsonlines; `exportSpelling`: Annotto's export, its misspelt fields renamed. */
export function jsonlReader(exportSpelling: boolean) {
  return (input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> => readLines(input, ctx, exportSpelling);
}

export const readJsonl = jsonlReader(false);

async function* readLines(input: InputSource, ctx: ReadContext, exportSpelling: boolean): AsyncGenerator<ReadEvent[]> {
  const validate = await validator('jsonl.schema.json');
  const fo = ctx.options.format;
  const projectType = typeof fo.projectType === 'string' ? fo.projectType : undefined;
  const allowExtraData = fo.allowExtraData === true;
  const file = ctx.file;
  const st: FileState = { ids: new IdSet(), types: new Map(), lastKind: '', lastKindCount: 0, nonUuid: 0, firstNonUuidLine: 0, records: 0, urlMode: 'unknown' };
  if (typeof fo.serverConfig === 'string') {
    const config = await serverConfigOf(ctx.options, fo.serverConfig, ctx.report);
    st.urlMode = config.mode;
    if (config.presigns) st.notS3 = { count: 0, firstLine: 0 };
  }
  const checker = new ItemChecker(file, st, ctx, validate, projectType, allowExtraData);
  const framing = new LineFraming(ctx);
  let lastLine = 0;
  let reserved = false;

  for await (const batch of splitLines(input.chunks(), ctx.options.maxRecordSize)) {
    if (!reserved) {
      reserved = true;
      reserveIds(st.ids, input, batch.lines);
    }
    if (batch.bom) framing.bom();
    const events: ReadEvent[] = [];
    let valid = 0;
    const lines = batch.lines;
    for (let i = 0; i < lines.length; i++) {
      const line = batch.first + i;
      lastLine = line;
      const text = lines[i]!;
      if (batch.problems?.has(i)) {
        framing.content();
        const record = st.records++;
        events.push(problemEvent(batch.problems.get(i)!, { file, line, record }, ctx));
        continue;
      }
      if (text.length === 0) {
        framing.blank(line);
        continue;
      }
      const c0 = text.charCodeAt(0);
      if (c0 !== 123 && text.trim() === '') {
        framing.whitespace(line);
        continue;
      }
      const record = st.records++;
      if (tooDeep(text)) {
        framing.content();
        ctx.report(diag('INPUT_TOO_DEEP', `a record nested deeper than ${MAX_JSON_DEPTH} levels; skipped`, { file, line, record }));
        events.push({ type: 'reject', place: { file, line, record }, raw: text });
        continue;
      }
      let rec: unknown;
      try {
        rec = JSON.parse(text);
      } catch {
        framing.content();
        const bad = findJsonSyntaxError(text);
        const place: Place = bad ? { file, line, column: bad.index + 1, record } : { file, line, record };
        ctx.report(diag('JSONL_INVALID_JSON', jsonErrorMessage(text, false), place));
        events.push({ type: 'reject', place, raw: text });
        continue;
      }
      if (rec === null) {
        // not an item, and not a record: the server's stream ends at it (framing.ts)
        st.records--;
        framing.nullLine(line);
        continue;
      }
      framing.content();
      if (refuseLoneSurrogate(text, rec, ctx.report, { file, line, record })) { events.push({ type: 'reject', place: { file, line, record }, raw: text }); continue; }
      if (typeof rec !== 'object' || Array.isArray(rec)) {
        const place: Place = { file, line, record };
        ctx.report(diag('JSONL_NOT_OBJECT', `line is ${Array.isArray(rec) ? 'an array' : 'a ' + typeof rec}, not an item object`, place));
        events.push({ type: 'reject', place, raw: text });
        continue;
      }
      const obj = exportSpelling ? renameExportKeys(rec as Record<string, unknown>) : (rec as Record<string, unknown>);
      const { errors, view } = checker.check(obj, line, record, text.length);
      if (errors > 0) events.push({ type: 'reject', place: { file, line, record }, raw: text });
      else if (ctx.materialize) events.push({ type: 'item', item: toItem(view), place: { file, line, record }, raw: text });
      else valid++;
    }
    if (valid > 0) events.push({ type: 'valid', count: valid });
    yield events;
  }
  framing.end();
  finish(st, ctx, lastLine, projectType);
}

/** Size the uuid set once from the file size and the mean length of the first lines. */
function reserveIds(ids: IdSet, input: InputSource, lines: string[]): void {
  if (!input.size || lines.length < 16) return;
  let chars = 0;
  for (const l of lines) chars += l.length + 1;
  ids.reserve(Math.min(Math.ceil(input.size / (chars / lines.length)), 200_000_000));
}


function problemEvent(p: LineProblem, place: Place, ctx: ReadContext): ReadEvent {
  if (p.kind === 'utf8') {
    ctx.report(diag('INPUT_INVALID_UTF8', 'line is not valid UTF-8', place));
    return { type: 'reject', place, raw: p.raw };
  }
  ctx.report(diag('INPUT_RECORD_TOO_LARGE', `line of ${p.bytes} bytes exceeds --max-record-size ${ctx.options.maxRecordSize}; skipped`, place));
  return { type: 'reject', place };
}

/** File-level findings, reported once with counts rather than once per line. */
function finish(st: FileState, ctx: ReadContext, lastLine: number, projectType: string | undefined): void {
  const file = ctx.file;
  countKind(st, '');
  if (st.nonUuid > 0) {
    ctx.report(diag('JSONL_UUID_NOT_RFC4122', `${st.nonUuid} uuid value(s) are not RFC 4122 UUIDs (first on line ${st.firstNonUuidLine}); the server accepts any string`, { file, line: st.firstNonUuidLine, pointer: '#/uuid' }));
  }
  if (st.notS3 && st.notS3.count > 0) {
    const line = st.notS3.firstLine;
    ctx.report(diag('JSONL_URL_PRESIGNED_NOT_S3', `${st.notS3.count} media URL(s) are not S3 URLs (first on line ${line}), but the server config has S3 credentials, and the server presigns every URL (as https://HOST/BUCKET/KEY, signed for the region us-central-1): check that these hosts accept presigned requests`, { file, line, pointer: '#/data/url' }));
  }
  st.types.delete('');
  const other = st.otherKind;
  if (!projectType && other) {
    const list = [...st.types].map(([t, n]) => `${t}: ${n}`).join(', ');
    ctx.report(diag('JSONL_TYPE_MIXED', `the file mixes item types (${list}): line ${other.line} is ${other.kind} after ${st.firstKind} items, and the server checks every line against the project's one type, so the upload fails (--project-type names the type, and each line of another is then an error)`, { file, line: other.line, pointer: '#' + other.pointer }));
  }
  if (st.records === 0) ctx.report(diag('INPUT_EMPTY', 'no items in the input', { file, line: Math.max(lastLine, 1) }));
}

const KINDS: Record<string, ItemKind> = { text: 'text', image: 'image', video: 'video', audio: 'audio', html: 'html' };

function toItem(obj: Record<string, unknown>): Item {
  const typeKey = obj.type !== undefined ? 'type' : 'datatype';
  const kind = KINDS[obj[typeKey] as string]!;
  const data = obj.data as Record<string, unknown>;
  const item: Item = { id: obj.uuid as string, kind, metadata: {}, annotations: [] };
  const extras: JsonObject = {};
  if (typeKey === 'type') extras.typeKey = 'type';
  if (kind === 'text') item.text = data.text as string;
  else if (kind === 'html') item.html = data.html as string;
  else item.url = data.url as string;
  const extraData: JsonObject = {};
  let hasExtraData = false;
  for (const k of Object.keys(data)) {
    if (k === 'text' || k === 'url' || k === 'html') continue;
    setOwn(extraData, k, data[k]);
    hasExtraData = true;
  }
  if (hasExtraData) extras.data = extraData;
  if (obj.metadata === null) extras.metadataNull = true;
  else if (obj.metadata !== undefined) {
    item.metadata = obj.metadata as JsonObject;
    if (Object.keys(item.metadata).length === 0) extras.metadataEmpty = true;
  }
  if (Array.isArray(obj.tags)) item.tags = obj.tags as string[];
  for (const k of JSONL_TOLERATED_KEYS) if (obj[k] !== undefined) extras[k] = obj[k];
  if (Object.keys(extras).length > 0) item.extras = { jsonl: extras };
  return item;
}
