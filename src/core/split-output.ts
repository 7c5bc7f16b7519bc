/**
 * `--split N`: numbered output files named after `-o` (`out.json` -> `out-001.json`, ...). A part
 * written to a file is completed and closed when the next one opens (thousands of parts never hold
 * thousands of descriptors) but stays a temporary file until the run succeeds: then all are
 * renamed into place; a failed run removes them all, and an earlier run's parts at the same names
 * are untouched.
 */
import { unlink } from 'node:fs/promises';
import type { OutputSink } from './io.js';
import { openOutput } from './output.js';
import type { SplitOutput } from './format.js';

/** The path of part `n` of a split output: `out.json` -> `out-001.json`. */
export function partPath(path: string, n: number): string {
  // the number goes before the extension, and before both of `.json.gz`
  const m = /^(.*?)((?:\.[A-Za-z0-9]{1,8})?(?:\.gz)?)$/i.exec(path)!;
  const slash = Math.max(m[1]!.lastIndexOf('/'), m[1]!.lastIndexOf('\\'));
  const [stem, ext] = m[1]!.length > slash + 1 ? [m[1]!, m[2]!] : [path, ''];
  return `${stem}-${String(n).padStart(3, '0')}${ext}`;
}

/** The parts of one run: `open` holds the part being written, `done` the completed ones. */
export class Parts {
  readonly open: { sink: OutputSink; path?: string }[] = [];
  readonly done: { sink: OutputSink; path?: string }[] = [];

  /** Completes the open part: a file is finished (kept as a temporary file), another sink closed. */
  async finish(): Promise<void> {
    while (this.open.length) {
      const p = this.open[0]!;
      if (p.sink.finish) await p.sink.finish();
      else await p.sink.close();
      this.open.shift();
      this.done.push(p);
    }
  }

  /** After success: every part renamed into place (each added to `placed` once it is). */
  async commit(placed: OutputSink[]): Promise<void> {
    await this.finish();
    for (const { sink } of this.done) {
      if (!sink.commit) continue;
      await sink.commit();
      placed.push(sink);
    }
  }

  /** Removes every part not yet put in place. */
  async abort(): Promise<void> {
    for (const p of [...this.open, ...this.done]) await p.sink.abort();
  }

  /** Parts written to files named after `-o`. */
  get files(): number {
    return this.done.filter((p) => p.path !== undefined).length;
  }
}

/** What a convert asks of the split: every N entries, into files after `output`, or into sinks of the caller's. */
export interface SplitRequest {
  split?: number | SplitOutput;
  output?: unknown;
}

/**
 * The split output a convert asks for. Its usage (a whole number, a target that splits, -o FILE)
 * was checked before the run by checkConvertUsage.
 */
export function splitOutput(params: SplitRequest, parts: Parts): SplitOutput | undefined {
  const s = params.split;
  if (s === undefined) return undefined;
  const every = typeof s === 'number' ? s : s.every;
  let open: (n: number) => Promise<OutputSink>;
  let pathOf: ((n: number) => string) | undefined;
  if (typeof s === 'object') open = s.open;
  else {
    const path = params.output as string;
    pathOf = (n) => partPath(path, n);
    open = (n) => openOutput(pathOf!(n));
  }
  return {
    every,
    async open(n) {
      await parts.finish();
      const sink = await open(n);
      parts.open.push({ sink, ...(pathOf ? { path: pathOf(n) } : {}) });
      return sink;
    },
  };
}

/**
 * Parts numbered after this run's last that an earlier run left (out-004.json after a run of 3):
 * removed, so that the numbered set on disk is this run's output and nothing else. The sweep goes
 * up from the next number and stops at the first name that is not there, or at the first that
 * cannot be removed (named in the result): an error that repeats for every later name (over 255
 * bytes from part 1000 on) kept it going for ever. A name too long to exist is not a part.
 */
export async function removeStaleParts(path: string, written: number): Promise<string[]> {
  const removed: string[] = [];
  for (let n = written + 1; ; n++) {
    const p = partPath(path, n);
    try {
      await unlink(p);
      removed.push(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENAMETOOLONG') removed.push(`${p} (could not remove it: ${code ?? 'error'})`);
      return removed;
    }
  }
}
