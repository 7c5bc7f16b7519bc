/**
 * COCO writer, streaming: images and annotations go to spill files as items arrive; at the end the
 * ids are settled (source ids kept when they are valid and unique, else renumbered from 1 and
 * said so), categories are settled (source ids kept, new labels numbered after them, or the
 * --categories list imposed; an annotation whose label differs from its category's name, as after
 * a jq edit in a pipe, goes to the label's category, with a warning), and the file is written in
 * COCO's order: info, licenses, images, annotations, categories. Memory: the category table and 16 bytes per id for the uniqueness checks.
 */
import { basename } from 'node:path';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { AnnoconvError, diag, type Diagnostic, type Place } from '../../core/diagnostics.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import { SpillDir, type SpillFile } from '../../core/spill.js';
import { openInput } from '../../core/io.js';
import { IdSet } from '../../core/idset.js';
import type { Category, Dataset, Item, JsonObject } from '../../model/types.js';
import { annotationsToCoco } from './from-model.js';
import { loseForeignExtras, loseMetadata, loseProvenance } from '../../core/loss.js';
import { readOptionFile } from '../../core/option-files.js';
import { setOwn } from '../../core/safe.js';

interface Categories {
  list: Category[];
  byId: Map<number, Category>;
  byName: Map<string, Category>;
  imposed: boolean;
}

/** `--categories FILE`: a JSON list of names or of {id, name} objects, or one name per line. */
export async function loadCategoryFile(path: string): Promise<Category[]> {
  const t = (await readOptionFile('categories', path)).trim();
  if (!t.startsWith('[')) return t.split(/\r?\n/).map((s) => s.trim()).filter(Boolean).map((name, i) => ({ id: i + 1, name }));
  const bad = (why: string): never => {
    throw new AnnoconvError(diag('OPTION_INVALID', `--categories ${path}: ${why}`, { file: path }), 2);
  };
  let list: unknown;
  try {
    list = JSON.parse(t);
  } catch {
    return bad(jsonErrorMessage(t));
  }
  if (!Array.isArray(list)) return bad('not a JSON list');
  return list.map((c, i): Category => {
    if (typeof c === 'string') return { id: i + 1, name: c };
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return bad(`entry ${i} is neither a name nor an {id, name} object`);
    const { id, name } = c as { id?: unknown; name?: unknown };
    if (typeof name !== 'string') return bad(`entry ${i} has no string "name"`);
    if (id !== undefined && !Number.isSafeInteger(id)) return bad(`entry ${i} has an "id" that is not an integer`);
    return { id: (id as number | undefined) ?? i + 1, name };
  });
}

export async function createCocoWriter(sink: OutputSink, ctx: WriteContext): Promise<FormatWriter> {
  // the --categories file first: a bad one ends the run before any temporary folder is made
  const catFile = ctx.options.format.categories;
  const imposed = typeof catFile === 'string' ? await loadCategoryFile(catFile) : undefined;
  const spill = new SpillDir('annoconv-cocow-');
  const images = spill.file('images');
  const anns = spill.file('annotations');
  const imageIds = new IdSet();
  const annIds = new IdSet();
  let keepImageIds = true;
  let keepAnnIds = true;
  let renumberReason = '';
  let dataset: Dataset | undefined;
  const cats: Categories = { list: [], byId: new Map(), byName: new Map(), imposed: false };
  if (imposed) {
    for (const c of imposed) addCategory(cats, c);
    cats.imposed = true;
  }
  let ordinal = 0;
  /** Annotations written per image ordinal: the image of each spilled annotation, for renumbering. */
  const annCounts = new Counts();

  const warned = new Set<string>();
  const warnOnce = (key: string, d: Diagnostic): void => {
    if (warned.has(key)) return;
    warned.add(key);
    ctx.report(d);
  };
  const add = (c: Category): void => {
    const same = cats.byName.get(c.name);
    if (same && same.id !== c.id) warnOnce(`name\0${c.name}`, diag('MODEL_CATEGORY_NAME_REPEATED', `categories ${same.id} and ${c.id} are both named ${JSON.stringify(c.name)}: kept apart`));
    addCategory(cats, c);
  };

  /**
   * The category id of an annotation. Its categoryId when that category has its label; when the
   * label differs (edited in a pipe), the label wins: the category of that name, or a new one.
   */
  function category(label: string | undefined, id: number | undefined, place: Place): number | undefined {
    if (cats.imposed) {
      const c = label !== undefined ? cats.byName.get(label) : id !== undefined ? cats.byId.get(id) : undefined;
      if (!c) ctx.report(diag('COCO_CATEGORY_UNKNOWN', `label ${JSON.stringify(label ?? id)} is not in the --categories list`, place));
      return c?.id;
    }
    const ofId = id !== undefined ? cats.byId.get(id) : undefined;
    if (id !== undefined && !ofId) {
      add({ id, name: label ?? String(id) });
      return id;
    }
    if (ofId && (label === undefined || ofId.name === label)) return ofId.id;
    if (label === undefined) return undefined;
    let c = cats.byName.get(label);
    if (!c) {
      c = { id: nextId(cats), name: label };
      add(c);
    }
    if (ofId) warnOnce(`label\0${ofId.id}\0${label}`, diag('MODEL_LABEL_CATEGORY_MISMATCH', `label ${JSON.stringify(label)} differs from the name of its category ${ofId.id} (${JSON.stringify(ofId.name)}): written as category ${c.id} ${JSON.stringify(label)}, the label wins`, place));
    return c.id;
  }

  return {
    dataset(d: Dataset): void {
      dataset = d;
      if (!cats.imposed) for (const c of d.categories) if (!cats.byId.has(c.id)) add(c);
    },
    write(item: Item, place: Place): void {
      if (!(item.width! > 0) || !(item.height! > 0)) {
        ctx.report(diag('COCO_NO_IMAGES', `item ${item.id}: COCO needs the image width and height, which are unknown (give them in the source, or --media-root to read them from the files)`, place));
        return;
      }
      // Annotations first: an item with a label outside --categories is refused whole.
      let refused = false;
      const converted = annotationsToCoco(item, ctx, place, (label, id, at) => {
        const c = category(label, id, at);
        if (c === undefined && (label !== undefined || id !== undefined)) refused = true;
        return c;
      });
      if (refused) return;
      if (!loseForeignExtras(item, 'coco', 'COCO', ctx, place)) return;
      if (!loseMetadata(item, 'COCO', ctx, place)) return;
      if (!loseProvenance(item, 'COCO', ctx, place)) return;
      const ex = item.extras?.coco ?? {};
      const image: JsonObject = {};
      // an id beyond 2^53 would be rounded (and could land on another image's): renumbered instead
      const srcId = Number.isSafeInteger(ex.id) ? (ex.id as number) : /^\d+$/.test(item.id) && Number.isSafeInteger(Number(item.id)) ? Number(item.id) : undefined;
      if (srcId === undefined || imageIds.add(String(srcId))) {
        if (keepImageIds) renumberReason ||= srcId !== undefined ? `image id ${srcId} repeats` : /^\d+$/.test(item.id) ? `item id ${item.id} is beyond 2^53 - 1` : `item ${item.id} has no numeric id`;
        keepImageIds = false;
      }
      image.width = item.width;
      image.height = item.height;
      image.file_name = item.path ?? (item.url ? basename(item.url.split(/[?#]/)[0]!) : item.id);
      const extraImage = (ex.image ?? {}) as JsonObject;
      if (item.url && extraImage.coco_url === undefined) image.coco_url = item.url;
      for (const k of Object.keys(extraImage)) setOwn(image, k, extraImage[k]);
      const ord = ordinal++;
      // Spill lines are final COCO text, written as if the source ids are kept (0 stands for an id
      // that will be renumbered): when they are, the final pass copies bytes instead of strings.
      const imageId = srcId ?? 0;
      images.append('{"id":' + imageId + ',' + JSON.stringify(image).slice(1));
      for (const a of converted) {
        const id = a.id;
        if (!Number.isInteger(id) || (id as number) < 1 || annIds.add(String(id))) keepAnnIds = false;
        delete a.id;
        const rest = JSON.stringify(a);
        anns.append('{"id":' + (Number.isInteger(id) ? id : 0) + ',"image_id":' + imageId + (rest === '{}' ? '}' : ',' + rest.slice(1)));
      }
      annCounts.add(ord, converted.length);
    },
    async end(): Promise<void> {
      try {
        await writeOut();
      } finally {
        spill.remove();
      }
    },
  };

  async function writeOut(): Promise<void> {
    if (!keepImageIds) ctx.report(diag('COCO_IDS_RENUMBERED', `image ids renumbered 1..${ordinal} (${renumberReason})`, {}));
    if (!keepAnnIds && anns.count > 0) ctx.report(diag('COCO_IDS_RENUMBERED', `annotation ids renumbered 1..${anns.count}: the source ids were missing, 0 or repeated`, {}));
    const extra = dataset?.extras?.coco ?? {};
    const absent = Array.isArray(extra.$absent) ? (extra.$absent as string[]) : [];
    const head: JsonObject = {};
    if (!absent.includes('info')) head.info = dataset?.info ?? { description: 'written by annoconv' };
    if (!absent.includes('licenses')) head.licenses = dataset?.licenses ?? [];
    const open = JSON.stringify(head);
    sink.write(open.length > 2 ? open.slice(0, -1) + ',"images":[' : '{"images":[');
    if (keepImageIds) await copyJoined(images, sink);
    else {
      let n = 0;
      for await (const line of images.stream()) {
        sink.write((n++ ? ',{"id":' : '{"id":') + n + line.slice(line.indexOf(',')));
        if (n % 4096 === 0) await sink.flush();
      }
    }
    sink.write('],"annotations":[');
    if (keepImageIds && keepAnnIds) await copyJoined(anns, sink);
    else {
      let n = 0;
      // the image ordinal of each annotation, from the counts per image (annotations are in image order)
      let ord = 0;
      let left = annCounts.get(0);
      for await (const line of anns.stream()) {
        while (left === 0) left = annCounts.get(++ord);
        left--;
        // line: {"id":X,"image_id":Y followed by , or }
        const comma = line.indexOf(',');
        const idAt = comma + 12;
        let end = idAt;
        while (end < line.length && line.charCodeAt(end) !== 44 && line.charCodeAt(end) !== 125) end++;
        const id = keepAnnIds ? line.slice(6, comma) : String(n + 1);
        const imageId = keepImageIds ? line.slice(idAt, end) : String(ord + 1);
        sink.write((n++ ? ',{"id":' : '{"id":') + id + ',"image_id":' + imageId + line.slice(end));
        if (n % 4096 === 0) await sink.flush();
      }
    }
    const categories = cats.list.map(categoryRecord);
    let tail = '],"categories":' + JSON.stringify(categories);
    for (const k of Object.keys(extra)) if (k !== '$absent') tail += ',' + JSON.stringify(k) + ':' + JSON.stringify(extra[k]);
    sink.write(tail + '}\n');
    await sink.flush();
  }
}

/**
 * A spill file's lines copied to the sink as bytes, joined by commas (each newline becomes a comma,
 * the last one is dropped): no strings are made for the bulk of the output.
 */
async function copyJoined(file: SpillFile, sink: OutputSink): Promise<void> {
  const path = file.closedPath();
  if (path === undefined) return;
  const input = await openInput(path);
  let held: Buffer | undefined;
  for await (const chunk of input.chunks()) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) chunk[i] = 44;
    if (held) {
      sink.write(held);
      await sink.flush();
    }
    held = chunk;
  }
  // every line ends with a newline: the last one, now a comma, is dropped
  if (held && held.length > 1) sink.write(held.subarray(0, held.length - 1));
}

/** Growable counts by ordinal (4 bytes each). */
class Counts {
  private a = new Uint32Array(1024);
  private n = 0;
  add(i: number, v: number): void {
    if (i >= this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[i] = v;
    this.n = Math.max(this.n, i + 1);
  }
  /** The count at i; 1 past the end, so that a walk past the last image cannot loop for ever. */
  get(i: number): number {
    return i < this.n ? this.a[i]! : 1;
  }
}

function addCategory(cats: Categories, c: Category): void {
  cats.list.push(c);
  cats.byId.set(c.id, c);
  if (!cats.byName.has(c.name)) cats.byName.set(c.name, c);
}

function nextId(cats: Categories): number {
  let max = 0;
  for (const c of cats.list) if (c.id > max) max = c.id;
  return max + 1;
}

function categoryRecord(c: Category): JsonObject {
  const out: JsonObject = { id: c.id, name: c.name, supercategory: c.supercategory ?? '' };
  if (c.keypoints) out.keypoints = c.keypoints;
  if (c.skeleton) out.skeleton = c.skeleton;
  const extra = c.extras?.coco;
  if (extra) {
    for (const k of Object.keys(extra)) setOwn(out, k, extra[k]);
    if (c.supercategory === undefined && extra.supercategory === undefined) delete out.supercategory;
  }
  return out;
}
