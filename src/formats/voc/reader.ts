/**
 * Pascal VOC XML (FORMATS.md §7.1): one XML per image; a single file, a folder of XMLs, or a VOC
 * tree (its `Annotations/` folder).
 *
 * Quirks worth knowing:
 * - Coordinates are integer pixels, 1-based and inclusive by the devkit's rule (x = xmin - 1,
 *   w = xmax - xmin + 1); tools disagree, so `--voc-offset 0` reads them as continuous corners.
 * - A document with a DOCTYPE (or an ENTITY) is refused before parsing: VOC files have none, and
 *   entity expansion is how XML bombs and external-entity reads work. Entities are never expanded.
 * - References are decoded after parsing (xml.ts): the five predefined entities and character
 *   references, the only ones a DOCTYPE-less file can hold; anything else, and characters XML 1.0
 *   forbids (raw control characters), make the file not well-formed, as for any XML parser.
 * - `pose`, `truncated`, `difficult`, `occluded` and actions are kept as attributes; a `<part>` is a
 *   box of its own whose `parent` is its object (objects.ts).
 */
import { stat } from 'node:fs/promises';
import { filesBelow } from '../../core/walk.js';
import { readRegularFile } from '../../core/io.js';
import { isUtf8 } from 'node:buffer';
import { join, relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { diag, fragment, pointerSegment, type Place } from '../../core/diagnostics.js';
import type { Code } from '../../core/codes.js';
import type { Item, JsonObject } from '../../model/types.js';
import { annotationToItem, isObj } from './objects.js';
import { codePoint, decodeText, lineColumn, notXmlChar } from './xml.js';
import { addSegmentation, vocSegmentation, type VocSegmentation } from './segmentation.js';

const CDATA = '#cdata';

const parser = new XMLParser({
  ignoreAttributes: true,
  processEntities: false,
  parseTagValue: false,
  trimValues: true,
  cdataPropName: CDATA,
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
  const seg = await vocSegmentation(root, ctx);
  const stems = new Set<string>();
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
    const ev = onXmlBytes(xml, relative(process.cwd(), path) || path, ctx, offset);
    const stem = f.replace(/^.*\//, '').replace(/\.xml$/i, '');
    stems.add(stem);
    if (seg && ev.type === 'item') await addSegmentation(ev.item, stem, seg, ctx);
    batch.push(ev);
    // masks weigh O(image): a batch of them is handed over at once
    if (batch.length >= (seg ? 1 : 256)) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
  if (seg) yield* segmentationOnly(seg, stems, ctx);
  if (files.length === 0 && !seg?.stems.size) ctx.report(diag('INPUT_EMPTY', `no .xml files in ${base}`, { file: root }));
}

/** Images with segmentation PNGs and no XML: items of their own (`<stem>.jpg`, VOC's images being JPEGs). */
async function* segmentationOnly(seg: VocSegmentation, seen: Set<string>, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  for (const stem of [...seg.stems].sort()) {
    if (seen.has(stem)) continue;
    const item: Item = { id: stem + '.jpg', kind: 'image', path: stem + '.jpg', metadata: {}, annotations: [] };
    await addSegmentation(item, stem, seg, ctx);
    yield [{ type: 'item', item, place: { file: join(seg.classDir ?? seg.objectDir!, stem + '.png') } }];
  }
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
  const badChar = notXmlChar(xml);
  if (badChar >= 0) {
    ctx.report(diag('VOC_XML_INVALID', `not well-formed XML: ${codePoint(xml, badChar)} is a character XML 1.0 does not allow`, { ...place, ...lineColumn(xml, badChar) }));
    return { type: 'reject', place, raw: xml };
  }
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (e) {
    return reject('VOC_XML_INVALID', `not well-formed XML: ${String((e as Error).message ?? e).split('\n')[0]!.slice(0, 160)}`);
  }
  const ann = isObj(doc) ? doc.annotation : undefined;
  if (!isObj(ann)) return reject('VOC_NOT_ANNOTATION', 'the root element is not <annotation>');
  const undecodable = decodeTree(ann, '/annotation');
  if (undecodable !== undefined) return reject('VOC_XML_INVALID', 'not well-formed XML: a reference to an undeclared entity or to a character XML does not allow', undecodable);
  const r = annotationToItem(ann, file, offset);
  let bad = false;
  for (const x of r.findings) {
    const d = diag(x.code, x.message, { ...place, pointer: fragment(x.at) }, x.severity ?? 'error');
    if (d.severity === 'error') bad = true;
    ctx.report(d);
  }
  return bad ? { type: 'reject', place, raw: xml } : { type: 'item', item: r.item, place, raw: xml };
}

/**
 * Decodes the references of every text below `node` in place (CDATA is taken as it is); returns
 * the pointer of the first text holding a reference it cannot decode.
 */
function decodeTree(node: JsonObject, at: string): string | undefined {
  for (const k of Object.keys(node)) {
    const v = node[k];
    const here = `${at}/${pointerSegment(k)}`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const r = decodeValue(v[i], `${here}/${i}`);
        if (r.bad !== undefined) return r.bad;
        v[i] = r.value;
      }
      continue;
    }
    const r = decodeValue(v, k === '#text' ? at : here);
    if (r.bad !== undefined) return r.bad;
    node[k] = r.value;
  }
  return undefined;
}

function decodeValue(v: unknown, at: string): { value?: unknown; bad?: string } {
  if (typeof v === 'string') {
    const d = decodeText(v);
    return d === undefined ? { bad: at } : { value: d };
  }
  if (!isObj(v)) return { value: v };
  if (typeof v[CDATA] === 'string') {
    // text and CDATA of one element, as one text (their order is not kept by the parser)
    const t = v['#text'] === undefined ? '' : decodeText(String(v['#text']));
    if (t === undefined) return { bad: at };
    const keys = Object.keys(v).filter((k) => k !== CDATA && k !== '#text');
    if (keys.length === 0) return { value: t + v[CDATA] };
    v['#text'] = t + v[CDATA];
    delete v[CDATA];
  }
  const bad = decodeTree(v, at);
  return bad === undefined ? { value: v } : { bad };
}
