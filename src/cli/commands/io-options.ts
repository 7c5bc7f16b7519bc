/** The input and output options of the commands that read one input and write one output (convert and the dataset operations). */
import type { Argv } from 'yargs';
import type { ConvertParams } from '../../core/run.js';
import { path, type Args } from '../common.js';

/** input, --from, -o, --on-invalid, --rejects, --strict, --url-prefix. */
export function ioOptions(c: Argv): Argv {
  return c
    .positional('input', { type: 'string', describe: 'input file; "-" or absent: stdin' })
    .option('from', { alias: 'f', type: 'string', describe: 'input format (detected from the content when absent)' })
    .option('output', { alias: 'o', type: 'string', describe: 'output file (a folder for voc and yolo), written to a temp file and renamed on success; "-" or absent: stdout' })
    .option('on-invalid', { choices: ['skip', 'fail'] as const, default: 'skip' as const, describe: 'skip: report invalid records and go on; fail: stop at the first (no -o file is left)' })
    .option('rejects', { type: 'string', describe: 'write every rejected input record verbatim to this file' })
    .option('strict', { type: 'boolean', default: false, describe: 'treat loss (what the target cannot hold) and lenient cases as errors' })
    .option('url-prefix', { type: 'string', describe: 'prefix turning file names into URLs (e.g. https://bucket.s3.eu-west-1.amazonaws.com/imgs/)' });
}

/** The run parameters those options give (all but `to` and `options`). */
export function ioParams(a: Args): Pick<ConvertParams, 'input' | 'from' | 'output' | 'rejects'> {
  return {
    input: path(a.input),
    ...(a.from !== undefined ? { from: a.from as string } : {}),
    output: path(a.output),
    ...(a.rejects !== undefined ? { rejects: a.rejects as string } : {}),
  };
}
