/**
 * CSV annotation tables (Remo-style, FORMATS.md §6.3, and the common Kaggle / VoTT variants): one
 * row per object (or per image for classification), rows of an image anywhere in the file.
 *
 * Quirks worth knowing:
 * - Box corners are continuous pixels: w = xmax - xmin (as VoTT and Remo mean them; VOC's 1-based
 *   inclusive integers are VOC's own business).
 * - `--coordinates percent` means fractions 0-1 of the image size (Remo's "percent"), which a CSV
 *   cannot give: such rows need image sizes, which will come from the media (--media-root).
 * - Rows of one image need not be consecutive: they are gathered through a spill file
 *   (core/grouped-spill.ts), so memory holds one entry an image, not the rows. Validation alone
 *   (no items consumed) checks each row as it streams and counts the images: no spill.
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import type { Code } from '../../core/codes.js';
import { CsvScanner, isRow, problemMessage, type CsvEvent, type CsvRow, unescapeFormula } from '../../core/csv.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { GroupedSpill } from '../../core/grouped-spill.js';
import { annotationFractionsToPx, xyxyToXywh } from '../../model/geometry.js';
import type { Annotation, Item } from '../../model/types.js';
import { checkColumnsOption, resolveLayout, usedColumns, type Layout } from './columns.js';

interface State {
  ctx: ReadContext;
  events: ReadEvent[];
  layout: Layout | undefined;
  width: number;
  failed: boolean;
  files: Map<string, number>;
  /** The images seen when not materializing (a set: a third less memory an entry than the map). */
  seen: Set<string>;
  first: Place[];
  rows: GroupedSpill;
  /**
   * Items are built (and their rows spilled and gathered): false when only validating, where an
   * image is counted once and its rows are checked without annotation objects or a spill.
   */
  materialize: boolean;
  records: number;
  percent: boolean;
  /** --media-root: fraction coordinates become pixels once the image's size is read there. */
  mediaRoot: string | undefined;
  bboxForm: 'xyxy' | 'xywh';
}

export async function* readCsv(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const f = ctx.options.format;
  let mapping: Map<string, string> | undefined;
  if (typeof f.columns === 'string') mapping = checkColumnsOption(f.columns);
  const percent = f.coordinates === 'percent';
  const mediaRoot = typeof f.mediaRoot === 'string' ? f.mediaRoot : undefined;
  const st: State = {
    ctx, events: [], layout: undefined, width: 0, failed: false, files: new Map(), seen: new Set(), first: [], rows: new GroupedSpill('annoconv-csv-'), records: 0,
    // fraction coordinates read with --media-root are checked against the images: items needed
    materialize: ctx.materialize || (percent && mediaRoot !== undefined),
    percent, mediaRoot, bboxForm: f.bbox === 'xywh' ? 'xywh' : 'xyxy',
  };
  const scanner = new CsvScanner(ctx.options.maxRecordSize);
  let bomSeen = false;
  const onEvents = (evs: CsvEvent[]): void => {
    if (!bomSeen && scanner.bom) {
      bomSeen = true;
      ctx.report(diag('INPUT_BOM', 'the file starts with a UTF-8 byte order mark (stripped)', { file: ctx.file, line: 1 }));
    }
    for (const ev of evs) onEvent(st, ev, mapping);
  };
  try {
    for await (const chunk of input.chunks()) {
      onEvents(scanner.push(chunk));
      if (st.events.length) yield st.events.splice(0);
    }
    onEvents(scanner.end());
    if (st.events.length) yield st.events.splice(0);
    // validation: the images were counted, each stands for one valid record (as its item would)
    if (!st.materialize && st.seen.size > 0) yield [{ type: 'valid', count: st.seen.size }];
    for await (const [g, lines] of st.rows.groups()) {
      const place = st.first[g]!;
      const file = JSON.parse(lines[0]!) as string;
      const item: Item = { id: file, kind: 'image', path: file, metadata: {}, annotations: lines.slice(1).map((l) => JSON.parse(l) as Annotation) };
      if (st.percent && st.mediaRoot !== undefined && item.annotations.some((a) => a.kind !== 'classification')) {
        const { fillSizes } = await import('../../media/fill-sizes.js'); // sharp is loaded only when needed
        await fillSizes(item, st.mediaRoot, place, (d) => ctx.report({ ...d, severity: 'warning' }));
        if (item.width === undefined || item.height === undefined) {
          ctx.report(diag('CSV_NO_SIZE', `${JSON.stringify(file)}: coordinates are fractions of the image size, and no image for it was found under --media-root`, place));
          st.events.push({ type: 'reject', place });
          continue;
        }
        item.annotations = item.annotations.map((a) => annotationFractionsToPx(a, item.width!, item.height!));
      }
      st.events.push({ type: 'item', item, place });
      if (st.events.length >= 1024) yield st.events.splice(0);
    }
    if (st.events.length) yield st.events.splice(0);
    if (st.records === 0 && !st.failed) ctx.report(diag('INPUT_EMPTY', 'the table has no rows', { file: ctx.file }));
  } finally {
    st.rows.discard();
  }
}

function onEvent(st: State, ev: CsvEvent, mapping: Map<string, string> | undefined): void {
  const { ctx } = st;
  if (st.layout && isRow(ev)) {
    // the hot path: a data row under a known layout (a place is made only when one is kept)
    if (blank(ev.cells)) return;
    st.records++;
    row(st, st.layout, ev);
    return;
  }
  const place = placeOf(st, ev);
  if (!isRow(ev)) {
    const [code, message] = problemMessage(ev, ctx.options.maxRecordSize);
    ctx.report(diag(code, message, place));
    st.records++;
    st.events.push({ type: 'reject', place, ...(ev.raw ? { raw: ev.raw } : {}) });
    return;
  }
  if (blank(ev.cells)) return;
  if (!st.layout && !st.failed) {
    const l = resolveLayout(ev.cells, mapping);
    if (typeof l === 'string') {
      ctx.report(diag('CSV_COLUMNS_UNKNOWN', `${l}; header: ${ev.cells.join(',').slice(0, 200)}`, place));
      st.failed = true;
    } else {
      st.layout = l;
      st.width = ev.cells.length;
      const ignored = ev.cells.filter((h, i) => h.trim() !== '' && !usedColumns(l).has(i));
      if (ignored.length) ctx.report(diag('CSV_COLUMNS_IGNORED', `column(s) not read, their values are not kept: ${ignored.map((h) => JSON.stringify(h)).join(', ')} (--columns maps headings to roles)`, place));
    }
    return;
  }
  st.records++;
  st.events.push({ type: 'reject', place, raw: ev.raw }); // no layout: every row is refused
}

/**
 * A copy of a cell's text in its own memory: a cell is a slice of its row's string, which a kept
 * slice would keep whole (measured: about 50 bytes an image on 250,000 images). Cells are decoded
 * from UTF-8, so they hold no lone surrogate and the round trip is exact.
 */
const flat = (s: string): string => Buffer.from(s).toString();

const placeOf = (st: State, ev: CsvEvent): Place => ({ file: st.ctx.file, line: ev.line, offset: ev.offset });

/** Whether every cell is empty or white space (such rows are passed over). */
function blank(cells: string[]): boolean {
  for (let i = 0; i < cells.length; i++) if (cells[i]!.trim() !== '') return false;
  return true;
}

/** A decimal number cell ("1", "-2.5", "1e3"); hex, binary and "Infinity" are not coordinates. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const num = (s: string): number => {
  const t = s.trim();
  return DECIMAL.test(t) ? Number(t) : NaN;
};

/** Reports a row's error at its place (and column, 0-based here) and refuses the row. */
function refuse(st: State, ev: CsvRow, code: Code, message: string, column?: number): void {
  const place = placeOf(st, ev);
  st.ctx.report(diag(code, message, column === undefined ? place : { ...place, column: column + 1 }));
  st.events.push({ type: 'reject', place, raw: ev.raw });
}

function row(st: State, l: Layout, ev: CsvRow): void {
  const cells = ev.cells;
  let n = cells.length;
  while (n > st.width && cells[n - 1]!.trim() === '') n--;
  const fail = (code: Code, message: string, column?: number): void => refuse(st, ev, code, message, column);
  if (n !== st.width) return fail('CSV_ROW_LENGTH', `${n} cells where the header has ${st.width}`);
  const file = unescapeFormula(cells[l.file]!.trim());
  if (file === '') return fail('CSV_CELL_INVALID', 'the file name is empty', l.file);
  const cls = l.cls !== undefined ? cells[l.cls]!.trim() : '';
  const anns: Annotation[] = [];
  const label = cls !== '' && st.materialize ? { label: unescapeFormula(cls) } : {};
  if (l.box || l.bbox !== undefined) {
    let v: number[];
    if (l.box) {
      const c = l.box.cols;
      v = [num(cells[c[0]]!), num(cells[c[1]]!), num(cells[c[2]]!), num(cells[c[3]]!)];
      const bad = v.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) return fail('CSV_CELL_INVALID', `${JSON.stringify(cells[l.box.cols[bad]!])} is not a number`, l.box.cols[bad]);
    } else {
      v = cells[l.bbox!]!.replace(/[[\]()]/g, ' ').split(/[\s,;]+/).filter((x) => x !== '').map(num);
      if (v.length !== 4 || !v.every(Number.isFinite)) return fail('CSV_CELL_INVALID', `bbox ${JSON.stringify(cells[l.bbox!])} is not four numbers`, l.bbox);
    }
    const form = l.box ? l.box.form : st.bboxForm;
    const b = form === 'xyxy' ? { xmin: v[0]!, ymin: v[1]!, xmax: v[2]!, ymax: v[3]! } : undefined;
    if (b && (b.xmin > b.xmax || b.ymin > b.ymax)) return fail('CSV_BOX_INVERTED', `xmin > xmax or ymin > ymax: ${v.join(', ')}`, l.box ? l.box.cols[b.xmin > b.xmax ? 2 : 3] : l.bbox);
    const box = b ? xyxyToXywh(b) : { x: v[0]!, y: v[1]!, w: v[2]!, h: v[3]! };
    if (box.w < 0 || box.h < 0) return fail('CSV_BOX_INVERTED', `negative width or height: ${v.join(', ')}`, l.box ? l.box.cols[2] : l.bbox);
    if (st.percent && st.mediaRoot === undefined) return fail('CSV_NO_SIZE', 'coordinates are fractions of the image size, which a CSV does not give: --media-root DIR reads it from the image');
    if (st.materialize) anns.push({ kind: 'box', ...box, ...label });
  } else if (l.coords !== undefined) {
    const v = cells[l.coords]!.split(/[\s,;]+/).filter((x) => x !== '').map(num);
    if (!v.every(Number.isFinite)) return fail('CSV_CELL_INVALID', `coordinates ${JSON.stringify(cells[l.coords]!.slice(0, 80))} are not all numbers`, l.coords);
    if (v.length % 2 === 1 || v.length < 6) return fail('CSV_COORDINATES_ODD', `coordinates hold ${v.length} numbers: a polygon needs x; y pairs, at least 3`, l.coords);
    if (st.percent && st.mediaRoot === undefined) return fail('CSV_NO_SIZE', 'coordinates are fractions of the image size, which a CSV does not give: --media-root DIR reads it from the image');
    anns.push({ kind: 'polygon', rings: [v], ...label });
  } else if (l.oneHot) {
    const labels: string[] = [];
    for (const [i, name] of l.oneHot) {
      const c = cells[i]!.trim().toLowerCase();
      if (c === '1' || c === 'true') labels.push(name);
      else if (c !== '0' && c !== 'false' && c !== '') return fail('CSV_CELL_INVALID', `one-hot column ${JSON.stringify(name)} holds ${JSON.stringify(cells[i])}, not 0 or 1`, i);
    }
    if (labels.length) anns.push({ kind: 'classification', labels });
  } else if (cls !== '') {
    anns.push({ kind: 'classification', labels: cls.split(';').map((x) => unescapeFormula(x.trim())).filter((x) => x !== '') });
  }
  if (!st.materialize) {
    // an image counted once; its annotations are not kept (nothing consumes them)
    if (!st.seen.has(file)) st.seen.add(flat(file));
    return;
  }
  let g = st.files.get(file);
  if (g === undefined) {
    const place = placeOf(st, ev);
    g = st.rows.newGroup();
    st.files.set(file, g);
    st.first[g] = place;
    st.rows.add(g, JSON.stringify(file));
  }
  for (const a of anns) st.rows.add(g, JSON.stringify(a));
}
