/** `annoconv schema`: the JSON Schema a format's records are checked against. */
import type { Argv } from 'yargs';
import { requireFormat } from '../../core/registry.js';
import { schemaText } from '../../core/schema-files.js';
import { AnnoconvError, diag } from '../../core/diagnostics.js';
import { diagnosticsOption, type Args } from '../common.js';

export function builder(c: Argv): Argv {
  return diagnosticsOption(c).positional('format', { type: 'string', demandOption: true, describe: 'a format id or alias' }).example('$0 schema jsonl', "items.jsonlines' schema");
}

export function handler(a: Args): number {
  const f = requireFormat(a.format as string, 'read');
  if (!f.schema) throw new AnnoconvError(diag('OPTION_NOT_SUPPORTED', `format "${f.id}" has no JSON Schema`), 2);
  process.stdout.write(schemaText(f.schema));
  return 0;
}
