/**
 * Encord data-registration entries (FORMATS.md §2) to and from the model, with the checks of §2.7.
 *
 * Quirks worth knowing:
 * - No ids: an object's identity is its exact URL. A single entry's item id is its `objectUrl`, a
 *   group's or series' the URL at its first position.
 * - Multi-Region Access Point URLs (`https://arn:aws:s3::ACCOUNT:accesspoint/...`) are valid but
 *   fail WHATWG URL parsing, so URLs are checked by shape, never with `new URL`.
 * - Metadata blocks: the documented video example names its fields in snake_case, the SDK in
 *   camelCase; both are read, and `--encord-metadata-case` chooses what is written (snake default).
 * - `createVideo` absent on an image group: the JSON default is undocumented; the SDK's (false,
 *   an image group) is taken, with a warning; the writer always states it.
 */
import type { Code } from '../../core/codes.js';
import type { Item, ItemKind, JsonObject, MediaFacts } from '../../model/types.js';
import { setOwn } from '../../core/safe.js';
import { pointer } from '../../core/diagnostics.js';
import { objectUrl } from './urls.js';
import { mediaUrl } from '../../core/object-url.js';
import { decodeOrKeep as decodeURIComponentSafe } from '../../core/url-decode.js';

export interface Finding {
  code: Code;
  message: string;
  /** Pointer suffix below the entry, e.g. "/objectUrl". */
  at: string;
  severity?: 'error' | 'warning';
}

/** The manifest's array keys, in the order a writer emits them, and the kind each holds. */
export const SINGLE_KEYS = ['videos', 'audio', 'images', 'text', 'pdfs', 'nifti'] as const;
export const MULTI_KEYS = ['image_groups', 'dicom_series'] as const;
export type EntryKey = (typeof SINGLE_KEYS)[number] | (typeof MULTI_KEYS)[number];
export const ENTRY_KEYS: readonly EntryKey[] = [...SINGLE_KEYS, ...MULTI_KEYS];

const SINGLE_KIND: Record<(typeof SINGLE_KEYS)[number], ItemKind> = {
  videos: 'video',
  audio: 'audio',
  images: 'image',
  text: 'text',
  pdfs: 'pdf',
  nifti: 'nifti',
};

/** Limits of one manifest file (Encord's documentation). */
export const MAX_ENTRIES = 500_000;
export const MAX_URLS = 1_000_000;
export const MAX_TITLE_CHARS = 300;

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const posInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
const posNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
const str = (v: unknown): boolean => typeof v === 'string' && v !== '';

/** A metadata block's fields: model name, snake_case name, camelCase name, check. */
type Field = [keyof MediaFacts | 'width' | 'height', string, string, (v: unknown) => boolean, string];
const F_WIDTH: Field = ['width', 'width', 'width', posInt, 'a positive integer'];
const F_HEIGHT: Field = ['height', 'height', 'height', posInt, 'a positive integer'];
const F_SIZE: Field = ['fileSize', 'file_size', 'fileSize', posInt, 'a positive integer (bytes)'];
const F_MIME: Field = ['mimeType', 'mime_type', 'mimeType', str, 'a non-empty string'];
const F_DURATION: Field = ['duration', 'duration', 'duration', posNum, 'a positive number (seconds)'];
export const BLOCKS: Record<'videoMetadata' | 'imageMetadata' | 'audioMetadata', { kinds: ItemKind[]; fields: Field[] }> = {
  videoMetadata: { kinds: ['video'], fields: [['fps', 'fps', 'fps', posNum, 'a positive number'], F_DURATION, F_WIDTH, F_HEIGHT, F_SIZE, F_MIME] },
  imageMetadata: { kinds: ['image'], fields: [F_MIME, F_SIZE, F_WIDTH, F_HEIGHT] },
  audioMetadata: {
    kinds: ['audio'],
    fields: [F_DURATION, F_SIZE, F_MIME, ['sampleRate', 'sample_rate', 'sampleRate', posInt, 'a positive integer (Hz)'], ['bitDepth', 'bit_depth', 'bitDepth', posInt, 'a positive integer'], ['codec', 'codec', 'codec', str, 'a non-empty string'], ['channels', 'num_channels', 'numChannels', posInt, 'a positive integer']],
  },
};
type BlockName = keyof typeof BLOCKS;
const BLOCK_NAMES = Object.keys(BLOCKS) as BlockName[];

function readBlock(name: BlockName, block: unknown, item: Item, f: Finding[]): void {
  if (!isObj(block)) {
    f.push({ code: 'ENCORD_METADATA_INVALID', message: `${name} must be an object`, at: `/${name}` });
    return;
  }
  const media: MediaFacts = {};
  let ok = true;
  for (const [model, snake, camel, check, what] of BLOCKS[name].fields) {
    const key = block[snake] !== undefined ? snake : camel;
    const v = block[key];
    if (v === undefined) {
      f.push({ code: 'ENCORD_METADATA_INVALID', message: `${name} lacks ${snake}`, at: `/${name}/${snake}` });
      ok = false;
    } else if (!check(v)) {
      f.push({ code: 'ENCORD_METADATA_INVALID', message: `${name}.${key} must be ${what}, got ${JSON.stringify(v)}`, at: `/${name}/${key}` });
      ok = false;
    } else if (model === 'width') item.width = v as number;
    else if (model === 'height') item.height = v as number;
    else (media as Record<string, unknown>)[model] = v;
  }
  if (ok && Object.keys(media).length) item.media = { ...item.media, ...media };
}

function checkClientMetadata(cm: unknown, item: Item, kindKey: EntryKey, f: Finding[], extras: JsonObject): void {
  if (cm === undefined) return;
  if (!isObj(cm)) {
    f.push({ code: 'ENCORD_FIELD_TYPE', message: 'clientMetadata must be an object', at: '/clientMetadata' });
    return;
  }
  for (const k of Object.keys(cm)) {
    if (k === '$encord') continue;
    setOwn(item.metadata, k, cm[k]);
  }
  if (cm.$encord === undefined) return;
  const enc = cm.$encord;
  extras.$encord = enc;
  if (!isObj(enc)) {
    f.push({ code: 'ENCORD_FIELD_TYPE', message: 'clientMetadata.$encord must be an object', at: '/clientMetadata/$encord' });
    return;
  }
  if (kindKey !== 'videos') f.push({ code: 'ENCORD_ENCORD_INVALID', message: '$encord (frames, sampling) applies to videos', at: '/clientMetadata/$encord', severity: 'warning' });
  const frames = enc.frames;
  if (frames !== undefined) {
    if (Array.isArray(frames)) {
      frames.forEach((fr, i) => {
        if (!(typeof fr === 'number' && Number.isFinite(fr) && fr >= 0) && !(typeof fr === 'string' && fr.trim() !== '' && Number.isFinite(Number(fr)))) {
          f.push({ code: 'ENCORD_ENCORD_INVALID', message: `frames[${i}] must be a frame number, got ${JSON.stringify(fr)}`, at: `/clientMetadata/$encord/frames/${i}` });
        }
      });
    } else if (isObj(frames)) {
      for (const k of Object.keys(frames)) {
        if (k.trim() === '' || !Number.isFinite(Number(k))) f.push({ code: 'ENCORD_ENCORD_INVALID', message: `frames key ${JSON.stringify(k)} is not a frame number or time`, at: pointer('clientMetadata', '$encord', 'frames', k) });
      }
    } else f.push({ code: 'ENCORD_ENCORD_INVALID', message: 'frames must be a list of frame numbers or a map of frame -> embeddings', at: '/clientMetadata/$encord/frames' });
  }
  const cfg = enc.config;
  if (cfg !== undefined) {
    if (!isObj(cfg)) f.push({ code: 'ENCORD_ENCORD_INVALID', message: 'config must be an object', at: '/clientMetadata/$encord/config' });
    else {
      const sr = cfg.sampling_rate;
      if (sr !== undefined && !(typeof sr === 'number' && Number.isFinite(sr) && sr >= 0)) f.push({ code: 'ENCORD_ENCORD_INVALID', message: `sampling_rate must be a number >= 0, got ${JSON.stringify(sr)}`, at: '/clientMetadata/$encord/config/sampling_rate' });
      const km = cfg.keyframe_mode;
      if (km !== undefined && km !== 'frame' && km !== 'seconds') f.push({ code: 'ENCORD_ENCORD_INVALID', message: `keyframe_mode must be "frame" or "seconds", got ${JSON.stringify(km)}`, at: '/clientMetadata/$encord/config/keyframe_mode' });
    }
  }
}

function checkTitle(title: unknown, item: Item, f: Finding[]): void {
  if (title === undefined) return;
  if (typeof title !== 'string') f.push({ code: 'ENCORD_FIELD_TYPE', message: 'title must be a string', at: '/title' });
  else if ([...title].length > MAX_TITLE_CHARS) f.push({ code: 'ENCORD_LIMIT', message: `title is longer than ${MAX_TITLE_CHARS} characters`, at: '/title' });
  else item.title = title;
}

const MULTI_URL = /^objectUrl_(.*)$/;
const SINGLE_FIELDS = new Set(['objectUrl', 'title', 'clientMetadata', ...BLOCK_NAMES]);
const MULTI_FIELDS = new Set(['title', 'clientMetadata', 'createVideo']);

/**
 * One entry of the array `key`, checked and turned into an item (undefined when it has errors);
 * `urlPrefix` (--url-prefix) makes URLs of object paths without a scheme.
 */
export function entryToItem(key: EntryKey, entry: unknown, urlPrefix?: string): { findings: Finding[]; item?: Item; urls: string[] } {
  const f: Finding[] = [];
  if (!isObj(entry)) return { findings: [{ code: 'ENCORD_ENTRY_TYPE', message: `an entry of ${key} must be an object`, at: '' }], urls: [] };
  const extras: JsonObject = {};
  const unknown = (k: string): void => {
    f.push({ code: 'ENCORD_UNKNOWN_FIELD', message: `unknown field ${JSON.stringify(k)} (kept)`, at: pointer(k), severity: 'warning' });
    setOwn((extras.fields ??= {}) as JsonObject, k, entry[k]);
  };
  let item: Item;
  const urls: string[] = [];
  if ((SINGLE_KEYS as readonly string[]).includes(key)) {
    const url = objectUrl(entry.objectUrl, '/objectUrl', f, urlPrefix);
    item = { id: url ?? (typeof entry.objectUrl === 'string' ? entry.objectUrl : ''), kind: SINGLE_KIND[key as (typeof SINGLE_KEYS)[number]], metadata: {}, annotations: [] };
    if (url !== undefined) {
      item.url = url;
      urls.push(url);
    }
    for (const name of BLOCK_NAMES) {
      if (entry[name] === undefined) continue;
      if (!BLOCKS[name].kinds.includes(item.kind)) f.push({ code: 'ENCORD_METADATA_INVALID', message: `${name} does not belong to an entry of ${key}`, at: `/${name}` });
      else readBlock(name, entry[name], item, f);
    }
    for (const k of Object.keys(entry)) if (!SINGLE_FIELDS.has(k)) unknown(k);
  } else {
    const positions: [number, string][] = [];
    for (const k of Object.keys(entry)) {
      const m = MULTI_URL.exec(k);
      if (!m) {
        if (!MULTI_FIELDS.has(k)) unknown(k);
        continue;
      }
      if (!/^(0|[1-9]\d*)$/.test(m[1]!)) {
        f.push({ code: 'ENCORD_URL_INDEX', message: `${k}: the position after objectUrl_ must be a non-negative integer`, at: pointer(k) });
        continue;
      }
      const url = objectUrl(entry[k], pointer(k), f, urlPrefix);
      if (url !== undefined) positions.push([Number(m[1]), url]);
    }
    positions.sort((a, b) => a[0] - b[0]);
    if (positions.length === 0 && !f.some((x) => x.code === 'ENCORD_URL_INDEX' || x.at.startsWith('/objectUrl_'))) {
      f.push({ code: 'ENCORD_URL_MISSING', message: 'the entry has no objectUrl_0, objectUrl_1, ...', at: '' });
    } else if (positions.length > 0 && positions.some(([n], i) => n !== i)) {
      f.push({ code: 'ENCORD_URL_GAP', message: `objectUrl_N positions are ${positions.length > 8 ? 'not 0..' + (positions.length - 1) : positions.map(([n]) => n).join(', ')} (gaps or a start other than 0; taken in order)`, at: `/objectUrl_${positions[0]![0]}`, severity: 'warning' });
    }
    for (const [, u] of positions) urls.push(u);
    let kind: ItemKind = 'dicom_series';
    if (key === 'image_groups') {
      const cv = entry.createVideo;
      if (cv === undefined) {
        f.push({ code: 'ENCORD_CREATE_VIDEO_MISSING', message: 'createVideo is absent: read as false (an image group), the SDK default; state it', at: '/createVideo', severity: 'warning' });
        extras.createVideoAbsent = true;
      } else if (typeof cv !== 'boolean') f.push({ code: 'ENCORD_FIELD_TYPE', message: `createVideo must be true or false, got ${JSON.stringify(cv)}`, at: '/createVideo' });
      kind = cv === true ? 'image_sequence' : 'image_group';
    }
    if (entry.title === undefined) extras.titleAbsent = true;
    if (entry.title === undefined) f.push({ code: 'ENCORD_TITLE_MISSING', message: `a${key === 'image_groups' ? 'n image group' : ' DICOM series'} without a title`, at: '/title', severity: 'warning' });
    item = { id: urls[0] ?? '', kind, urls, metadata: {}, annotations: [] };
  }
  checkTitle(entry.title, item, f);
  checkClientMetadata(entry.clientMetadata, item, key, f, extras);
  if (Object.keys(extras).length) item.extras = { encord: extras };
  if (f.some((x) => (x.severity ?? 'error') === 'error')) return { findings: f, urls: [] };
  return { findings: f, item, urls };
}

/** Where an item goes in a manifest: its array key, or why it cannot go. */
export function keyOfItem(item: Item): EntryKey | { reason: string } {
  switch (item.kind) {
    case 'video': return 'videos';
    case 'audio': return 'audio';
    case 'image': return 'images';
    case 'text': return 'text';
    case 'pdf': return 'pdfs';
    case 'nifti': return 'nifti';
    case 'image_group':
    case 'image_sequence': return 'image_groups';
    case 'dicom':
    case 'dicom_series': return 'dicom_series';
    default: return { reason: `an item of kind ${item.kind} cannot be registered with Encord` };
  }
}

export interface EntryOptions {
  /** Prefix turning a relative path into a URL. */
  urlPrefix?: string;
  /** Names inside metadata blocks. */
  metadataCase: 'snake' | 'camel';
}

/**
 * An item's URL(s) for a manifest: url / urls, or the prefix joined to its path (or to a URL without
 * a scheme); undefined when there are none.
 */
export function urlsOf(item: Item, o: EntryOptions): string[] | undefined {
  if (item.urls && item.urls.length) return item.urls.map((u) => mediaUrl(u, undefined, o.urlPrefix)!);
  const url = mediaUrl(item.url || undefined, item.path, o.urlPrefix);
  return url !== undefined ? [url] : undefined;
}

/** The metadata block for an item, only when every field it needs is known (never guessed). */
function blockOf(item: Item, o: EntryOptions): [BlockName, JsonObject] | undefined {
  const name = BLOCK_NAMES.find((n) => BLOCKS[n].kinds.includes(item.kind));
  if (!name) return undefined;
  const out: JsonObject = {};
  for (const [model, snake, camel, check] of BLOCKS[name].fields) {
    const v = model === 'width' ? item.width : model === 'height' ? item.height : item.media?.[model];
    if (!check(v)) return undefined;
    out[o.metadataCase === 'snake' ? snake : camel] = v;
  }
  return [name, out];
}

/** An item as a manifest entry of `key` (URLs already checked by the caller). */
export function itemToEntry(item: Item, key: EntryKey, urls: string[], o: EntryOptions): JsonObject {
  const entry: JsonObject = {};
  const ex = (item.extras?.encord ?? {}) as JsonObject;
  if ((MULTI_KEYS as readonly string[]).includes(key)) {
    if (item.title !== undefined) entry.title = item.title;
    else if (ex.titleAbsent !== true) entry.title = basename(urls[0]!);
    if (key === 'image_groups') entry.createVideo = item.kind === 'image_sequence';
    urls.forEach((u, i) => (entry[`objectUrl_${i}`] = u));
  } else {
    entry.objectUrl = urls[0];
    if (item.title !== undefined) entry.title = item.title;
    const block = blockOf(item, o);
    if (block) entry[block[0]] = block[1];
  }
  const cm: JsonObject = {};
  for (const k of Object.keys(item.metadata)) setOwn(cm, k, item.metadata[k]);
  if (ex.$encord !== undefined) cm.$encord = ex.$encord;
  if (Object.keys(cm).length) entry.clientMetadata = cm;
  const fields = ex.fields;
  if (isObj(fields)) for (const k of Object.keys(fields)) if (entry[k] === undefined) setOwn(entry, k, fields[k]);
  return entry;
}

/** The decoded last path segment of a URL (Encord's default title). */
export function basename(url: string): string {
  const path = url.split(/[?#]/)[0]!;
  return decodeURIComponentSafe(path.slice(path.lastIndexOf('/') + 1)) || path;
}

