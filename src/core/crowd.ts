/**
 * Crowd regions on their way to a target without them. A crowd region (the model's `crowd: true`,
 * COCO `iscrowd: 1`) is one region over many objects that COCO's evaluation ignores; a target with
 * no such notion (YOLO, VOC, CSV, Remo, Annotto items...) would turn it into one big object to
 * detect. So, as Ultralytics' COCO converter does, crowd regions are left out and counted as loss,
 * unless `--keep-crowd` asks for them as ordinary objects. Formats that keep the flag say so with
 * `holds: { crowd: true }` on their descriptor and get every annotation.
 */
import type { FormatDescriptor, FormatImpl, FormatWriter, WriteContext } from './format.js';
import type { Options } from './options.js';
import type { Place } from './diagnostics.js';
import type { Annotation, Item } from '../model/types.js';
import { noun } from './noun.js';

/**
 * The target's writer with crowd regions filtered out before each item is written, or the writer
 * as it is when the target holds crowd regions or they are to be kept.
 */
export function withCrowdFilter(impl: FormatImpl, target: FormatDescriptor, options: Options): FormatImpl {
  const create = impl.createWriter;
  if (target.holds?.crowd === true || options.keepCrowd || !create) return impl;
  // a serializer writes items in worker threads, past this filter: the target gets items instead
  const { serializer: _bypass, ...rest } = impl;
  void _bypass;
  return {
    ...rest,
    async createWriter(sink, ctx) {
      const writer = await create(sink, ctx);
      return filtered(writer, ctx, target.id);
    },
  };
}

function filtered(writer: FormatWriter, ctx: WriteContext, target: string): FormatWriter {
  const reason = `${target} has no crowd regions (COCO iscrowd 1, which evaluation ignores); --keep-crowd writes them as ordinary objects`;
  return {
    ...(writer.dataset ? { dataset: (d) => writer.dataset!(d) } : {}),
    write(item: Item, place: Place) {
      const kept = withoutCrowd(item);
      if (kept === item) return writer.write(item, place);
      // refused under --strict: the error is reported, and the item is not written
      if (!ctx.lose(noun('crowd region'), regions(item.annotations.filter((a) => a.crowd === true)), reason, place)) return undefined;
      return writer.write(kept, place);
    },
    end: () => writer.end(),
  };
}

/** The item without its crowd annotations (the same object when it has none). */
export function withoutCrowd(item: Item): Item {
  if (!item.annotations.some((a) => a.crowd === true)) return item;
  return { ...item, annotations: item.annotations.filter((a) => a.crowd !== true) };
}

/** Regions among annotations: those sharing a set and an id are one (a COCO mask and its keypoints). */
function regions(annotations: Annotation[]): number {
  const seen = new Set<string>();
  let n = 0;
  for (const a of annotations) {
    if (a.id === undefined) n++;
    else seen.add((a.group ?? '') + '\u0000' + a.id);
  }
  return n + seen.size;
}
