/**
 * Pascal VOC writer: one `<stem>.xml` per image into `-o DIR`.
 *
 * Quirks worth knowing:
 * - Corners are whole pixels by default, as the devkit and LabelImg write them and as Python
 *   readers take them (`int(text)` fails on `5.5`): each is rounded and a box that moved is
 *   counted; `--voc-float` writes fractions. 1-based inclusive (`--voc-offset 0`: continuous).
 * - A box whose `parent` is another written box's id is written back as a `<part>` of that
 *   object (a person's head); one whose parent is not there becomes an object of its own.
 * - Keys from the data (extras, action names) become element names only when XML allows them as
 *   names; text XML 1.0 cannot carry (control characters) refuses the item (VOC_TEXT_INVALID).
 * - VOC XML has boxes only: other shapes are written as their envelope or dropped, and counted;
 *   masks are also painted into SegmentationClass/ and SegmentationObject/ (seg-writer.ts), and
 *   a mask paired with a box (`extras.voc.object`, as the reader pairs them) is that box's object.
 */
import { noun, type Noun } from '../../core/noun.js';
import { XMLBuilder } from 'fast-xml-parser';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, fragment, type Place } from '../../core/diagnostics.js';
import { nameClash, safeRelative } from '../../core/file-tree.js';
import { loseForeignExtras, loseMetadata, loseScore, loseProvenance, loseRasterized } from '../../core/loss.js';
import { setOwn } from '../../core/safe.js';
import { cornersMoved, envelopeLoss, envelopeOf, wholeCorners, xywhToInclusive, type Xyxy } from '../../model/geometry.js';
import type { Annotation, Item, JsonObject } from '../../model/types.js';
import { xmlTree, type TreeProblems } from './tree.js';
import { paintable, VocSegWriter, type SegInstance } from './seg-writer.js';

// text is escaped by xmlTree (xml.ts), so the builder writes it as it is
const builder = new XMLBuilder({ format: true, ignoreAttributes: true, suppressEmptyNode: false, processEntities: false });

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const OBJECT_ATTRIBUTES = ['pose', 'truncated', 'difficult', 'occluded', 'actions'];

/** The XML file name of an item: its image file name with .xml for the extension. */
function stemOf(item: Item): string {
  const name = (item.path ?? item.url ?? item.id).split(/[?#]/)[0]!;
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1) || item.id;
  return base.replace(/\.[A-Za-z0-9]{1,5}$/, '');
}

type Lose = (what: Noun, n: number, reason: string) => boolean;

/** How a box is written: its corners, or why it cannot be. */
type Corners = { c: JsonObject; moved: boolean } | { lost: Noun; reason: string };

export function createVocWriter(_sink: OutputSink, ctx: WriteContext): FormatWriter {
  const offset: 0 | 1 = String(ctx.options.format.vocOffset ?? '1') === '0' ? 0 : 1;
  const whole = ctx.options.format.vocFloat !== true;
  const files = ctx.files!;
  const seg = new VocSegWriter(ctx);
  const cornersOf = (a: Annotation): Corners => {
    const box = envelopeOf(a);
    if (!box) return { lost: noun(`${a.kind} annotation`), reason: 'VOC holds boxes only' };
    // inclusive pixel corners cover at least one pixel: a thinner box would be written inverted
    if (offset === 1 && (box.w < 1 || box.h < 1)) return { lost: noun('box under one pixel', 'boxes under one pixel'), reason: 'VOC corners are whole inclusive pixels (--voc-offset 0 writes them as continuous corners)' };
    if (a.label === undefined || a.label === '') return { lost: noun('unlabelled annotation'), reason: 'a VOC object needs a <name>' };
    const exact = xywhToInclusive(box, offset);
    const c: Xyxy = whole ? wholeCorners(exact) : exact;
    // continuous corners rounded together: a box under half a pixel would lose its width
    if (offset === 0 && ((c.xmax <= c.xmin && box.w > 0) || (c.ymax <= c.ymin && box.h > 0))) return { lost: noun('box under one pixel', 'boxes under one pixel'), reason: 'VOC corners are whole pixels, and rounding left it no width or height; --voc-float writes fractions' };
    return { c: { xmin: c.xmin, ymin: c.ymin, xmax: c.xmax, ymax: c.ymax }, moved: whole && cornersMoved(exact, c) };
  };
  return {
    dataset(d): void {
      seg.setCategories(d.categories);
    },
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
      const lose: Lose = (what, n, reason) => n === 0 || ctx.lose(what, n, reason, place);
      const ann = header(item);
      const pairs = pairedMasks(item);
      const written = objectsOf(item, cornersOf, lose, ctx, place, pairs);
      if (!written) return;
      const { objects, position } = written;
      if (objects.length) ann.object = objects;
      const instances: SegInstance[] = [];
      item.annotations.forEach((a, i) => {
        const object = position.get(pairs.get(i) ?? i);
        if (paintable(a) && object !== undefined) instances.push({ annotation: a, object });
      });
      if (!loseRasterized(instances.map((x) => x.annotation), 'a VOC segmentation', ctx, place)) return;
      if (!(await seg.write(item, stem, instances, place))) return;
      if (!loseForeignExtras(item, 'voc', 'a VOC file', ctx, place)) return;
      if (!loseMetadata(item, 'a VOC file', ctx, place)) return;
      if (!loseProvenance(item, 'a VOC file', ctx, place, true)) return;
      const p: TreeProblems = { dropped: [] };
      const tree = xmlTree(ann, '/annotation', p);
      if (p.badText) {
        ctx.report(diag('VOC_TEXT_INVALID', `item ${JSON.stringify(item.id)}: ${p.badText.char} at ${fragment(p.badText.at)} is a character XML 1.0 cannot carry, even escaped; the item is not written`, place));
        return;
      }
      if (!lose(noun('field whose name is not an XML element name', 'fields whose names are not XML element names'), p.dropped.length, 'VOC fields are XML elements, and these names cannot be element names: a space, a leading digit, a colon, "<", or "xml" first')) return;
      await files.write(rel, '<?xml version="1.0" encoding="UTF-8"?>\n' + (builder.build({ annotation: tree }) as string));
    },
    async end(): Promise<void> {
      await seg.end();
    },
  };
}

/** The `<annotation>` fields before the objects: folder, filename, size, the source's own fields. */
function header(item: Item): JsonObject {
  const ex = (item.extras?.voc ?? {}) as JsonObject;
  const ann: JsonObject = {};
  if (ex.folder !== undefined) ann.folder = ex.folder;
  if (ex.noFilename !== true) ann.filename = (item.path ?? item.url ?? item.id).split(/[?#]/)[0]!.replace(/^.*[\\/]/, '');
  const size = item.width !== undefined && item.height !== undefined ? { width: item.width, height: item.height, depth: ex.depth ?? 3 } : undefined;
  for (const k of Object.keys(ex)) {
    if (['folder', 'depth', 'noFilename', 'object', 'void'].includes(k) || ann[k] !== undefined) continue;
    if (k === 'segmented' && size) ann.size = size; // the devkit's order: size, then segmented
    setOwn(ann, k, ex[k]);
  }
  if (size && !ann.size) ann.size = size;
  return ann;
}

/**
 * The `<object>` elements of an item, each with its `<part>`s; undefined when a loss was refused
 * (--strict). Parts are boxes whose `parent` is the id of a box written as an object.
 */
/** Masks paired with a top-level box of the item (by `extras.voc.object`, the box's id): mask index -> box index. */
function pairedMasks(item: Item): Map<number, number> {
  const boxes = new Map<string, number>();
  item.annotations.forEach((a, i) => {
    if (a.kind === 'box' && a.parent === undefined && a.id !== undefined && !boxes.has(a.id)) boxes.set(a.id, i);
  });
  const out = new Map<number, number>();
  item.annotations.forEach((a, i) => {
    const to = a.kind === 'mask' ? a.extras?.voc?.object : undefined;
    if (typeof to === 'string' && boxes.has(to)) out.set(i, boxes.get(to)!);
  });
  return out;
}

function objectsOf(item: Item, cornersOf: (a: Annotation) => Corners, lose: Lose, ctx: WriteContext, place: Place, pairs: Map<number, number>): { objects: JsonObject[]; position: Map<number, number> } | undefined {
  const corners = item.annotations.map(cornersOf);
  const holders = new Map<string, number>();
  item.annotations.forEach((a, i) => {
    if (a.parent === undefined && a.id !== undefined && 'c' in corners[i]! && !holders.has(a.id)) holders.set(a.id, i);
  });
  const partsOf = new Map<number, number[]>();
  let orphans = 0;
  item.annotations.forEach((a, i) => {
    if (a.parent === undefined) return;
    const h = holders.get(a.parent);
    if (h === undefined) orphans++;
    else partsOf.set(h, [...(partsOf.get(h) ?? []), i]);
  });
  if (!lose(noun('part link'), orphans, 'the object a part belongs to is not written or not there, so the part was written as an object of its own')) return undefined;
  const isPart = new Set([...partsOf.values()].flat());
  const out: JsonObject[] = [];
  const position = new Map<number, number>();
  for (let i = 0; i < item.annotations.length; i++) {
    if (isPart.has(i) || pairs.has(i)) continue;
    const o = objectElement(item.annotations[i]!, corners[i]!, lose, ctx, place);
    if (o === false) return undefined;
    if (!o) continue;
    const parts: JsonObject[] = [];
    for (const j of partsOf.get(i) ?? []) {
      const p = partElement(item.annotations[j]!, corners[j]!, lose, ctx, place);
      if (p === false) return undefined;
      if (p) parts.push(p);
    }
    position.set(i, out.length);
    out.push(parts.length ? withParts(o, parts) : o);
  }
  return { objects: out, position };
}

/** Common to objects and parts: what is lost of a box, counted; false when refused. */
function countBoxLoss(a: Annotation, r: Corners, lose: Lose): boolean | 'skip' {
  if ('lost' in r) return lose(r.lost, 1, r.reason) ? 'skip' : false;
  // a painted shape keeps its pixels in the segmentation PNGs: its box is no loss
  const lost = paintable(a) ? undefined : envelopeLoss(a);
  if (lost && !lose(noun(lost), 1, 'VOC holds axis-aligned boxes (the envelope was written)')) return false;
  return !r.moved || lose(noun("box's sub-pixel corners", "boxes' sub-pixel corners"), 1, 'VOC corners are whole pixels, as the devkit and LabelImg write them and Python readers take them with int(); --voc-float writes fractions');
}

/** One `<object>`; undefined when the annotation is dropped (counted), false when refused. */
function objectElement(a: Annotation, r: Corners, lose: Lose, ctx: WriteContext, place: Place): JsonObject | undefined | false {
  const ok = countBoxLoss(a, r, lose);
  if (ok !== true) return ok === 'skip' ? undefined : false;
  const o: JsonObject = { name: a.label };
  const attrs = a.attributes ?? {};
  if (typeof attrs.pose === 'string') o.pose = attrs.pose;
  for (const flag of ['truncated', 'difficult', 'occluded']) if (typeof attrs[flag] === 'boolean') o[flag] = attrs[flag] ? 1 : 0;
  o.bndbox = (r as { c: JsonObject }).c;
  if (isObj(attrs.actions)) o.actions = Object.fromEntries(Object.entries(attrs.actions).map(([k, v]) => [k, v ? 1 : 0]));
  const other = Object.keys(attrs).filter((k) => !OBJECT_ATTRIBUTES.includes(k));
  if (!lose(noun('attribute'), other.length, 'VOC objects hold pose, truncated, difficult, occluded, parts and actions only')) return false;
  const rest = a.extras?.voc;
  if (isObj(rest)) for (const k of Object.keys(rest)) if (o[k] === undefined && k !== 'part' && k !== 'object') setOwn(o, k, rest[k]);
  if (!loseScore(a.score, 'VOC', ctx, place)) return false;
  return o;
}

/** One `<part>`: a name and a bndbox; undefined when dropped (counted), false when refused. */
function partElement(a: Annotation, r: Corners, lose: Lose, ctx: WriteContext, place: Place): JsonObject | undefined | false {
  const ok = countBoxLoss(a, r, lose);
  if (ok !== true) return ok === 'skip' ? undefined : false;
  const n = Object.keys(a.attributes ?? {}).length + Object.keys(a.extras?.voc ?? {}).length;
  if (!lose(noun('attribute'), n, 'a VOC <part> holds a name and a box only')) return false;
  if (!loseScore(a.score, 'VOC', ctx, place)) return false;
  return { name: a.label, bndbox: (r as { c: JsonObject }).c };
}

/** The object with its parts placed after its bndbox, where the devkit puts them. */
function withParts(o: JsonObject, parts: JsonObject[]): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(o)) {
    setOwn(out, k, o[k]);
    if (k === 'bndbox') out.part = parts;
  }
  return out;
}
