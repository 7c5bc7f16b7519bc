import type { FormatDescriptor, Sample } from '../../core/format.js';
import { firstLine, firstLineObject, hasExtension } from '../../core/sniff.js';

const EXTENSIONS = ['.jsonlines', '.jsonl', '.ndjson'];

function detect(sample: Sample): number {
  const obj = firstLineObject(sample);
  if (obj) {
    if ('annoconv' in obj || ('kind' in obj && 'annotations' in obj)) return 0;
    // Annotto predictions / annotation exports: records about items, not items
    if (!('data' in obj) && ('annotations' in obj || 'item' in obj || 'annotation' in obj)) return 0;
    const typed = 'uuid' in obj || 'datatype' in obj || ('type' in obj && 'data' in obj);
    if (typed) return 0.9;
    return hasExtension(sample.name, EXTENSIONS) ? 0.5 : 0;
  }
  const { text } = firstLine(sample);
  if (/^\s*\{/.test(text) && /"(uuid|datatype)"\s*:/.test(text)) return 0.7;
  return hasExtension(sample.name, EXTENSIONS) ? 0.3 : 0;
}

export const jsonl: FormatDescriptor = {
  id: 'jsonl',
  aliases: ['items', 'jsonlines'],
  title: 'items.jsonlines (Annotto-style item import)',
  extensions: EXTENSIONS,
  can: { read: true, write: true, validate: true },
  writeNeedsUrls: true,
  schema: 'jsonl.schema.json',
  detect,
  options: {
    'project-type': {
      type: 'string',
      describe: 'jsonl: the project type every item must have',
      choices: ['text', 'image', 'video', 'audio', 'html'],
    },
    'server-config': {
      type: 'string',
      describe: "jsonl: the server's config.json: its s3 block is checked (key values are never printed), and with credentials URLs that are not S3 URLs are warned (the server presigns every URL)",
    },
    'allow-extra-data': {
      type: 'boolean', scope: 'read',
      describe: 'jsonl: keys in data besides text/url/html are a warning, not an error (kept on conversion)',
    },
  },
  async load() {
    const [{ readJsonl }, { createJsonlWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readJsonl, createWriter: createJsonlWriter };
  },
};
