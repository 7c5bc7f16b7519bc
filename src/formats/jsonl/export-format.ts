import type { FormatDescriptor } from '../../core/format.js';

/**
 * Annotto's own item export (items.jsonlines of a project download), read so that it can be
 * converted back into an upload: the same items as `jsonl`, with `annoted`, `annotedBy` and
 * `annotedAt` taken as `annotated`, `annotatedBy`, `annotatedAt` (export-keys.ts). Never detected:
 * detection says `jsonl`, whose validation tells why the server refuses the file as it stands.
 */
export const annottoExport: FormatDescriptor = {
  id: 'annotto-export',
  aliases: [],
  title: "Annotto's item export (items.jsonlines of a project download: annoted, annotedBy, annotedAt)",
  extensions: ['.jsonlines', '.jsonl'],
  can: { read: true, write: false, validate: true },
  schema: 'jsonl.schema.json',
  async load() {
    const { jsonlReader } = await import('./reader.js');
    return { read: jsonlReader(true) };
  },
};
