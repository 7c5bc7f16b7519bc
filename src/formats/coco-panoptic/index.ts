import type { FormatDescriptor, Sample } from '../../core/format.js';
import { documentOf, field, has, isObject, itemsOf } from '../../core/sniff.js';

/** A COCO-style JSON object whose annotations hold `segments_info` (over PNG segment maps). */
function detect(sample: Sample): number {
  const doc = documentOf(sample);
  const first = itemsOf(field(doc, 'annotations'))[0];
  return isObject(doc) && isObject(first) && has(first, 'segments_info') ? 0.97 : 0;
}

export const cocoPanoptic: FormatDescriptor = {
  id: 'coco-panoptic',
  aliases: ['panoptic'],
  title: 'COCO panoptic: panoptic_*.json with its folder of PNG segment maps (the file, or a folder holding panoptic.json or annotations/panoptic_*.json); written as panoptic.json and panoptic/ into -o DIR',
  extensions: ['.json'],
  can: { read: true, write: true, validate: true, directory: true, oneSet: true, pixels: true },
  holds: { crowd: true },
  detect,
  async detectDirectory(path: string): Promise<number> {
    const { panopticFiles } = await import('./reader.js');
    return (await panopticFiles(path)).length ? 0.9 : 0;
  },
  options: {
    'panoptic-masks': {
      type: 'string', scope: 'read',
      describe: 'coco-panoptic: the folder of PNG segment maps (default: the JSON\'s path without .json, as COCO lays them out)',
    },
  },
  async load() {
    const [{ readCocoPanoptic }, { createCocoPanopticWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readCocoPanoptic, createWriter: createCocoPanopticWriter };
  },
};
