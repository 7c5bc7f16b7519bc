/**
 * Where a YOLO label file goes, as Ultralytics finds it: the image `images/<sub>/<stem>.<ext>` has
 * its labels at `labels/<sub>/<stem>.txt` (`img2label_paths`: the last `/images/` of the image path
 * becomes `/labels/`, the extension `.txt`). So an item whose path runs through an `images` folder
 * keeps what follows it (`images/train/a.jpg` -> `labels/train/a.txt`, the Roboflow form
 * `train/images/a.jpg` too), and any other item is `labels/<stem>.txt`, the layout the Label
 * Studio SDK reads (`images/` and `labels/` side by side, flat). A URL gives the last segment of
 * its path, percent-decoded (as the SDK names a downloaded file); Label Studio's local-files URL
 * (`/data/local-files/?d=images/train/a.jpg`) gives its `d` path. `..` and `.` segments are
 * dropped, so a name never leaves `labels/` (`../classes.jpg` is `labels/classes.txt`).
 */
import { posix } from 'node:path';
import type { Item } from '../../model/types.js';
import { decodeOrKeep } from '../../core/url-decode.js';

/** Folder names below `images/` that are a split, and their data.yaml key. */
const SPLITS = new Map<string, 'train' | 'val' | 'test'>([['train', 'train'], ['val', 'val'], ['valid', 'val'], ['validation', 'val'], ['test', 'test']]);

export interface LabelPlace {
  /** `labels/...txt`, relative to the output folder. */
  rel: string;
  /** The split folder below `images/` (`train`, `val`, `valid`, `test`, ...) with its data.yaml key. */
  split?: { dir: string; key: 'train' | 'val' | 'test' };
}

const URL_LIKE = /^[a-z][a-z0-9+.-]+:\/\//i;

const decode = decodeOrKeep;

/** The path segments an item's name gives: a URL its last segment, a path all of them. */
function segmentsOf(item: Item): string[] {
  const name = item.path ?? item.url ?? item.id;
  const isUrl = URL_LIKE.test(name) || (item.path === undefined && item.url !== undefined);
  if (!isUrl) return pathSegments(name);
  let url: URL;
  try {
    url = new URL(name, 'http://localhost');
  } catch {
    return pathSegments(name.split(/[?#]/)[0]!).slice(-1);
  }
  const local = url.searchParams.get('d');
  if (/\/data\/local-files\/?$/.test(url.pathname) && local) return pathSegments(local);
  const last = url.pathname.split('/').filter(Boolean).pop() ?? '';
  return pathSegments(decode(last)).slice(-1);
}

function pathSegments(p: string): string[] {
  return posix.normalize(p.replace(/\\/g, '/')).split('/').filter((s) => s !== '' && s !== '.' && s !== '..');
}

const stemOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
};

/** The label file of an item below the output folder, or undefined when the item names no file. */
export function labelPlace(item: Item): LabelPlace | undefined {
  const seg = segmentsOf(item);
  if (seg.length === 0) return undefined;
  const at = seg.length > 1 ? seg.lastIndexOf('images', seg.length - 2) : -1;
  let sub = at >= 0 ? seg.slice(at + 1) : seg.slice(-1);
  if (at > 0 && sub.length === 1 && SPLITS.has(seg[at - 1]!)) sub = [seg[at - 1]!, ...sub];
  const stem = stemOf(sub[sub.length - 1]!);
  if (stem === '') return undefined;
  const rel = ['labels', ...sub.slice(0, -1), stem + '.txt'].join('/');
  const key = sub.length > 1 ? SPLITS.get(sub[0]!) : undefined;
  return key ? { rel, split: { dir: sub[0]!, key } } : { rel };
}
