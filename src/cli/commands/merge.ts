/** `annoconv merge`: several inputs as one output. */
import type { Argv } from 'yargs';
import { merge, type OnDuplicate } from '../../ops/merge.js';
import { AnnoconvError, diag } from '../../core/diagnostics.js';
import { EXIT_CODES, formatOptions, optionsFrom, path, reporting, runOptions, setOptions, writeOptions, type Args } from '../common.js';

export function builder(c: Argv): Argv {
  return formatOptions(
    setOptions(writeOptions(runOptions(c)))
      .positional('inputs', { type: 'string', array: true, describe: 'input files, read in this order' })
      .option('from', { alias: 'f', type: 'string', array: true, describe: 'input format: one for every input, or one per input (detected when absent)' })
      .option('to', { alias: 't', type: 'string', demandOption: 'give the output format: --to FORMAT', describe: 'output format' })
      .option('output', { alias: 'o', type: 'string', describe: 'output file (a folder for voc and yolo); "-" or absent: stdout' })
      .option('on-duplicate', { choices: ['merge', 'rename', 'error'] as const, default: 'merge' as const, describe: 'an item already in an earlier input (same URL, path or id): united with it, kept apart with a suffixed id, or refused' })
      .option('rejects', { type: 'string', describe: 'write every rejected input record verbatim to this file' })
      .option('summaries', { type: 'string', array: true, describe: 'the --summary files of the runs that wrote the inputs (shards): added up into totals in this summary (read = written + rejected over the whole input, losses by kind)' })
      .option('strict', { type: 'boolean', default: false, describe: 'treat loss and lenient cases as errors' })
      .example('$0 merge a.json b.json --to coco -o both.json', 'two COCO exports as one; categories reconciled by name')
      .epilogue(EXIT_CODES),
    ['read', 'write'],
  );
}

export async function handler(a: Args): Promise<number> {
  const inputs = ((a.inputs as string[] | undefined) ?? []).map((v) => path(v)!);
  const summaries = (a.summaries as string[] | undefined) ?? [];
  if (inputs.length < (summaries.length ? 1 : 2)) throw new AnnoconvError(diag('OPTION_INVALID', 'merge needs two or more input files (one with --summaries)'), 2);
  if (inputs.includes('-')) throw new AnnoconvError(diag('OPTION_INVALID', 'merge reads files (each may be read twice): stdin cannot be one of them'), 2);
  const from = a.from as string[] | undefined;
  if (from && from.length !== 1 && from.length !== inputs.length) throw new AnnoconvError(diag('OPTION_INVALID', `--from: give one format for every input or one per input (${inputs.length})`), 2);
  const options = optionsFrom(a);
  return reporting(a, inputs.join(' + '), false, (hooks) =>
    merge({
      inputs,
      ...(from ? { from: from.length === 1 ? from[0]! : from } : {}),
      to: a.to as string,
      output: path(a.output),
      ...(a.rejects !== undefined ? { rejects: a.rejects as string } : {}),
      onDuplicate: a.onDuplicate as OnDuplicate,
      ...(summaries.length ? { summaries } : {}),
      options,
      ...hooks,
    }),
  );
}
