/**
 * Encord registration manifest, CSV (FORMATS.md §3).
 *
 * Quirks worth knowing:
 * - Sectioned: a row whose first cell is `ObjectUrl` (any case) is a header and starts a section;
 *   its second heading gives the type (Video title, Image title, Image group title, Dicom title or
 *   Series title). A header of `ObjectUrl` alone is the old layout: every row is a video.
 * - `Create video` blank means true (a sequence): a blank cell in an image-group section silently
 *   makes a sequence, so it is warned. In video/image/DICOM sections only false or blank may stand.
 * - Rows with the same title form one group or series, in row order, even across sections; the
 *   groups are built at the end of the file (csv-groups.ts), single entries as they come.
 * - Spreadsheets pad short rows with empty cells: trailing empty headings and cells are ignored.
 * - A blank DICOM title makes the file a series of its own (Encord uses the file name).
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { CsvScanner, isRow, problemMessage, type CsvEvent, type CsvRow, unescapeFormula } from '../../core/csv.js';
import { diag, type Place } from '../../core/diagnostics.js';
import type { Code } from '../../core/codes.js';
import { IdSet } from '../../core/idset.js';
import { GcPacer } from '../../core/gc.js';
import type { Item, ItemKind } from '../../model/types.js';
import { kindFromName } from '../../model/media-kinds.js';
import { MAX_ENTRIES, MAX_TITLE_CHARS, MAX_URLS, type Finding } from './entries.js';
import { objectUrl } from './urls.js';
import { GroupCollector, MAX_GROUP_ROWS, type GroupType } from './csv-groups.js';

/** Input bytes between explicit collections (core/gc.ts): keeps resident memory near the live size. */
const GC_EVERY = 32 * 1024 * 1024;

export type SectionType = 'video' | 'image' | GroupType;

/** Second heading (case-folded) -> section type. */
export const TITLE_HEADINGS: Record<string, SectionType> = {
  'video title': 'video',
  'image title': 'image',
  'image group title': 'group',
  'dicom title': 'dicom',
  'series title': 'dicom',
};

interface Section {
  type: SectionType;
  /** `ObjectUrl` alone: every row a video. */
  legacy: boolean;
  /** Headings that count (trailing empty ones dropped). */
  width: number;
  hasCreate: boolean;
  /** False when the header was refused: its rows are rejected. */
  ok: boolean;
  no: number;
}

interface State {
  ctx: ReadContext;
  events: ReadEvent[];
  section: Section | undefined;
  sections: number;
  urls: IdSet;
  groups: GroupCollector;
  entries: number;
  urlCount: number;
  limitReported: boolean;
  records: number;
}

const norm = (s: string): string => s.trim().toLowerCase();

export async function* readEncordCsv(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const st: State = {
    ctx,
    events: [],
    section: undefined,
    sections: 0,
    urls: new IdSet(),
    groups: new GroupCollector(),
    entries: 0,
    urlCount: 0,
    limitReported: false,
    records: 0,
  };
  const scanner = new CsvScanner(ctx.options.maxRecordSize);
  let bomChecked = false;
  const gc = new GcPacer(GC_EVERY);
  try {
    const onEvents = (evs: CsvEvent[]): void => {
      if (!bomChecked && (evs.length > 0 || scanner.bom)) {
        bomChecked = true;
        if (scanner.bom) ctx.report(diag('INPUT_BOM', 'the file starts with a UTF-8 byte order mark (stripped)', { file: ctx.file, line: 1 }));
      }
      for (const ev of evs) onEvent(st, ev);
    };
    for await (const chunk of input.chunks()) {
      gc.tick(chunk.length);
      onEvents(scanner.push(chunk));
      if (st.events.length) yield st.events.splice(0);
    }
    onEvents(scanner.end());
    if (st.events.length) yield st.events.splice(0);
    for await (const g of st.groups.groups()) {
      if (g.rows > MAX_GROUP_ROWS) {
        const place = { file: ctx.file, line: g.line, offset: g.offset };
        ctx.report(diag('ENCORD_GROUP_TOO_LARGE', `${g.type === 'dicom' ? 'series' : 'group'} ${JSON.stringify(g.title.slice(0, 120))} has ${g.rows.toLocaleString('en-US')} rows, more than the ${MAX_GROUP_ROWS.toLocaleString('en-US')} annoconv holds as one entry: refused (split it into several titles)`, place));
        st.events.push({ type: 'reject', place });
        continue;
      }
      const kind: ItemKind = g.type === 'dicom' ? 'dicom_series' : g.sequence ? 'image_sequence' : 'image_group';
      const item: Item = { id: g.urls[0]!, kind, urls: g.urls, metadata: {}, annotations: [] };
      if (g.title !== '') item.title = g.title;
      else item.extras = { encord: { titleAbsent: true } };
      count(st, g.urls.length, { file: ctx.file, line: g.line, offset: g.offset });
      st.events.push({ type: 'item', item, place: { file: ctx.file, line: g.line, offset: g.offset } });
      gc.tick(g.urls.length * 512);
      if (st.events.length >= 256) yield st.events.splice(0);
    }
    if (st.events.length) yield st.events.splice(0);
    if (st.records === 0) ctx.report(diag('INPUT_EMPTY', 'the manifest registers nothing', { file: ctx.file }));
  } finally {
    st.groups.discard();
  }
}

function onEvent(st: State, ev: CsvEvent): void {
  const { ctx } = st;
  const place: Place = { file: ctx.file, line: ev.line, offset: ev.offset };
  if (!isRow(ev)) {
    const [code, message] = problemMessage(ev, ctx.options.maxRecordSize);
    ctx.report(diag(code, message, place));
    // a header that cannot be read: the rows below it must not join the previous section
    if (ev.raw && /^\s*"?\s*objecturl/i.test(ev.raw.toString('latin1', 0, 64))) st.section = { type: 'video', legacy: false, width: 0, hasCreate: false, ok: false, no: ++st.sections };
    else reject(st, place, ev.raw);
    return;
  }
  const cells = ev.cells;
  if (cells.every((c) => c.trim() === '')) return; // an empty line, or one a spreadsheet padded with commas
  if (norm(cells[0]!) === 'objecturl') {
    header(st, ev);
    return;
  }
  const sec = st.section;
  if (!sec) {
    ctx.report(diag('ENCORD_CSV_NO_HEADER', 'a row before any header row (a header starts with ObjectUrl, e.g. "ObjectUrl,Image title")', { ...place, column: 1 }));
    reject(st, place, ev.raw);
    return;
  }
  if (!sec.ok) {
    reject(st, place, ev.raw);
    return;
  }
  row(st, sec, ev, place);
}

function reject(st: State, place: Place, raw: Buffer | undefined): void {
  st.records++;
  st.events.push(raw === undefined ? { type: 'reject', place } : { type: 'reject', place, raw });
}

function header(st: State, ev: CsvRow): void {
  const { ctx } = st;
  const h = ev.cells.map(norm);
  while (h.length > 1 && h[h.length - 1] === '') h.pop();
  const sec: Section = { type: 'video', legacy: h.length === 1, width: h.length, hasCreate: false, ok: true, no: ++st.sections };
  st.section = sec;
  const bad = (column: number, message: string): void => {
    ctx.report(diag('ENCORD_CSV_HEADING_UNKNOWN', `${message}; the rows below it, up to the next header, are rejected`, { file: ctx.file, line: ev.line, offset: ev.offset, column }));
    sec.ok = false;
  };
  if (h.length >= 2) {
    const t = TITLE_HEADINGS[h[1]!];
    if (!t) return bad(2, `unknown heading ${JSON.stringify(ev.cells[1])} (known: Video title, Image title, Image group title, Dicom title, Series title)`);
    sec.type = t;
  }
  if (h.length >= 3) {
    if (h[2] !== 'create video') return bad(3, `unknown heading ${JSON.stringify(ev.cells[2])} (the third column can only be Create video)`);
    sec.hasCreate = true;
  }
  if (h.length > 3) return bad(4, `unknown heading ${JSON.stringify(ev.cells[3])} (at most ObjectUrl, a title and Create video)`);
}

function row(st: State, sec: Section, ev: CsvRow, place: Place): void {
  const { ctx } = st;
  const cells = ev.cells;
  let n = cells.length;
  while (n > sec.width && cells[n - 1]!.trim() === '') n--;
  const at = (column: number): Place => ({ ...place, column });
  const fail = (code: Code, message: string, column: number): void => {
    ctx.report(diag(code, message, at(column)));
    reject(st, place, ev.raw);
  };
  if (n !== sec.width) return fail('ENCORD_CSV_COLUMNS', `${n} cells where the header has ${sec.width} columns`, Math.min(n, sec.width) + 1);
  // annoconv's own formula escape is taken off (core/csv.ts): what it wrote reads back as it was
  let url = unescapeFormula(cells[0]!);
  // FORMATS 3.2: whitespace around the URL is trimmed with a warning (lenient), refused with --strict
  const trimmed = url.trim();
  if (trimmed !== url && trimmed !== '' && !ctx.options.strict && !/\s/.test(trimmed)) {
    ctx.report(diag('ENCORD_URL_TRIMMED', `whitespace around the ObjectUrl ${JSON.stringify(trimmed.slice(0, 120))} was trimmed (--strict refuses it)`, at(1)));
    url = trimmed;
  }
  const f: Finding[] = [];
  const prefix = ctx.options.format.urlPrefix;
  const resolved = objectUrl(url === '' ? undefined : url, '', f, typeof prefix === 'string' ? prefix : undefined);
  let bad = false;
  for (const x of f) {
    const d = diag(x.code, x.message.replace(/^objectUrl/, 'ObjectUrl'), at(1), x.severity ?? 'error');
    if (d.severity === 'error') bad = true;
    ctx.report(d);
  }
  if (resolved === undefined || bad) return reject(st, place, ev.raw);
  url = resolved;
  const title = sec.legacy ? '' : unescapeFormula(cells[1]!);
  if ([...title].length > MAX_TITLE_CHARS) return fail('ENCORD_LIMIT', `the title is longer than ${MAX_TITLE_CHARS} characters`, 2);
  let create: boolean | undefined;
  if (sec.hasCreate) {
    const v = norm(cells[2]!);
    if (v === 'true') create = true;
    else if (v === 'false') create = false;
    else if (v !== '') return fail('ENCORD_CSV_CREATE_VIDEO_INVALID', `Create video must be true, false or blank, got ${JSON.stringify(cells[2])}`, 3);
  }
  if (create === true && sec.type !== 'group') return fail('ENCORD_CSV_CREATE_VIDEO_MISPLACED', `Create video is true in a${sec.type === 'image' ? 'n image' : sec.type === 'dicom' ? ' DICOM' : ' video'} section (only image groups become sequences)`, 3);
  const kind: ItemKind = sec.type === 'video' ? 'video' : sec.type === 'image' ? 'image' : sec.type === 'dicom' ? 'dicom' : 'image';
  const named = kindFromName(url);
  if (named !== undefined && named !== kind) {
    ctx.report(diag('ENCORD_CSV_TYPE_MISMATCH', sec.legacy ? `a single-column file registers every row as a video, but this URL looks like ${named} (Encord fails it: "Expected a video")` : `the URL looks like ${named}, but the section is for ${sec.type === 'group' ? 'image groups' : sec.type === 'dicom' ? 'DICOM files' : sec.type + 's'}: the header decides`, at(1), 'warning'));
  }
  const duplicate = (): void => {
    if (st.urls.add(url)) ctx.report(diag('ENCORD_URL_DUPLICATE', `URL ${JSON.stringify(url.slice(0, 200))} is registered again (Encord identifies objects by URL)`, at(1), 'warning'));
  };
  if (sec.type === 'video' || sec.type === 'image') {
    duplicate();
    const item: Item = { id: url, kind, url, metadata: {}, annotations: [] };
    if (title !== '') item.title = title;
    st.records++;
    count(st, 1, place);
    st.events.push({ type: 'item', item, place, raw: ev.raw });
    return;
  }
  if (sec.type === 'dicom' && title === '') ctx.report(diag('ENCORD_TITLE_MISSING', 'a DICOM row without a title: the file becomes a series of its own, titled by its file name', at(2), 'warning'));
  if (title === '' && sec.type === 'group') return fail('ENCORD_CSV_GROUP_TITLE_MISSING', 'an image-group row without a title: the title is what groups the rows', 2);
  const sequence = sec.type === 'group' && create !== false;
  const r = st.groups.add(sec.type, title, sequence, sec.no, url, ev.line, ev.offset);
  if (r.conflictLine !== undefined) return fail('ENCORD_CSV_GROUP_MIXED', `group ${JSON.stringify(title)} is ${sequence ? 'a sequence (true)' : 'a group (false)'} here but the other way at line ${r.conflictLine}: this row is left out`, 3);
  duplicate();
  if (r.created) st.records++;
  if (r.created && sec.type === 'group' && create === undefined) {
    ctx.report(diag('ENCORD_CSV_CREATE_VIDEO_BLANK', `Create video is blank for group ${JSON.stringify(title)}: Encord reads that as true, an image sequence; write true or false`, at(sec.hasCreate ? 3 : 2), 'warning'));
  }
  if (r.reused) ctx.report(diag('ENCORD_CSV_TITLE_REUSED', `the title ${JSON.stringify(title)} was used in an earlier section: these rows join that ${sec.type === 'dicom' ? 'series' : 'group'}`, at(2), 'warning'));
}

/** Counts entries and URLs against Encord's per-file limits (one error when first exceeded). */
function count(st: State, urls: number, place: Place): void {
  st.urlCount += urls;
  st.entries++;
  // a limit of the file registered: in a conversion the writer checks (or splits) its own output
  if (st.ctx.materialize) return;
  if (!st.limitReported && (st.entries > MAX_ENTRIES || st.urlCount > MAX_URLS)) {
    st.limitReported = true;
    st.ctx.report(diag('ENCORD_LIMIT', `the manifest holds more than ${st.entries > MAX_ENTRIES ? MAX_ENTRIES.toLocaleString('en-US') + ' entries' : MAX_URLS.toLocaleString('en-US') + ' URLs'}, Encord's limit for one file: split it (--split N)`, place));
  }
}
