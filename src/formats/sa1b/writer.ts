/**
 * SA-1B writer: one JSON file per item into -o DIR, named after the image (`sa_1.jpg` ->
 * `sa_1.json`, else `<item id>.json`), in SA-1B's layout (reader.ts). Masks are written as COCO
 * compressed RLE with `bbox` [x, y, w, h] and `area` derived from the mask; the score is
 * `predicted_iou`. Other shapes, labels, attributes, item metadata, media facts, tags and
 * provenance have no place in SA-1B and are counted as loss. `image_id` is the item id when it is a whole number, else the item's position (1, 2, ...).
 */
import { posix } from 'node:path';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { AnnoconvError, diag, type Place } from '../../core/diagnostics.js';
import { noun } from '../../core/noun.js';
import { loseForeignExtras, loseMetadata, loseProvenance } from '../../core/loss.js';
import { rleArea, rleBbox, rleToString } from '../../model/geometry.js';
import type { Item, JsonObject } from '../../model/types.js';

export async function createSa1bWriter(_sink: OutputSink, ctx: WriteContext): Promise<FormatWriter> {
  const files = ctx.files;
  if (!files) throw new AnnoconvError(diag('OPTION_INVALID', 'sa1b writes one file per image: give an output folder with -o DIR'), 2);
  let ordinal = 0;
  return {
    async write(item: Item, place: Place): Promise<void> {
      ordinal++;
      if (!(item.width! > 0) || !(item.height! > 0)) {
        ctx.report(diag('SA_JSON_NO_SIZE', `item ${item.id}: SA-1B needs the image width and height, which are unknown (give them in the source, or --media-root to read them from the files)`, place));
        return;
      }
      const fileName = item.path ?? (item.url ? posix.basename(item.url.split(/[?#]/)[0]!) : `${item.id}.jpg`);
      const rel = fileName.replace(/\.[^./\\]*$/, '') + '.json';
      if (files.claim(rel)) {
        ctx.report(diag('SA_JSON_NAME_TAKEN', `item ${item.id}: ${rel} is already written by an earlier item (same image file name, or one differing only in case)`, place));
        return;
      }
      if (!loseForeignExtras(item, 'sa1b', 'SA-1B', ctx, place) || !loseMetadata(item, 'SA-1B', ctx, place) || !loseProvenance(item, 'SA-1B', ctx, place)) return;
      const annotations: JsonObject[] = [];
      let others = 0;
      let labels = 0;
      let attributes = 0;
      let foreign = 0;
      for (const a of item.annotations) {
        if (a.kind !== 'mask') {
          others++;
          continue;
        }
        if (a.label !== undefined) labels++;
        attributes += Object.keys(a.attributes ?? {}).length;
        if (Object.keys(a.extras ?? {}).some((f) => f !== 'sa1b')) foreign++;
        const { x, y, w, h } = rleBbox(a.rle);
        const out: JsonObject = { id: /^\d+$/.test(a.id ?? '') ? Number(a.id) : annotations.length + 1, segmentation: { size: a.rle.size, counts: rleToString(a.rle.counts) }, bbox: [x, y, w, h], area: rleArea(a.rle) };
        if (a.score !== undefined) out.predicted_iou = a.score;
        Object.assign(out, a.extras?.sa1b ?? {});
        annotations.push(out);
      }
      if (others && !ctx.lose(noun('annotation'), others, 'SA-1B holds masks only (boxes, polygons and other shapes are not rasterized)', place)) return;
      if (labels && !ctx.lose(noun('mask label'), labels, "SA-1B's masks have no class", place)) return;
      if (attributes && !ctx.lose(noun('mask attribute'), attributes, 'SA-1B has no place for attributes', place)) return;
      if (foreign && !ctx.lose(noun("mask's fields of another format", "masks' fields of other formats"), foreign, 'SA-1B keeps its own annotation fields only', place)) return;
      const imageId = /^\d+$/.test(item.id) && Number.isSafeInteger(Number(item.id)) ? Number(item.id) : ordinal;
      const doc = { image: { image_id: imageId, width: item.width, height: item.height, file_name: fileName }, annotations };
      await files.write(rel, JSON.stringify(doc));
    },
    async end(): Promise<void> {},
  };
}
