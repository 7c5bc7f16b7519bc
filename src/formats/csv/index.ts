import type { FormatDescriptor, Sample } from '../../core/format.js';
import { firstRowOf } from '../../core/sniff.js';

/** A CSV whose header names a file column and a class, box or coordinates column. */
function detect(sample: Sample): number {
  const h = firstRowOf(sample).map((x) => x.trim().toLowerCase());
  if (h.length < 2) return 0;
  const file = h.some((x) => ['file_name', 'filename', 'image_name', 'image', 'image_id', 'path'].includes(x));
  const rest = h.some((x) => ['class_name', 'classes', 'label', 'label_name', 'xmin', 'x1', 'bbox', 'coordinates'].includes(x));
  return file && rest ? 0.6 : 0;
}

export const csv: FormatDescriptor = {
  id: 'csv',
  aliases: ['remo-csv'],
  title: 'CSV annotation table (Remo layouts: detection, segmentation, classification; Kaggle and VoTT variants read)',
  extensions: ['.csv'],
  can: { read: true, write: true, validate: true, oneSet: true, pixels: true },
  detect,
  async checkOptions(options, role) {
    if (role !== 'read' || typeof options.format.columns !== 'string') return;
    const { checkColumnsOption } = await import('./columns.js');
    checkColumnsOption(options.format.columns);
  },
  options: {
    columns: {
      type: 'string', scope: 'read',
      describe: 'csv input: which heading holds what, as role=HEADING pairs (roles: file, class, xmin, ymin, xmax, ymax, x, y, w, h, bbox, coordinates); default: found from the headings',
    },
    coordinates: {
      type: 'string',
      choices: ['pixel', 'percent'],
      describe: 'csv, remo-json: pixel (default) or percent, which (as in Remo) means FRACTIONS 0-1 of the image width and height, not 0-100',
    },
    bbox: {
      type: 'string', scope: 'read',
      choices: ['xyxy', 'xywh'],
      describe: 'csv input: how a single bbox cell orders its four numbers (default xyxy: corners)',
    },
    'csv-task': {
      type: 'string', scope: 'write',
      choices: ['detection', 'segmentation', 'classification'],
      describe: 'csv output layout: detection file_name,class_name,xmin,ymin,xmax,ymax (default); segmentation file_name,class_name,coordinates; classification file_name,class_name',
    },
    'full-path': {
      type: 'boolean', scope: 'write',
      describe: 'csv output: file_name is the whole stored path (default: the bare file name)',
    },
  },
  async load() {
    const [{ readCsv }, { createCsvWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readCsv, createWriter: createCsvWriter };
  },
};
