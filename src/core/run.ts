/**
 * The library's entry points: convert and validate, from paths or streams, with format detection,
 * atomic outputs and a rejects file. Used as-is by the CLI.
 */
import { AnnoconvError, diag, type DiagnosticSink } from './diagnostics.js';
import { redactDiagnostic } from './secrets.js';
import { unlink } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { FileTree } from './file-tree.js';
import { MemorySink, openInput, openOutput, type InputSource, type OutputSink } from './io.js';
import { defaultOptions, type Options } from './options.js';
import { runPipeline, type PipelineParams, type RunStats } from './pipeline.js';
import { requireFormat } from './registry.js';
import { detectFormat, resolveFormat } from './detect.js';
import { recordHead } from './first-records.js';
import type { FormatDescriptor, FormatImpl, SplitOutput } from './format.js';

export interface RunResult extends RunStats {
  /** Format the input was read as (detected when not given). */
  from: string;
  to?: string;
  /** 0 ok, 1 invalid input or rejected records. I/O and usage problems throw AnnoconvError. */
  exitCode: 0 | 1;
}

export interface CommonParams {
  /** A path, '-' or undefined for stdin, or an InputSource. */
  input?: string | InputSource;
  /** Input format id or alias; detected from the content when absent. */
  from?: string;
  options?: Partial<Options>;
  onDiagnostic?: DiagnosticSink;
  onProgress?: (stats: RunStats, input: InputSource) => void;
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

/** The path of part `n` of a split output: `out.json` -> `out-001.json`. */
export function partPath(path: string, n: number): string {
  // the number goes before the extension, and before both of `.json.gz`
  const m = /^(.*?)((?:\.[A-Za-z0-9]{1,8})?(?:\.gz)?)$/i.exec(path)!;
  const slash = Math.max(m[1]!.lastIndexOf('/'), m[1]!.lastIndexOf('\\'));
  const [stem, ext] = m[1]!.length > slash + 1 ? [m[1]!, m[2]!] : [path, ''];
  return `${stem}-${String(n).padStart(3, '0')}${ext}`;
}

/**
 * Parts of a split output. A part written to a file is completed and closed when the next one
 * opens (thousands of parts never hold thousands of descriptors) but stays a temporary file until
 * the run succeeds: then all are renamed into place; a failed run removes them all, and an earlier
 * run's parts at the same names are untouched. `finished` holds the paths renamed into place.
 */
interface Parts {
  open: { sink: OutputSink; path?: string }[];
  done: OutputSink[];
  finished: string[];
}

/** Completes the open part: a file is finished (kept as a temporary file), another sink closed. */
async function finishParts(parts: Parts): Promise<void> {
  while (parts.open.length) {
    const p = parts.open[0]!;
    if (p.sink.finish) await p.sink.finish();
    else await p.sink.close();
    parts.open.shift();
    parts.done.push(p.sink);
    if (p.path) parts.finished.push(p.path);
  }
}

/** After success: every finished part renamed into place (each path added to `placed` once it is). */
async function commitParts(parts: Parts, placed: string[]): Promise<void> {
  await finishParts(parts);
  for (const [i, sink] of parts.done.entries()) {
    await sink.commit?.();
    if (parts.finished[i] !== undefined) placed.push(parts.finished[i]!);
  }
}

/**
 * The split output a convert asks for, checked against the target. A part is finished (renamed
 * into place) when the next one opens, so that thousands of parts never hold thousands of files
 * open; if the run fails, the finished parts are removed.
 */
function splitOutput(params: ConvertParams, to: FormatDescriptor, parts: Parts): SplitOutput | undefined {
  const s = params.split;
  if (s === undefined) return undefined;
  const every = typeof s === 'number' ? s : s.every;
  if (!Number.isInteger(every) || every < 1) throw new AnnoconvError(diag('OPTION_INVALID', '--split must be a whole number of entries, at least 1'), 2);
  if (!to.can.split) throw new AnnoconvError(diag('OPTION_INVALID', `--split: ${to.id} output cannot be split into numbered files`), 2);
  let open: (n: number) => Promise<OutputSink>;
  let pathOf: ((n: number) => string) | undefined;
  if (typeof s === 'object') open = s.open;
  else if (typeof params.output === 'string' && params.output !== '-') {
    const path = params.output;
    if (/[\\/]$/.test(path)) throw new AnnoconvError(diag('OPTION_INVALID', `--split names its parts after -o FILE; ${path} is a folder name (give e.g. ${path}part.json)`), 2);
    pathOf = (n) => partPath(path, n);
    open = (n) => openOutput(pathOf!(n));
  } else throw new AnnoconvError(diag('OPTION_INVALID', '--split writes numbered files named after -o FILE: give -o'), 2);
  return {
    every,
    async open(n) {
      await finishParts(parts);
      const sink = await open(n);
      parts.open.push({ sink, ...(pathOf ? { path: pathOf(n) } : {}) });
      return sink;
    },
  };
}

/**
 * Parts numbered after this run's last that an earlier run left (out-004.json after a run of 3):
 * removed, so that the numbered set on disk is this run's output and nothing else.
 */
async function removeStaleParts(path: string, written: number): Promise<string[]> {
  const removed: string[] = [];
  for (let n = written + 1; ; n++) {
    const p = partPath(path, n);
    try {
      await unlink(p);
      removed.push(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return removed;
      removed.push(`${p} (could not remove it: ${code ?? 'error'})`);
    }
  }
}

/** The output folder of a target that writes one file an item (VOC, YOLO): `-o DIR` is required. */
function treeOutput(params: ConvertParams, to: FormatDescriptor): FileTree | undefined {
  if (!to.can.directory) return undefined;
  if (typeof params.output !== 'string' || params.output === '-') {
    throw new AnnoconvError(diag('OPTION_INVALID', `${to.id} output is a folder of files: give -o DIR`), 2);
  }
  return new FileTree(params.output);
}

async function resolveInput(input: string | InputSource | undefined): Promise<InputSource> {
  return typeof input === 'object' ? input : openInput(input);
}


/** Convert one input to another format. */
export async function convert(params: ConvertParams): Promise<RunResult> {
  const to = requireFormat(params.to, 'write');
  const source = await resolveInput(params.input);
  const from = await resolveFormat(source, params.from, 'read');
  const check = watch(source, params.from, from);
  return convertWith(check?.recorded.input ?? source, from.id, await from.load(), to, params, check);
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

/** Items from the media files found below folders (`annoconv scan`), written in any format. */
export async function scan(params: ScanParams): Promise<RunResult> {
  const to = requireFormat(params.to, 'write');
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
  return convertWith(source, 'scan', { read }, to, params);
}

/**
 * The files a run writes (-o, --rejects, --config-out) must differ from each other and from the
 * input (except -o, written atomically): one would otherwise overwrite the other without a word.
 */
function checkDistinctPaths(source: InputSource, params: ConvertParams, options: Options): void {
  const named: [string, unknown][] = [['the input', source.path], ['-o', params.output], ['--rejects', params.rejects], ['--config-out', options.format.configOut]];
  const seen = new Map<string, string>();
  for (const [what, p] of named) {
    if (typeof p !== 'string' || p === '-' || p === '') continue;
    const key = resolvePath(p);
    const earlier = seen.get(key);
    // -o over the input is safe: the output replaces it only once it is complete
    if (earlier && !(earlier === 'the input' && what === '-o')) throw new AnnoconvError(diag('OPTION_INVALID', `${what} and ${earlier} name the same file (${p}): one would overwrite the other`, { file: p }), 2);
    seen.set(key, what);
  }
}

async function convertWith(source: InputSource, fromId: string, reader: FormatImpl, to: FormatDescriptor, params: ConvertParams, check?: PipelineParams['check']): Promise<RunResult> {
  const options = defaultOptions(params.options);
  checkDistinctPaths(source, params, options);
  const writer = await to.load();
  const parts: Parts = { open: [], done: [], finished: [] };
  const split = splitOutput(params, to, parts);
  const tree = treeOutput(params, to);
  const output = split || tree ? new MemorySink() : typeof params.output === 'object' ? params.output : await openOutput(params.output);
  let rejects: OutputSink | undefined;
  const committed: string[] = [];
  try {
    rejects = params.rejects !== undefined ? await openOutput(params.rejects) : undefined;
    const stats = await runPipeline({
      input: source,
      reader,
      writer,
      output,
      rejects,
      ...(split ? { split } : {}),
      ...(tree ? { files: tree } : {}),
      options,
      onDiagnostic: params.onDiagnostic ?? (() => undefined),
      onProgress: params.onProgress ? (s) => params.onProgress!(s, source) : undefined,
      ...(check ? { check } : {}),
    });
    // every file is finished and renamed into place in turn; if one fails, those already in place
    // are removed again, so that a failed run leaves no output at all
    await rejects?.close();
    if (params.rejects !== undefined) committed.push(params.rejects);
    await finishParts(parts);
    await output.close();
    if (!split && !tree && typeof params.output === 'string' && params.output !== '-') committed.push(params.output);
    await tree?.commit();
    await commitParts(parts, committed);
    if (typeof params.split === 'number' && typeof params.output === 'string') {
      const stale = await removeStaleParts(params.output, parts.finished.length);
      if (stale.length) {
        stats.warnings++;
        (params.onDiagnostic ?? (() => undefined))(diag('OUTPUT_STALE_PARTS', `numbered parts of an earlier run beyond this run's ${parts.finished.length}: removed ${stale.join(', ')}`, { file: params.output }));
      }
    }
    return { ...stats, from: fromId, to: to.id, exitCode: stats.errors > 0 || stats.rejected > 0 ? 1 : 0 };
  } catch (e) {
    await output.abort();
    await tree?.abort();
    for (const p of parts.open) await p.sink.abort();
    for (const sink of parts.done) await sink.abort();
    for (const f of committed) await unlink(f).catch(() => undefined);
    await rejects?.abort();
    throw masked(e);
  }
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
  const source = await resolveInput(params.input);
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
  }).catch((e: unknown) => {
    throw masked(e);
  });
  return { ...stats, from: from.id, exitCode: stats.errors > 0 || stats.rejected > 0 ? 1 : 0 };
}

/**
 * The id of the input's format, detected from its content, or undefined. A file annoconv
 * recognises but does not read (COCO panoptic...) throws INPUT_FORMAT_UNSUPPORTED.
 */
export async function detect(input: string | InputSource): Promise<string | undefined> {
  const source = await resolveInput(input);
  return (await detectFormat(source))?.format.id;
}
