/**
 * COCO results reader (FORMATS.md §5.3): a top-level array of detections `{image_id,
 * category_id, score, bbox | segmentation | keypoints | caption}` without ids. Detections become
 * predictions, grouped into one item per image_id in order of first appearance; like the dataset
 * reader, detections are spilled to partitions by that order and joined partition by partition.
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { JsonScanner, oversizedMessage } from '../../core/json-scan.js';
import { diag, below } from '../../core/diagnostics.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import { SpillDir, oneLine, type SpillFile } from '../../core/spill.js';
import type { Item, JsonObject } from '../../model/types.js';
import { annotationToModel, severityOf } from './records.js';
import { splitTabs } from './join.js';
import { loadGroundTruth, imageToItem } from './ground-truth.js';
import { refuseLoneSurrogate } from '../../core/lone-surrogate.js';

const IMAGES_PER_PARTITION = 2048;

export async function* readCocoResults(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const file = ctx.file;
  const gtPath = ctx.options.format.gt;
  const gt = typeof gtPath === 'string' ? await loadGroundTruth(gtPath, ctx.options) : undefined;
  const spill = new SpillDir('annoconv-cocores-');
  try {
    const ordinal = new Map<number, number>();
    const parts: SpillFile[] = [];
    const scanner = new JsonScanner({ maxElementBytes: ctx.options.maxRecordSize, capture: { array: '', keys: ['image_id'] } });
    let rootChecked = false;
    let failed = false;
    const rejects: ReadEvent[] = [];
    const onEvents = (events: ReturnType<JsonScanner['push']>): void => {
      for (const ev of events) {
        if (ev.type === 'error') {
          ctx.report(diag('COCO_INVALID_JSON', ev.message, { file, offset: ev.offset }));
          failed = true;
        } else if (ev.type === 'oversized') {
          const [code, message] = oversizedMessage(ev, ctx.options.maxRecordSize);
          ctx.report(diag(code, message, { file, pointer: `#/${ev.index}`, offset: ev.offset }));
          rejects.push({ type: 'reject', place: { file, pointer: `#/${ev.index}`, offset: ev.offset } });
        } else if (ev.type === 'element') {
          const raw = ev.raw.toString('utf8');
          const imageId = ev.captured?.[0];
          if (imageId === undefined || !Number.isInteger(imageId)) {
            ctx.report(diag('COCO_FIELD_MISSING', 'a detection needs an integer image_id', { file, pointer: `#/${ev.index}/image_id`, offset: ev.offset }));
            rejects.push({ type: 'reject', place: { file, pointer: `#/${ev.index}`, offset: ev.offset }, raw });
            continue;
          }
          if (gt && !gt.images.has(imageId)) {
            ctx.report(diag('COCO_UNKNOWN_IMAGE', `image_id ${imageId} is not an image of the --gt dataset`, { file, pointer: `#/${ev.index}/image_id`, offset: ev.offset }));
            rejects.push({ type: 'reject', place: { file, pointer: `#/${ev.index}`, offset: ev.offset }, raw });
            continue;
          }
          let ord = ordinal.get(imageId);
          if (ord === undefined) {
            ord = ordinal.size;
            ordinal.set(imageId, ord);
          }
          const p = Math.floor(ord / IMAGES_PER_PARTITION);
          while (parts.length <= p) parts.push(spill.file(`part-${parts.length}`));
          parts[p]!.append(`${ord}\t${imageId}\t${ev.index}\t${ev.offset}\t${oneLine(raw)}`);
        }
      }
    };
    for await (const chunk of input.chunks()) {
      if (!rootChecked) {
        const first = chunk.toString('latin1', 0, Math.min(chunk.length, 64)).replace(/^\xef\xbb\xbf/, '').trimStart();
        if (first.length === 0) continue;
        rootChecked = true;
        if (first[0] !== '[') {
          ctx.report(diag('COCO_RESULTS_NOT_ARRAY', 'a COCO results file is a JSON array of detections (a dataset object is read with --from coco)', { file, offset: 0 }));
          return;
        }
      }
      onEvents(scanner.push(chunk));
      if (rejects.length) yield rejects.splice(0);
      if (failed) return;
    }
    onEvents(scanner.end());
    if (rejects.length) yield rejects.splice(0);
    if (failed) return;
    for (let p = 0; p < parts.length; p++) {
      const items = new Map<number, Item>();
      const events: ReadEvent[] = [];
      for (const line of parts[p]!.lines()) {
        const [ordText, imageIdText, index, offsetText, raw] = splitTabs(line, 5);
        const ord = Number(ordText);
        const offset = Number(offsetText);
        const base = `#/${index}`;
        let o: unknown;
        try {
          o = JSON.parse(raw);
        } catch {
          ctx.report(diag('COCO_INVALID_JSON', jsonErrorMessage(raw), { file, pointer: base, offset }));
          events.push({ type: 'reject', place: { file, pointer: base, offset }, raw });
          continue;
        }
        if (refuseLoneSurrogate(raw!, o, ctx.report, { file, pointer: base, offset })) { events.push({ type: 'reject', place: { file, pointer: base, offset }, raw }); continue; }
        const gtImage = gt?.images.get(Number(imageIdText));
        const image = { id: Number(imageIdText), ...(gtImage && Number.isInteger(gtImage.width) ? { width: gtImage.width as number, height: gtImage.height as number } : {}) };
        const r = annotationToModel(o as JsonObject, { image, categories: gt?.categories ?? new Map(), prediction: true, checkCategories: gt !== undefined });
        let bad = false;
        for (const f of r.findings) {
          const d = diag(f.code, f.message, { file, pointer: below(base, f.at), offset }, f.severity ?? severityOf(f.code));
          if (d.severity === 'error') bad = true;
          ctx.report(d);
        }
        if (bad || !r.annotations) {
          events.push({ type: 'reject', place: { file, pointer: base, offset }, raw });
          continue;
        }
        let item = items.get(ord);
        if (!item) {
          item = gtImage ? imageToItem(gtImage) : { id: imageIdText, kind: 'image', metadata: {}, annotations: [], extras: { coco: { id: Number(imageIdText) } } };
          items.set(ord, item);
        }
        item.annotations.push(...r.annotations);
      }
      const sorted = [...items.entries()].sort((a, b) => a[0] - b[0]);
      for (const [, item] of sorted) events.push({ type: 'item', item, place: { file, pointer: '#' } });
      yield events;
    }
  } finally {
    spill.remove();
  }
}
