/**
 * `annoconv preview`: annotations drawn on their images, as a static page or as PNG pictures.
 *
 * The input is read by `validate` with a transform, so every readable format works and
 * diagnostics and the summary are those of any run; the transform only chooses items
 * (select.ts). Once the input is read, the chosen items are drawn a few at a time (one image
 * decoded per item, downscaled as it is decoded: render.ts) and written:
 * - `-o NAME.html`: the page (page.ts), its enlarged pictures in `NAME_files/` beside it;
 * - `-o DIR`: `0001-<id>.png` per item in reading order, and `contact-sheet.png` (sheet.ts).
 * Both outputs are staged and put in place only when the run succeeds (a folder as one unit).
 * What is not drawn (no image, outside the image, a kind without a place on an image) is listed
 * on the page and counted in the summary; items without a picture are PREVIEW_NO_IMAGE warnings.
 */
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { AnnoconvError, diag, type Place } from '../core/diagnostics.js';
import { FileTree } from '../core/file-tree.js';
import { openOutput } from '../core/output.js';
import { validate, type CommonParams, type RunResult } from '../core/run.js';
import type { OutputSink } from '../core/io.js';
import type { Category, Item } from '../model/types.js';
import { labelsOf } from '../ops/stats.js';
import { findImage } from './find-image.js';
import { Skeletons, type DrawOptions, type NotDrawn } from './overlay.js';
import { previewPage, type PageCard } from './page.js';
import type { Picture } from './render.js';
import { sheetThumbSize, type SheetCell } from './sheet-size.js';
import { Selection, type SelectionSpec } from './select.js';

export interface PreviewParams extends Omit<CommonParams, 'transformDataset' | 'wrapWriter'>, SelectionSpec, DrawOptions {
  /** Where the images are (see find-image.ts). */
  mediaRoot: string;
  /** `*.html` / `*.htm`: the page; anything else: a folder of PNGs. */
  output: string;
  /** Longest side of a drawn picture in pixels (default 1024); smaller images are not enlarged. */
  maxSize?: number;
  /** Pictures drawn at once (default: the cores, at most 4). */
  concurrency?: number;
}

export interface PreviewReport {
  /** Items read that matched --ids and --labels, and how many of them were chosen. */
  matched: number;
  chosen: number;
  drawn: number;
  withoutPicture: number;
  /** Annotations not drawn at all, and annotations drawn clipped by the image edge. */
  notDrawn: number;
  partlyOutside: number;
  /** The files written: the page, or the folder's pictures and contact sheet. */
  files: string[];
}

export interface PreviewResult extends RunResult {
  preview: PreviewReport;
}

/** What became of one chosen item. */
interface Drawn {
  item: Item;
  place: Place;
  picture?: Omit<Picture, 'raw'>;
  missing?: string;
  notDrawn: NotDrawn[];
  thumb?: { data: Buffer; width: number; height: number };
  file?: string;
}

const usage = (message: string): AnnoconvError => new AnnoconvError(diag('OPTION_INVALID', message), 2);

/** Whether an output name is the page (else a folder). */
export const isPage = (output: string): boolean => /\.html?$/i.test(output);

/** A file name from an item id: safe characters, its image extension left out, at most 60 long. */
export function fileStem(id: string): string {
  const base = id.replace(/\.(jpe?g|png|webp|gif|tiff?|bmp|avif)$/i, '');
  return base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 60) || 'item';
}

/** Checks the parameters before anything is read (usage errors, exit 2). */
async function checkParams(p: PreviewParams): Promise<void> {
  if (p.sample !== undefined && (!Number.isSafeInteger(p.sample) || p.sample < 1)) throw usage('--sample must be a whole number of items, at least 1');
  if (p.maxSize !== undefined && (!Number.isSafeInteger(p.maxSize) || p.maxSize < 16 || p.maxSize > 16384)) throw usage('--max-size must be a whole number of pixels from 16 to 16384');
  if (!p.output || p.output === '-') throw usage('preview needs -o NAME.html (a page) or -o DIR (PNG pictures)');
  const root = await stat(p.mediaRoot).catch(() => undefined);
  if (!root?.isDirectory()) throw usage(`--media-root ${p.mediaRoot} is not a folder`);
}

/** Runs tasks with at most k running at once. */
async function pool<T>(items: readonly T[], k: number, task: (t: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(k, items.length)) }, lane));
}

/** Draws the chosen items into a page or a folder (see the module comment). */
export async function preview(params: PreviewParams): Promise<PreviewResult> {
  await checkParams(params);
  const page = isPage(params.output);
  const folder = page ? join(dirname(params.output), basename(params.output, extname(params.output)) + '_files') : params.output;
  const tree = new FileTree(folder);
  let sink: OutputSink | undefined;
  try {
    await tree.open(); // refused early: a folder in use or not writable
    if (page) sink = await openOutput(params.output);
    const r = await run(params, page, folder, tree);
    if (sink) {
      sink.write(r.html!);
      await sink.close();
    }
    await tree.commit();
    return r.result;
  } catch (e) {
    await sink?.abort().catch(() => undefined);
    await tree.abort();
    throw e;
  }
}

async function run(params: PreviewParams, page: boolean, folder: string, tree: FileTree): Promise<{ result: PreviewResult; html?: string }> {
  // sharp is loaded when a preview runs, not with the CLI (startup of every other command)
  const [{ drawPicture, jpegOf, pngOf, thumbOf }, { contactSheet }] = await Promise.all([import('./render.js'), import('./sheet.js')]);
  const selection = new Selection(params);
  let categories: Category[] = [];
  const options = params.options ?? {};
  const read = await validate({
    ...params,
    // the pipeline reads sizes from the images under the root for items without them
    options: { ...options, format: { ...(options.format ?? {}), mediaRoot: params.mediaRoot } },
    transformDataset: (d) => {
      categories = d.categories;
      return d;
    },
    transform: (item, place, report) => {
      const kept = params.transform ? params.transform(item, place, report) : item;
      if (kept) selection.offer(kept, place);
      return kept;
    },
  });
  const chosen = selection.chosen();
  const skeletons = new Skeletons(categories);
  const max = params.maxSize ?? 1024;
  const drawn: Drawn[] = new Array(chosen.length);
  const digits = Math.max(4, String(chosen.length).length);
  await pool(chosen, params.concurrency ?? Math.min(4, availableParallelism()), async ({ item, place }, i) => {
    const { d, pic } = await drawOne(drawPicture, item, place, params, skeletons, max);
    drawn[i] = d;
    if (!pic) return; // only the thumbnail stays in memory, not the picture
    const name = `${String(i + 1).padStart(digits, '0')}-${fileStem(item.id)}`;
    if (page) {
      d.file = `${name}.jpg`;
      await tree.write(d.file, await jpegOf(pic));
      d.thumb = await thumbOf(pic, 400, 'jpeg');
    } else {
      d.file = `${name}.png`;
      await tree.write(d.file, await pngOf(pic));
      d.thumb = await thumbOf(pic, sheetThumbSize(chosen.length), 'raw');
    }
  });
  const report = reportOf(selection.matched, drawn);
  const sink = params.onDiagnostic ?? (() => undefined);
  let warnings = 0;
  for (const d of drawn) {
    if (d.missing !== undefined) {
      warnings++;
      sink(diag('PREVIEW_NO_IMAGE', `item ${JSON.stringify(d.item.id)}: ${d.missing}`, d.place));
    }
    const missed = d.notDrawn.filter((x) => !x.partly);
    if (missed.length) sink(diag('PREVIEW_NOT_DRAWN', `item ${JSON.stringify(d.item.id)}: ${missed.length} annotation(s) not drawn (${[...new Set(missed.map((x) => x.why))].join('; ')})`, d.place));
  }
  let html: string | undefined;
  const base = basename(folder);
  if (page) {
    html = previewPage({ title: `annoconv preview: ${typeof params.input === 'string' && params.input !== '-' ? basename(resolve(params.input)) : 'stdin'}`, chosen: chosenText(params, report), cards: drawn.map((d) => cardOf(d, base)) });
    report.files = [params.output];
  } else {
    await tree.write('contact-sheet.png', await contactSheet(drawn.map(cellOf)));
    report.files = [...drawn.filter((d) => d.file).map((d) => join(folder, d.file!)), join(folder, 'contact-sheet.png')];
  }
  const changes = [
    { what: 'items drawn', count: report.drawn },
    ...(report.withoutPicture ? [{ what: 'items without a picture', count: report.withoutPicture }] : []),
    ...(report.notDrawn ? [{ what: 'annotations not drawn', count: report.notDrawn }] : []),
  ];
  return { result: { ...read, warnings: read.warnings + warnings, changes, preview: report }, ...(html !== undefined ? { html } : {}) };
}

/** One item drawn (its picture, to be written and dropped), or why it cannot be. */
async function drawOne(draw: typeof import('./render.js').drawPicture, item: Item, place: Place, params: PreviewParams, skeletons: Skeletons, max: number): Promise<{ d: Drawn; pic?: Picture }> {
  const without = (missing: string): { d: Drawn } => ({ d: { item, place, missing, notDrawn: [] } });
  if (item.kind !== 'image') return without(`a ${item.kind} item, not an image`);
  const found = await findImage(item, params.mediaRoot);
  if ('missing' in found) return without(`no image under --media-root ${params.mediaRoot}: ${found.missing}`);
  let pic: Picture;
  try {
    pic = await draw(item, found.file, max, skeletons, params);
  } catch (e) {
    return without(`image ${found.file} cannot be read: ${(e as Error).message}`);
  }
  const notDrawn = [...pic.notDrawn];
  if (item.unplaced) notDrawn.push({ why: `${item.unplaced} shape(s) in percent of an image size the source does not state` });
  const { raw: _raw, ...picture } = pic;
  return { d: { item, place, picture, notDrawn }, pic };
}

function reportOf(matched: number, drawn: readonly Drawn[]): PreviewReport {
  let notDrawn = 0;
  let partly = 0;
  for (const d of drawn) {
    for (const x of d.notDrawn) if (x.annotation !== undefined) x.partly ? partly++ : notDrawn++;
    if (d.missing !== undefined) notDrawn += d.item.annotations.length;
  }
  const pictured = drawn.filter((d) => d.picture).length;
  return { matched, chosen: drawn.length, drawn: pictured, withoutPicture: drawn.length - pictured, notDrawn, partlyOutside: partly, files: [] };
}

function chosenText(p: PreviewParams, r: PreviewReport): string {
  const filters = [p.labels ? `labels ${p.labels.join(', ')}` : '', p.ids ? 'ids from a file' : ''].filter(Boolean).join(', ');
  const of = `${r.matched.toLocaleString('en-US')} item${r.matched === 1 ? '' : 's'}${filters ? ` with ${filters}` : ''}`;
  return p.sample !== undefined && r.chosen < r.matched ? `a sample of ${r.chosen.toLocaleString('en-US')} of ${of} (seed ${JSON.stringify(p.seed ?? '')})` : of;
}

function labelCounts(item: Item): [string, number][] {
  const m = new Map<string, number>();
  for (const a of item.annotations) for (const l of labelsOf(a)) m.set(l, (m.get(l) ?? 0) + 1);
  return [...m];
}

function cardOf(d: Drawn, folder: string): PageCard {
  return {
    id: d.item.id,
    labels: labelCounts(d.item),
    notDrawn: d.notDrawn,
    ...(d.thumb ? { thumb: `data:image/jpeg;base64,${d.thumb.data.toString('base64')}` } : {}),
    ...(d.file ? { full: `${encodeURIComponent(folder)}/${encodeURIComponent(d.file)}` } : {}),
    ...(d.missing !== undefined ? { missing: d.missing } : {}),
    ...(d.picture ? { size: `${d.picture.w}x${d.picture.h}` } : {}),
    ...(d.item.path ?? d.item.url ? { source: (d.item.path ?? d.item.url)! } : {}),
  };
}

function cellOf(d: Drawn): SheetCell {
  return { id: d.item.id, ...(d.thumb ? { thumb: d.thumb } : {}), ...(d.missing !== undefined ? { missing: d.missing.split(':')[0]! } : {}) };
}
