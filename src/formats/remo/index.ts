import type { FormatDescriptor, Sample } from '../../core/format.js';

/** A JSON list of images whose annotations hold `classes` and `coordinates`. */
function detect(sample: Sample): number {
  const h = sample.text.replace(/^\ufeff/, '').trimStart();
  return h.startsWith('[') && /"file_name"\s*:/.test(h) && /"classes"\s*:/.test(h) && /"coordinates"\s*:/.test(h) ? 0.85 : 0;
}

export const remoJson: FormatDescriptor = {
  id: 'remo-json',
  aliases: ['remo'],
  title: 'Remo JSON export: images with size, tags and annotations of classes and {x, y} points',
  extensions: ['.json'],
  can: { read: true, write: true, validate: true },
  detect,
  async load() {
    const [{ readRemo }, { createRemoWriter }] = await Promise.all([import('./reader.js'), import('./writer.js')]);
    return { read: readRemo, createWriter: createRemoWriter, rawJson: true };
  },
};
