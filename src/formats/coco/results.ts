/**
 * COCO results reader (FORMATS.md §5.3): a top-level array of detections `{image_id,
 * category_id, score, bbox | segmentation | keypoints | caption}` without ids. Detections become
 * predictions, grouped into one item per image_id in order of first appearance; like the dataset
 * reader, detections are spilled to partitions by that order and joined partition by partition.
 *
 * With `--gt FILE` each item is the ground truth's image (size, file name) and the dataset header
 * holds the ground truth's categories whole. Without it, an image's size is what its mask
 * detections say (an RLE's size is its image's), and unknown for box-only detections.
 * An iscrowd on a detection means nothing to cocoapi (loadRes sets 0): detections are never crowd.
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { JsonScanner, oversizedMessage } from '../../core/json-scan.js';
import { diag, below } from '../../core/diagnostics.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import { SpillDir, oneLine, type SpillFile } from '../../core/spill.js';
import type { Annotation, Item, JsonObject } from '../../model/types.js';
import { annotationToModel, idRange, severityOf } from './records.js';
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
          if (imageId !== undefined && Number.isInteger(imageId) && !Number.isSafeInteger(imageId)) {
            const f = idRange(imageId, 'image_id', '/image_id')!;
            ctx.report(diag(f.code, f.message, { file, pointer: `#/${ev.index}/image_id`, offset: ev.offset }));
            rejects.push({ type: 'reject', place: { file, pointer: `#/${ev.index}`, offset: ev.offset }, raw });
            continue;
          }
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
    // the ground truth's categories whole (supercategory, keypoint names, skeleton), for writers
    // of datasets; a results file has none of its own
    if (gt) yield [{ type: 'dataset', dataset: { categories: [...gt.categories.values()] } }];
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
        const known = items.get(ord);
        const image = { id: Number(imageIdText), ...imageSize(gtImage, known) };
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
        if (!gtImage) sizeFromMask(item, r.annotations);
      }
      const sorted = [...items.entries()].sort((a, b) => a[0] - b[0]);
      for (const [, item] of sorted) events.push({ type: 'item', item, place: { file, pointer: '#' } });
      yield events;
    }
  } finally {
    spill.remove();
  }
}

/** The image size a detection is checked against: the ground truth's, else a mask's seen before. */
function imageSize(gtImage: JsonObject | undefined, item: Item | undefined): { width?: number; height?: number } {
  if (gtImage) return Number.isInteger(gtImage.width) && Number.isInteger(gtImage.height) ? { width: gtImage.width as number, height: gtImage.height as number } : {};
  return item?.width !== undefined && item.height !== undefined ? { width: item.width, height: item.height } : {};
}

/**
 * Without --gt, an image's size is known from its mask detections: an RLE's `size` is [height,
 * width] of the image it was encoded on (cocoapi's loadRes takes area and bbox from it alone), so
 * a COCO dataset can be written from a segmentation results file. Later masks of the same image
 * are checked against it (COCO_RLE_SIZE).
 */
function sizeFromMask(item: Item, annotations: Annotation[]): void {
  if (item.width !== undefined) return;
  const mask = annotations.find((a) => a.kind === 'mask');
  if (mask?.kind !== 'mask') return;
  const [h, w] = mask.rle.size;
  if (!(h > 0 && w > 0)) return;
  item.height = h;
  item.width = w;
}
