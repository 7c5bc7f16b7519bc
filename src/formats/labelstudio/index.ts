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
      type: 'string',
      describe: 'labelstudio output: put labels from other formats into annotations or predictions (default: by origin, predictions for scored results)',
      choices: ['annotations', 'predictions'],
    },
  },
  async load() {
    const [{ readLabelStudio }, { createLabelStudioWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readLabelStudio, createWriter: createLabelStudioWriter };
  },
};
