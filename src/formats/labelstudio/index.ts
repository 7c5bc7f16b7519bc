import type { FormatDescriptor, Sample } from '../../core/format.js';
import { documentOf, field, firstRecordOf, has, isArray, isObject, itemsOf, type Shape } from '../../core/sniff.js';

const RECORD_LISTS = ['annotations', 'predictions', 'completions'];

/** A task's annotation or prediction list: records with a `result` (as far as the sample shows). */
function recordList(list: Shape | undefined): boolean {
  const first = itemsOf(list)[0];
  return isArray(list) && (first === undefined ? list.complete : isObject(first) && has(first, 'result'));
}

/**
 * A JSON list of tasks, or one task: a `data` object and annotation or prediction records with
 * results. The first task may be larger than the sample: its records alone decide then.
 */
function detect(sample: Sample): number {
  const doc = documentOf(sample);
  const task = isArray(doc) ? itemsOf(doc)[0] : doc;
  if (!isObject(task)) return 0;
  const data = isObject(field(task, 'data'));
  const lists = RECORD_LISTS.filter((k) => has(task, k));
  const records = lists.length > 0 && lists.every((k) => recordList(field(task, k)));
  const withResults = lists.some((k) => isObject(itemsOf(field(task, k))[0]));
  if (data && records) return 0.9;
  if (records && withResults) return 0.85;
  return isArray(doc) && data && lists.length === 0 ? 0.6 : 0;
}

export const labelStudio: FormatDescriptor = {
  id: 'labelstudio',
  aliases: ['label-studio', 'ls'],
  title: 'Label Studio tasks: import JSON and full export JSON',
  extensions: ['.json'],
  can: { read: true, write: true, validate: true },
  // brushes and polygons; a polygon result is one ring: a traced mask's components are bridged
  shapes: () => ({ masks: true, polygons: 'ring' }),
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
  const rec = firstRecordOf(sample);
  if (!isObject(rec) || has(rec, 'data')) return 0;
  return isArray(field(rec, 'result')) && (has(rec, 'task') || has(rec, 'tasks') || has(rec, 'selected_items')) ? 0.85 : 0;
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

/** A JSON list of flat records carrying annotation_id (the task's data keys at the top, no `data`). */
function detectMin(sample: Sample): number {
  const doc = documentOf(sample);
  const first = itemsOf(doc)[0];
  if (!isArray(doc) || !isObject(first) || isObject(field(first, 'data'))) return 0;
  return has(first, 'annotation_id') ? 0.8 : 0;
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
