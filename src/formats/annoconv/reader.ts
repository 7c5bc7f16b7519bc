/**
 * The annoconv line format: the model, one JSON object per line; an optional dataset header line
 * `{"annoconv": "dataset", ...}` before the first item. Lossless; the pipe format between commands.
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { lineRecords } from '../../core/lines.js';
import { diag } from '../../core/diagnostics.js';
import { validator } from '../../core/schemas.js';
import { IdSet } from '../../core/idset.js';
import type { Dataset, Item } from '../../model/types.js';

const SCHEMA = 'annoconv.schema.json';

export async function* readAnnoconv(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const itemSchema = await validator(SCHEMA, '#/definitions/item');
  const headerSchema = await validator(SCHEMA, '#/definitions/header');
  const ids = new IdSet();
  let items = 0;
  yield* lineRecords(input, ctx, 'no items in the input', (text, place): ReadEvent => {
    let rec: unknown;
    try {
      rec = JSON.parse(text);
    } catch (e) {
      ctx.report(diag('MODEL_INVALID_JSON', `not valid JSON: ${(e as Error).message.slice(0, 200)}`, place));
      return { type: 'reject', place, raw: text };
    }
    const isHeader = rec !== null && typeof rec === 'object' && !Array.isArray(rec) && 'annoconv' in rec;
    const validate = isHeader ? headerSchema : itemSchema;
    if (!validate(rec)) {
      const errs = validate.errors ?? [];
      const shown = errs.filter((e) => e.keyword !== 'if').slice(0, 5);
      for (const e of shown) {
        ctx.report(diag('MODEL_SCHEMA', `${e.instancePath || 'record'} ${e.message ?? 'is invalid'}`, { ...place, pointer: e.instancePath }));
      }
      return { type: 'reject', place, raw: text };
    }
    if (isHeader) {
      if (items > 0) {
        ctx.report(diag('MODEL_HEADER_POSITION', 'a dataset header must come before the first item', place));
        return { type: 'reject', place, raw: text };
      }
      const { annoconv: _tag, version: _v, ...rest } = rec as Record<string, unknown>;
      return { type: 'dataset', dataset: { categories: [], ...rest } as Dataset };
    }
    const item = rec as Item;
    const bad = maskSizeProblem(item);
    if (bad) {
      ctx.report(diag('MODEL_MASK_SIZE', bad.message, { ...place, pointer: bad.pointer }));
      return { type: 'reject', place, raw: text };
    }
    if (ids.add(item.id)) ctx.report(diag('MODEL_ID_DUPLICATE', `item id ${JSON.stringify(item.id)} is already used by an earlier line`, { ...place, pointer: '/id' }));
    items++;
    return { type: 'item', item, place, raw: text };
  });
}

/**
 * A mask must cover its image: RLE size [height, width] equal to the item's size when that is
 * known, and run lengths adding up to height x width (a writer would otherwise emit a mask its
 * own reader refuses).
 */
function maskSizeProblem(item: Item): { message: string; pointer: string } | undefined {
  for (const [i, a] of item.annotations.entries()) {
    if (a.kind !== 'mask') continue;
    const [h, w] = a.rle.size;
    if (item.width !== undefined && item.height !== undefined && (h !== item.height || w !== item.width)) {
      return { message: `mask size [${h}, ${w}] differs from the item's [height, width] [${item.height}, ${item.width}]`, pointer: `/annotations/${i}/rle/size` };
    }
    let sum = 0;
    for (const c of a.rle.counts) sum += c;
    if (sum !== h * w) return { message: `mask run lengths add up to ${sum}, not ${h} x ${w} = ${h * w}`, pointer: `/annotations/${i}/rle/counts` };
  }
  return undefined;
}
