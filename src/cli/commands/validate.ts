/** `annoconv validate`: check files (or stdin) and report every problem with its place. */
import type { Argv } from 'yargs';
import { validate } from '../../core/run.js';
import { EXIT_CODES, formatOptions, optionsFrom, path, reporting, runOptions, type Args } from '../common.js';

export function builder(c: Argv): Argv {
  return formatOptions(
    runOptions(c)
      .positional('inputs', { type: 'string', array: true, describe: 'input files; "-" or none: stdin' })
      .option('format', { alias: ['from', 'f'], type: 'string', describe: 'input format (detected from the content when absent)' })
      .option('strict', { type: 'boolean', default: false, describe: 'treat lenient cases as errors' })
      .option('on-invalid', { choices: ['skip', 'fail'] as const, default: 'skip' as const, describe: 'fail: stop at the first invalid record' })
      .example('$0 validate items.jsonlines', 'check a file before uploading it')
      .example('$0 validate items.jsonlines --diagnostics json', 'one JSON object per problem, for CI')
      .epilogue(EXIT_CODES),
    ['read'],
  );
}

export async function handler(a: Args): Promise<number> {
  const inputs = (a.inputs as string[] | undefined)?.length ? (a.inputs as string[]).map((v) => path(v)!) : ['-'];
  // every option is checked before the first input is opened
  const options = optionsFrom(a);
  let worst = 0;
  for (const input of inputs) {
    const code = await reporting(a, input, true, (hooks) => validate({ input, ...(a.format !== undefined ? { from: a.format as string } : {}), options, ...hooks }));
    worst = Math.max(worst, code);
    if (code === 2) break; // a usage error is the same for every input
  }
  return worst;
}
