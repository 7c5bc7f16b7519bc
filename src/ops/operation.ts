/**
 * What the dataset operations share: a `convert` run with a step between reader and writer, whose
 * target defaults to the input's own format, and the counts of what the step changed.
 */
import { convert, detect, type ConvertParams, type RunResult } from '../core/run.js';
import { openInput } from '../core/io.js';
import { defaultOptions } from '../core/options.js';
import { AnnoconvError, diag } from '../core/diagnostics.js';
import { agree, type Noun } from '../core/noun.js';

/** One line of what an operation changed: "12 annotations relabelled". */
export interface Change {
  what: string;
  count: number;
}

export interface OperationParams extends Omit<ConvertParams, 'to' | 'transform' | 'transformDataset' | 'wrapWriter'> {
  /** Output format; absent: `from`, else the input's detected format. */
  to?: string;
}

export interface OperationResult extends RunResult {
  changes: Change[];
}

/** Counts by noun and verb, reported in a fixed order. */
export class ChangeCounter {
  private readonly counts = new Map<string, { noun: Noun; verb: string; n: number }>();

  add(noun: Noun, verb: string, n = 1): void {
    const key = noun.one + '\u0000' + verb;
    const c = this.counts.get(key);
    if (c) c.n += n;
    else this.counts.set(key, { noun, verb, n });
  }

  list(): Change[] {
    return [...this.counts.values()].filter((c) => c.n > 0).map((c) => ({ what: `${agree(c.n, c.noun)} ${c.verb}`, count: c.n }));
  }
}

/**
 * Runs `convert` with the operation's steps. Without `to` nor `from`, the input is detected first
 * (its head is read before the output is checked) and written back in its own format.
 */
export async function runOperation(
  params: OperationParams,
  steps: Pick<ConvertParams, 'transform' | 'transformDataset'> | ((to: string) => Partial<ConvertParams>),
  changes: ChangeCounter,
): Promise<OperationResult> {
  let to = params.to ?? params.from;
  let input = params.input;
  if (to === undefined) {
    const source = typeof input === 'object' ? input : await openInput(input, { maxInflatedSize: defaultOptions(params.options).maxInflatedSize });
    to = await detect(source);
    if (to === undefined) throw new AnnoconvError(diag('OPTION_INVALID', `the format of ${source.name} is not recognised: give --from (and --to for another output format)`), 2);
    input = source;
  }
  const more = typeof steps === 'function' ? steps(to) : steps;
  const r = await convert({ ...params, ...(input !== undefined ? { input } : {}), to, ...more });
  // the run's own changes (masks traced for the target) first, then the operation's
  return { ...r, changes: [...(r.changes ?? []), ...changes.list()] };
}
