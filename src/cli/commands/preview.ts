/** `annoconv preview`: annotations drawn on their images, as a static page or PNG pictures. */
import type { Argv } from 'yargs';
import { preview } from '../../preview/index.js';
import { readIds } from '../../ops/filter.js';
import { AnnoconvError, diag } from '../../core/diagnostics.js';
import { EXIT_CODES, formatOptions, optionsFrom, path, reporting, runOptions, type Args } from '../common.js';

export function builder(c: Argv): Argv {
  return formatOptions(
    runOptions(c)
      .positional('input', { type: 'string', describe: 'input file; "-" or absent: stdin' })
      .option('from', { alias: 'f', type: 'string', describe: 'input format (detected from the content when absent)' }),
    ['read'],
  )
    .option('media-root', { type: 'string', describe: 'folder holding the images: looked up by the item path, then file name, then URL path (http(s) is never fetched)' })
    .option('output', { alias: 'o', type: 'string', describe: 'NAME.html: one static page (enlarged pictures in NAME_files/ beside it); DIR: one PNG per item and contact-sheet.png' })
    .option('sample', { type: 'number', describe: 'draw N items, chosen by a hash of --seed and the item id (the same N items every run)' })
    .option('seed', { type: 'string', describe: 'seed of --sample (default: empty)' })
    .option('labels', { type: 'string', describe: 'only items with an annotation of one of these labels (comma-separated); every annotation of an item is drawn' })
    .option('ids', { type: 'string', describe: 'only the items whose id is a line of this file' })
    .option('max-size', { type: 'number', default: 1024, describe: 'longest side of a picture in pixels (images are downscaled, never enlarged)' })
    .option('tags', { type: 'boolean', default: true, describe: 'label and score tags beside the shapes (--no-tags: shapes only)' })
    .example('$0 preview instances.json --media-root images/ -o preview.html', 'a page of every image with its annotations')
    .example('$0 preview export.json --from labelstudio --media-root media/ --sample 50 -o out/', '50 PNGs and a contact sheet')
    .epilogue(EXIT_CODES);
}

const list = (v: unknown): string[] | undefined => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined);

export async function handler(a: Args): Promise<number> {
  const bad = (m: string): never => {
    throw new AnnoconvError(diag('OPTION_INVALID', m), 2);
  };
  if (typeof a.mediaRoot !== 'string' || a.mediaRoot === '') bad('preview needs --media-root DIR: the folder of the images');
  if (typeof a.output !== 'string' || a.output === '' || a.output === '-') bad('preview needs -o NAME.html (a page) or -o DIR (PNG pictures)');
  const input = path(a.input);
  const options = optionsFrom(a);
  const labels = list(a.labels);
  const ids = typeof a.ids === 'string' ? await readIds(a.ids) : undefined;
  return reporting(a, input, true, (hooks) =>
    preview({
      input,
      ...(a.from !== undefined ? { from: a.from as string } : {}),
      options,
      mediaRoot: a.mediaRoot as string,
      output: a.output as string,
      ...(a.sample !== undefined ? { sample: a.sample as number } : {}),
      seed: String(a.seed ?? ''),
      ...(labels ? { labels } : {}),
      ...(ids ? { ids } : {}),
      maxSize: a.maxSize as number,
      tags: a.tags !== false,
      ...hooks,
    }),
  );
}
