/**
 * Pascal VOC XML (FORMATS.md §7.1): one XML per image; a single file, a folder of XMLs, or a VOC
 * tree (its `Annotations/` folder).
 *
 * Quirks worth knowing:
 * - Coordinates are integer pixels, 1-based and inclusive by the devkit's rule (x = xmin - 1,
 *   w = xmax - xmin + 1); tools disagree, so `--voc-offset 0` reads them as continuous corners.
 * - A document with a DOCTYPE (or an ENTITY) is refused before parsing: VOC files have none, and
 *   entity expansion is how XML bombs and external-entity reads work. Entities are never expanded.
 * - `pose`, `truncated`, `difficult`, `occluded`, parts and actions are kept as attributes.
 */
import { stat } from 'node:fs/promises';
import { filesBelow } from '../../core/walk.js';
import { readRegularFile } from '../../core/io.js';
import { isUtf8 } from 'node:buffer';
import { join, relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { diag, fragment, type Place } from '../../core/diagnostics.js';
import type { Code } from '../../core/codes.js';
import { setOwn } from '../../core/safe.js';
import { inclusiveToXywh } from '../../model/geometry.js';
import type { Annotation, Item, JsonObject } from '../../model/types.js';

interface Finding {
  code: Code;
  message: string;
  at: string;
  severity?: 'error' | 'warning';
}

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : isObj(v) && typeof v['#text'] === 'string' ? v['#text'] : undefined);

const parser = new XMLParser({
  ignoreAttributes: true,
  processEntities: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'object' || name === 'part',
});

export async function* readVoc(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const offset: 0 | 1 = String(ctx.options.format.vocOffset ?? '1') === '0' ? 0 : 1;
  if (!input.directory) {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of input.chunks()) {
      size += chunk.length;
      if (size > ctx.options.maxRecordSize) {
        const place: Place = { file: ctx.file };
        ctx.report(diag('INPUT_RECORD_TOO_LARGE', `an XML file larger than --max-record-size ${ctx.options.maxRecordSize}; not read`, place));
        yield [{ type: 'reject', place }];
        return;
      }
      parts.push(chunk);
    }
    yield [onXmlBytes(Buffer.concat(parts), ctx.file, ctx, offset)];
    return;
  }
  const root = input.path!;
  const annotations = join(root, 'Annotations');
  const base = (await isDir(annotations)) ? annotations : root;
  const { files, skipped } = await filesBelow(base, (f) => f.toLowerCase().endsWith('.xml'));
  if (skipped) ctx.report(diag('INPUT_LINKS_SKIPPED', `${skipped} symbolic link(s) or special file(s) below ${base} skipped`, { file: base }));
  let batch: ReadEvent[] = [];
  for (const f of files) {
    const path = join(base, f);
    let xml: Buffer;
    try {
      const st = await stat(path);
      if (st.size > ctx.options.maxRecordSize) {
        ctx.report(diag('INPUT_RECORD_TOO_LARGE', `${st.size} bytes exceeds --max-record-size ${ctx.options.maxRecordSize}; skipped`, { file: path }));
        batch.push({ type: 'reject', place: { file: path } });
        continue;
      }
      xml = await readRegularFile(path);
    } catch (e) {
      ctx.report(diag('INPUT_READ_FAILED', `reading ${path} failed: ${(e as Error).message}`, { file: path }));
      batch.push({ type: 'reject', place: { file: path } });
      continue;
    }
    batch.push(onXmlBytes(xml, relative(process.cwd(), path) || path, ctx, offset));
    if (batch.length >= 256) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
  if (files.length === 0) ctx.report(diag('INPUT_EMPTY', `no .xml files in ${base}`, { file: root }));
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The text of an XML file: UTF-8 unless its declaration names a single-byte encoding (old VOC
 * tools wrote ISO-8859-1) or it starts with a UTF-16 byte order mark. Invalid UTF-8 is refused
 * rather than decoded with replacement characters.
 */
function onXmlBytes(bytes: Buffer, file: string, ctx: ReadContext, offset: 0 | 1): ReadEvent {
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(bytes.toString('latin1', 0, 200))?.[1]?.toLowerCase();
  const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  let xml: string;
  if (utf16) xml = new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes);
  else if (declared && SINGLE_BYTE.has(declared)) xml = new TextDecoder(SINGLE_BYTE.get(declared)!).decode(bytes);
  else if (isUtf8(bytes)) xml = bytes.toString('utf8');
  else {
    ctx.report(diag('INPUT_INVALID_UTF8', `${file} is not valid UTF-8 and declares no other encoding; not read`, { file }));
    return { type: 'reject', place: { file }, raw: bytes };
  }
  return onXml(xml, file, ctx, offset);
}

/** Declared single-byte encodings and the WHATWG label TextDecoder takes for each. */
const SINGLE_BYTE = new Map([
  ['iso-8859-1', 'latin1'], ['latin1', 'latin1'], ['latin-1', 'latin1'], ['iso_8859-1', 'latin1'], ['iso8859-1', 'latin1'],
  ['windows-1252', 'windows-1252'], ['cp1252', 'windows-1252'], ['us-ascii', 'windows-1252'], ['ascii', 'windows-1252'],
  ['iso-8859-15', 'iso-8859-15'], ['latin-9', 'iso-8859-15'],
]);

function onXml(xml: string, file: string, ctx: ReadContext, offset: 0 | 1): ReadEvent {
  const place: Place = { file };
  const reject = (code: Code, message: string, pointer?: string): ReadEvent => {
    ctx.report(diag(code, message, pointer ? { ...place, pointer: fragment(pointer) } : place));
    return { type: 'reject', place, raw: xml };
  };
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return reject('VOC_DOCTYPE', 'the XML declares a DOCTYPE or entities: refused without parsing (VOC files have none; entity expansion is how XML bombs work)');
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (e) {
    return reject('VOC_XML_INVALID', `not well-formed XML: ${String((e as Error).message ?? e).split('\n')[0]!.slice(0, 160)}`);
  }
  const ann = isObj(doc) ? doc.annotation : undefined;
  if (!isObj(ann)) return reject('VOC_NOT_ANNOTATION', 'the root element is not <annotation>');
  const r = annotationToItem(ann, file, offset);
  let bad = false;
  for (const x of r.findings) {
    const d = diag(x.code, x.message, { ...place, pointer: fragment(x.at) }, x.severity ?? 'error');
    if (d.severity === 'error') bad = true;
    ctx.report(d);
  }
  return bad ? { type: 'reject', place, raw: xml } : { type: 'item', item: r.item, place, raw: xml };
}

const FLAGS = ['truncated', 'difficult', 'occluded'] as const;

function annotationToItem(ann: JsonObject, file: string, offset: 0 | 1): { item: Item; findings: Finding[] } {
  const f: Finding[] = [];
  const filename = text(ann.filename);
  const name = filename ?? file.replace(/^.*[\\/]/, '').replace(/\.xml$/i, '');
  const item: Item = { id: name, kind: 'image', path: name, metadata: {}, annotations: [] };
  const ex: JsonObject = {};
  for (const k of Object.keys(ann)) if (!['filename', 'size', 'object'].includes(k)) setOwn(ex, k, ann[k]);
  if (filename === undefined) ex.noFilename = true;
  const size = ann.size;
  let W: number | undefined;
  let H: number | undefined;
  if (isObj(size)) {
    W = Number(text(size.width));
    H = Number(text(size.height));
    if (Number.isFinite(W) && Number.isFinite(H) && W > 0 && H > 0) {
      item.width = W;
      item.height = H;
    } else {
      f.push({ code: 'VOC_SIZE_MISSING', message: 'size has no positive width and height (YOLO and percent targets need them)', at: '/annotation/size', severity: 'warning' });
      W = H = undefined;
    }
    if (size.depth !== undefined) ex.depth = text(size.depth);
  } else f.push({ code: 'VOC_SIZE_MISSING', message: 'no <size> (YOLO and percent targets need the image size)', at: '/annotation/size', severity: 'warning' });
  const objects = Array.isArray(ann.object) ? ann.object : [];
  objects.forEach((o, i) => {
    const at = `/annotation/object/${i}`;
    if (!isObj(o)) {
      f.push({ code: 'VOC_OBJECT_INVALID', message: 'an <object> must have elements', at });
      return;
    }
    const label = text(o.name);
    if (label === undefined || label === '') {
      f.push({ code: 'VOC_OBJECT_INVALID', message: 'an <object> without <name>', at: at + '/name' });
      return;
    }
    const box = readBox(o.bndbox, at + '/bndbox', f, W, H);
    if (!box) return;
    const a: Annotation = { kind: 'box', ...inclusiveToXywh(box, offset), label };
    const attrs: JsonObject = {};
    for (const flag of FLAGS) {
      if (o[flag] === undefined) continue;
      const v = text(o[flag]);
      if (v !== '0' && v !== '1') f.push({ code: 'VOC_FLAG_INVALID', message: `${flag} must be 0 or 1, got ${JSON.stringify(v)}`, at: `${at}/${flag}` });
      else attrs[flag] = v === '1';
    }
    if (o.pose !== undefined) attrs.pose = text(o.pose) ?? '';
    if (Array.isArray(o.part)) {
      attrs.parts = o.part.map((p, j) => {
        const pb = isObj(p) ? readBox(p.bndbox, `${at}/part/${j}/bndbox`, f, W, H) : undefined;
        return { name: isObj(p) ? text(p.name) ?? '' : '', ...(pb ? inclusiveToXywh(pb, offset) : {}) };
      });
    }
    if (isObj(o.actions)) attrs.actions = Object.fromEntries(Object.entries(o.actions).map(([k, v]) => [k, text(v) === '1']));
    const rest: JsonObject = {};
    for (const k of Object.keys(o)) if (!['name', 'bndbox', 'pose', 'part', 'actions', ...FLAGS].includes(k)) setOwn(rest, k, o[k]);
    if (Object.keys(attrs).length) a.attributes = attrs;
    if (Object.keys(rest).length) a.extras = { voc: rest };
    item.annotations.push(a);
  });
  if (Object.keys(ex).length) item.extras = { voc: ex };
  return { item, findings: f };
}

function readBox(b: unknown, at: string, f: Finding[], W: number | undefined, H: number | undefined): { xmin: number; ymin: number; xmax: number; ymax: number } | undefined {
  if (!isObj(b)) {
    f.push({ code: 'VOC_OBJECT_INVALID', message: 'an <object> without <bndbox>', at });
    return undefined;
  }
  const v: number[] = [];
  for (const k of ['xmin', 'ymin', 'xmax', 'ymax']) {
    const s = text(b[k]);
    const n = s === undefined || s.trim() === '' ? NaN : Number(s);
    if (!Number.isFinite(n)) {
      f.push({ code: 'VOC_COORDINATE_INVALID', message: `${k} must be a number, got ${JSON.stringify(s)}`, at: `${at}/${k}` });
      return undefined;
    }
    v.push(n);
  }
  const [xmin, ymin, xmax, ymax] = v as [number, number, number, number];
  if (xmin > xmax || ymin > ymax) {
    f.push({ code: 'VOC_BOX_INVERTED', message: `xmin > xmax or ymin > ymax: ${v.join(', ')}`, at });
    return undefined;
  }
  if (v.some((n) => !Number.isInteger(n))) f.push({ code: 'VOC_COORDINATE_FLOAT', message: `coordinates are not whole pixels: ${v.join(', ')} (read as they are)`, at, severity: 'warning' });
  if (W !== undefined && H !== undefined && (xmin < 0 || ymin < 0 || xmax > W || ymax > H)) f.push({ code: 'VOC_BOX_OUTSIDE', message: `the box ${v.join(', ')} reaches beyond the ${W} x ${H} image`, at, severity: 'warning' });
  return { xmin, ymin, xmax, ymax };
}
