/** Remo JSON writer: a list of images with size, tags and annotations of `classes` and `{x, y}` points. */
import { noun, type Noun } from '../../core/noun.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { loseForeignExtras, loseMetadata, loseScore, loseProvenance } from '../../core/loss.js';
import { setOwn } from '../../core/safe.js';
import { envelopeLoss, envelopeOf, pxToFraction } from '../../model/geometry.js';
import type { Item, JsonObject } from '../../model/types.js';

export function createRemoWriter(sink: OutputSink, ctx: WriteContext): FormatWriter {
  const percent = ctx.options.format.coordinates === 'percent';
  let n = 0;
  return {
    write(item: Item, place: Place): void {
      const lose = (what: Noun, count: number, reason: string): boolean => count === 0 || ctx.lose(what, count, reason, place);
      const W = item.width;
      const H = item.height;
      if (percent && !(W && H) && item.annotations.some((a) => a.kind !== 'classification')) {
        ctx.report(diag('REMO_NO_SIZE', `item ${JSON.stringify(item.id)}: fraction coordinates need its width and height, which are unknown`, place));
        return;
      }
      const pt = (x: number, y: number): JsonObject => ({ x: percent ? pxToFraction(x, W!) : x, y: percent ? pxToFraction(y, H!) : y });
      const ex = (item.extras?.remo ?? {}) as JsonObject;
      const out: JsonObject = { file_name: (item.path ?? item.url ?? item.id).split(/[?#]/)[0] };
      if (W !== undefined && H !== undefined) {
        if (ex.dimensions === true) out.dimensions = [W, H];
        else Object.assign(out, { width: W, height: H });
      }
      if (item.tags?.length) out.tags = item.tags;
      for (const k of Object.keys(ex)) if (k !== 'dimensions' && out[k] === undefined) setOwn(out, k, ex[k]);
      const anns: JsonObject[] = [];
      for (const a of item.annotations) {
        const extra = Array.isArray(a.attributes?.classes) ? (a.attributes!.classes as string[]) : undefined;
        const classes = a.kind === 'classification' ? a.labels : extra ?? (a.label !== undefined ? [a.label] : []);
        if (a.kind === 'classification') anns.push({ classes, coordinates: [] });
        else if (a.kind === 'polygon') {
          if (!lose(noun('polygon part grouping'), a.rings.length - 1, 'each part became an annotation of its own')) return;
          for (const ring of a.rings) {
            const pts: JsonObject[] = [];
            for (let i = 0; i + 1 < ring.length; i += 2) pts.push(pt(ring[i]!, ring[i + 1]!));
            anns.push({ classes, coordinates: pts });
          }
        } else {
          const box = envelopeOf(a);
          if (!box) {
            if (!lose(noun(`${a.kind} annotation`), 1, 'Remo holds boxes, polygons and classes only')) return;
            continue;
          }
          const lost = envelopeLoss(a);
          if (lost && !lose(noun(lost), 1, 'written as the envelope box')) return;
          anns.push({ classes, coordinates: [pt(box.x, box.y), pt(box.x + box.w, box.y + box.h)] });
        }
        const attrs = Object.keys(a.attributes ?? {}).filter((k) => k !== 'classes');
        if (!lose(noun('attribute'), attrs.length, 'Remo annotations have no attributes')) return;
        if (!loseScore(a.score, 'Remo JSON', ctx, place)) return;
      }
      out.annotations = anns;
      if (!loseForeignExtras(item, 'remo', 'Remo JSON', ctx, place)) return;
      if (!loseMetadata(item, 'Remo JSON', ctx, place, true)) return;
      if (!loseProvenance(item, 'Remo JSON', ctx, place)) return;
      sink.write((n++ ? ',\n' : '[\n') + JSON.stringify(out));
    },
    async end(): Promise<void> {
      sink.write(n ? '\n]\n' : '[]\n');
      await sink.flush();
    },
  };
}
