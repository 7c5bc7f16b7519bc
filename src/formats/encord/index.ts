import type { FormatDescriptor, Sample } from '../../core/format.js';

/** A JSON object whose keys are manifest arrays holding objectUrl fields. */
function detectJson(sample: Sample): number {
  const h = sample.text.replace(/^\ufeff/, '').trimStart();
  if (!h.startsWith('{')) return 0;
  const keyed = /"(videos|audio|images|text|pdfs|nifti|image_groups|dicom_series)"\s*:\s*\[/.test(h);
  if (keyed && /"objectUrl(_\d+)?"\s*:/.test(h)) return 0.97;
  return keyed && /"skip_duplicate_urls"\s*:/.test(h) ? 0.9 : 0;
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
  const first = sample.text.replace(/^\ufeff/, '').split(/\r?\n/).find((l) => l.trim() !== '');
  if (first === undefined) return 0;
  return /^\s*"?\s*objecturl\s*"?\s*(,|$)/i.test(first) ? 0.95 : 0;
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
