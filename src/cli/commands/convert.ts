/** `annoconv convert`: one input, from one format to another. */
import type { Argv } from 'yargs';
import { convert } from '../../core/run.js';
import { EXIT_CODES, formatOptions, optionsFrom, reporting, runOptions, setOptions, writeOptions, type Args } from '../common.js';
import { ioOptions, ioParams } from './io-options.js';

export function builder(c: Argv): Argv {
  return formatOptions(
    ioOptions(setOptions(writeOptions(runOptions(c))))
      .option('to', { alias: 't', type: 'string', demandOption: 'give the output format: --to FORMAT (annoconv formats lists them)', describe: 'output format' })
      .option('split', { type: 'number', describe: 'Encord manifests: write numbered files of at most N entries (and at most 1,000,000 URLs) named after -o: out.json -> out-001.json, out-002.json, ...' })
      .example('$0 convert --from coco --to jsonl --url-prefix https://s3-eu-west-1.amazonaws.com/my-bucket/imgs/ instances.json > items.jsonlines', 'COCO images to an Annotto project')
      .example('$0 convert --from jsonl --to annoconv items.jsonlines > items.annoconv', 'items to the model line format')
      .example('cat items.annoconv | $0 convert --from annoconv --to jsonl -o items.jsonlines', 'and back, from a pipe, atomically')
      .example('$0 convert items.jsonlines --to jsonl --rejects bad.jsonlines -o good.jsonlines', 'split valid and invalid lines')
      .example('$0 convert export.json --from labelstudio --to coco --annotations author=ann@example.com -o instances.json', "one annotator's work as COCO ground truth")
      .epilogue(EXIT_CODES),
    ['read', 'write'],
  );
}

export async function handler(a: Args): Promise<number> {
  const io = ioParams(a);
  return reporting(a, io.input as string | undefined, false, (hooks) =>
    convert({
      ...io,
      to: a.to as string,
      ...(a.split !== undefined ? { split: a.split as number } : {}),
      options: optionsFrom(a),
      ...hooks,
    }),
  );
}
