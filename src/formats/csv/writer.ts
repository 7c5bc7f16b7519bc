/**
 * CSV annotation tables in Remo's three layouts (`--csv-task`): detection
 * `file_name,class_name,xmin,ymin,xmax,ymax`, segmentation `file_name,class_name,coordinates`
 * (`x1; y1; x2; y2; ...`), classification `file_name,class_name` (several classes `;`-joined).
 * Pixel corners by default; `--coordinates percent` writes fractions 0-1 of the image size (Remo's
 * "percent"). What a layout cannot hold is counted as loss; a CSV holds no image sizes.
 */
import { noun, type Noun } from '../../core/noun.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { CellWriter } from '../../core/csv.js';
import { loseForeignExtras, loseMetadata, loseScore, loseProvenance } from '../../core/loss.js';
import { ellipseToRing, envelopeLoss, envelopeOf, pxToFraction, rotatedCorners, type Xywh } from '../../model/geometry.js';
import type { Annotation, Item } from '../../model/types.js';

export type CsvTask = 'detection' | 'segmentation' | 'classification';

const HEADERS: Record<CsvTask, string> = {
  detection: 'file_name,class_name,xmin,ymin,xmax,ymax',
  segmentation: 'file_name,class_name,coordinates',
  classification: 'file_name,class_name',
};

export function createCsvWriter(sink: OutputSink, ctx: WriteContext): FormatWriter {
  const f = ctx.options.format;
  const task: CsvTask = f.csvTask === 'segmentation' || f.csvTask === 'classification' ? f.csvTask : 'detection';
  const percent = f.coordinates === 'percent';
  const fullPath = f.fullPath === true;
  const cells = new CellWriter(f.escapeFormulas !== false);
  const cell = (s: string, place: Place): string => cells.cell(s, place);
  sink.write(HEADERS[task] + '\n');
  return {
    dataset(d) {
      if (d.info || d.licenses?.length) ctx.lose(noun('dataset description (info, licenses)', 'dataset descriptions (info, licenses)'), 1, 'a CSV table has no dataset description');
    },
    write(item: Item, place: Place): void {
      const name = fileName(item, fullPath);
      if (name === undefined) {
        ctx.report(diag('CSV_NO_FILE', `item ${JSON.stringify(item.id)} has no file name, URL or id to write`, place));
        return;
      }
      const size = item.width !== undefined && item.height !== undefined ? { w: item.width, h: item.height } : undefined;
      if (percent && !size && task !== 'classification' && item.annotations.some((a) => isShape(a))) {
        ctx.report(diag('CSV_NO_SIZE', `item ${JSON.stringify(item.id)}: fractions of the image size need its width and height, which are unknown`, place));
        return;
      }
      const lose = (what: Noun, count: number, reason: string): boolean => count === 0 || ctx.lose(what, count, reason, place);
      const x = (v: number): string => String(percent ? pxToFraction(v, size!.w) : v);
      const y = (v: number): string => String(percent ? pxToFraction(v, size!.h) : v);
      const rows: string[] = [];
      const file = cell(name, place);
      if (task === 'classification') {
        const labels = item.annotations.flatMap((a) => (a.kind === 'classification' ? a.labels : []));
        if (!lose(noun('shape'), item.annotations.filter((a) => a.kind !== 'classification').length, 'a classification table holds image classes only')) return;
        if (labels.some((l) => l.includes(';')) && !lose(noun('class name holding ";"', 'class names holding ";"'), 1, 'classes are ";"-joined in one cell, so such a name splits in two')) return;
        for (const a of item.annotations) if (a.kind === 'classification' && !loseScore(a.score, 'a CSV table', ctx, place)) return;
        rows.push(`${file},${cells.joined(labels, ';', place)}`);
      } else {
        for (const a of item.annotations) {
          const label = cell(a.label ?? '', place);
          if (task === 'detection') {
            const r = boxOf(a);
            if ('lost' in r) {
              if (!lose(r.lost, 1, r.reason)) return;
              continue;
            }
            if (r.note && !lose(r.note[0], 1, r.note[1])) return;
            if (!loseScore(a.score, 'a CSV table', ctx, place)) return;
            rows.push(`${file},${label},${x(r.box.x)},${y(r.box.y)},${x(r.box.x + r.box.w)},${y(r.box.y + r.box.h)}`);
          } else {
            const r = ringsOf(a);
            if ('lost' in r) {
              if (!lose(r.lost, 1, r.reason)) return;
              continue;
            }
            if (r.note && !lose(r.note[0], 1, r.note[1])) return;
            if (!loseScore(a.score, 'a CSV table', ctx, place)) return;
            for (const ring of r.rings) {
              const parts: string[] = [];
              for (let i = 0; i + 1 < ring.length; i += 2) parts.push(x(ring[i]!), y(ring[i + 1]!));
              rows.push(`${file},${label},${parts.join('; ')}`);
            }
          }
        }
        if (item.annotations.length === 0 && !lose(noun('image without labels', 'images without labels'), 1, `a ${task} table has rows for objects only`)) return;
        if (item.annotations.length > 0 && rows.length === 0 && !lose(noun('image'), 1, `none of its annotations fit a ${task} table, which has rows for objects only`)) return;
      }
      if (size && !lose(noun('image size'), 1, 'a CSV table has no image size')) return;
      if (!loseForeignExtras(item, 'csv', 'a CSV table', ctx, place)) return;
      if (!loseMetadata(item, 'a CSV table', ctx, place)) return;
      if (!loseProvenance(item, 'a CSV table', ctx, place)) return;
      for (const r of rows) sink.write(r + '\n');
    },
    async end(): Promise<void> {
      await sink.flush();
      cells.report(ctx.report);
    },
  };
}

function fileName(item: Item, fullPath: boolean): string | undefined {
  const full = item.path ?? item.url ?? item.id;
  if (full === undefined || full === '') return undefined;
  if (fullPath) return full;
  const base = full.split(/[?#]/)[0]!;
  return base.slice(Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\')) + 1) || full;
}

const isShape = (a: Annotation): boolean => a.kind === 'box' || a.kind === 'polygon' || a.kind === 'mask' || a.kind === 'ellipse' || a.kind === 'keypoints';

type Lost = { lost: Noun; reason: string };

function boxOf(a: Annotation): { box: Xywh; note?: [Noun, string] } | Lost {
  const box = envelopeOf(a);
  if (!box) return { lost: noun(`${a.kind} annotation`), reason: 'a detection table holds boxes only' };
  const lost = envelopeLoss(a);
  return lost ? { box, note: [noun(lost), 'a detection table holds axis-aligned boxes (the envelope was written)'] } : { box };
}

function ringsOf(a: Annotation): { rings: number[][]; note?: [Noun, string] } | Lost {
  switch (a.kind) {
    case 'polygon':
      return { rings: a.rings, ...(a.rings.length > 1 ? { note: [noun('polygon part grouping'), 'each part became a row of its own'] as [Noun, string] } : {}) };
    case 'box':
      return { rings: [rotatedCorners(a, a.rotation ?? 0).flat()] };
    case 'ellipse':
      return { rings: [ellipseToRing(a.cx, a.cy, a.rx, a.ry, a.rotation ?? 0)], note: [noun('ellipse'), 'written as 32-point polygons'] };
    default:
      return { lost: noun(`${a.kind} annotation`), reason: 'a segmentation table holds polygons only' };
  }
}
