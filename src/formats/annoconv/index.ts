import type { FormatDescriptor, Sample } from '../../core/format.js';
import { firstLine, firstLineObject } from '../../core/sniff.js';

function detect(sample: Sample): number {
  const obj = firstLineObject(sample);
  if (obj) {
    if (obj.annoconv === 'dataset') return 1;
    if (typeof obj.kind === 'string' && Array.isArray(obj.annotations) && 'metadata' in obj) return 0.95;
    return 0;
  }
  const { text } = firstLine(sample);
  return /^\{"annoconv":"dataset"/.test(text) || /^\{"id":"[^"]*","kind":"/.test(text) ? 0.8 : 0;
}

export const annoconv: FormatDescriptor = {
  id: 'annoconv',
  aliases: ['model'],
  title: 'annoconv model, one JSON object per line (lossless pipe format)',
  extensions: ['.annoconv.jsonl', '.annoconv'],
  can: { read: true, write: true, validate: true },
  schema: 'annoconv.schema.json',
  detect,
  async load() {
    const [{ readAnnoconv }, { createAnnoconvWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return {
      read: readAnnoconv,
      createWriter: createAnnoconvWriter,
      serializer: { module: new URL('./serialize.js', import.meta.url).href, name: 'serializeItem' },
    };
  },
};
