/**
 * Usage checks: everything about a run's parameters that can be wrong before a byte is read or
 * written. Each entry point calls its check first, so a mistyped format, a bad --split or a folder
 * format given a file name stops the run (exit 2) with the input unopened and the outputs untouched.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { partPath } from './split-output.js';
import { AnnoconvError, diag } from './diagnostics.js';
import type { FormatDescriptor } from './format.js';
import type { Options } from './options.js';
import { listFormats, requireFormat } from './registry.js';
import { objectUrls, type UrlStyle } from './object-url.js';
import { descriptorOf } from './output.js';
import { checkOptionFiles } from './option-files.js';

const usage = (message: string, file?: string): never => {
  throw new AnnoconvError(diag('OPTION_INVALID', message, file !== undefined ? { file } : {}), 2);
};

/** Only the fields of a run's parameters the checks look at (paths, formats, split). */
export interface UsageParams {
  input?: string | object;
  from?: string;
  to?: string;
  output?: string | object;
  rejects?: string;
  split?: number | object;
}

/** Checks a convert's parameters; returns the target format. */
export async function checkConvertUsage(params: UsageParams, options: Options): Promise<FormatDescriptor> {
  if (typeof params.to !== 'string' || params.to === '') usage('give the output format: --to FORMAT (annoconv formats lists them)');
  const to = requireFormat(params.to!, 'write');
  const from = params.from !== undefined ? requireFormat(params.from, 'read') : undefined;
  checkTargetUsage(to, params, options);
  checkDistinctPaths(params, options, to);
  await checkFormatOptions(from, to, options);
  return to;
}

/** Checks a scan's parameters (no input file); returns the target format. */
export async function checkScanUsage(params: UsageParams & { dirs: string[] }, options: Options): Promise<FormatDescriptor> {
  if (!params.dirs.length) usage('give at least one folder to scan');
  if (typeof params.to !== 'string' || params.to === '') usage('give the output format: --to FORMAT (annoconv formats lists them)');
  const to = requireFormat(params.to!, 'write');
  const f = options.format;
  if (typeof f.urlPrefix === 'string') {
    // renders one URL to check the prefix, --url-style and the S3 options together
    objectUrls({ prefix: f.urlPrefix, ...(typeof f.urlStyle === 'string' ? { style: f.urlStyle as UrlStyle } : {}), ...(typeof f.s3Region === 'string' ? { region: f.s3Region } : {}), ...(typeof f.s3Endpoint === 'string' ? { endpoint: f.s3Endpoint } : {}) });
  } else if (to.writeNeedsUrls) {
    usage(`${to.id} output needs media URLs and scan finds file paths: give --url-prefix (e.g. https://my-bucket.s3.eu-west-1.amazonaws.com/data/, or s3://my-bucket/data/ with --url-style)`);
  }
  checkTargetUsage(to, params, options);
  checkDistinctPaths(params, options, to);
  await checkFormatOptions(undefined, to, options, false);
  return to;
}

/** Checks a validate's parameters; returns the input format when one is given. */
export async function checkValidateUsage(params: { from?: string }, options: Options): Promise<FormatDescriptor | undefined> {
  checkCommonOptions(options);
  const from = params.from !== undefined ? requireFormat(params.from, 'validate') : undefined;
  await checkFormatOptions(from, undefined, options);
  return from;
}

/**
 * The formats' own option checks: the input format's read side (every readable format's when the
 * input format is to be detected: an option belongs to one format whichever reads), the target's write side.
 */
async function checkFormatOptions(from: FormatDescriptor | undefined, to: FormatDescriptor | undefined, options: Options, reads = true): Promise<void> {
  await checkOptionFiles(options);
  if (reads) for (const f of from ? [from] : listFormats().filter((x) => x.can.read)) await f.checkOptions?.(options, 'read');
  await to?.checkOptions?.(options, 'write');
}

function checkCommonOptions(options: Options): void {
  const media = options.format.mediaRoot;
  if (typeof media === 'string' && !isDirectory(media)) usage(`--media-root ${media} is not a folder`, media);
}

/** What the target asks of -o and --split. */
function checkTargetUsage(to: FormatDescriptor, params: UsageParams, options: Options): void {
  checkCommonOptions(options);
  const out = typeof params.output === 'string' && params.output !== '-' && params.output !== '' ? params.output : undefined;
  if (to.can.directory) {
    if (out === undefined) usage(`${to.id} output is a folder of files: give -o DIR`);
    checkFolderName(to, out!);
  }
  const s = params.split;
  if (s === undefined) return;
  const every = typeof s === 'number' ? s : (s as { every?: number }).every;
  if (!Number.isInteger(every) || (every as number) < 1) usage('--split must be a whole number of entries, at least 1');
  if (!to.can.split) usage(`--split: ${to.id} output cannot be split into numbered files`);
  if (typeof s === 'object') return;
  if (out === undefined) usage('--split writes numbered files named after -o FILE: give -o');
  if (/[\\/]$/.test(out!)) usage(`--split names its parts after -o FILE; ${out} is a folder name (give e.g. ${out}part.json)`);
}

/** Extensions of the files formats read and write: a folder called out.xml is almost surely a mistake. */
function fileExtensions(): Set<string> {
  const exts = new Set(['.gz', '.zip', '.tar', '.yaml', '.yml', '.txt']);
  for (const f of listFormats()) for (const e of f.extensions) exts.add(e.toLowerCase());
  return exts;
}

/** `-o DIR` of a folder format: an existing file, or a name with a file extension, is refused. */
function checkFolderName(to: FormatDescriptor, out: string): void {
  if (existsSync(out) && !isDirectory(out)) usage(`${to.id} output is a folder of files, and -o ${out} is a file: give a folder`, out);
  const name = basename(out.replace(/[\\/]+$/, '')).toLowerCase();
  const dot = name.lastIndexOf('.');
  if (dot > 0 && !existsSync(out) && fileExtensions().has(name.slice(dot))) {
    usage(`${to.id} output is a folder of files, and -o ${out} names a file: give a folder (e.g. -o ${out.slice(0, out.length - (name.length - dot))}/)`, out);
  }
}

/**
 * The files a run writes (-o, --rejects, --config-out) must differ from each other and from the
 * input (except -o, written atomically): one would otherwise overwrite the other without a word.
 * Links are followed; a character device (/dev/null, a terminal) may take several outputs.
 */
function checkDistinctPaths(params: UsageParams, options: Options, to: FormatDescriptor): void {
  const named: [string, unknown][] = [['the input', params.input], ['-o', params.output], ['--rejects', params.rejects], ['--config-out', options.format.configOut]];
  const seen = new Map<string, string>();
  // data written to stdout takes it: a rejects file or a config there would be mixed into the data
  const out = params.output;
  if ((out === undefined || out === '-') && !to.can.directory && params.split === undefined) seen.set('fd 1', 'the data on stdout');
  if (typeof out === 'string' && out !== '-') checkBeside(out, to, params, options);
  for (const [what, p] of named) {
    if (typeof p !== 'string' || p === '-' || p === '') continue;
    const key = fileKey(p);
    if (key === undefined) continue;
    const earlier = seen.get(key);
    // -o over the input is safe when it is a file: the output replaces it only once it is complete
    if (earlier && !(earlier === 'the input' && what === '-o' && isRegularFile(p))) usage(`${what} and ${earlier} name the same file (${p}): one would overwrite the other`, p);
    seen.set(key, what);
  }
}

/**
 * Files -o makes besides its own name: --split parts (out-001.json, ...) and the files of -o DIR.
 * --rejects or --config-out among them would be overwritten by the output.
 */
function checkBeside(out: string, to: FormatDescriptor, params: UsageParams, options: Options): void {
  const dir = to.can.directory ? realOrResolved(out) : undefined;
  const part = params.split !== undefined ? partPattern(out) : undefined;
  for (const [what, p] of [['--rejects', params.rejects], ['--config-out', options.format.configOut]] as const) {
    if (typeof p !== 'string' || p === '-' || p === '') continue;
    const full = realOrResolved(p);
    if (dir !== undefined && (full + '/').startsWith(dir + '/')) usage(`${what} ${p} is inside the output folder ${out}: the output would replace it`, p);
    if (part?.test(full)) usage(`${what} ${p} has the name of a --split part of -o ${out}: the output would replace it`, p);
  }
}

/** The names of -o's split parts, from partPath's rule: `out.json` -> `out-001.json`. */
function partPattern(out: string): RegExp {
  const sample = realOrResolved(partPath(out, 1));
  const at = sample.lastIndexOf('-001');
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${esc(sample.slice(0, at))}-\\d{3,}${esc(sample.slice(at + 4))}$`);
}

/** A path with its folder's links resolved (the file itself may not exist yet). */
function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return resolvePath(realpathSync(dirname(path)), basename(path));
    } catch {
      return resolvePath(path);
    }
  }
}

/** What identifies the file a path names: its real path, its descriptor; undefined for a character device. */
function fileKey(path: string): string | undefined {
  const fd = descriptorOf(path);
  if (fd !== undefined) return `fd ${fd}`;
  try {
    if (statSync(path).isCharacterDevice()) return undefined;
    return realpathSync(path);
  } catch {
    return resolvePath(path);
  }
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true; // not there yet: it will be a file
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
