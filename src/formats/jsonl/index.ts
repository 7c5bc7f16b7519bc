import type { FormatDescriptor, Sample } from '../../core/format.js';
import { field, firstRecordOf, has, hasExtension, isObject } from '../../core/sniff.js';

const EXTENSIONS = ['.jsonlines', '.jsonl', '.ndjson'];

/** A first line that is an item: uuid, type or datatype, and a data object (as far as it goes). */
function detect(sample: Sample): number {
  const rec = firstRecordOf(sample);
  if (!isObject(rec)) return rec === undefined && hasExtension(sample.name, EXTENSIONS) ? 0.3 : 0;
  if (has(rec, 'annoconv') || (has(rec, 'kind') && has(rec, 'annotations'))) return 0;
  if (unsupported(sample) !== undefined) return 0;
  const typed = has(rec, 'uuid') || has(rec, 'datatype') || (has(rec, 'type') && has(rec, 'data'));
  if (typed) return isObject(field(rec, 'data')) || !rec.complete ? 0.9 : 0.7;
  return hasExtension(sample.name, EXTENSIONS) ? 0.5 : 0;
}

/**
 * Annotto's other jsonlines files (FORMATS.md §1.5), records about items rather than items:
 * predictions `{uuid, annotations: {<task>: ...}}` and the annotation export `{item, annotation, ...}`.
 */
function unsupported(sample: Sample): string | undefined {
  const rec = firstRecordOf(sample);
  if (!isObject(rec) || has(rec, 'data')) return undefined;
  // an invalid predictions file may lack its uuid: annotations as an object (by task) tell it
  if (isObject(field(rec, 'annotations'))) return 'an Annotto predictions file (a uuid and annotations by task on each line; annoconv reads Annotto items, --from jsonl)';
  if (isObject(field(rec, 'item')) && isObject(field(rec, 'annotation'))) return 'an Annotto annotation export (item, annotation, itemMetadata and annotationMetadata on each line; annoconv reads Annotto items, --from jsonl)';
  return undefined;
}

export const jsonl: FormatDescriptor = {
  id: 'jsonl',
  aliases: ['items', 'jsonlines'],
  title: 'items.jsonlines (Annotto-style item import)',
  extensions: EXTENSIONS,
  can: { read: true, write: true, validate: true, oneSet: true },
  writeNeedsUrls: true,
  schema: 'jsonl.schema.json',
  detect,
  unsupported,
  options: {
    'project-type': {
      type: 'string',
      describe: 'jsonl, annotto-export: the project type every item must have (the server checks every line against it)',
      choices: ['text', 'image', 'video', 'audio', 'html'],
    },
    'server-config': {
      type: 'string',
      describe: "jsonl, annotto-export: the project's config.json: its s3 block is checked (key values are never printed); with credentials the server presigns every URL, and a URL it cannot presign is an error, without an s3 block URLs are only checked for what a browser cannot load",
    },
    'allow-extra-data': {
      type: 'boolean', scope: 'read',
      describe: 'jsonl, annotto-export: keys in data besides text/url/html are a warning, not an error (kept on conversion)',
    },
  },
  async load() {
    const [{ readJsonl }, { createJsonlWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readJsonl, createWriter: createJsonlWriter };
  },
};

export { annottoExport } from './export-format.js';
