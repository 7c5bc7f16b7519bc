/**
 * The library's entry points: convert and validate, from paths or streams, with format detection,
 * atomic outputs and a rejects file. Used as-is by the CLI.
 */
import { AnnoconvError, diag, type DiagnosticSink } from './diagnostics.js';
import { redactDiagnostic } from './secrets.js';
import { dirname } from 'node:path';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { FileTree } from './file-tree.js';
import { MemorySink, openInput, type InputSource, type OutputSink } from './io.js';
import { openOutput } from './output.js';
import { Parts, removeStaleParts, splitOutput } from './split-output.js';
import { defaultOptions, type Options } from './options.js';
import { sweepStaleTemps } from './stale-temps.js';
import { runPipeline, type ItemTransform, type PipelineParams, type RunStats } from './pipeline.js';
import { withCrowdFilter } from './crowd.js';
import { detectFormat, resolveFormat } from './detect.js';
import { recordHead } from './first-records.js';
import { checkConvertUsage, checkScanUsage, checkValidateUsage } from './usage.js';
import type { FormatDescriptor, FormatImpl, FormatReader, SplitOutput } from './format.js';

export interface RunResult extends RunStats {
  /** Format the input was read as (detected when not given). */
  from: string;
  to?: string;
  /** 0 ok, 1 invalid input or rejected records. I/O and usage problems throw AnnoconvError. */
  exitCode: 0 | 1;
  /**
   * Why no output was written, when none was: `'all records rejected'` (the output file, parts or
   * folder already there are left as they were). Absent when the output was written.
   */
  outputSkipped?: string;
}

export interface CommonParams {
  /** A path, '-' or undefined for stdin, or an InputSource. */
  input?: string | InputSource;
  /** Input format id or alias; detected from the content when absent. */
  from?: string;
  options?: Partial<Options>;
  onDiagnostic?: DiagnosticSink;
  onProgress?: (stats: RunStats, input: InputSource) => void;
  /** A step every valid item passes before it is written (see PipelineParams.transform). */
  transform?: ItemTransform;
  /** Changes the dataset header (categories) before it is written (see PipelineParams.transformDataset). */
  transformDataset?: PipelineParams['transformDataset'];
  /** Wraps the target's writer (dataset operations that route items to several outputs). */
  wrapWriter?: (impl: FormatImpl, to: FormatDescriptor) => FormatImpl;
}

export interface ConvertParams extends CommonParams {
  to: string;
  /** A path (written atomically), '-' or undefined for stdout, or an OutputSink. */
  output?: string | OutputSink;
  /** Path receiving every rejected input record verbatim. */
  rejects?: string;
  /**
   * Numbered output files of at most N entries each, for targets that can split (Encord manifests):
   * with an output path `dir/out.json` they are `dir/out-001.json`, `dir/out-002.json`, ...; or
   * `open` makes each part's sink. Nothing is written at the output path itself.
   */
  split?: number | SplitOutput;
}

/** The output folder of a target that writes one file an item (VOC, YOLO): `-o DIR` is required. */
function treeOutput(params: ConvertParams, to: FormatDescriptor): FileTree | undefined {
  if (!to.can.directory) return undefined;
  return new FileTree(params.output as string); // a folder name, checked by checkConvertUsage
}

async function resolveInput(input: string | InputSource | undefined, options: Options): Promise<InputSource> {
  return typeof input === 'object' ? input : openInput(input, { maxInflatedSize: options.maxInflatedSize });
}


/** Convert one input to another format. */
export async function convert(params: ConvertParams): Promise<RunResult> {
  const options = defaultOptions(params.options);
  const to = await checkConvertUsage(params, options);
  const source = await resolveInput(params.input, options);
  const from = await resolveFormat(source, params.from, 'read');
  const check = watch(source, params.from, from);
  return convertWith(check?.recorded.input ?? source, from.id, await from.load(), to, params, check, from.can.shardByPath === true && source.directory === true);
}

/** With --from given, the first records are watched for a wrong one (core/first-records.ts). */
function watch(source: InputSource, from: string | undefined, format: FormatDescriptor): PipelineParams['check'] {
  return from !== undefined && !source.directory ? { format, recorded: recordHead(source) } : undefined;
}

export interface ScanParams extends Omit<ConvertParams, 'input' | 'from'> {
  /** Folders (or files) to scan. */
  dirs: string[];
  followSymlinks?: boolean;
  groupByFolder?: 'group' | 'sequence';
  /** Files probed at once (default 16). */
  concurrency?: number;
}

/** Each folder (or file) to scan must be there: one that is not is an I/O error (exit 3), as a missing input is. */
async function checkScanFolders(dirs: string[]): Promise<void> {
  for (const d of dirs) {
    await stat(d).catch((e: NodeJS.ErrnoException) => {
      throw new AnnoconvError(diag('INPUT_NOT_FOUND', `cannot open ${d} (${e.code ?? e.message})`, { file: d }), 3);
    });
  }
}

/** Items from the media files found below folders (`annoconv scan`), written in any format. */
export async function scan(params: ScanParams): Promise<RunResult> {
  const to = await checkScanUsage(params, defaultOptions(params.options));
  await checkScanFolders(params.dirs);
  const { scanReader } = await import('../media/scan.js');
  const f = params.options?.format ?? {};
  const urlPrefix = f.urlPrefix;
  const read = scanReader({
    ...(typeof f.urlStyle === 'string' ? { urlStyle: f.urlStyle as 's3' | 'virtual' | 'path' | 'custom' } : {}),
    ...(typeof f.s3Region === 'string' ? { region: f.s3Region } : {}),
    ...(typeof f.s3Endpoint === 'string' ? { endpoint: f.s3Endpoint } : {}),
    dirs: params.dirs,
    ...(params.followSymlinks ? { followSymlinks: true } : {}),
    ...(params.groupByFolder ? { groupByFolder: params.groupByFolder } : {}),
    ...(typeof urlPrefix === 'string' ? { urlPrefix } : {}),
    ...(params.concurrency ? { concurrency: params.concurrency } : {}),
  });
  const source: InputSource = { name: params.dirs.join(' '), directory: true, bytesRead: 0, peek: async () => Buffer.alloc(0), chunks: async function* () {} };
  return convertWith(source, 'scan', { read }, to, params, undefined, true);
}

/**
 * A convert run whose records come from a reader of the caller's (several inputs read one after
 * another: `merge`); `name` names the input in the summary.
 */
export async function convertFromReader(read: FormatReader, name: string, fromId: string, params: Omit<ConvertParams, 'input' | 'from'>): Promise<RunResult> {
  const to = await checkConvertUsage(params, defaultOptions(params.options));
  const source: InputSource = { name, bytesRead: 0, peek: async () => Buffer.alloc(0), chunks: async function* () {} };
  return convertWith(source, fromId, { read }, to, params);
}

/**
 * Where this run keeps temporary things, and so where a killed run may have left some: TMPDIR
 * (spill folders), beside -o FILE and --rejects (temporary files), inside -o DIR (staging).
 */
function tempFolders(params: ConvertParams, to: FormatDescriptor): string[] {
  const folders = [tmpdir()];
  for (const p of [params.output, params.rejects]) {
    if (typeof p !== 'string' || p === '-' || p === '') continue;
    folders.push(to.can.directory && p === params.output ? p : dirname(p));
  }
  return folders;
}

async function convertWith(source: InputSource, fromId: string, reader: FormatImpl, to: FormatDescriptor, params: ConvertParams, check?: PipelineParams['check'], shardInReader = false): Promise<RunResult> {
  const options = defaultOptions(params.options);
  const stale = await sweepStaleTemps(tempFolders(params, to));
  if (stale) params.onDiagnostic?.(stale);
  const impl = await to.load();
  const writer = withCrowdFilter(params.wrapWriter ? params.wrapWriter(impl, to) : impl, to, options);
  const parts = new Parts();
  const split = splitOutput(params, parts);
  const tree = treeOutput(params, to);
  const output = split || tree ? new MemorySink() : typeof params.output === 'object' ? params.output : await openOutput(params.output);
  let rejects: OutputSink | undefined;
  const extras: OutputSink[] = [];
  const placed: OutputSink[] = [];
  const report = params.onDiagnostic ?? (() => undefined);
  try {
    await tree?.open();
    rejects = params.rejects !== undefined ? await openOutput(params.rejects) : undefined;
    const stats = await runPipeline({
      input: source,
      reader,
      writer,
      output,
      rejects,
      ...(split ? { split } : {}),
      ...(tree ? { files: tree } : {}),
      openFile: async (path) => {
        const sink = await openOutput(path);
        extras.push(sink);
        return sink;
      },
      options,
      onDiagnostic: report,
      onProgress: params.onProgress ? (s) => params.onProgress!(s, source) : undefined,
      ...(check ? { check } : {}),
      ...(params.transform ? { transform: params.transform } : {}),
      ...(params.transformDataset ? { transformDataset: params.transformDataset } : {}),
      target: to,
      ...(shardInReader ? { shardInReader } : {}),
    });
    // every file is finished and renamed into place in turn; if one fails, those already in place
    // are removed again, so that a failed run leaves no output at all
    if (rejects) await place(rejects, placed);
    const skipped = withheld(stats, params, output);
    if (skipped) {
      await withhold(output, tree, parts, extras);
      return { ...stats, from: fromId, to: to.id, exitCode: 1, outputSkipped: skipped };
    }
    await parts.finish();
    await place(output, placed);
    for (const sink of extras) await place(sink, placed);
    const staleFiles = (await tree?.commit()) ?? [];
    if (staleFiles.length) {
      stats.warnings++;
      report(diag('OUTPUT_STALE_FILES', `files an earlier run wrote into ${tree!.dir} that this run did not: removed ${staleFiles.join(', ')}`, { file: tree!.dir }));
    }
    await parts.commit(placed);
    if (typeof params.split === 'number' && typeof params.output === 'string') {
      const stale = await removeStaleParts(params.output, parts.files);
      if (stale.length) {
        stats.warnings++;
        report(diag('OUTPUT_STALE_PARTS', `numbered parts of an earlier run beyond this run's ${parts.files}: removed ${stale.join(', ')}`, { file: params.output }));
      }
    }
    if (stale) stats.warnings++;
    return { ...stats, from: fromId, to: to.id, exitCode: stats.errors > 0 || stats.rejected > 0 ? 1 : 0 };
  } catch (e) {
    await withhold(output, tree, parts, extras);
    for (const sink of placed) await sink.discard?.();
    await rejects?.abort();
    throw masked(e);
  }
}

/**
 * Why the output is not written, or undefined: a run whose every record was rejected would leave
 * an empty manifest or a header-only table in place of the file that was there. Only outputs
 * that are not yet in place can be held back: files, parts and folders annoconv opened, not
 * stdout, a device or a sink of the caller's.
 */
function withheld(stats: RunStats, params: ConvertParams, output: OutputSink): string | undefined {
  if (stats.rejected === 0 || stats.rejected < stats.read) return undefined;
  const ours = typeof params.output === 'string' && params.output !== '-';
  if (!ours || (!output.commit && !(output instanceof MemorySink))) return undefined;
  return 'all records rejected';
}

/** Removes every output of the run that is not yet in place (temporary files, parts, staging). */
async function withhold(output: OutputSink, tree: FileTree | undefined, parts: Parts, extras: OutputSink[]): Promise<void> {
  await output.abort();
  await tree?.abort();
  await parts.abort();
  for (const sink of extras) await sink.abort();
}

/** Completes a sink and puts it in place; a file put in place is added to `placed`. */
async function place(sink: OutputSink, placed: OutputSink[]): Promise<void> {
  if (!sink.finish || !sink.commit) return sink.close();
  await sink.finish();
  await sink.commit();
  placed.push(sink);
}

/** An error whose diagnostic shows no registered secret (library callers print it themselves). */
function masked(e: unknown): unknown {
  if (!(e instanceof AnnoconvError)) return e;
  const d = redactDiagnostic(e.diagnostic);
  return d === e.diagnostic ? e : new AnnoconvError(d, e.exitCode);
}

/** Validate one input; nothing is written. */
export async function validate(params: CommonParams): Promise<RunResult> {
  const options = defaultOptions(params.options);
  await checkValidateUsage(params, options);
  const stale = await sweepStaleTemps([tmpdir()]);
  if (stale) params.onDiagnostic?.(stale);
  const source = await resolveInput(params.input, options);
  const from = await resolveFormat(source, params.from, 'validate');
  const reader = await from.load();
  const check = watch(source, params.from, from);
  const stats = await runPipeline({
    input: check?.recorded.input ?? source,
    reader,
    options,
    onDiagnostic: params.onDiagnostic ?? (() => undefined),
    onProgress: params.onProgress ? (s) => params.onProgress!(s, source) : undefined,
    ...(check ? { check } : {}),
    ...(params.transform ? { transform: params.transform } : {}),
    ...(params.transformDataset ? { transformDataset: params.transformDataset } : {}),
    ...(from.can.shardByPath === true && source.directory === true ? { shardInReader: true } : {}),
  }).catch((e: unknown) => {
    throw masked(e);
  });
  if (stale) stats.warnings++;
  return { ...stats, from: from.id, exitCode: stats.errors > 0 || stats.rejected > 0 ? 1 : 0 };
}

/**
 * The id of the input's format, detected from its content, or undefined. A file annoconv
 * recognises but does not read (COCO panoptic...) throws INPUT_FORMAT_UNSUPPORTED.
 */
export async function detect(input: string | InputSource): Promise<string | undefined> {
  const source = await resolveInput(input, defaultOptions());
  return (await detectFormat(source))?.format.id;
}
