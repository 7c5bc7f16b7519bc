/**
 * YOLO label folders (FORMATS.md §7.2): one `.txt` per image, `class cx cy w h` in fractions of the
 * image size (detection), `class x1 y1 ... xn yn` (segmentation, 3+ points), `class x1 y1 ... x4 y4`
 * (oriented boxes), `class cx cy w h px py [v] ...` (pose, with `kpt_shape` in data.yaml); a sixth
 * number on a detection line is a confidence.
 *
 * Quirks worth knowing:
 * - Fractions need the image size, which the labels do not give: each label file's image is found
 *   beside it, in the matching `images/` (or `Images/`) folder, or under `--media-root`, and its
 *   size read from its header. A label file without an image is refused by name.
 * - Class names come from classes.txt, obj.names or data.yaml (`names` as a list or a map);
 *   other .txt files that are not labels (README.txt, train.txt lists) are skipped. Every class
 *   becomes a category with its id (used or not), and each annotation keeps its class id as its
 *   categoryId: a YOLO target writes the same ids and names back.
 * - 8 numbers are an oriented box (4 corners), read as a 4-point polygon, unless kpt_shape says pose.
 */
import { stat } from 'node:fs/promises';
import { filesBelow } from '../../core/walk.js';
import { readRegularFile } from '../../core/io.js';
import { isUtf8 } from 'node:buffer';
import { basename, extname, join, relative, sep } from 'node:path';
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { centreToXywh, fractionToPx } from '../../model/geometry.js';
import type { Annotation, Item } from '../../model/types.js';
import { probe } from '../../media/probe.js';
import { fileUnder } from '../../media/media-root.js';
import { classNames, type Classes } from './classes.js';

const IMAGE_EXTS = ['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff', '.JPG', '.JPEG', '.PNG'];
const NOT_LABELS = new Set(['classes.txt', 'obj.names', 'readme.txt', 'train.txt', 'val.txt', 'test.txt', 'valid.txt', 'obj.data']);

export async function* readYolo(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  if (!input.directory) {
    ctx.report(diag('YOLO_NEEDS_FOLDER', 'YOLO labels are read from a folder (labels, class names and images together): give the folder', { file: ctx.file }));
    return;
  }
  const root = input.path!;
  const classes = await classNames(root);
  if ('message' in classes) {
    ctx.report(diag('YOLO_CLASSES_MISSING', classes.message, { file: shownPath(classes.file), ...(classes.line ? { line: classes.line } : {}) }));
    return;
  }
  const namesFile = shownPath(join(root, classes.from));
  for (const u of classes.unnamed.slice(0, 10)) {
    const where = u.line ? `line ${u.line} of ${classes.from} is blank` : `${classes.from} names no class ${u.id}`;
    ctx.report(diag('YOLO_CLASS_UNNAMED', `${where}: class ${u.id} has no name (read as ${JSON.stringify(classes.names[u.id])}; the ids after it keep their numbers)`, { file: namesFile, ...(u.line ? { line: u.line } : {}) }));
  }
  if (classes.unnamed.length > 10) ctx.report(diag('YOLO_CLASS_UNNAMED', `${classes.unnamed.length - 10} more class ids without a name in ${classes.from}, up to ${classes.unnamed[classes.unnamed.length - 1]!.id} (named class_<id>)`, { file: namesFile }));
  yield [{ type: 'dataset', dataset: { categories: classes.names.map((name, id) => ({ id, name })) } }];
  const mediaRoot = typeof ctx.options.format.mediaRoot === 'string' ? ctx.options.format.mediaRoot : undefined;
  const { files, skipped } = await filesBelow(root, (f) => f.endsWith('.txt') && !NOT_LABELS.has(basename(f).toLowerCase()));
  if (skipped) ctx.report(diag('INPUT_LINKS_SKIPPED', `${skipped} symbolic link(s) or special file(s) below ${root} skipped`, { file: root }));
  let batch: ReadEvent[] = [];
  const used = new Set<string>();
  for (const f of files) {
    batch.push(await labelFile(root, f, classes, mediaRoot, ctx, used));
    if (batch.length >= 256) {
      yield batch;
      batch = [];
    }
  }
  // images without a label file are images with no objects (YOLO's negatives): items of their own
  const images = (await filesBelow(root, (f) => IMAGE_EXTS.includes(extname(f)))).files;
  for (const rel of images) {
    const path = join(root, rel);
    if (used.has(path)) continue;
    const id = rel.split(sep).join('/');
    const place: Place = { file: relative(process.cwd(), path) || path };
    const facts = await probe(path, 'image');
    const item: Item = { id, kind: 'image', path: id, metadata: {}, annotations: [] };
    if (!('error' in facts) && facts.type === 'image') [item.width, item.height] = [facts.width, facts.height];
    else ctx.report(diag('MEDIA_UNREADABLE', `${rel} has no label file and its size cannot be read: ${'error' in facts ? facts.message : 'not an image'}`, place, 'warning'));
    batch.push({ type: 'item', item, place });
    if (batch.length >= 256) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
  if (files.length === 0 && images.length === 0) ctx.report(diag('INPUT_EMPTY', `no label files (.txt) or images in ${root}`, { file: root }));
}

const shownPath = (p: string): string => relative(process.cwd(), p) || p;

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * The image of a label file: beside it, in the images/ twin of its folder, or under --media-root
 * (confined to it: a link there to a file elsewhere is not followed out).
 */
async function findImage(root: string, rel: string, mediaRoot: string | undefined): Promise<string | undefined> {
  const stem = rel.slice(0, -extname(rel).length);
  const dirs = [stem];
  const swapped = stem.split(sep).map((s) => (s === 'labels' ? 'images' : s === 'Annotations' ? 'Images' : s)).join(sep);
  if (swapped !== stem) dirs.push(swapped);
  for (const d of dirs) for (const e of IMAGE_EXTS) if (await exists(join(root, d + e))) return join(root, d + e);
  if (!mediaRoot) return undefined;
  const names = [...dirs, basename(stem)];
  for (const d of names) for (const e of IMAGE_EXTS) if (await fileUnder(mediaRoot, join(mediaRoot, d + e))) return join(mediaRoot, d + e);
  return undefined;
}

async function labelFile(root: string, rel: string, classes: Classes, mediaRoot: string | undefined, ctx: ReadContext, used: Set<string>): Promise<ReadEvent> {
  const path = join(root, rel);
  const shown = relative(process.cwd(), path) || path;
  const place: Place = { file: shown };
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(path);
  } catch (e) {
    ctx.report(diag('INPUT_READ_FAILED', `reading ${path} failed: ${(e as Error).message}`, place));
    return { type: 'reject', place };
  }
  if (!isUtf8(bytes)) {
    ctx.report(diag('INPUT_INVALID_UTF8', `${rel} is not valid UTF-8; not read`, place));
    return { type: 'reject', place, raw: bytes };
  }
  const text = bytes.toString('utf8');
  const image = await findImage(root, rel, mediaRoot);
  if (image) used.add(image);
  const facts = image ? await probe(image, 'image') : undefined;
  const size = !image ? 'no image found beside it, in a matching images/ folder, or under --media-root' : 'error' in facts! ? facts!.message : facts!.type === 'image' ? facts! : 'not an image';
  if (typeof size === 'string') {
    ctx.report(diag('YOLO_NO_SIZE', `${rel}: the image size is needed to turn fractions into pixels, and ${image ? `${image} cannot be read: ${size}` : size}`, place));
    return { type: 'reject', place, raw: text };
  }
  const id = image ? relative(root, image).split(sep).join('/') : rel.slice(0, -4);
  const item: Item = { id, kind: 'image', path: id, width: size.width, height: size.height, metadata: {}, annotations: [] };
  let bad = false;
  const lines = text.split(/\r?\n/);
  const seen = new Set<string>();
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const at: Place = { ...place, line: i + 1 };
    const report = (code: Parameters<typeof diag>[0], message: string, severity?: 'warning'): void => {
      const d = diag(code, message, at, severity);
      if (d.severity === 'error') bad = true;
      ctx.report(d);
    };
    if (seen.has(line)) report('YOLO_LINE_DUPLICATE', 'the same line again (kept)', 'warning');
    seen.add(line);
    const tok = line.split(/\s+/);
    const cls = Number(tok[0]);
    if (!/^\d+$/.test(tok[0]!) || cls >= classes.names.length) return report('YOLO_CLASS_INVALID', `class ${JSON.stringify(tok[0])} is not a whole number below ${classes.names.length} (the names in ${classes.from})`);
    const v = tok.slice(1).map(Number);
    if (!v.every(Number.isFinite)) return report('YOLO_NUMBER_INVALID', `not all numbers: ${line.slice(0, 80)}`);
    if (v.some((x) => x < -1e-6 || x > 1 + 1e-6)) report('YOLO_RANGE', 'values outside 0-1 (fractions of the image size)', 'warning');
    const a = lineToAnnotations(v, classes.names[cls]!, classes.kpt, size.width, size.height);
    if (typeof a === 'string') return report('YOLO_TOKEN_COUNT', a);
    for (const x of a) x.categoryId = cls;
    item.annotations.push(...a);
  });
  return bad ? { type: 'reject', place, raw: text } : { type: 'item', item, place, raw: text };
}

function lineToAnnotations(v: number[], label: string, kpt: [number, number] | undefined, W: number, H: number): Annotation[] | string {
  const box = (): Annotation | string => {
    if (v[2]! <= 0 || v[3]! <= 0) return 'width and height must be above 0';
    const b = centreToXywh(fractionToPx(v[0]!, W), fractionToPx(v[1]!, H), fractionToPx(v[2]!, W), fractionToPx(v[3]!, H));
    return { kind: 'box', ...b, label };
  };
  if (kpt) {
    const [k, d] = kpt;
    if (v.length !== 4 + k * d) return `a pose line needs 4 + ${k} x ${d} numbers (kpt_shape), got ${v.length}`;
    const b = box();
    if (typeof b === 'string') return b;
    const points: [number, number, number][] = [];
    for (let i = 0; i < k; i++) {
      const p = v.slice(4 + i * d, 4 + (i + 1) * d);
      points.push([fractionToPx(p[0]!, W), fractionToPx(p[1]!, H), d === 3 ? p[2]! : 2]);
    }
    return [b, { kind: 'keypoints', points, label }];
  }
  if (v.length === 4 || v.length === 5) {
    const b = box();
    if (typeof b === 'string') return b;
    if (v.length === 5) b.score = v[4]!;
    return [b];
  }
  if (v.length >= 6 && v.length % 2 === 0) {
    const ring: number[] = [];
    for (let i = 0; i < v.length; i += 2) ring.push(fractionToPx(v[i]!, W), fractionToPx(v[i + 1]!, H));
    return [{ kind: 'polygon', rings: [ring], label }];
  }
  return `${v.length} numbers after the class: detection takes 4 (5 with a confidence), a polygon an even count of 6 or more`;
}

