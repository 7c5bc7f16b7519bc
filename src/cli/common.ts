/** What the commands share: option groups, turning arguments into library options, and reporting a run. */
import type { Argv } from 'yargs';
import type { CommonParams, RunResult } from '../core/run.js';
import { listFormats } from '../core/registry.js';
import type { FormatOption } from '../core/format.js';
import { AnnoconvError, diag } from '../core/diagnostics.js';
import { checkMasks, checkMaxInflatedSize, checkTolerance, type Options } from '../core/options.js';
import { parseShard } from '../core/shard.js';
import { createProgress } from './progress.js';
import { summaryJson, summaryLine, summaryObject } from './render.js';
import { openOutput } from '../core/output.js';
import { err, handleError, printerFor, type Globals } from './output.js';

export type Args = Globals & Record<string, unknown>;

/** yargs hands a lone "-" positional over as ""; both mean stdin/stdout. */
export const path = (v: unknown): string | undefined => (v === '' ? '-' : (v as string | undefined));

export const EXIT_CODES = 'Exit codes: 0 ok, 1 invalid input or rejected records, 2 usage error, 3 I/O error, 130/143/129/131 interrupted (SIGINT/SIGTERM/SIGHUP/SIGQUIT).';

const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** How diagnostics are printed: every command that reports has it. */
export function diagnosticsOption(y: Argv): Argv {
  return y.option('diagnostics', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'how diagnostics and the summary are printed on stderr (json: one object per line)' });
}

/** The options of every command that reads records. */
export function runOptions(y: Argv): Argv {
  return diagnosticsOption(y)
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print errors only: no warnings, summary or progress' })
    .option('max-diagnostics', { type: 'number', default: 1000, describe: 'print at most N diagnostics, count the rest (0 = all)' })
    .option('max-record-size', { type: 'number', default: 16 * 1024 * 1024, describe: 'largest record (line) in bytes a reader holds in memory; larger ones are reported and skipped' })
    .option('max-inflated-size', { type: 'number', describe: 'most bytes a gzip input may inflate to (default 64 GiB); reading stops there with INPUT_GZIP_TOO_LARGE' })
    .option('workers', { type: 'number', default: 0, describe: 'threads for parallel stages (joining large COCO files): 0 or 1 = a single thread (default), 2 = the reader thread and one worker (faster, more memory)' })
    .option('shard', { type: 'string', describe: 'I/N: read only shard I (counted from 0) of N disjoint parts of the input, chosen by a stable hash of the item id (scan: of the file path); the N runs together cover the input once' })
    .option('summary', { type: 'string', describe: "also write the run's summary as one JSON object to FILE (atomically), as --diagnostics json prints it" });
}

/**
 * Options of every command that writes converted annotations. `--keep-crowd` is the run's, not one
 * format's: it applies to every target without crowd regions, whatever the source.
 */
export function writeOptions(y: Argv): Argv {
  return y
    .option('keep-crowd', { type: 'boolean', default: false, describe: 'write crowd regions (COCO iscrowd 1) as ordinary objects to targets that have no crowd notion (yolo, voc, csv, remo, jsonl, labelstudio...); by default they are left out and counted as loss' })
    .option('masks', { type: 'string', describe: 'region shapes where the target holds masks and polygons (coco, labelstudio): keep (default: as they are; masks traced for targets without masks, e.g. yolo segment), polygons (masks traced into polygons), rle (polygons, boxes and ellipses rasterized into masks)' })
    .option('polygon-tolerance', { type: 'number', describe: 'simplify traced masks by this many pixels (Douglas-Peucker; default 0: the exact pixel boundary, which rasterizes back to the same mask)' });
}

/**
 * Which annotation set of each item goes to a target that holds one (COCO, YOLO, VOC, CSV, Remo,
 * items.jsonlines). General options rather than one format's: the choice belongs to the run and
 * applies alike to every such target, and library callers give it as `Options.sets`.
 */
export function setOptions(y: Argv): Argv {
  return y
    .option('annotations', { type: 'string', describe: 'targets holding one annotation set per item: latest (default; the newest non-cancelled), first, all (written together), author=EMAIL, id=N' })
    .option('predictions', { choices: ['exclude', 'include', 'only'] as const, describe: 'with --annotations: exclude (default) leaves prediction sets out, include makes them candidates too, only chooses among them alone' })
    .group(['annotations', 'predictions'], 'Annotation sets (targets holding one set per item):');
}

/**
 * The formats' own options that apply on one side of a run: `read` for validate, `write` for scan,
 * both for convert. An option declared by several formats is listed once.
 */
export function formatOptions(y: Argv, sides: readonly ('read' | 'write')[]): Argv {
  // an option several formats declare is listed once, its descriptions joined
  const seen = new Map<string, FormatOption>();
  for (const f of listFormats()) {
    for (const [name, o] of Object.entries(f.options ?? {})) {
      if (o.scope !== undefined && !sides.includes(o.scope)) continue;
      const first = seen.get(name);
      if (!first) seen.set(name, o);
      else if (!first.describe.includes(o.describe)) seen.set(name, { ...first, describe: `${first.describe}; ${o.describe}` });
    }
  }
  for (const [name, o] of seen) {
    y.option(name, { type: o.type, describe: o.describe, ...(o.choices ? { choices: o.choices } : {}), ...(o.default !== undefined ? { default: o.default } : {}) });
  }
  return y.group([...seen.keys()], 'Format options (each names the formats it applies to):');
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

/** Library options from the arguments; a bad value is a usage error (exit 2) before anything is opened. */
export function optionsFrom(args: Args): Partial<Options> {
  const size = args.maxRecordSize;
  const bad = (message: string): never => {
    throw new AnnoconvError(diag('OPTION_INVALID', message), 2);
  };
  if (!Number.isSafeInteger(size) || size <= 0) bad('--max-record-size must be a whole number of bytes, at least 1');
  if (!Number.isInteger(args.maxDiagnostics) || args.maxDiagnostics < 0) bad('--max-diagnostics must be a whole number, 0 or more (0 shows all)');
  if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 0)) bad('--workers must be a whole number, 0 or more');
  return {
    onInvalid: args.onInvalid === 'fail' ? 'fail' : 'skip',
    strict: args.strict === true,
    maxRecordSize: size,
    ...(args.maxInflatedSize !== undefined ? { maxInflatedSize: checkMaxInflatedSize(args.maxInflatedSize) } : {}),
    workers: args.workers > 0 ? args.workers : 0,
    keepCrowd: args.keepCrowd === true,
    ...(args.masks !== undefined ? { masks: checkMasks(args.masks) } : {}),
    ...(args.polygonTolerance !== undefined ? { polygonTolerance: checkTolerance(args.polygonTolerance) } : {}),
    ...(args.shard !== undefined ? { shard: parseShard(String(args.shard)) } : {}),
    ...(args.annotations !== undefined || args.predictions !== undefined ? { sets: { ...(args.annotations !== undefined ? { annotations: String(args.annotations) } : {}), ...(args.predictions !== undefined ? { predictions: String(args.predictions) } : {}) } } : {}),
    format: collectFormatOptions(args),
  };
}

type Hooks = Pick<CommonParams, 'onDiagnostic' | 'onProgress'>;

/** Runs a library call with diagnostics printed, progress shown and the summary; returns the exit code. */
export async function reporting(a: Args, input: string | undefined, validating: boolean, call: (hooks: Hooks) => Promise<RunResult>): Promise<number> {
  const printer = printerFor(a);
  // a progress line is not JSON: none under --diagnostics json, even on a terminal
  const progress = createProgress(!a.quiet && a.diagnostics !== 'json');
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
    const name = input === undefined || input === '-' ? '<stdin>' : input;
    const shard = a.shard !== undefined ? String(a.shard).replace(/\s+/g, '') : undefined;
    if (typeof a.summary === 'string') await writeSummary(a.summary, JSON.stringify(summaryObject(name, r, validating, shard)) + '\n');
    if (!a.quiet) err((a.diagnostics === 'json' ? summaryJson(name, r, validating, shard) : summaryLine(name, r, validating)) + '\n');
    return r.exitCode;
  } catch (e) {
    progress.clear();
    printer.finish();
    if (e instanceof AnnoconvError && e.exitCode === 2) throw e; // usage: reported once, with the help hint
    return handleError(e, a.diagnostics);
  }
}

/**
 * `--summary FILE`: the summary object written atomically (a temporary file renamed into place),
 * so that a reader such as a shard driver never sees half of it.
 */
async function writeSummary(file: string, text: string): Promise<void> {
  const sink = await openOutput(file);
  try {
    sink.write(text);
    if (sink.finish && sink.commit) {
      await sink.finish();
      await sink.commit();
    } else await sink.close();
  } catch (e) {
    await sink.abort();
    throw e;
  }
}
