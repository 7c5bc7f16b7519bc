/**
 * The annoconv line format: the model, one JSON object per line; an optional dataset header line
 * `{"annoconv": "dataset", ...}` before the first item. Lossless; the pipe format between commands.
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { lineRecords } from '../../core/lines.js';
import { diag, fragment } from '../../core/diagnostics.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import { validator } from '../../core/schemas.js';
import { IdSet } from '../../core/idset.js';
import type { Dataset, Item } from '../../model/types.js';
import { refuseLoneSurrogate } from '../../core/lone-surrogate.js';
import { MAX_PX, beyondPixelRange } from '../../model/range.js';

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
    } catch {
      ctx.report(diag('MODEL_INVALID_JSON', jsonErrorMessage(text), place));
      return { type: 'reject', place, raw: text };
    }
    if (refuseLoneSurrogate(text, rec, ctx.report, place)) return { type: 'reject', place, raw: text };
    const isHeader = rec !== null && typeof rec === 'object' && !Array.isArray(rec) && 'annoconv' in rec;
    const validate = isHeader ? headerSchema : itemSchema;
    if (!validate(rec)) {
      const errs = validate.errors ?? [];
      const shown = errs.filter((e) => e.keyword !== 'if').slice(0, 5);
      for (const e of shown) {
        ctx.report(diag('MODEL_SCHEMA', `${e.instancePath || 'record'} ${e.message ?? 'is invalid'}`, { ...place, pointer: fragment(e.instancePath) }));
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
    const range = rangeProblem(item);
    if (range) {
      ctx.report(diag('MODEL_VALUE_RANGE', range.message, { ...place, pointer: fragment(range.pointer) }));
      return { type: 'reject', place, raw: text };
    }
    const bad = maskSizeProblem(item);
    if (bad) {
      ctx.report(diag('MODEL_MASK_SIZE', bad.message, { ...place, pointer: fragment(bad.pointer) }));
      return { type: 'reject', place, raw: text };
    }
    if (ids.add(item.id)) ctx.report(diag('MODEL_ID_DUPLICATE', `item id ${JSON.stringify(item.id)} is already used by an earlier line`, { ...place, pointer: '#/id' }));
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


/**
 * Sizes must be positive and coordinates within +/- 1e9 pixels: a width of 0 or a coordinate of
 * 1e308 is valid JSON the schema lets through, but every percent or fraction target would write it
 * as null or Infinity, which no reader takes back.
 */
function rangeProblem(item: Item): { message: string; pointer: string } | undefined {
  for (const k of ['width', 'height'] as const) {
    const v = item[k];
    if (v !== undefined && !(v > 0 && v <= MAX_PX)) return { message: `${k} ${v} is not a size in pixels (0 < ${k} <= 1e9)`, pointer: `/${k}` };
  }
  const far = beyondPixelRange;
  for (const [i, a] of item.annotations.entries()) {
    const at = `/annotations/${i}`;
    const check = (field: string, v: number | undefined): { message: string; pointer: string } | undefined =>
      v !== undefined && far(v) ? { message: `${field} ${v} is beyond +/- 1e9 pixels`, pointer: `${at}/${field}` } : undefined;
    let p: { message: string; pointer: string } | undefined;
    if (a.kind === 'box') p = check('x', a.x) ?? check('y', a.y) ?? check('w', a.w) ?? check('h', a.h) ?? check('rotation', a.rotation);
    else if (a.kind === 'ellipse') p = check('cx', a.cx) ?? check('cy', a.cy) ?? check('rx', a.rx) ?? check('ry', a.ry) ?? check('rotation', a.rotation);
    else if (a.kind === 'polygon') {
      for (const [r, ring] of a.rings.entries()) {
        const j = ring.findIndex(far);
        if (j >= 0) return { message: `a polygon coordinate ${ring[j]} is beyond +/- 1e9 pixels`, pointer: `${at}/rings/${r}/${j}` };
      }
    } else if (a.kind === 'keypoints') {
      for (const [j, pt] of a.points.entries()) if (far(pt[0]!) || far(pt[1]!)) return { message: `a keypoint is beyond +/- 1e9 pixels`, pointer: `${at}/points/${j}` };
    }
    if (p) return p;
  }
  return undefined;
}
