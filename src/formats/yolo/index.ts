import { readdir } from 'node:fs/promises';
import type { FormatDescriptor } from '../../core/format.js';

async function detectDirectory(path: string): Promise<number> {
  try {
    const names = await readdir(path);
    const classes = names.some((n) => n === 'classes.txt' || n.endsWith('.names') || n === 'data.yaml');
    return classes && (names.includes('labels') || names.some((n) => n.endsWith('.txt') && n !== 'classes.txt') || names.some((n) => !n.includes('.'))) ? 0.85 : 0;
  } catch {
    return 0;
  }
}

export const yolo: FormatDescriptor = {
  id: 'yolo',
  aliases: ['darknet', 'ultralytics'],
  title: 'YOLO label folders (detection, segmentation, oriented boxes, pose); written as labels/, classes.txt and data.yaml into -o DIR',
  extensions: [],
  can: { read: true, write: true, validate: true, directory: true, oneSet: true, pixels: true },
  // a segment line is one ring per object (Ultralytics): a mask's components are bridged into it
  shapes: (o) => (o.format.yoloTask === 'segment' ? { masks: false, polygons: 'ring' } : undefined),
  detectDirectory,
  options: {
    'yolo-task': {
      type: 'string', scope: 'write',
      choices: ['detect', 'segment', 'obb'],
      describe: 'yolo output: detect (class cx cy w h, default), segment (class x1 y1 ... polygons) or obb (class and 4 corners)',
    },
    'media-root': {
      type: 'string',
      describe: 'where the image files are, to read image sizes that labels lack (YOLO)',
    },
  },
  async load() {
    const [{ readYolo }, { createYoloWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readYolo, createWriter: createYoloWriter };
  },
};
