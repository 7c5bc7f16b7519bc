/**
 * Annotto predictions writer: one `{"uuid", "annotations": {<category>: ...}}` line per item, in
 * the shapes of predictions-reader.ts. Every label is written as a prediction (an annotation with
 * a score keeps it as its proba; classifications without one get proba 1, said in a note). What a
 * predictions line has no place for is counted: item fields (the items file holds them), scores of
 * other labels than classifications, authors, times and relations.
 */
import { noun } from '../../core/noun.js';
import { setOwn } from '../../core/safe.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { loseForeignExtras, loseMetadata } from '../../core/loss.js';
import type { Item, JsonObject } from '../../model/types.js';
import { itemToAnnotto } from './to-annotto.js';
import { checkProjectType, finish, notePredictions, writerState } from './writer-common.js';

const TARGET = 'Annotto predictions';

export async function createPredictionsWriter(sink: OutputSink, ctx: WriteContext): Promise<FormatWriter> {
  const st = await writerState(ctx);
  return {
    write(item: Item, place: Place): void {
      const w = itemToAnnotto(item, st.plan, true);
      if (w.error) return void ctx.report(diag(w.error.code, `item ${JSON.stringify(item.id)}: ${w.error.message}`, place, 'error'));
      for (const [what, n, reason] of w.losses) if (!ctx.lose(what, n, reason, place)) return;
      if (!loseItemFields(item, ctx, place)) return;
      checkProjectType(st, item, place, ctx);
      notePredictions(st, w);
      const annotations: JsonObject = {};
      for (const cats of Object.values(w.types)) for (const [category, cat] of Object.entries(cats)) setOwn(annotations, category, cat);
      sink.write(JSON.stringify({ uuid: item.id, annotations }) + '\n');
    },
    async end(): Promise<void> {
      await sink.flush();
      await finish(st, ctx);
    },
  };
}

/** What the items file, not a predictions line, holds; and provenance predictions do not keep. */
function loseItemFields(item: Item, ctx: WriteContext, place: Place): boolean {
  if (!loseMetadata(item, `${TARGET} (the items file holds them)`, ctx, place)) return false;
  if ((item.width !== undefined || item.height !== undefined) && !ctx.lose(noun('image size'), 1, 'Annotto holds no image sizes', place)) return false;
  const authored = item.annotations.filter((a) => a.author !== undefined || a.createdAt !== undefined).length;
  if (authored && !ctx.lose(noun("annotation's author and time", "annotations' authors and times"), authored, `${TARGET} do not record who made a label or when`, place)) return false;
  const sets = new Set(item.annotations.flatMap((a) => (a.group !== undefined ? [a.group] : []))).size;
  if (sets > 1 && !ctx.lose(noun('separate annotation set'), sets - 1, `${TARGET} hold one set of labels per item: the sets were written together`, place)) return false;
  return loseForeignExtras(item, 'annotto', TARGET, ctx, place);
}
