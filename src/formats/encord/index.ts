import type { FormatDescriptor, Sample } from '../../core/format.js';
import { documentOf, field, firstRowOf, isArray, isObject, itemsOf, keysOf } from '../../core/sniff.js';

const ENTRY_KEYS = ['videos', 'audio', 'images', 'text', 'pdfs', 'nifti', 'image_groups', 'dicom_series'];

/** A JSON object whose top-level keys are manifest arrays of entries holding objectUrl fields. */
function detectJson(sample: Sample): number {
  const doc = documentOf(sample);
  if (!isObject(doc)) return 0;
  const keys = keysOf(doc);
  const lists = ENTRY_KEYS.filter((k) => isArray(field(doc, k)));
  if (lists.length === 0) return 0;
  const known = keys.every((k) => ENTRY_KEYS.includes(k) || k === 'skip_duplicate_urls');
  const urls = lists.some((k) => itemsOf(field(doc, k)).some((e) => keysOf(e).some((f) => /^objectUrl(_\d+)?$/.test(f))));
  if (urls) return known ? 0.97 : 0.7;
  return known && keys.includes('skip_duplicate_urls') ? 0.9 : 0;
}

export const encordJson: FormatDescriptor = {
  id: 'encord-json',
  aliases: ['encord'],
  title: 'Encord data-registration manifest, JSON',
  extensions: ['.json'],
  can: { read: true, write: true, validate: true, split: true },
  writeNeedsUrls: true,
  detect: detectJson,
  options: {
    'merge-duplicate-keys': {
      type: 'boolean', scope: 'read',
      describe: 'encord-json: a repeated top-level key (e.g. image_groups twice) concatenates its arrays in document order instead of being an error',
    },
    'encord-metadata-case': {
      type: 'string', scope: 'write',
      describe: 'encord output: field names inside videoMetadata/imageMetadata/audioMetadata (snake: file_size, as the documented example; camel: fileSize, as the SDK)',
      choices: ['snake', 'camel'],
    },
  },
  async load() {
    const [{ readEncordJson }, { createEncordJsonWriter }] = await Promise.all([import('./json-reader.js'), import('./json-writer.js')]);
    return { read: readEncordJson, createWriter: createEncordJsonWriter, rawJson: true };
  },
};

/** A CSV whose first non-empty row starts with the heading ObjectUrl. */
function detectCsv(sample: Sample): number {
  return firstRowOf(sample)[0]!.trim().toLowerCase() === 'objecturl' ? 0.95 : 0;
}

export const encordCsv: FormatDescriptor = {
  id: 'encord-csv',
  aliases: [],
  title: 'Encord data-registration manifest, CSV (sectioned)',
  extensions: ['.csv'],
  can: { read: true, write: true, validate: true, split: true },
  writeNeedsUrls: true,
  detect: detectCsv,
  options: {
    'escape-formulas': {
      type: 'boolean', scope: 'write',
      describe: 'CSV output: cells starting with = + - @ tab or CR get a leading apostrophe so spreadsheets do not run them as formulas (--no-escape-formulas: written as they are)',
      default: true,
    },
  },
  async load() {
    const [{ readEncordCsv }, { createEncordCsvWriter }] = await Promise.all([import('./csv-reader.js'), import('./csv-writer.js')]);
    return { read: readEncordCsv, createWriter: createEncordCsvWriter };
  },
};
