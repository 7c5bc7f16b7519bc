import type { FormatDescriptor, FormatOption, Sample } from '../../core/format.js';
import type { Options } from '../../core/options.js';
import { field, firstRecordOf, has, isObject } from '../../core/sniff.js';
import { AnnoconvError, diag } from '../../core/diagnostics.js';

const EXTENSIONS = ['.jsonlines', '.jsonl', '.ndjson'];

/** A first line `{uuid, annotations: {...}}`: annotations by category (the model's are a list). */
function detectPredictions(sample: Sample): number {
  const rec = firstRecordOf(sample);
  if (!isObject(rec) || has(rec, 'data') || has(rec, 'kind') || !isObject(field(rec, 'annotations'))) return 0;
  return has(rec, 'uuid') ? 0.95 : 0.9;
}

/** A first line with an `item` object and an `annotation` object (an import line or the export's). */
function detectAnnotations(sample: Sample): number {
  const rec = firstRecordOf(sample);
  return isObject(rec) && isObject(field(rec, 'item')) && isObject(field(rec, 'annotation')) ? 0.95 : 0;
}

const CONFIG: FormatOption = {
  type: 'string',
  describe: "annotto-predictions, annotto-annotations: the project's config.json: labels are its tasks (reading: checked as the server does; writing: each label must be a task value of its type)",
};

const WRITE_OPTIONS: Record<string, FormatOption> = {
  'annotto-config': CONFIG,
  'annotto-category': { type: 'string', scope: 'write', describe: 'annotto-predictions, annotto-annotations output without --annotto-config: the category of the tasks made from the labels (default: Classification, Entities, Zones, Text by task type)' },
  'annotto-project': { type: 'string', scope: 'write', describe: 'annotto-predictions, annotto-annotations --config-out: the project name (default: the name of the folder the config goes to)' },
  'annotto-client': { type: 'string', scope: 'write', describe: 'annotto-predictions, annotto-annotations --config-out: the client name the server files the project under (default: annoconv)' },
  'config-out': { type: 'string', scope: 'write', describe: 'annotto-predictions, annotto-annotations output: also write the project config.json (name, client, type, tasks of the labels written; never an s3 block)' },
};

/** Usage checks before anything is opened: the config file parses, --annotated-at is a date. */
async function checkOptions(options: Options, role: 'read' | 'write'): Promise<void> {
  const f = options.format;
  if (typeof f.annottoConfig === 'string') {
    const { loadProjectConfig } = await import('./config.js');
    await loadProjectConfig(f.annottoConfig);
  }
  if (role !== 'write') return;
  if (f.annottoCategory !== undefined && f.annottoConfig !== undefined) {
    throw new AnnoconvError(diag('OPTION_INVALID', '--annotto-category names the tasks made from the labels; with --annotto-config the config\'s tasks are used: give one of them'), 2);
  }
  if (f.annotatedAt !== undefined && (typeof f.annotatedAt !== 'string' || Number.isNaN(Date.parse(f.annotatedAt)))) {
    throw new AnnoconvError(diag('OPTION_INVALID', `--annotated-at must be a date (ISO 8601, such as 2024-05-01T12:00:00Z), not ${JSON.stringify(f.annotatedAt)}`), 2);
  }
}

export const annottoPredictions: FormatDescriptor = {
  id: 'annotto-predictions',
  aliases: [],
  title: 'Annotto predictions (predictions.jsonlines of a project import): one line per item, labels by task category',
  extensions: EXTENSIONS,
  can: { read: true, write: true, validate: true },
  detect: detectPredictions,
  checkOptions,
  options: {
    ...WRITE_OPTIONS,
    'annotto-items': { type: 'string', scope: 'read', describe: 'annotto-predictions input: the items.jsonlines the predictions refer to (kind, text, URL of each uuid; a uuid not in it is an error, as on the server)' },
  },
  async load() {
    const [{ readPredictions }, { createPredictionsWriter }] = await Promise.all([import('./predictions-reader.js'), import('./predictions-writer.js')]);
    return { read: readPredictions, createWriter: createPredictionsWriter };
  },
};

export const annottoAnnotations: FormatDescriptor = {
  id: 'annotto-annotations',
  aliases: ['annotto-export'],
  title: "Annotto annotations (annotations.jsonlines of a project import, and of its export)",
  extensions: EXTENSIONS,
  can: { read: true, write: true, validate: true },
  detect: detectAnnotations,
  checkOptions,
  options: {
    ...WRITE_OPTIONS,
    'annotated-at': { type: 'string', scope: 'write', describe: 'annotto-annotations output: annotatedAt and seenAt of items whose source has no annotation time (default: the time of the run)' },
  },
  async load() {
    const [{ readAnnotations }, { createAnnotationsWriter }] = await Promise.all([import('./annotations-reader.js'), import('./annotations-writer.js')]);
    return { read: readAnnotations, createWriter: createAnnotationsWriter };
  },
};
