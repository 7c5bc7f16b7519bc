import { readdir } from 'node:fs/promises';
import type { FormatDescriptor, Sample } from '../../core/format.js';

/** One SA-1B file: an object with "image" and "annotations" at the top. */
function detect(sample: Sample): number {
  const h = sample.text.replace(/^\ufeff/, '').trimStart();
  return /^\{\s*"image"\s*:\s*\{/.test(h) && /"image_id"\s*:/.test(h) ? 0.8 : 0;
}

/** A folder holding sa_*.json files (SA-1B's names). */
async function detectDirectory(path: string): Promise<number> {
  try {
    const names = await readdir(path);
    return names.some((n) => /^sa_\d+\.json$/.test(n)) ? 0.8 : 0;
  } catch {
    return 0;
  }
}

export const sa1b: FormatDescriptor = {
  id: 'sa1b',
  aliases: ['sa-1b', 'segment-anything'],
  title: 'SA-1B (Segment Anything): a folder of per-image JSON files with compressed-RLE masks; written as one JSON per image into -o DIR',
  extensions: ['.json'],
  can: { read: true, write: true, validate: true, directory: true, pixels: true, shardByPath: true },
  detect,
  detectDirectory,
  options: {
    'sa1b-label': { type: 'string', scope: 'read', describe: 'sa1b: the label given to every mask (SA-1B masks have no class; COCO output needs one for category_id, e.g. --sa1b-label object)' },
  },
  async load() {
    const [{ readSa1b }, { createSa1bWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readSa1b, createWriter: createSa1bWriter };
  },
};
