import { readdir } from 'node:fs/promises';
import type { FormatDescriptor, Sample } from '../../core/format.js';

function detect(sample: Sample): number {
  const h = sample.text.replace(/^\ufeff/, '').trimStart();
  return /^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<annotation[\s>]/.test(h) ? 0.9 : 0;
}

async function detectDirectory(path: string): Promise<number> {
  try {
    const names = await readdir(path);
    const xml = (list: string[]): boolean => list.some((n) => n.toLowerCase().endsWith('.xml'));
    if (names.includes('Annotations') && xml(await readdir(path + '/Annotations').catch(() => []))) return 0.9;
    return xml(names) ? 0.7 : 0;
  } catch {
    return 0;
  }
}

export const voc: FormatDescriptor = {
  id: 'voc',
  aliases: ['pascal-voc'],
  title: 'Pascal VOC XML: one file, a folder of XMLs or a VOC tree; written as one XML per image into -o DIR',
  extensions: ['.xml'],
  can: { read: true, write: true, validate: true, directory: true, oneSet: true, pixels: true },
  detect,
  detectDirectory,
  options: {
    'voc-offset': {
      type: 'string',
      choices: ['1', '0'],
      describe: 'voc: 1 (default, the devkit rule): coordinates are 1-based inclusive pixels, x = xmin - 1, width = xmax - xmin + 1; 0: continuous corners, x = xmin, width = xmax - xmin (what datumaro and some exporters use)',
    },
    'voc-float': {
      type: 'boolean', scope: 'write',
      describe: 'voc output: write corners with their fractions (default: whole pixels, as the devkit and LabelImg write them and int() reads them; boxes moved by rounding are counted)',
    },
  },
  async load() {
    const [{ readVoc }, { createVocWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readVoc, createWriter: createVocWriter };
  },
};
