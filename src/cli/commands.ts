/** The CLI's commands. Each parses its options, calls the library, and prints what it returns. */
import type { Argv } from 'yargs';
import { statSync } from 'node:fs';
import { convert, validate, detect, scan, type CommonParams, type RunResult } from '../core/run.js';
import { listFormats, requireFormat } from '../core/registry.js';
import { schemaText } from '../core/schema-files.js';
import { AnnoconvError, diag } from '../core/diagnostics.js';
import type { Options } from '../core/options.js';
import { createProgress } from './progress.js';
import { summaryLine } from './render.js';
import { err, handleError, printerFor, type Globals } from './output.js';

/** Exit code of the command that ran. */
export const outcome = { exitCode: 0 };

type Args = Globals & Record<string, unknown>;

/** yargs hands a lone "-" positional over as ""; both mean stdin/stdout. */
const path = (v: unknown): string | undefined => (v === '' ? '-' : (v as string | undefined));

const EXIT_CODES = 'Exit codes: 0 ok, 1 invalid input or rejected records, 2 usage error, 3 I/O error.';

const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every format's own options, as yargs options. */
function formatOptions(y: Argv): Argv {
  const seen = new Set<string>();
  for (const f of listFormats()) {
    for (const [name, o] of Object.entries(f.options ?? {})) {
      if (seen.has(name)) continue;
      seen.add(name);
      y.option(name, { type: o.type, describe: o.describe, ...(o.choices ? { choices: o.choices } : {}), ...(o.default !== undefined ? { default: o.default } : {}) });
    }
  }
  return y;
}

function collectFormatOptions(args: Args): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = new Set<string>(['url-prefix', 'url-style', 's3-region', 's3-endpoint']);
  for (const f of listFormats()) for (const name of Object.keys(f.options ?? {})) names.add(name);
  for (const name of names) {
    const v = args[camel(name)];
    if (v !== undefined) out[camel(name)] = v;
  }
  return out;
}

function optionsFrom(args: Args): Partial<Options> {
  const size = args.maxRecordSize;
  const bad = (message: string): never => {
    throw new AnnoconvError(diag('OPTION_INVALID', message), 2);
  };
  if (!Number.isFinite(size) || size <= 0) bad('--max-record-size must be a positive number of bytes');
  if (!Number.isInteger(args.maxDiagnostics) || args.maxDiagnostics < 0) bad('--max-diagnostics must be a whole number, 0 or more (0 shows all)');
  if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 0)) bad('--workers must be a whole number, 0 or more');
  const format = collectFormatOptions(args);
  if (typeof format.mediaRoot === 'string' && !isDirectory(format.mediaRoot)) bad(`--media-root ${format.mediaRoot} is not a folder`);
  return {
    onInvalid: args.onInvalid === 'fail' ? 'fail' : 'skip',
    strict: args.strict === true,
    maxRecordSize: size,
    workers: args.workers > 0 ? args.workers : 0,
    format,
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

type Hooks = Pick<CommonParams, 'onDiagnostic' | 'onProgress'>;

/** Run a library call with diagnostics printed, progress shown and the summary line; returns the exit code. */
async function reporting(a: Args, input: string | undefined, validating: boolean, call: (hooks: Hooks) => Promise<RunResult>): Promise<number> {
  const printer = printerFor(a);
  const progress = createProgress(!a.quiet);
  try {
    const r = await call({
      onDiagnostic: (d) => {
        progress.clear();
        printer.diagnostic(d);
      },
      onProgress: (s, src) => progress.update(s, src),
    });
    progress.clear();
    printer.finish();
    if (!a.quiet) err(summaryLine(input === undefined || input === '-' ? '<stdin>' : input, r, validating) + '\n');
    return r.exitCode;
  } catch (e) {
    progress.clear();
    printer.finish();
    return handleError(e, a.diagnostics);
  }
}

export function registerCommands(y: Argv): void {
  y.command(
    'convert [input]',
    'convert INPUT (a file, or stdin) from one format to another',
    (c) =>
      formatOptions(
        c
          .positional('input', { type: 'string', describe: 'input file; "-" or absent: stdin' })
          .option('from', { alias: 'f', type: 'string', describe: 'input format (detected from the content when absent)' })
          .option('to', { alias: 't', type: 'string', demandOption: true, describe: 'output format' })
          .option('output', { alias: 'o', type: 'string', describe: 'output file, written to a temp file and renamed on success; "-" or absent: stdout' })
          .option('on-invalid', { choices: ['skip', 'fail'] as const, default: 'skip' as const, describe: 'skip: report invalid records and go on; fail: stop at the first (no -o file is left)' })
          .option('rejects', { type: 'string', describe: 'write every rejected input record verbatim to this file' })
          .option('strict', { type: 'boolean', default: false, describe: 'treat loss (what the target cannot hold) and lenient cases as errors' })
          .option('url-prefix', { type: 'string', describe: 'prefix turning file names into URLs (e.g. https://bucket.s3.eu-west-1.amazonaws.com/imgs/)' })
          .option('split', { type: 'number', describe: 'Encord manifests: write numbered files of at most N entries (and at most 1,000,000 URLs) named after -o: out.json -> out-001.json, out-002.json, ...' })
          .example('$0 convert --from jsonl --to annoconv items.jsonlines > items.annoconv', 'items to the model line format')
          .example('cat items.annoconv | $0 convert --from annoconv --to jsonl -o items.jsonlines', 'and back, from a pipe, atomically')
          .example('$0 convert items.jsonlines --to jsonl --rejects bad.jsonlines -o good.jsonlines', 'split valid and invalid lines')
          .epilogue(EXIT_CODES),
      ),
    async (args) => {
      const a = args as unknown as Args;
      const input = path(a.input);
      outcome.exitCode = await reporting(a, input, false, (hooks) =>
        convert({
          input,
          from: a.from as string | undefined,
          to: a.to as string,
          output: path(a.output),
          rejects: a.rejects as string | undefined,
          ...(a.split !== undefined ? { split: a.split as number } : {}),
          options: optionsFrom(a),
          ...hooks,
        }),
      );
    },
  );

  y.command(
    'validate [inputs..]',
    'validate files (or stdin) and report every problem with its place',
    (c) =>
      formatOptions(
        c
          .positional('inputs', { type: 'string', array: true, describe: 'input files; "-" or none: stdin' })
          .option('format', { alias: ['from', 'f'], type: 'string', describe: 'input format (detected from the content when absent)' })
          .option('strict', { type: 'boolean', default: false, describe: 'treat lenient cases as errors' })
          .option('on-invalid', { choices: ['skip', 'fail'] as const, default: 'skip' as const, describe: 'fail: stop at the first invalid record' })
          .example('$0 validate items.jsonlines', 'check a file before uploading it')
          .example('$0 validate items.jsonlines --diagnostics json', 'one JSON object per problem, for CI')
          .epilogue(EXIT_CODES),
      ),
    async (args) => {
      const a = args as unknown as Args;
      const inputs = (a.inputs as string[] | undefined)?.length ? (a.inputs as string[]).map((v) => path(v)!) : ['-'];
      let worst = 0;
      for (const input of inputs) {
        const code = await reporting(a, input, true, (hooks) =>
          validate({ input, from: a.format as string | undefined, options: optionsFrom(a), ...hooks }),
        );
        worst = Math.max(worst, code);
      }
      outcome.exitCode = worst;
    },
  );

  y.command(
    'scan <dirs..>',
    'make items of the media files below folders (images, DICOM series, NIfTI, ...) and write them in any format',
    (c) =>
      formatOptions(
        c
          .positional('dirs', { type: 'string', array: true, describe: 'folders (or files) to scan' })
          .option('to', { alias: 't', type: 'string', demandOption: true, describe: 'output format (encord-json, encord-csv, jsonl, annoconv, ...)' })
          .option('output', { alias: 'o', type: 'string', describe: 'output file, written to a temp file and renamed on success; "-" or absent: stdout' })
          .option('url-prefix', { type: 'string', describe: 'prefix turning paths below the folders into URLs (e.g. https://bucket.s3.eu-west-1.amazonaws.com/data/)' })
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
      ),
    async (args) => {
      const a = args as unknown as Args;
      const dirs = (a.dirs as string[] | undefined) ?? [];
      outcome.exitCode = await reporting(a, dirs.join(' '), false, (hooks) =>
        scan({
          dirs,
          to: a.to as string,
          output: path(a.output),
          ...(a.groupByFolder ? { groupByFolder: a.groupByFolder as 'group' | 'sequence' } : {}),
          ...(a.followSymlinks ? { followSymlinks: true } : {}),
          ...(Number.isFinite(a.concurrency) && (a.concurrency as number) > 0 ? { concurrency: a.concurrency as number } : {}),
          ...(a.split !== undefined ? { split: a.split as number } : {}),
          options: optionsFrom(a),
          ...hooks,
        }),
      );
    },
  );

  y.command(
    'detect <input>',
    'print the format id of INPUT, detected from its content',
    (c) => c.positional('input', { type: 'string', demandOption: true, describe: 'input file; "-": stdin' }),
    async (args) => {
      const a = args as unknown as Args;
      try {
        const id = await detect(path(a.input)!);
        if (id) {
          process.stdout.write(id + '\n');
          outcome.exitCode = 0;
        } else {
          throw new AnnoconvError(diag('INPUT_UNKNOWN_FORMAT', 'no known format matches this content', { file: a.input as string }), 1);
        }
      } catch (e) {
        outcome.exitCode = handleError(e, a.diagnostics);
      }
    },
  );

  y.command(
    'formats',
    'list the formats and what annoconv can do with each',
    (c) => c.option('json', { type: 'boolean', default: false, describe: 'print as JSON' }),
    (args) => {
      const list = listFormats().map((f) => ({ id: f.id, aliases: [...f.aliases], title: f.title, read: f.can.read, write: f.can.write, validate: f.can.validate, extensions: [...f.extensions], schema: f.schema ?? null }));
      if ((args as { json?: boolean }).json) {
        process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      } else {
        const mark = (b: boolean): string => (b ? 'yes' : '-');
        const rows = [['id', 'read', 'write', 'validate', 'aliases', 'title'], ...list.map((f) => [f.id, mark(f.read), mark(f.write), mark(f.validate), f.aliases.join(',') || '-', f.title])];
        const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
        for (const r of rows) process.stdout.write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n');
      }
      outcome.exitCode = 0;
    },
  );

  y.command(
    'schema <format>',
    'print the JSON Schema a format\'s records are checked against',
    (c) => c.positional('format', { type: 'string', demandOption: true }),
    (args) => {
      const a = args as unknown as Args;
      try {
        const f = requireFormat(a.format as string, 'read');
        if (!f.schema) throw new AnnoconvError(diag('OPTION_NOT_SUPPORTED', `format "${f.id}" has no JSON Schema`), 2);
        process.stdout.write(schemaText(f.schema));
        outcome.exitCode = 0;
      } catch (e) {
        outcome.exitCode = handleError(e, a.diagnostics);
      }
    },
  );
}
