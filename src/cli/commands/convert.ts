/** `annoconv convert`: one input, from one format to another. */
import type { Argv } from 'yargs';
import { convert } from '../../core/run.js';
import { EXIT_CODES, formatOptions, optionsFrom, path, reporting, runOptions, setOptions, writeOptions, type Args } from '../common.js';

export function builder(c: Argv): Argv {
  return formatOptions(
    setOptions(writeOptions(runOptions(c)))
      .positional('input', { type: 'string', describe: 'input file; "-" or absent: stdin' })
      .option('from', { alias: 'f', type: 'string', describe: 'input format (detected from the content when absent)' })
      .option('to', { alias: 't', type: 'string', demandOption: 'give the output format: --to FORMAT (annoconv formats lists them)', describe: 'output format' })
      .option('output', { alias: 'o', type: 'string', describe: 'output file (a folder for voc and yolo), written to a temp file and renamed on success; "-" or absent: stdout' })
      .option('on-invalid', { choices: ['skip', 'fail'] as const, default: 'skip' as const, describe: 'skip: report invalid records and go on; fail: stop at the first (no -o file is left)' })
      .option('rejects', { type: 'string', describe: 'write every rejected input record verbatim to this file' })
      .option('strict', { type: 'boolean', default: false, describe: 'treat loss (what the target cannot hold) and lenient cases as errors' })
      .option('url-prefix', { type: 'string', describe: 'prefix turning file names into URLs (e.g. https://bucket.s3.eu-west-1.amazonaws.com/imgs/)' })
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
  const input = path(a.input);
  return reporting(a, input, false, (hooks) =>
    convert({
      input,
      ...(a.from !== undefined ? { from: a.from as string } : {}),
      to: a.to as string,
      output: path(a.output),
      ...(a.rejects !== undefined ? { rejects: a.rejects as string } : {}),
      ...(a.split !== undefined ? { split: a.split as number } : {}),
      options: optionsFrom(a),
      ...hooks,
    }),
  );
}
