/**
 * COCO records to the model, with the checks of FORMATS.md §5.5. Each function takes one parsed
 * record and returns findings (code, pointer suffix) plus the model piece when the record is valid.
 *
 * Mapping: an image is an Item (`id` = the image id as a decimal string, `path` = file_name, `url`
 * = coco_url when set); every other image field is kept in `extras.coco.image`. An annotation is one
 * model annotation — polygon when it has polygons, mask when it has RLE, box otherwise — plus a
 * keypoints annotation with the same `id` when it has keypoints; the COCO writer merges them back
 * by id. `iscrowd: 1` is the model's `crowd: true` (ground truth only: results loaders set 0 on
 * every detection). Fields the model has no slot for (area, bbox beside a polygon, num_keypoints,
 * an iscrowd other than 0 or 1, unknown keys) stay in `extras.coco`, so coco -> annoconv -> coco
 * gives the same numbers.
 */
import type { Code } from '../../core/codes.js';
import type { Annotation, Category, Item, JsonObject } from '../../model/types.js';
import { boxInside, rleFromString } from '../../model/geometry.js';
import { setOwn } from '../../core/safe.js';

export interface Finding {
  code: Code;
  message: string;
  /** Pointer suffix below the record, e.g. "/bbox". */
  at: string;
  severity?: 'error' | 'warning';
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
/**
 * An integer id JSON.parse may have rounded: beyond 2^53 - 1 two ids of different digits can parse
 * to one number (9007199254740993 reads as 9007199254740992), so it is refused, not trusted.
 */
const outOfRange = (v: unknown): boolean => isInt(v) && !Number.isSafeInteger(v);

/** COCO_ID_RANGE for an id field, or undefined. */
export function idRange(v: unknown, field: string, at: string): Finding | undefined {
  // the number shown is what JSON.parse made of the digits, which may not be the file's
  return outOfRange(v) ? { code: 'COCO_ID_RANGE', message: `${field} is beyond 2^53 - 1 (it parses as ${String(v)}): ids this large lose their last digits and can become another record's id`, at } : undefined;
}
const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** A coordinate: finite and within +/- 1e9 pixels (beyond, percent and fraction targets overflow). */
const coordinate = (v: unknown): v is number => typeof v === 'number' && Math.abs(v) <= 1e9;

/** Copy every key not in `skip` (data keys stay data: no prototype writes). */
function rest(o: JsonObject, skip: ReadonlySet<string>): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const k of Object.keys(o)) {
    if (skip.has(k)) continue;
    setOwn((out ??= {}), k, o[k]);
  }
  return out;
}

const IMAGE_MODEL_KEYS = new Set(['id', 'width', 'height', 'file_name']);

export interface ImageInfo {
  id: number;
  width?: number;
  height?: number;
}

export function checkImage(o: unknown): { findings: Finding[]; info?: ImageInfo } {
  const f: Finding[] = [];
  if (!isObj(o)) return { findings: [{ code: 'COCO_RECORD_TYPE', message: 'an image must be an object', at: '' }] };
  if (o.id === undefined) f.push({ code: 'COCO_FIELD_MISSING', message: 'image has no id', at: '/id' });
  else if (!isInt(o.id)) f.push({ code: 'COCO_FIELD_TYPE', message: `image id must be an integer, got ${JSON.stringify(o.id)}`, at: '/id' });
  else if (outOfRange(o.id)) f.push(idRange(o.id, 'image id', '/id')!);
  if (o.file_name !== undefined && typeof o.file_name !== 'string') f.push({ code: 'COCO_FIELD_TYPE', message: 'file_name must be a string', at: '/file_name' });
  const sized = isInt(o.width) && isInt(o.height) && o.width > 0 && o.height > 0;
  if (!sized) f.push({ code: 'COCO_IMAGE_SIZE', message: `image ${JSON.stringify(o.id)} has no positive integer width/height`, at: o.width === undefined ? '' : '/width' });
  if (f.some((x) => (x.severity ?? severityOf(x.code)) === 'error')) return { findings: f };
  return { findings: f, info: { id: o.id as number, ...(sized ? { width: o.width as number, height: o.height as number } : {}) } };
}

export function imageToItem(o: JsonObject): Item {
  const item: Item = { id: String(o.id), kind: 'image', metadata: {}, annotations: [] };
  if (typeof o.file_name === 'string') item.path = o.file_name;
  if (typeof o.coco_url === 'string' && o.coco_url !== '') item.url = o.coco_url;
  if (isInt(o.width) && o.width > 0) item.width = o.width;
  if (isInt(o.height) && o.height > 0) item.height = o.height;
  const image = rest(o, IMAGE_MODEL_KEYS) ?? {};
  const coco: JsonObject = { id: o.id, image };
  if (o.width !== undefined && item.width === undefined) image.width = o.width;
  if (o.height !== undefined && item.height === undefined) image.height = o.height;
  if (o.file_name !== undefined && item.path === undefined) image.file_name = o.file_name;
  item.extras = { coco };
  return item;
}

export function checkCategory(o: unknown): { findings: Finding[]; category?: Category } {
  if (!isObj(o)) return { findings: [{ code: 'COCO_RECORD_TYPE', message: 'a category must be an object', at: '' }] };
  const f: Finding[] = [];
  if (o.id === undefined) f.push({ code: 'COCO_FIELD_MISSING', message: 'category has no id', at: '/id' });
  else if (!isInt(o.id)) f.push({ code: 'COCO_FIELD_TYPE', message: 'category id must be an integer', at: '/id' });
  else if (outOfRange(o.id)) f.push(idRange(o.id, 'category id', '/id')!);
  if (typeof o.name !== 'string') f.push({ code: o.name === undefined ? 'COCO_FIELD_MISSING' : 'COCO_FIELD_TYPE', message: 'category name must be a string', at: '/name' });
  if (f.length) return { findings: f };
  const c: Category = { id: o.id as number, name: o.name as string };
  if (typeof o.supercategory === 'string') c.supercategory = o.supercategory;
  if (Array.isArray(o.keypoints) && o.keypoints.every((k) => typeof k === 'string')) c.keypoints = o.keypoints as string[];
  if (Array.isArray(o.skeleton)) c.skeleton = o.skeleton as [number, number][];
  const extra = rest(o, new Set(['id', 'name', ...Object.keys(c)]));
  if (o.supercategory !== undefined && c.supercategory === undefined) (extra ?? {}).supercategory = o.supercategory;
  if (extra) c.extras = { coco: extra };
  return { findings: f, category: c };
}

const ANN_MODEL_KEYS = new Set(['id', 'image_id', 'category_id', 'segmentation', 'bbox', 'keypoints', 'num_keypoints', 'attributes', 'score']);

export interface AnnotationContext {
  image: ImageInfo;
  categories: Map<number, Category>;
  /** Results files: detections are predictions and carry no id. */
  prediction: boolean;
  /** False when the file has no categories to check category_id against (results files). */
  checkCategories: boolean;
}

function severityOf(code: Code): 'error' | 'warning' {
  return code === 'COCO_IMAGE_SIZE' || code.endsWith('_ZERO') || code === 'COCO_BBOX_OUTSIDE' || code === 'COCO_CROWD_POLYGON' || code === 'COCO_ISCROWD_TYPE' ? 'warning' : 'error';
}

/** Check one annotation against its image and the categories; returns findings and model annotations. */
export function annotationToModel(o: JsonObject, ctx: AnnotationContext): { findings: Finding[]; annotations?: Annotation[] } {
  const f: Finding[] = [];
  const { image } = ctx;
  if (!ctx.prediction) {
    if (o.id === undefined) f.push({ code: 'COCO_FIELD_MISSING', message: 'annotation has no id', at: '/id' });
    else if (!isInt(o.id)) f.push({ code: 'COCO_FIELD_TYPE', message: 'annotation id must be an integer', at: '/id' });
    else if (outOfRange(o.id)) f.push(idRange(o.id, 'annotation id', '/id')!);
    else if (o.id === 0) f.push({ code: 'COCO_ANNOTATION_ID_ZERO', message: 'annotation id 0 (COCOeval treats 0 as unmatched)', at: '/id', severity: 'warning' });
  }
  let category: Category | undefined;
  if (o.category_id !== undefined) {
    if (!isInt(o.category_id)) f.push({ code: 'COCO_FIELD_TYPE', message: 'category_id must be an integer', at: '/category_id' });
    else if (outOfRange(o.category_id)) f.push(idRange(o.category_id, 'category_id', '/category_id')!);
    else {
      category = ctx.categories.get(o.category_id);
      // captions carry a placeholder category_id (0) and files of them have no categories
      if (!category && ctx.checkCategories && typeof o.caption !== 'string') f.push({ code: 'COCO_DANGLING_CATEGORY', message: `category_id ${o.category_id} names no category`, at: '/category_id' });
    }
  }
  const bbox = o.bbox;
  if (bbox !== undefined) {
    if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every(coordinate) || bbox[2]! < 0 || bbox[3]! < 0) {
      f.push({ code: 'COCO_BBOX_INVALID', message: `bbox must be [x, y, width, height] with numbers within +/- 1e9 and width, height >= 0; got ${JSON.stringify(bbox).slice(0, 80)}`, at: '/bbox' });
    } else if (image.width !== undefined && image.height !== undefined) {
      const [x, y, w, h] = bbox as number[];
      if (!boxInside({ x: x!, y: y!, w: w!, h: h! }, image.width, image.height)) {
        f.push({ code: 'COCO_BBOX_OUTSIDE', message: `bbox ${JSON.stringify(bbox)} extends beyond the ${image.width}x${image.height} image`, at: '/bbox', severity: 'warning' });
      }
    }
  }
  const crowd = o.iscrowd;
  if (crowd !== undefined && crowd !== 0 && crowd !== 1) f.push({ code: 'COCO_ISCROWD_TYPE', message: `iscrowd is ${JSON.stringify(crowd)}, not 0 or 1`, at: '/iscrowd', severity: 'warning' });
  // iscrowd 0 and 1 are the model's `crowd`; another value is kept in extras as it is
  const isCrowd = crowd === 1;
  if (o.area === 0) f.push({ code: 'COCO_AREA_ZERO', message: 'area is 0', at: '/area', severity: 'warning' });

  const seg = o.segmentation;
  let primary: Annotation | undefined;
  if (Array.isArray(seg) && seg.length > 0) {
    const rings: number[][] = [];
    seg.forEach((ring, i) => {
      if (!Array.isArray(ring) || ring.length % 2 !== 0 || ring.length < 6 || !ring.every(coordinate)) {
        f.push({ code: 'COCO_POLYGON_INVALID', message: `polygon ${i} must be an even list of at least 6 numbers within +/- 1e9 (got ${Array.isArray(ring) ? ring.length + ' values' : typeof ring})`, at: `/segmentation/${i}` });
      } else rings.push(ring as number[]);
    });
    if (crowd === 1) f.push({ code: 'COCO_CROWD_POLYGON', message: 'iscrowd 1 with polygon segmentation', at: '/segmentation', severity: 'warning' });
    primary = { kind: 'polygon', rings };
  } else if (isObj(seg)) {
    const rle = checkRle(seg, image, f);
    if (rle) primary = { kind: 'mask', rle: { size: rle.size, counts: rle.counts } };
  } else if (seg !== undefined && !Array.isArray(seg)) {
    f.push({ code: 'COCO_FIELD_TYPE', message: 'segmentation must be a list of polygons or an RLE object', at: '/segmentation' });
  }
  if (!primary && Array.isArray(bbox) && bbox.length === 4) primary = { kind: 'box', x: bbox[0] as number, y: bbox[1] as number, w: bbox[2] as number, h: bbox[3] as number };

  let keypoints: Annotation | undefined;
  if (o.keypoints !== undefined) {
    const kp = o.keypoints;
    const names = category?.keypoints;
    const k = names && names.length > 0 ? names.length : undefined;
    if (!Array.isArray(kp) || kp.length % 3 !== 0 || !kp.every(coordinate) || (k !== undefined && kp.length !== 3 * k)) {
      f.push({ code: 'COCO_KEYPOINTS_LENGTH', message: `keypoints must be 3 x ${k ?? 'K'} finite numbers${Array.isArray(kp) ? `, got ${kp.length}` : ''}`, at: '/keypoints' });
    } else {
      const points: [number, number, number][] = [];
      let visible = 0;
      for (let i = 0; i < kp.length; i += 3) {
        points.push([kp[i] as number, kp[i + 1] as number, kp[i + 2] as number]);
        if ((kp[i + 2] as number) > 0) visible++;
      }
      if (o.num_keypoints !== undefined && o.num_keypoints !== visible) {
        f.push({ code: 'COCO_NUM_KEYPOINTS', message: `num_keypoints is ${JSON.stringify(o.num_keypoints)} but ${visible} keypoints have v > 0`, at: '/num_keypoints' });
      }
      keypoints = { kind: 'keypoints', points };
    }
  }
  if (f.some((x) => (x.severity ?? severityOf(x.code)) === 'error')) return { findings: f };

  const common = (a: Annotation, extrasIn: JsonObject | undefined): Annotation => {
    let extras = extrasIn;
    if (isInt(o.id)) a.id = String(o.id);
    if (isInt(o.category_id) && (category || !ctx.checkCategories)) a.categoryId = o.category_id;
    else if (o.category_id !== undefined) (extras ??= {}).category_id = o.category_id;
    if (category) a.label = category.name;
    if (finite(o.score)) a.score = o.score;
    if (ctx.prediction) a.origin = 'prediction';
    if (isObj(o.attributes)) a.attributes = o.attributes;
    // results loaders set iscrowd 0 on every detection: only ground truth has crowd regions
    if (isCrowd && !ctx.prediction) a.crowd = true;
    if (extras && Object.keys(extras).length) a.extras = { coco: extras };
    return a;
  };
  const out: Annotation[] = [];
  const extras = rest(o, ANN_MODEL_KEYS) ?? {};
  if (crowd === 0 || (isCrowd && !ctx.prediction)) delete extras.iscrowd;
  if (primary) {
    if (primary.kind !== 'box' && bbox !== undefined) extras.bbox = bbox;
    if (Array.isArray(seg) && seg.length === 0) extras.segmentation = [];
    if (primary.kind === 'mask' && typeof (seg as JsonObject).counts === 'string') extras.rleString = true;
    if (o.attributes !== undefined && !isObj(o.attributes)) extras.attributes = o.attributes;
    if (o.score !== undefined && !finite(o.score)) extras.score = o.score;
    out.push(common(primary, extras));
  }
  if (keypoints) {
    const kx: JsonObject = {};
    if (o.num_keypoints !== undefined) kx.num_keypoints = o.num_keypoints;
    if (!primary) Object.assign(kx, extras);
    out.push(common(keypoints, kx));
  }
  if (out.length === 0) {
    // No geometry (captions, image-level labels): a classification with the category, or the caption as text.
    const a: Annotation = typeof o.caption === 'string' ? { kind: 'text', values: [o.caption] } : { kind: 'classification', labels: category ? [category.name] : [] };
    if (typeof o.caption === 'string') delete extras.caption;
    if (Array.isArray(seg) && seg.length === 0) extras.segmentation = [];
    out.push(common(a, extras));
  }
  return { findings: f, annotations: out };
}

function checkRle(seg: JsonObject, image: ImageInfo, f: Finding[]): { size: [number, number]; counts: number[] } | undefined {
  const size = seg.size;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => isInt(v) && v >= 0)) {
    f.push({ code: 'COCO_RLE_INVALID', message: 'RLE size must be [height, width]', at: '/segmentation/size' });
    return undefined;
  }
  const [h, w] = size as [number, number];
  let counts: number[] | null;
  if (typeof seg.counts === 'string') counts = rleFromString(seg.counts);
  else if (Array.isArray(seg.counts) && seg.counts.every((v) => isInt(v) && v >= 0)) counts = seg.counts as number[];
  else counts = null;
  if (!counts || counts.some((v) => v < 0) || counts.reduce((a, b) => a + b, 0) !== h * w) {
    f.push({ code: 'COCO_RLE_INVALID', message: `RLE counts must be non-negative runs summing to ${h} x ${w} = ${h * w}`, at: '/segmentation/counts' });
    return undefined;
  }
  if (image.height !== undefined && image.width !== undefined && (h !== image.height || w !== image.width)) {
    f.push({ code: 'COCO_RLE_SIZE', message: `RLE size [${h}, ${w}] differs from the image's [height, width] [${image.height}, ${image.width}]`, at: '/segmentation/size' });
    return undefined;
  }
  return { size: [h, w], counts };
}

export { isInt, isObj, severityOf };
