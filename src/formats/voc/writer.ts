/**
 * Pascal VOC writer: one `<stem>.xml` per image into `-o DIR`, boxes as 1-based inclusive pixels
 * (`--voc-offset 0`: continuous corners), attributes (pose, truncated, difficult, occluded, parts,
 * actions) written back. VOC has boxes only: other shapes are written as their envelope or dropped,
 * and counted.
 */
import { noun, type Noun } from '../../core/noun.js';
import { XMLBuilder } from 'fast-xml-parser';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { nameClash, safeRelative } from '../../core/file-tree.js';
import { loseForeignExtras, loseMetadata, loseScore, loseProvenance } from '../../core/loss.js';
import { setOwn } from '../../core/safe.js';
import { envelopeLoss, envelopeOf, xywhToInclusive, type Xywh } from '../../model/geometry.js';
import type { Item, JsonObject } from '../../model/types.js';

const builder = new XMLBuilder({ format: true, ignoreAttributes: true, suppressEmptyNode: false });

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The XML file name of an item: its image file name with .xml for the extension. */
function stemOf(item: Item): string {
  const name = (item.path ?? item.url ?? item.id).split(/[?#]/)[0]!;
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1) || item.id;
  return base.replace(/\.[A-Za-z0-9]{1,5}$/, '');
}

export function createVocWriter(_sink: OutputSink, ctx: WriteContext): FormatWriter {
  const offset: 0 | 1 = String(ctx.options.format.vocOffset ?? '1') === '0' ? 0 : 1;
  const files = ctx.files!;
  const corners = (b: Xywh): JsonObject => {
    const c = xywhToInclusive(b, offset);
    return { xmin: c.xmin, ymin: c.ymin, xmax: c.xmax, ymax: c.ymax };
  };
  return {
    async write(item: Item, place: Place): Promise<void> {
      const stem = stemOf(item);
      const rel = safeRelative(stem + '.xml');
      if (rel === undefined || rel.includes('/')) {
        ctx.report(diag('OUTPUT_PATH_UNSAFE', `item ${JSON.stringify(item.id)}: ${JSON.stringify(stem)} is not a usable file name in the output folder (it leaves it, is hidden, or is over 255 bytes)`, place));
        return;
      }
      const clash = files.claim(rel);
      if (clash) {
        ctx.report(nameClash(clash, 'VOC_NAME_TAKEN', item.id, rel, place));
        return;
      }
      const lose = (what: Noun, n: number, reason: string): boolean => n === 0 || ctx.lose(what, n, reason, place);
      const ex = (item.extras?.voc ?? {}) as JsonObject;
      const ann: JsonObject = {};
      for (const k of ['folder']) if (ex[k] !== undefined) ann[k] = ex[k];
      if (ex.noFilename !== true) ann.filename = (item.path ?? item.url ?? item.id).split(/[?#]/)[0]!.replace(/^.*[\\/]/, '');
      const size = item.width !== undefined && item.height !== undefined ? { width: item.width, height: item.height, depth: ex.depth ?? 3 } : undefined;
      for (const k of Object.keys(ex)) {
        if (['folder', 'depth', 'noFilename'].includes(k) || ann[k] !== undefined) continue;
        if (k === 'segmented' && size) ann.size = size; // the devkit's order: size, then segmented
        setOwn(ann, k, ex[k]);
      }
      if (size && !ann.size) ann.size = size;
      const objects: JsonObject[] = [];
      for (const a of item.annotations) {
        const box = envelopeOf(a);
        if (!box) {
          if (!lose(noun(`${a.kind} annotation`), 1, 'VOC holds boxes only')) return;
          continue;
        }
        if (offset === 1 && (box.w < 1 || box.h < 1)) {
          // inclusive pixel corners cover at least one pixel: a thinner box would be written inverted
          if (!lose(noun('box under one pixel', 'boxes under one pixel'), 1, 'VOC corners are whole inclusive pixels (--voc-offset 0 writes them as continuous corners)')) return;
          continue;
        }
        if (a.label === undefined || a.label === '') {
          if (!lose(noun('unlabelled annotation'), 1, 'a VOC object needs a <name>')) return;
          continue;
        }
        const lost = envelopeLoss(a);
        if (lost && !lose(noun(lost), 1, 'VOC holds axis-aligned boxes (the envelope was written)')) return;
        const o: JsonObject = { name: a.label };
        const attrs = a.attributes ?? {};
        if (typeof attrs.pose === 'string') o.pose = attrs.pose;
        for (const flag of ['truncated', 'difficult', 'occluded']) if (typeof attrs[flag] === 'boolean') o[flag] = attrs[flag] ? 1 : 0;
        o.bndbox = corners(box);
        if (Array.isArray(attrs.parts)) {
          o.part = (attrs.parts as JsonObject[]).map((p) => ({ name: p.name, ...(typeof p.x === 'number' ? { bndbox: corners(p as unknown as Xywh) } : {}) }));
        }
        if (isObj(attrs.actions)) o.actions = Object.fromEntries(Object.entries(attrs.actions).map(([k, v]) => [k, v ? 1 : 0]));
        const other = Object.keys(attrs).filter((k) => !['pose', 'truncated', 'difficult', 'occluded', 'parts', 'actions'].includes(k));
        if (!lose(noun('attribute'), other.length, 'VOC objects hold pose, truncated, difficult, occluded, parts and actions only')) return;
        const rest = a.extras?.voc;
        if (isObj(rest)) for (const k of Object.keys(rest)) if (o[k] === undefined) setOwn(o, k, rest[k]);
        if (!loseScore(a.score, 'VOC', ctx, place)) return;
        objects.push(o);
      }
      if (objects.length) ann.object = objects;
      if (!loseForeignExtras(item, 'voc', 'a VOC file', ctx, place)) return;
      if (!loseMetadata(item, 'a VOC file', ctx, place)) return;
      if (!loseProvenance(item, 'a VOC file', ctx, place)) return;
      await files.write(rel, '<?xml version="1.0" encoding="UTF-8"?>\n' + (builder.build({ annotation: ann }) as string));
    },
    end(): void {},
  };
}
