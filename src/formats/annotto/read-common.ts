/**
 * What the predictions and annotations readers share: a line parsed as an object, a category
 * turned into model annotations with its problems reported, and zones waiting for the image size
 * (read from `--media-root` when given, else kept as they are).
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import { diag, fragment, pointer, type Place } from '../../core/diagnostics.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import { refuseLoneSurrogate } from '../../core/lone-surrogate.js';
import type { Item, JsonObject } from '../../model/types.js';
import { loadProjectConfig, type ProjectConfig, type TaskType } from './config.js';
import { categoryToModel, type Form } from './from-annotto.js';
import { loadItems } from './items.js';

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The line as a JSON object, or undefined with its problem reported. */
export function parseLine(text: string, place: Place, ctx: ReadContext): JsonObject | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    ctx.report(diag('ANNOTTO_INVALID_JSON', jsonErrorMessage(text), place));
    return undefined;
  }
  if (refuseLoneSurrogate(text, o, ctx.report, place)) return undefined;
  if (!isObj(o)) {
    ctx.report(diag('ANNOTTO_RECORD_INVALID', 'a line must be a JSON object', place));
    return undefined;
  }
  return o;
}

/** A diagnostic at a plain pointer below the line. */
export function at(place: Place, ...segments: (string | number)[]): Place {
  return { ...place, pointer: fragment(pointer(...segments)) };
}

/** The options both readers take: the project config and the items, loaded once. */
export interface ReadSetup {
  config?: ProjectConfig;
  items?: Map<string, Item>;
  mediaRoot?: string;
}

export async function readSetup(ctx: ReadContext, withItems: boolean): Promise<ReadSetup> {
  const f = ctx.options.format;
  const out: ReadSetup = {};
  if (typeof f.annottoConfig === 'string') out.config = await loadProjectConfig(f.annottoConfig);
  if (withItems && typeof f.annottoItems === 'string') out.items = await loadItems(f.annottoItems, ctx.options.maxInflatedSize, ctx.options.maxRecordSize);
  if (typeof f.mediaRoot === 'string') out.mediaRoot = f.mediaRoot;
  return out;
}

/**
 * Adds one checked category's annotations to the item (unsized zones to `extras.annotto.zones`);
 * returns false when an entry was refused (reported).
 */
export function addCategory(item: Item, type: TaskType, category: string, cat: JsonObject, form: Form, place: Place, base: (string | number)[], ctx: ReadContext): boolean {
  const out = categoryToModel(type, category, cat, item, form);
  let ok = true;
  for (const p of out.problems) {
    ctx.report(diag('ANNOTTO_SPAN_INVALID', p.message, { ...place, pointer: fragment(pointer(...base) + p.at) }));
    ok = false;
  }
  if (out.unconverted && ctx.materialize) ctx.report(diag('ANNOTTO_NO_TEXT', `${out.unconverted} NER span(s) of item ${JSON.stringify(item.id)} read without its text: UTF-16 offsets taken as code points (--annotto-items gives the text)`, at(place, ...base)));
  item.annotations.push(...out.annotations);
  if (out.unsized.length) {
    const ex = ((item.extras ??= {}).annotto ??= {});
    ((ex.zones ??= []) as JsonObject[]).push(...out.unsized);
  }
  return ok;
}

/**
 * Zones of items without an image size: put in pixels with the size of the image under
 * `--media-root`, else kept as they are and warned (Annotto output writes them back; other targets
 * count them as dropped).
 */
export async function settleZones(events: ReadEvent[], ctx: ReadContext, setup: ReadSetup, origin: Form['origin']): Promise<void> {
  for (const ev of events) {
    if (ev.type !== 'item') continue;
    const zones = (ev.item.extras?.annotto as JsonObject | undefined)?.zones as JsonObject[] | undefined;
    if (!zones?.length) continue;
    if (setup.mediaRoot !== undefined) {
      const { fillSizes } = await import('../../media/fill-sizes.js'); // sharp is loaded only when needed
      await fillSizes(ev.item, setup.mediaRoot, ev.place, (d) => ctx.report({ ...d, severity: 'warning' }));
    }
    const { width, height } = ev.item;
    if (width === undefined || height === undefined) {
      if (ctx.materialize) ctx.report(diag('ANNOTTO_NO_SIZE_KEPT', `item ${JSON.stringify(ev.item.id)}: ${zones.length} zone(s) in fractions of an image whose size is unknown${setup.mediaRoot === undefined ? ' (--media-root DIR reads it from the image)' : ''}: kept as they are for Annotto output, dropped (counted) by other targets`, ev.place, 'warning'));
      continue;
    }
    const ex = ev.item.extras!.annotto as JsonObject;
    delete ex.zones;
    if (!Object.keys(ex).length) delete ev.item.extras!.annotto;
    if (!Object.keys(ev.item.extras!).length) delete ev.item.extras;
    for (const z of zones) {
      const out = categoryToModel('zone', z.category as string, { entities: [z.entity] }, ev.item, { origin, size: [width, height] });
      ev.item.annotations.push(...out.annotations);
    }
  }
}
