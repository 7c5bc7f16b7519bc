import type { FormatDescriptor, Sample } from '../../core/format.js';
import { documentOf, field, has, isArray, isObject, itemsOf } from '../../core/sniff.js';

/** A JSON list of images (file_name) whose annotations hold `classes` or `coordinates`. */
function detect(sample: Sample): number {
  const doc = documentOf(sample);
  // an image may lack its file_name, or not be an object (an error there): the list as a whole decides
  const images = itemsOf(doc).filter(isObject);
  if (!isArray(doc) || !images.some((i) => has(i, 'file_name'))) return 0;
  const annotations = images.flatMap((i) => itemsOf(field(i, 'annotations')));
  if (annotations.some((a) => has(a, 'classes') || has(a, 'coordinates'))) return 0.85;
  return images.every((i) => isArray(field(i, 'annotations'))) && images.some((i) => has(i, 'tags') || has(i, 'dimensions')) ? 0.6 : 0;
}

export const remoJson: FormatDescriptor = {
  id: 'remo-json',
  aliases: ['remo'],
  title: 'Remo JSON export: images with size, tags and annotations of classes and {x, y} points',
  extensions: ['.json'],
  can: { read: true, write: true, validate: true, oneSet: true, pixels: true },
  detect,
  async load() {
    const [{ readRemo }, { createRemoWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readRemo, createWriter: createRemoWriter, rawJson: true };
  },
};
