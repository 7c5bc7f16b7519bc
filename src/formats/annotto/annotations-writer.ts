/**
 * Annotto annotations writer: one import line per item, in the shapes of annotations-reader.ts:
 * `item` (the item as an items.jsonlines line), `itemMetadata.seenAt`, `annotationMetadata`
 * (`annotatedAt`, `annotatedBy` when known) and `annotation` by task type and category; never a
 * top-level `uuid` (the import refuses it). The server reads `seenAt` and `annotatedAt` without a
 * check, so both are always written: the source's (an export read back, or the annotations' latest
 * time), else `--annotated-at`, else the time of the run (a note counts those items). Importing a
 * line marks its item annotated, so an item without labels is written with an empty `annotation`.
 */
import { noun } from '../../core/noun.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { loseForeignExtras, loseScore } from '../../core/loss.js';
import type { Item, JsonObject } from '../../model/types.js';
import { lineOfItem } from './items.js';
import { itemToAnnotto } from './to-annotto.js';
import { checkProjectType, finish, writerState } from './writer-common.js';

const TARGET = 'Annotto annotations';
const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export async function createAnnotationsWriter(sink: OutputSink, ctx: WriteContext): Promise<FormatWriter> {
  const st = await writerState(ctx);
  const f = ctx.options.format;
  const fallback = typeof f.annotatedAt === 'string' ? new Date(f.annotatedAt).toISOString() : new Date().toISOString();
  let filled = 0;
  return {
    write(item: Item, place: Place): void {
      const urlPrefix = typeof f.urlPrefix === 'string' ? f.urlPrefix : undefined;
      const made = lineOfItem(item, urlPrefix);
      if ('error' in made) return void ctx.report(diag('LOSS_DROPPED', `item ${JSON.stringify(item.id)}: ${made.error}`, place, 'error'));
      const w = itemToAnnotto(item, st.plan, false);
      if (w.error) return void ctx.report(diag(w.error.code, `item ${JSON.stringify(item.id)}: ${w.error.message}`, place, 'error'));
      for (const [what, n, reason] of w.losses) if (!ctx.lose(what, n, reason, place)) return;
      if (!loseFields(item, ctx, place)) return;
      checkProjectType(st, item, place, ctx);
      const kept = (item.extras?.annotto?.line ?? {}) as JsonObject;
      const times = timesOf(item, kept);
      if (!times.annotatedAt) filled++;
      const annotatedAt = times.annotatedAt ?? fallback;
      const line: JsonObject = {
        item: made.line,
        itemMetadata: { ...dated(kept.itemMetadata), seenAt: times.seenAt ?? annotatedAt },
        annotationMetadata: { ...dated(kept.annotationMetadata), annotatedAt, ...(times.by ? { annotatedBy: times.by } : {}) },
        annotation: w.types,
      };
      if (item.tags?.length) line[kept.tagsKey === 'markers' ? 'markers' : 'tags'] = item.tags;
      for (const k of ['comments', 'historicAnnotations', 'annotationTimes']) if (kept[k] !== undefined) line[k] = kept[k];
      sink.write(JSON.stringify(line) + '\n');
    },
    async end(): Promise<void> {
      await sink.flush();
      if (filled) ctx.report(diag('ANNOTTO_TIME_FILLED', `${filled} item(s) had no annotation time: written with annotatedAt and seenAt ${fallback}${typeof f.annotatedAt === 'string' ? ' (--annotated-at)' : ' (the time of this run; --annotated-at sets another)'}`, {}, 'info'));
      await finish(st, ctx);
    },
  };
}

/** The dates of a kept metadata object, nulls left out (the import wants dates, not nulls). */
function dated(m: unknown): JsonObject {
  const out: JsonObject = {};
  if (isObj(m)) for (const [k, v] of Object.entries(m)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** annotatedAt, seenAt and annotatedBy from a line read back, else from the annotations. */
function timesOf(item: Item, kept: JsonObject): { annotatedAt?: string; seenAt?: unknown; by?: string } {
  const am = dated(kept.annotationMetadata);
  const im = dated(kept.itemMetadata);
  let annotatedAt = typeof am.annotatedAt === 'string' || typeof am.annotatedAt === 'number' ? new Date(am.annotatedAt).toISOString() : undefined;
  if (annotatedAt === undefined) {
    const t = item.annotations.map((a) => (a.createdAt ? Date.parse(a.createdAt) : NaN)).filter((x) => !Number.isNaN(x));
    if (t.length) annotatedAt = new Date(Math.max(...t)).toISOString();
  }
  const by = typeof am.annotatedBy === 'string' ? am.annotatedBy : item.annotations.find((a) => a.author)?.author;
  return { ...(annotatedAt ? { annotatedAt } : {}), ...(im.seenAt !== undefined ? { seenAt: im.seenAt } : {}), ...(by ? { by } : {}) };
}

/** Scores, predictions taken as annotations, several authors, media facts: what the line cannot hold. */
function loseFields(item: Item, ctx: WriteContext, place: Place): boolean {
  for (const a of item.annotations) if (!loseScore(a.score, TARGET, ctx, place)) return false;
  const preds = item.annotations.filter((a) => a.origin === 'prediction').length;
  if (preds && !ctx.lose(noun('prediction written as an annotation', 'predictions written as annotations'), preds, `${TARGET} are ground truth: annotto-predictions keeps predictions`, place)) return false;
  const authors = new Set(item.annotations.flatMap((a) => (a.author ? [a.author] : [])));
  if (authors.size > 1 && !ctx.lose(noun('further author'), authors.size - 1, `an Annotto annotation line has one annotatedBy`, place)) return false;
  const sets = new Set(item.annotations.flatMap((a) => (a.group !== undefined ? [a.group] : []))).size;
  if (sets > 1 && !ctx.lose(noun('separate annotation set'), sets - 1, `${TARGET} hold one set of labels per item: the sets were written together`, place)) return false;
  if ((item.width !== undefined || item.height !== undefined) && !ctx.lose(noun('image size'), 1, 'Annotto holds no image sizes', place)) return false;
  if (item.media && Object.keys(item.media).length && !ctx.lose(noun("item's media facts", "items' media facts"), 1, 'Annotto items hold no media facts', place)) return false;
  return loseForeignExtras(item, 'annotto', TARGET, ctx, place);
}
