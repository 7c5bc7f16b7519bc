/**
 * Label Studio exports converted by annoconv, compared with what the Label Studio SDK converter
 * (label_studio_sdk/converter, run on python3 from ../peers/ls-sdk) writes from the same file: boxes
 * within 1e-6, class names, file names. Where the SDK departs from the target format's definition,
 * annoconv follows the definition and the difference is asserted here, as the README states it.
 *
 * How the SDK converter chooses annotation sets (converter.py annotation_result_from_task): it
 * takes `annotations` (else `completions`), skips `was_cancelled`/`skipped` ones, never uses
 * predictions, sorts the rest newest first and yields each. COCO then gets one image entry per
 * annotation (the same file_name twice); YOLO and VOC write one file per image name, so each
 * annotation overwrites the previous one and the oldest is what remains, unless YOLO's
 * split_labelers gives each annotator a folder. annoconv writes one set: the newest by default
 * (--annotations latest), the SDK's YOLO/VOC result with --annotations first.
 *
 * The SDK names media it would download `<md5(url)[:8]>__<last path segment>` under images/; the
 * file name part is compared.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert, MemorySink, openInput } from '../../src/index.js';
import type { SetChoice } from '../../src/core/annotation-sets.js';
import { CORPUS } from '../helpers/run.js';
import { labelStudioSdk, python, pythonHas, skipping } from './peers.js';

const sdk = labelStudioSdk();
const packages = pythonHas('PIL', 'numpy', 'lxml', 'ijson', 'ujson');
const DATA = CORPUS + 'label-studio/label-studio-sdk/data/';
if (!packages) skipping('python3 with Pillow, NumPy, lxml, ijson, ujson', 'not installed');
if (!sdk) skipping('Label Studio SDK converter', 'no ../peers/ls-sdk/src: see test/peers/README.md');
const ready = packages && sdk !== undefined;

/**
 * Runs the SDK converter (`job.kind` coco, yolo or voc) without network or downloads, or only reads
 * a folder back (`read-yolo`, `read-voc`: our own reader, for annoconv's output too). Prints JSON:
 * COCO's result.json; YOLO {classes, labels: {relative path: lines}}; VOC {relative path: {filename, objects}}.
 */
const SCRIPT = String.raw`
import json, os, sys, glob, logging
import xml.etree.ElementTree as ET
job = json.loads(sys.argv[1])
for k in list(os.environ):
    if k.startswith(('LABEL_STUDIO_', 'HEARTEX_', 'LOCAL_FILES_')):
        del os.environ[k]
os.environ.update(job.get('env', {}))
logging.disable(logging.CRITICAL)

def read_yolo(root):
    labels = {}
    for p in sorted(glob.glob(os.path.join(root, 'labels', '**', '*.txt'), recursive=True)):
        with open(p) as f:
            labels[os.path.relpath(p, os.path.join(root, 'labels'))] = [l.split() for l in f.read().splitlines() if l.strip()]
    with open(os.path.join(root, 'classes.txt')) as f:
        classes = [l for l in f.read().splitlines() if l]
    return {'classes': classes, 'labels': labels}

def read_voc(root):
    out = {}
    for p in sorted(glob.glob(os.path.join(root, '**', '*.xml'), recursive=True)):
        doc = ET.parse(p).getroot()
        objs = []
        for o in doc.findall('object'):
            b = o.find('bndbox')
            objs.append({'name': o.findtext('name'), **{k: float(b.findtext(k)) for k in ('xmin', 'ymin', 'xmax', 'ymax')}})
        out[os.path.relpath(p, root)] = {'filename': doc.findtext('filename'), 'objects': objs}
    return out

kind = job['kind']
if kind.startswith('read-'):
    print(json.dumps(read_yolo(job['out']) if kind == 'read-yolo' else read_voc(job['out'])))
    sys.exit(0)
from label_studio_sdk.converter import Converter
with open(job['config']) as f:
    c = Converter(f.read(), job['project'], download_resources=False)
if kind == 'coco':
    c.convert_to_coco(job['input'], job['out'], is_dir=False)
    with open(os.path.join(job['out'], 'result.json')) as f:
        print(f.read())
elif kind == 'yolo':
    c.convert_to_yolo(job['input'], job['out'], is_dir=False, split_labelers=job.get('split', False), is_obb=job.get('obb', False))
    print(json.dumps(read_yolo(job['out'])))
elif kind == 'voc':
    c.convert_to_voc(job['input'], job['out'], is_dir=False)
    print(json.dumps(read_voc(job['out'])))
`;

interface Job {
  kind: 'coco' | 'yolo' | 'voc' | 'read-yolo' | 'read-voc';
  input?: string;
  config?: string;
  out: string;
  project?: string;
  split?: boolean;
  obb?: boolean;
  env?: Record<string, string>;
}

function peer<T>(job: Job): T {
  const r = python(SCRIPT, [JSON.stringify(job)], [sdk!]);
  if (r.status !== 0) throw new Error(`python: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as T;
}

interface Coco {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: { image_id: number; category_id: number; bbox: number[]; segmentation?: number[][]; keypoints?: number[] }[];
  categories: { id: number; name: string; keypoints?: string[] }[];
}
interface Yolo {
  classes: string[];
  labels: Record<string, string[][]>;
}
type Voc = Record<string, { filename: string; objects: { name: string; xmin: number; ymin: number; xmax: number; ymax: number }[] }>;

let tmp: string;
const fresh = (name: string): string => {
  tmp ??= mkdtempSync(join(tmpdir(), 'annoconv-lspeer-'));
  return join(tmp, name);
};

/** annoconv's conversion of a file: the stream (COCO) or the folder (YOLO, VOC). */
async function annoconv(input: string, to: string, out?: string, format: Record<string, unknown> = {}, sets?: SetChoice): Promise<string> {
  const sink = new MemorySink();
  const r = await convert({ input: await openInput(input), from: 'labelstudio', to, output: out ?? sink, options: { format, ...(sets ? { sets } : {}) } });
  expect(r.exitCode, `annoconv ${to}`).toBe(0);
  return sink.text();
}

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const md5 = (s: string): string => createHash('md5').update(s).digest('hex').slice(0, 8);

/** Every number within 1e-6 relative (or absolute below 1). */
function near(a: readonly number[], b: readonly number[], tol = 1e-6): void {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]!), `[${i}] ${v} vs ${b[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!))));
}

/** A YOLO folder's lines as [class name, numbers] per label file. */
function named(y: Yolo): Record<string, [string, number[]][]> {
  const out: Record<string, [string, number[]][]> = {};
  for (const [file, lines] of Object.entries(y.labels)) out[file] = lines.map((l) => [y.classes[Number(l[0])]!, l.slice(1).map(Number)]);
  return out;
}

/** Our YOLO file `stem.txt` against the SDK's `<md5(url)>__stem.txt`: the same class names, numbers within 1e-6 (annoconv writes 6 decimals). */
function sameYolo(ours: Yolo, theirs: Yolo, files: [ours: string, theirs: string][]): void {
  const a = named(ours);
  const b = named(theirs);
  for (const [fa, fb] of files) {
    expect(a[fa], fa).toBeDefined();
    expect(b[fb], fb).toBeDefined();
    expect(a[fa]!.map((l) => l[0])).toEqual(b[fb]!.map((l) => l[0]));
    a[fa]!.forEach((l, i) => near(l[1], b[fb]![i]![1], 1e-6));
  }
}

describe.skipIf(!ready)('Label Studio SDK converter vs annoconv on the SDK test files', () => {
  it('test_export_coco/data.json to COCO: rectangle and polygon as the SDK writes them, the file name, keypoints as documented', async () => {
    const input = DATA + 'test_export_coco/data.json';
    const theirs = peer<Coco>({ kind: 'coco', input, config: DATA + 'test_export_coco/label_config.xml', out: fresh('coco1'), project: fresh('p') });
    const ours = JSON.parse(await annoconv(input, 'coco')) as Coco;
    const cat = (c: Coco, id: number): string => c.categories.find((x) => x.id === id)!.name;
    const byName = (c: Coco, name: string): Coco['annotations'][number] => c.annotations.find((a) => cat(c, a.category_id) === name)!;
    for (const name of ['rectangle_label', 'polygon_label']) {
      near(byName(ours, name).bbox, byName(theirs, name).bbox);
      expect(byName(ours, name).segmentation ?? []).toHaveLength((byName(theirs, name).segmentation ?? []).length);
    }
    near(byName(ours, 'polygon_label').segmentation![0]!, byName(theirs, 'polygon_label').segmentation![0]!);
    expect(theirs.images[0]!.file_name).toBe(`images/${md5('test_image1.jpg')}__${ours.images[0]!.file_name}`);
    expect(ours.images[0]!.file_name).toBe('test_image1.jpg');
    expect([ours.images[0]!.width, ours.images[0]!.height]).toEqual([theirs.images[0]!.width, theirs.images[0]!.height]);
    // documented difference: the SDK puts both points in one annotation of category "default",
    // rounded to whole pixels; annoconv writes each point as its own annotation, unrounded
    const kp = theirs.annotations.find((a) => a.keypoints)!;
    const def = theirs.categories.find((c) => c.id === kp.category_id)!;
    expect(def.name).toBe('default');
    const points = def.keypoints!.map((n) => byName(ours, n).keypoints!);
    expect(kp.keypoints).toEqual(points.flatMap((p) => [Math.round(p[0]!), Math.round(p[1]!), p[2]]));
  });

  it('test_export_yolo/data.json to YOLO: the latest annotation by default, the SDK result with --annotations first, each annotator\'s folder with author=N', async () => {
    const input = DATA + 'test_export_yolo/data.json';
    const config = DATA + 'test_export_yolo/label_config.xml';
    const plain = peer<Yolo>({ kind: 'yolo', input, config, out: fresh('yolo-sdk'), project: fresh('p') });
    const split = peer<Yolo>({ kind: 'yolo', input, config, out: fresh('yolo-sdk-split'), project: fresh('p'), split: true });
    const read = async (name: string, sets?: SetChoice): Promise<Yolo> => {
      await annoconv(input, 'yolo', fresh(name), {}, sets);
      return peer<Yolo>({ kind: 'read-yolo', out: fresh(name) });
    };
    const [i1, i2] = [`${md5('/image1')}__image1.txt`, `${md5('/image2')}__image2.txt`];
    // the SDK without split_labelers: the oldest annotation of image1 is what remains
    sameYolo(await read('yolo-first', { annotations: 'first' }), plain, [['image1.txt', i1], ['image2.txt', i2]]);
    // annotation 2 (user 1, 13:37) is the newest of image1: the SDK's folder 1/
    const latest = await read('yolo-latest');
    sameYolo(latest, split, [['image1.txt', `1/${i1}`], ['image2.txt', `1/${i2}`]]);
    expect(Object.keys(latest.labels).sort()).toEqual(['image1.txt', 'image2.txt']);
    sameYolo(await read('yolo-user2', { annotations: 'author=2' }), split, [['image1.txt', `2/${i1}`]]);
  });

  it('test_export_yolo/data_obb.json to YOLO OBB: the rotated corners as the SDK writes them (in pixels)', async () => {
    const input = DATA + 'test_export_yolo/data_obb.json';
    const theirs = peer<Yolo>({ kind: 'yolo', input, config: DATA + 'test_export_yolo/label_config_obb.xml', out: fresh('obb-sdk'), project: fresh('p'), obb: true });
    await annoconv(input, 'yolo', fresh('obb'), { yoloTask: 'obb' });
    const ours = peer<Yolo>({ kind: 'read-yolo', out: fresh('obb') });
    sameYolo(ours, theirs, ['image1', 'image2', 'image3'].map((n) => [`${n}.txt`, `${md5('/' + n)}__${n}.txt`]));
    expect(Object.values(ours.labels).map((l) => l.length)).toEqual([23, 1, 1]);
  });

  it('test_export_yolo/data_obb.json to COCO: annoconv\'s bbox is the envelope of the corners in pixels; the SDK rotates in percent units (documented difference)', async () => {
    const input = DATA + 'test_export_yolo/data_obb.json';
    const tasks = JSON.parse(readFileSync(input, 'utf8')) as { annotations: { result: { original_width: number; original_height: number; value: { x: number; y: number; width: number; height: number; rotation: number } }[] }[] }[];
    const theirs = peer<Coco>({ kind: 'coco', input, config: DATA + 'test_export_yolo/label_config_obb.xml', out: fresh('obb-coco'), project: fresh('p') });
    const ours = JSON.parse(await annoconv(input, 'coco')) as Coco;
    const rs = tasks.flatMap((t) => t.annotations[0]!.result);
    expect(ours.annotations).toHaveLength(rs.length);
    expect(theirs.annotations).toHaveLength(rs.length);
    /** The envelope of the rectangle turned clockwise about its top-left corner, in the units given. */
    const envelope = (x: number, y: number, w: number, h: number, deg: number): number[] => {
      const t = (deg * Math.PI) / 180;
      const c = [[0, 0], [w, 0], [w, h], [0, h]].map(([dx, dy]) => [x + dx! * Math.cos(t) - dy! * Math.sin(t), y + dx! * Math.sin(t) + dy! * Math.cos(t)]);
      const xs = c.map((p) => p[0]!);
      const ys = c.map((p) => p[1]!);
      return [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
    };
    let differ = 0;
    rs.forEach((r, i) => {
      const { x, y, width, height, rotation } = r.value;
      const [W, H] = [r.original_width, r.original_height];
      // the format's definition: pixels first, then the rotation
      near(ours.annotations[i]!.bbox, envelope((x * W) / 100, (y * H) / 100, (width * W) / 100, (height * H) / 100, rotation));
      // the SDK: the rotation applied to percent values, then scaled
      const pct = envelope(x, y, width, height, rotation);
      near(theirs.annotations[i]!.bbox, [(pct[0]! * W) / 100, (pct[1]! * H) / 100, (pct[2]! * W) / 100, (pct[3]! * H) / 100]);
      if (Math.abs(theirs.annotations[i]!.bbox[2]! - ours.annotations[i]!.bbox[2]!) > 1) differ++;
    });
    // non-square images (597 x 768, 433 x 768, 716 x 768): the two differ for most boxes
    expect(differ).toBeGreaterThan(rs.length / 2);
  });

  it('test_export_yolo/data.json to VOC: file names and class names as the SDK writes them; the SDK truncates to whole pixels (documented difference)', async () => {
    const input = DATA + 'test_export_yolo/data.json';
    const theirs = peer<Voc>({ kind: 'voc', input, config: DATA + 'test_export_yolo/label_config.xml', out: fresh('voc-sdk'), project: fresh('p') });
    // VOC keeps the last annotation written: the SDK's is the oldest, so --annotations first
    // --voc-float: the unrounded continuous corners, to show the SDK's truncation of each
    await annoconv(input, 'voc', fresh('voc'), { vocOffset: '0', vocFloat: true }, { annotations: 'first' });
    const ours = peer<Voc>({ kind: 'read-voc', out: fresh('voc') });
    for (const n of ['image1', 'image2']) {
      const a = ours[`${n}.xml`]!;
      const b = theirs[`Annotations/${md5('/' + n)}__${n}.xml`]!;
      expect(b.filename).toBe(`${md5('/' + n)}__${a.filename}`);
      expect(a.objects.map((o) => o.name)).toEqual(b.objects.map((o) => o.name));
      // --voc-offset 0 --voc-float: continuous pixel corners; the SDK writes int(x), int(y), int(x) + int(w), int(y) + int(h)
      a.objects.forEach((o, i) => {
        const s = b.objects[i]!;
        expect([Math.trunc(o.xmin), Math.trunc(o.ymin)]).toEqual([s.xmin, s.ymin]);
        expect(Math.trunc(o.xmin) + Math.trunc(o.xmax - o.xmin)).toBe(s.xmax);
        expect(Math.trunc(o.ymin) + Math.trunc(o.ymax - o.ymin)).toBe(s.ymax);
      });
    }
  });

  it('media URLs: local storage and upload file names as the SDK resolves them (document root, upload folder)', async () => {
    const root = fresh('docroot');
    const project = fresh('project');
    mkdirSync(join(root, 'dir'), { recursive: true });
    mkdirSync(join(project, 'upload', '12'), { recursive: true });
    writeFileSync(join(root, 'dir', 'a.jpg'), 'not read');
    writeFileSync(join(project, 'upload', '12', '3f2a-b.jpg'), 'not read');
    const rect = { id: 'r', type: 'rectanglelabels', from_name: 'label', to_name: 'image', original_width: 100, original_height: 50, value: { x: 10, y: 10, width: 20, height: 20, rectanglelabels: ['parasites'] } };
    const input = fresh('urls.json');
    writeFileSync(input, JSON.stringify(['/data/local-files/?d=dir/a.jpg', '/data/upload/12/3f2a-b.jpg'].map((image, i) => ({ id: i + 1, data: { image }, annotations: [{ id: i + 1, result: [rect] }] }))));
    const out = fresh('urls-sdk');
    const theirs = peer<Coco>({ kind: 'coco', input, config: DATA + 'test_export_yolo/label_config.xml', out, project, env: { LOCAL_FILES_DOCUMENT_ROOT: root } });
    const ours = JSON.parse(await annoconv(input, 'coco')) as Coco;
    expect(ours.images.map((i) => i.file_name)).toEqual(['dir/a.jpg', '3f2a-b.jpg']);
    // the SDK gives the file's path relative to its output folder: below the document root, and in the project's upload folder
    const resolved = theirs.images.map((i) => join(out, i.file_name));
    expect(resolved[0]).toBe(join(root, ours.images[0]!.file_name));
    expect(resolved[1]).toBe(join(project, 'upload', '12', ours.images[1]!.file_name));
  });
});
