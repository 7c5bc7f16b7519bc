/**
 * What yargs lets through and a script cannot survive: an option given twice (yargs makes an array,
 * and later code reads one value), `--no-to` (yargs makes `false` of a string option), an empty
 * value (`-o ''`), and operands after `--` (yargs keeps them apart, so the input went unread). Each
 * is a usage error, or for `--`, the operands become the command's positionals.
 */
import type { Argv } from 'yargs';
import { AnnoconvError, diag } from '../core/diagnostics.js';
import type { Args } from './common.js';

const usage = (message: string): never => {
  throw new AnnoconvError(diag('OPTION_INVALID', message), 2);
};

interface Declared {
  string?: string[];
  number?: string[];
  boolean?: string[];
  array?: string[];
  key?: Record<string, unknown>;
}

/** The options of the running command, as yargs knows them (its builder has run). */
export function declaredOptions(y: Argv): Declared {
  return (y as unknown as { getOptions(): Declared }).getOptions();
}

/** Options that take a value must be given one: `--split -o x` is not `--split` of nothing. */
export function requireValues(y: Argv): Argv {
  const d = declaredOptions(y);
  const keys = [...(d.string ?? []), ...(d.number ?? [])].filter((k) => !/[A-Z]/.test(k));
  return keys.length ? y.requiresArg(keys) : y;
}

/** Refuses repeated, negated and empty option values (exit 2). */
export function checkOptionValues(args: Args, d: Declared): void {
  const arrays = new Set(d.array ?? []);
  const booleans = new Set(d.boolean ?? []);
  const strings = new Set(d.string ?? []);
  for (const key of Object.keys(d.key ?? {})) {
    if (/[A-Z]/.test(key) || arrays.has(key) || !(key in args)) continue;
    const v = args[key];
    if (v === undefined) continue;
    if (Array.isArray(v)) usage(`--${key} is given ${v.length} times: give it once`);
    if (typeof v === 'boolean' && !booleans.has(key)) usage(`--no-${key}: --${key} takes a value, it cannot be negated`);
    if (strings.has(key) && v === '') usage(`--${key} needs a value, got an empty one`);
  }
}

/**
 * Operands after `--` (a file named `-x`, or any file) are the command's positional: one for
 * `[input]`, several for `[inputs..]`. Returns the arguments with them in place.
 */
export function takeOperands(args: Args, command: string): Args {
  const rest = (args['--'] as unknown[] | undefined)?.map(String) ?? [];
  if (!rest.length) return args;
  const m = /[[<](\w+)(\.\.)?[\]>]/.exec(command);
  if (!m) usage(`unexpected argument${rest.length > 1 ? 's' : ''} after --: ${rest.join(', ')}`);
  const [, name, many] = m!;
  if (many) return { ...args, [name!]: [...((args[name!] as string[] | undefined) ?? []), ...rest] };
  if (args[name!] !== undefined || rest.length > 1) {
    const extra = args[name!] !== undefined ? rest : rest.slice(1);
    usage(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.join(', ')} (${command.split(' ')[0]} reads one input)`);
  }
  return { ...args, [name!]: rest[0] };
}
