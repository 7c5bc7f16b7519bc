/** `annoconv remap`: rename, merge and drop labels from a map file. */
import type { Argv } from 'yargs';
import { readLabelMap, remap, type Unmapped } from '../../ops/remap.js';
import { EXIT_CODES, formatOptions, optionsFrom, reporting, runOptions, setOptions, writeOptions, type Args } from '../common.js';
import { ioOptions, ioParams } from './io-options.js';

export function builder(c: Argv): Argv {
  return formatOptions(
    ioOptions(setOptions(writeOptions(runOptions(c))))
      .option('to', { alias: 't', type: 'string', describe: 'output format (default: the input format)' })
      .option('labels', { type: 'string', demandOption: 'give the label map: --labels MAP.json or MAP.csv', describe: 'the map: a JSON object {"car": "vehicle", "bus": null} or a two-column CSV from,to (null or an empty "to" drops the label)' })
      .option('unmapped', { choices: ['keep', 'drop', 'error'] as const, default: 'keep' as const, describe: 'labels the map does not name: kept, dropped with their annotations, or an error that rejects their item' })
      .example('$0 remap instances.json --labels map.json -o merged.json', 'car and truck become vehicle; COCO category ids follow')
      .epilogue(EXIT_CODES),
    ['read', 'write'],
  );
}

export async function handler(a: Args): Promise<number> {
  const io = ioParams(a);
  const options = optionsFrom(a);
  const labels = await readLabelMap(a.labels as string);
  return reporting(a, io.input as string | undefined, false, (hooks) =>
    remap({ ...io, ...(a.to !== undefined ? { to: a.to as string } : {}), labels, unmapped: a.unmapped as Unmapped, options, ...hooks }),
  );
}
