import type { FormatDescriptor, Sample } from '../../core/format.js';

/** A JSON list of objects with `data` and `annotations`/`predictions`, or one such object. */
function detect(sample: Sample): number {
  const h = sample.text.replace(/^\ufeff/, '').trimStart();
  if (!h.startsWith('[') && !h.startsWith('{')) return 0;
  const data = /"data"\s*:\s*\{/.test(h);
  const records = /"(annotations|predictions|completions)"\s*:\s*\[/.test(h);
  const results = /"from_name"\s*:/.test(h) && /"to_name"\s*:/.test(h);
  if (data && (records || results)) return 0.9;
  return h.startsWith('[') && data ? 0.6 : 0;
}

export const labelStudio: FormatDescriptor = {
  id: 'labelstudio',
  aliases: ['label-studio', 'ls'],
  title: 'Label Studio tasks: import JSON and full export JSON',
  extensions: ['.json'],
  can: { read: true, write: true, validate: true },
  detect,
  options: {
    as: {
      type: 'string', scope: 'write',
      describe: 'labelstudio output: put labels from other formats into annotations or predictions (default: by origin, predictions for scored results)',
      choices: ['annotations', 'predictions'],
    },
    'config-out': {
      type: 'string', scope: 'write',
      describe: 'labelstudio output: also write a labeling config (XML) matching the tasks: object tags, control tags and every label used',
    },
  },
  async load() {
    const [{ readLabelStudio }, { createLabelStudioWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readLabelStudio, createWriter: createLabelStudioWriter, rawJson: true };
  },
};

/** JSON lines holding a result list and a task target. */
function detectBulk(sample: Sample): number {
  const first = sample.text.replace(/^\ufeff/, '').split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (!first.startsWith('{') || !first.endsWith('}')) return 0;
  return /"result"\s*:\s*\[/.test(first) && /"(task|tasks|selected_items)"\s*:/.test(first) && !/"data"\s*:/.test(first) ? 0.85 : 0;
}

export const labelStudioBulk: FormatDescriptor = {
  id: 'ls-bulk',
  aliases: ['labelstudio-bulk'],
  title: 'Label Studio bulk-create annotation payloads, one JSON object a line',
  extensions: ['.jsonl', '.jsonlines', '.ndjson'],
  can: { read: true, write: true, validate: true },
  detect: detectBulk,
  async checkOptions(options, role) {
    if (role !== 'write') return;
    const { checkBulkOptions } = await import('./bulk.js');
    await checkBulkOptions(options.format);
  },
  options: {
    'task-map': { type: 'string', scope: 'write', describe: 'ls-bulk output: a file mapping item ids to Label Studio task ids (JSON object, or CSV item_id,task_id)' },
    'task-id-field': { type: 'string', scope: 'write', describe: 'ls-bulk output: the item metadata field holding the task id (default: the item id, when it is a whole number)' },
    project: { type: 'number', scope: 'write', describe: 'ls-bulk output: the project id to put in every payload' },
  },
  async load() {
    const { readBulk, createBulkWriter } = await import('./bulk.js');
    return { read: readBulk, createWriter: createBulkWriter };
  },
};

/** A JSON list of flat records carrying annotation_id / annotator. */
function detectMin(sample: Sample): number {
  const h = sample.text.replace(/^\ufeff/, '').trimStart();
  if (!h.startsWith('[')) return 0;
  return /"annotation_id"\s*:/.test(h) && !/"data"\s*:\s*\{/.test(h) ? 0.8 : 0;
}

export const labelStudioMin: FormatDescriptor = {
  id: 'labelstudio-min',
  aliases: ['ls-min', 'json-min'],
  title: 'Label Studio JSON-MIN export: one flat record per task and annotation',
  extensions: ['.json'],
  can: { read: true, write: true, validate: true },
  detect: detectMin,
  async load() {
    const { readMin, createMinWriter } = await import('./min.js');
    return { read: readMin, createWriter: createMinWriter, rawJson: true };
  },
};
