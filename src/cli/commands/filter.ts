/** `annoconv filter`: keep the items and annotations that match. */
import type { Argv } from 'yargs';
import { filter, readIds, type FilterSpec } from '../../ops/filter.js';
import { AnnoconvError, diag } from '../../core/diagnostics.js';
import { ANNOTATION_KINDS } from '../../model/types.js';
import { EXIT_CODES, formatOptions, optionsFrom, reporting, runOptions, setOptions, writeOptions, type Args } from '../common.js';
import { ioOptions, ioParams } from './io-options.js';

export function builder(c: Argv): Argv {
  return formatOptions(
    ioOptions(setOptions(writeOptions(runOptions(c))))
      .option('to', { alias: 't', type: 'string', describe: 'output format (default: the input format)' })
      .option('labels', { type: 'string', describe: 'keep annotations with one of these labels (comma-separated)' })
      .option('kinds', { type: 'string', describe: `keep annotations of these kinds (comma-separated: ${ANNOTATION_KINDS.join(', ')})` })
      .option('min-score', { type: 'number', describe: 'keep annotations scored at least S (annotations without a score are kept)' })
      .option('min-area', { type: 'number', describe: 'keep shapes of at least PX square pixels (labels without geometry are kept)' })
      .option('ids', { type: 'string', describe: 'keep the items whose id is a line of this file' })
      .option('has-annotations', { type: 'boolean', default: false, describe: 'keep only the items that have annotations (before the annotation filters)' })
      .option('drop-empty', { type: 'boolean', default: false, describe: 'leave out the items that the annotation filters leave without annotations (default: they stay, empty)' })
      .example('$0 filter instances.json --labels car,truck -o vehicles.json', 'only the car and truck annotations, every image kept')
      .example('$0 filter preds.json --min-score 0.5 --drop-empty --to yolo -o labels/', 'confident predictions, images that have one')
      .epilogue(EXIT_CODES),
    ['read', 'write'],
  );
}

const list = (v: unknown): string[] | undefined => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined);

function usage(message: string): AnnoconvError {
  return new AnnoconvError(diag('OPTION_INVALID', message), 2);
}

/** The filter from the options, every value checked before anything is read. */
async function specFrom(a: Args): Promise<FilterSpec> {
  const kinds = list(a.kinds);
  const unknown = kinds?.filter((k) => !(ANNOTATION_KINDS as readonly string[]).includes(k));
  if (unknown?.length) throw usage(`--kinds: unknown kind ${unknown.join(', ')} (kinds: ${ANNOTATION_KINDS.join(', ')})`);
  for (const k of ['minScore', 'minArea'] as const) if (a[k] !== undefined && !Number.isFinite(a[k] as number)) throw usage(`--${k === 'minScore' ? 'min-score' : 'min-area'} must be a number`);
  const labels = list(a.labels);
  return {
    ...(labels ? { labels } : {}),
    ...(kinds ? { kinds } : {}),
    ...(a.minScore !== undefined ? { minScore: a.minScore as number } : {}),
    ...(a.minArea !== undefined ? { minArea: a.minArea as number } : {}),
    ...(typeof a.ids === 'string' ? { ids: await readIds(a.ids) } : {}),
    ...(a.hasAnnotations ? { hasAnnotations: true } : {}),
    ...(a.dropEmpty ? { dropEmpty: true } : {}),
  };
}

export async function handler(a: Args): Promise<number> {
  const io = ioParams(a);
  const options = optionsFrom(a);
  const spec = await specFrom(a);
  return reporting(a, io.input as string | undefined, false, (hooks) =>
    filter({ ...io, ...(a.to !== undefined ? { to: a.to as string } : {}), filter: spec, options, ...hooks }),
  );
}
