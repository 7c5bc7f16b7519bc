import type { FormatDescriptor, Sample } from '../../core/format.js';

/** The first non-space characters of the sample, without a BOM. */
function head(sample: Sample): string {
  return sample.text.replace(/^\ufeff/, '').trimStart();
}

function detectDataset(sample: Sample): number {
  const h = head(sample);
  if (!h.startsWith('{')) return 0;
  const keys = ['"images"', '"annotations"', '"categories"'].filter((k) => new RegExp(k + '\\s*:\\s*\\[').test(h)).length;
  if (keys >= 2) return 0.95;
  if (keys === 1 && /"(info|licenses)"\s*:/.test(h)) return 0.9;
  return keys === 1 ? 0.6 : 0;
}

function detectResults(sample: Sample): number {
  const h = head(sample);
  if (!h.startsWith('[')) return 0;
  const first = /^\[\s*\{[^{}]*/.exec(h)?.[0] ?? '';
  return /"image_id"\s*:/.test(first) && /"(score|caption|category_id)"\s*:/.test(first) ? 0.9 : 0;
}

export const coco: FormatDescriptor = {
  id: 'coco',
  aliases: ['coco-json'],
  title: 'COCO dataset (instances, keypoints, captions)',
  extensions: ['.json'],
  can: { read: true, write: true, validate: true },
  detect: detectDataset,
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
