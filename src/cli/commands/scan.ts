/** `annoconv scan`: items from the media files below folders. */
import type { Argv } from 'yargs';
import { scan } from '../../core/run.js';
import { AnnoconvError, diag } from '../../core/diagnostics.js';
import { EXIT_CODES, formatOptions, optionsFrom, path, reporting, runOptions, type Args } from '../common.js';

export function builder(c: Argv): Argv {
  return formatOptions(
    runOptions(c)
      .positional('dirs', { type: 'string', array: true, describe: 'folders (or files) to scan' })
      .option('to', { alias: 't', type: 'string', demandOption: 'give the output format: --to FORMAT (encord-json, encord-csv, jsonl, annoconv, ...)', describe: 'output format (encord-json, encord-csv, jsonl, annoconv, ...)' })
      .option('output', { alias: 'o', type: 'string', describe: 'output file, written to a temp file and renamed on success; "-" or absent: stdout' })
      .option('url-prefix', { type: 'string', describe: 'prefix turning paths below the folders into URLs (e.g. https://bucket.s3.eu-west-1.amazonaws.com/data/); required by encord-json, encord-csv and jsonl' })
      .option('url-style', { choices: ['s3', 'virtual', 'path', 'custom'] as const, describe: 'with an s3://BUCKET/PREFIX --url-prefix: virtual (https://BUCKET.s3.REGION.amazonaws.com/KEY), path (https://s3-REGION.amazonaws.com/BUCKET/KEY), custom (--s3-endpoint/BUCKET/KEY, Minio), s3 (as given, default)' })
      .option('s3-region', { type: 'string', describe: 'the bucket region, for --url-style virtual or path' })
      .option('s3-endpoint', { type: 'string', describe: 'the S3-compatible host, for --url-style custom (e.g. https://minio.example.org:9000)' })
      .option('group-by-folder', { choices: ['group', 'sequence'] as const, describe: "each folder's images become one image group or one image sequence" })
      .option('follow-symlinks', { type: 'boolean', default: false, describe: 'follow symbolic links (default: skip them)' })
      .option('concurrency', { type: 'number', default: 16, describe: 'files probed at once' })
      .option('strict', { type: 'boolean', default: false, describe: 'treat loss as an error' })
      .option('split', { type: 'number', describe: 'Encord manifests: numbered files of at most N entries, named after -o' })
      .example('$0 scan ./data --to encord-json --url-prefix https://my-bucket.s3.eu-west-1.amazonaws.com/data/ -o manifest.json', 'register a folder of images and DICOM series with Encord')
      .epilogue(EXIT_CODES),
    ['write'],
  );
}

export async function handler(a: Args): Promise<number> {
  const dirs = (a.dirs as string[] | undefined) ?? [];
  const concurrency = a.concurrency as number;
  const options = optionsFrom(a);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new AnnoconvError(diag('OPTION_INVALID', '--concurrency must be a whole number, 1 or more'), 2);
  return reporting(a, dirs.join(' '), false, (hooks) =>
    scan({
      dirs,
      to: a.to as string,
      output: path(a.output),
      ...(a.groupByFolder ? { groupByFolder: a.groupByFolder as 'group' | 'sequence' } : {}),
      ...(a.followSymlinks ? { followSymlinks: true } : {}),
      concurrency,
      ...(a.split !== undefined ? { split: a.split as number } : {}),
      options,
      ...hooks,
    }),
  );
}
