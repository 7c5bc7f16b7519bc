/** `annoconv detect`: the format id of an input, from its content. */
import type { Argv } from 'yargs';
import { detect } from '../../core/run.js';
import { AnnoconvError, diag } from '../../core/diagnostics.js';
import { diagnosticsOption, path, EXIT_CODES, type Args } from '../common.js';

export function builder(c: Argv): Argv {
  return diagnosticsOption(c)
    .positional('input', { type: 'string', demandOption: true, describe: 'input file; "-": stdin' })
    .example('$0 detect export.json', 'prints e.g. labelstudio')
    .epilogue(EXIT_CODES);
}

export async function handler(a: Args): Promise<number> {
  const id = await detect(path(a.input)!);
  if (!id) throw new AnnoconvError(diag('INPUT_UNKNOWN_FORMAT', 'no known format matches this content', { file: a.input as string }), 1);
  process.stdout.write(id + '\n');
  return 0;
}
