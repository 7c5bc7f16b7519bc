/**
 * The annoconv line format: the model, one JSON object per line; an optional dataset header line
 * `{"annoconv": "dataset", ...}` before the first item. Lossless; the pipe format between commands.
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { splitLines } from '../../core/lines.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { validator } from '../../core/schemas.js';
import { IdSet } from '../../core/idset.js';
import type { Dataset, Item } from '../../model/types.js';

const SCHEMA = 'annoconv.schema.json';

export async function* readAnnoconv(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const itemSchema = await validator(SCHEMA, '#/definitions/item');
  const headerSchema = await validator(SCHEMA, '#/definitions/header');
  const file = ctx.file;
  const ids = new IdSet();
  let records = 0;
  let items = 0;
  for await (const batch of splitLines(input.chunks(), ctx.options.maxRecordSize)) {
    const events: ReadEvent[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.first + i;
      const text = batch.lines[i]!;
      const problem = batch.problems?.get(i);
      if (!problem && text.trim() === '') continue;
      const place: Place = { file, line, record: records++ };
      if (problem) {
        if (problem.kind === 'utf8') ctx.report(diag('INPUT_INVALID_UTF8', 'line is not valid UTF-8', place));
        else ctx.report(diag('INPUT_RECORD_TOO_LARGE', `line of ${problem.bytes} bytes exceeds --max-record-size ${ctx.options.maxRecordSize}; skipped`, place));
        events.push({ type: 'reject', place, ...(problem.kind === 'utf8' ? { raw: problem.raw } : {}) });
        continue;
      }
      let rec: unknown;
      try {
        rec = JSON.parse(text);
      } catch (e) {
        ctx.report(diag('MODEL_INVALID_JSON', `not valid JSON: ${(e as Error).message.slice(0, 200)}`, place));
        events.push({ type: 'reject', place, raw: text });
        continue;
      }
      const isHeader = rec !== null && typeof rec === 'object' && !Array.isArray(rec) && 'annoconv' in rec;
      const validate = isHeader ? headerSchema : itemSchema;
      if (!validate(rec)) {
        const errs = validate.errors ?? [];
        const shown = errs.filter((e) => e.keyword !== 'if').slice(0, 5);
        for (const e of shown) {
          ctx.report(diag('MODEL_SCHEMA', `${e.instancePath || 'record'} ${e.message ?? 'is invalid'}`, { ...place, pointer: e.instancePath }));
        }
        events.push({ type: 'reject', place, raw: text });
        continue;
      }
      if (isHeader) {
        if (items > 0) {
          ctx.report(diag('MODEL_HEADER_POSITION', 'a dataset header must come before the first item', place));
          events.push({ type: 'reject', place, raw: text });
          continue;
        }
        const { annoconv: _tag, version: _v, ...rest } = rec as Record<string, unknown>;
        const dataset = { categories: [], ...rest } as Dataset;
        records--; // the header is not a record
        events.push({ type: 'dataset', dataset });
        continue;
      }
      const item = rec as Item;
      if (ids.add(item.id)) ctx.report(diag('MODEL_ID_DUPLICATE', `item id ${JSON.stringify(item.id)} is already used by an earlier line`, { ...place, pointer: '/id' }));
      items++;
      events.push({ type: 'item', item, place, raw: text });
    }
    yield events;
  }
  if (records === 0) ctx.report(diag('INPUT_EMPTY', 'no items in the input', { file }));
}
