import type { FormatDescriptor, Sample } from '../../core/format.js';
import { documentOf, field, has, isArray, isObject, itemsOf, textOf, type Shape } from '../../core/sniff.js';

const LISTS = ['images', 'annotations', 'categories'] as const;

/** A list of records as COCO has them: objects (as far as the sample shows), none of another format's. */
function recordList(list: Shape | undefined, foreign: readonly string[]): boolean {
  return isArray(list) && itemsOf(list).every((x) => isObject(x) && !foreign.some((k) => has(x, k)));
}

/** A JSON object whose top-level keys hold COCO's lists of images, annotations and categories. */
function detectDataset(sample: Sample): number {
  const doc = documentOf(sample);
  if (!isObject(doc) || unsupported(sample) !== undefined) return 0;
  // an Encord manifest has `images` too, of objectUrl entries; Label Studio annotations hold results
  const foreign = { images: ['objectUrl'], annotations: ['result', 'segments_info'], categories: [] };
  const lists = LISTS.filter((k) => recordList(field(doc, k), foreign[k])).length;
  if (lists >= 2) return 0.95;
  if (lists === 1 && (has(doc, 'info') || has(doc, 'licenses'))) return 0.9;
  return lists === 1 ? 0.6 : 0;
}

/** A JSON array of detections: objects with image_id and a score, caption or category_id. */
function detectResults(sample: Sample): number {
  const doc = documentOf(sample);
  const first = itemsOf(doc)[0];
  if (!isArray(doc) || !isObject(first) || has(first, 'data')) return 0;
  return has(first, 'image_id') && (has(first, 'score') || has(first, 'caption') || has(first, 'category_id')) ? 0.9 : 0;
}

/** COCO panoptic: annotations of `segments_info` over a PNG segment map named by `file_name`. */
function unsupported(sample: Sample): string | undefined {
  const doc = documentOf(sample);
  const first = itemsOf(field(doc, 'annotations'))[0];
  if (!isObject(doc) || !isObject(first) || !has(first, 'segments_info')) return undefined;
  const png = /\.png$/i.test(textOf(field(first, 'file_name')) ?? '');
  return `a COCO panoptic segmentation file (annotations of segments_info over ${png ? 'PNG segment maps' : 'segment maps'}, which --from coco does not read: use --from coco-panoptic)`;
}

export const coco: FormatDescriptor = {
  id: 'coco',
  aliases: ['coco-json'],
  title: 'COCO dataset (instances, keypoints, captions)',
  extensions: ['.json'],
  can: { read: true, write: true, validate: true, oneSet: true, pixels: true },
  holds: { crowd: true },
  // segmentation polygons are unioned: a traced mask is one keyhole ring per component
  shapes: () => ({ masks: true, polygons: 'parts', crowdAsMask: true }),
  detect: detectDataset,
  unsupported,
  options: {
    categories: { type: 'string', scope: 'write', describe: 'coco: a JSON list or one-name-per-line file imposing category ids (1..n) and order on output' },
  },
  async checkOptions(options, role) {
    if (role !== 'write' || typeof options.format.categories !== 'string') return;
    const { loadCategoryFile } = await import('./writer.js');
    await loadCategoryFile(options.format.categories);
  },
  async load() {
    const [{ readCoco }, { createCocoWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readCoco, createWriter: createCocoWriter, rawJson: true };
  },
};

export const cocoResults: FormatDescriptor = {
  id: 'coco-results',
  aliases: ['coco-predictions'],
  title: 'COCO results: an array of detections with scores (read as predictions)',
  extensions: ['.json'],
  can: { read: true, write: false, validate: true },
  detect: detectResults,
  options: {
    gt: { type: 'string', scope: 'read', describe: 'coco-results: the ground-truth COCO dataset the detections refer to (checks image and category ids, fills image sizes and file names)' },
  },
  async load() {
    const { readCocoResults } = await import('./results.js');
    return { read: readCocoResults, rawJson: true };
  },
};
