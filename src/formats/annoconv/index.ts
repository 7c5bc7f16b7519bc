import type { FormatDescriptor, Sample } from '../../core/format.js';
import { field, firstRecordOf, isArray, isObject, textOf } from '../../core/sniff.js';
import { ITEM_KINDS } from '../../model/types.js';

/** A first line that is the dataset header, or an item: an id, a known kind, annotations and metadata. */
function detect(sample: Sample): number {
  const rec = firstRecordOf(sample);
  if (!isObject(rec)) return 0;
  if (textOf(field(rec, 'annoconv')) === 'dataset') return 1;
  const kind = textOf(field(rec, 'kind'));
  if (kind === undefined || !(ITEM_KINDS as readonly string[]).includes(kind) || textOf(field(rec, 'id')) === undefined) return 0;
  if (isArray(field(rec, 'annotations')) && isObject(field(rec, 'metadata'))) return 0.95;
  // a line longer than the sample: id and kind come first in what annoconv writes
  return rec.complete ? 0 : 0.8;
}

export const annoconv: FormatDescriptor = {
  id: 'annoconv',
  aliases: ['model'],
  title: 'annoconv model, one JSON object per line (lossless pipe format)',
  extensions: ['.annoconv.jsonl', '.annoconv'],
  can: { read: true, write: true, validate: true },
  holds: { crowd: true },
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
