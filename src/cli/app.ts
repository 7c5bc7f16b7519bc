/**
 * The yargs application: commands, help, completion and usage errors. A usage error (unknown
 * option, bad value, missing --to, an extra input) throws from yargs' validation, before any
 * command handler runs: nothing is read and nothing is written.
 */
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { removeAllTemps } from '../core/cleanup.js';
import { AnnoconvError, diag } from '../core/diagnostics.js';
import { err, handleError } from './output.js';
import { formatJson } from './render.js';
import { COMMANDS } from './commands/index.js';
import { EXIT_CODES, type Args } from './common.js';
import { nearest } from './suggest.js';
import { checkOptionValues, declaredOptions, requireValues, takeOperands } from './args.js';
import { VERSION } from './version.js';
import { listFormats } from '../core/registry.js';

function installSignalHandlers(mode: 'text' | 'json'): void {
  const onSignal = (signal: NodeJS.Signals, code: number) => () => {
    removeAllTemps();
    const message = `interrupted by ${signal}; temporary files removed`;
    err(mode === 'json' ? formatJson(diag('RUN_INTERRUPTED', message)) + '\n' : `\nannoconv: ${message}\n`);
    process.exit(code);
  };
  // 128 + the signal's number, as shells report it; SIGHUP (the terminal closed) and SIGQUIT
  // (Ctrl-\) would otherwise end the process without removing anything
  process.once('SIGINT', onSignal('SIGINT', 130));
  process.once('SIGTERM', onSignal('SIGTERM', 143));
  process.once('SIGHUP', onSignal('SIGHUP', 129));
  process.once('SIGQUIT', onSignal('SIGQUIT', 131));
  process.once('exit', removeAllTemps);
  // A closed stdout ends the run quietly (`annoconv ... | head -1`).
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      removeAllTemps();
      process.exit(0);
    }
  });
}

// yargs' CommonJS build loads in ~20 ms against ~90 ms for the ESM entry of yargs 18: startup
// time is what a pipe of annoconv commands pays on every call.
const require = createRequire(import.meta.url);
const yargs = require('yargs/yargs') as (argv: string[]) => Argv;

/** A usage error found by yargs' own validation, with the command it concerns. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly command: string | undefined,
  ) {
    super(message);
  }
}

/** The exit code of the handler that ran (yargs does not pass return values through). */
const outcome = { exitCode: 0 };

function build(argv: string[]): Argv {
  const y = yargs(argv)
    .scriptName('annoconv')
    .usage('$0 <command> [options]\n\nRead, validate and convert annotation data. Data goes to stdout; diagnostics, the summary and progress go to stderr.\n"annoconv help COMMAND" shows the options of one command.')
    .version(VERSION)
    .alias('version', 'V')
    .help()
    .alias('help', 'h')
    .strict()
    .parserConfiguration({ 'populate--': true })
    .completion('completion', 'print a bash/zsh completion script (annoconv completion >> ~/.bashrc)')
    .demandCommand(1, 'give a command: convert, validate, scan, detect, formats or schema')
    .epilogue(EXIT_CODES)
    .wrap(Math.min(110, process.stdout.columns || 100));
  for (const c of COMMANDS) {
    y.command(c.command, c.describe, (cy) => requireValues(c.builder(cy)), async (args) => {
      checkOptionValues(args as unknown as Args, declaredOptions(y));
      outcome.exitCode = await c.handler(takeOperands(args as unknown as Args, c.command));
    });
  }
  return y;
}

/** `--diagnostics json` anywhere on the line, read before yargs (which may be what failed). */
function jsonMode(argv: string[]): boolean {
  return argv.some((a, i) => a === '--diagnostics=json' || (a === '--diagnostics' && argv[i + 1] === 'json'));
}

const commandNames = COMMANDS.map((c) => c.command.split(' ')[0]!);

/**
 * With --diagnostics json, a warning of Node.js itself (a deprecation, a descriptor closed on
 * collection) would be the one line of stderr that is not JSON: it is reported as a diagnostic.
 */
function jsonRuntimeWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (w) => err(formatJson(diag('INTERNAL_ERROR', `Node.js warning: ${w.name}: ${w.message}`, {}, 'warning')) + '\n'));
}

/** `annoconv help [COMMAND]` is `annoconv [COMMAND] --help`. */
function rewriteHelp(argv: string[]): string[] {
  if (argv[0] !== 'help') return argv;
  // an unknown name stays a command, so that it is reported as one
  return argv[1] !== undefined ? [argv[1], ...(commandNames.includes(argv[1]) ? ['--help'] : [])] : ['--help'];
}

/**
 * A lone "-" (stdin) among positionals is handed to yargs as "", which it keeps as a positional;
 * yargs itself refuses "-" in a list of positionals (`validate a.json -`). After an option ("-o -")
 * it stays: it is that option's value.
 */
function loneDashes(argv: string[]): string[] {
  if (!LIST_COMMANDS.some((c) => argv.includes(c))) return argv; // yargs takes a lone "-" positional itself
  return argv.map((a, i) => (a === '-' && i > 0 && !argv[i - 1]!.startsWith('-') ? '' : a));
}

/** The commands whose positionals are a list. */
const LIST_COMMANDS = ['validate', 'merge'];

/** One line saying what was wrong, what was probably meant, and where help is. */
function usageMessage(e: UsageError, argv: string[], known: string[]): string {
  let msg = e.message;
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg);
  if (unknown) {
    const names = unknown[1]!.split(', ');
    const extra = names.filter((n) => argv.includes(n) && !n.startsWith('-'));
    const hints = names.filter((n) => !extra.includes(n)).map((n) => {
      const near = nearest(n.replace(/^-+/, ''), known);
      return near ? `--${n.replace(/^-+/, '')} (did you mean --${near}?)` : `--${n.replace(/^-+/, '')}`;
    });
    const parts: string[] = [];
    if (hints.length) parts.push(`unknown option${hints.length > 1 ? 's' : ''} ${hints.join(', ')}`);
    if (extra.length) parts.push(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.join(', ')}${e.command === 'convert' ? ' (convert reads one input; validate takes several)' : ''}`);
    msg = parts.join('; ');
  } else if (/^Invalid values?:/.test(msg)) {
    // "Invalid values:\n  Argument: on-invalid, Given: "fial", Choices: "skip", "fail""
    msg = [...msg.matchAll(/Argument: ([^,]+), Given: (.*?), Choices: (.*)$/gm)].map((m) => `--${m[1]} ${m[2]} is not one of ${m[3]!.replace(/"/g, '')}`).join('; ') || msg;
  } else if (/^Not enough arguments following: /.test(msg)) {
    msg = `--${msg.slice('Not enough arguments following: '.length)} needs a value`;
  } else if (/^Missing required arguments?:/.test(msg) && msg.includes('\n')) {
    msg = msg.slice(msg.indexOf('\n') + 1); // the option's own message says what to give
  }
  return withHint(msg.replace(/\s*\n\s*/g, '; '), e.command);
}

/** A usage message ends with where the help is. */
function withHint(message: string, command: string | undefined): string {
  return `${message}; see "annoconv ${command ? command + ' ' : ''}--help"`;
}

/**
 * Tab completion of format names (`--to c<Tab>`, `schema co<Tab>`), which yargs cannot know: the
 * shell script asks `annoconv --get-yargs-completions annoconv WORDS...`. Undefined: yargs answers.
 */
function formatCompletions(argv: string[]): string[] | undefined {
  if (argv[0] !== '--get-yargs-completions') return undefined;
  const words = argv.slice(2); // after the program name
  const current = words.at(-1) ?? '';
  const previous = words.at(-2);
  const wantsFormat = ['--to', '-t', '--from', '-f', '--format'].includes(previous ?? '') || (words[0] === 'schema' && words.length === 2);
  if (!wantsFormat) return undefined;
  return listFormats().flatMap((f) => [f.id, ...f.aliases]).filter((n) => n.startsWith(current));
}

export async function run(rawArgv: string[]): Promise<number> {
  const formats = formatCompletions(rawArgv);
  if (formats) {
    process.stdout.write(formats.join('\n') + (formats.length ? '\n' : ''));
    return 0;
  }
  const argv = loneDashes(rewriteHelp(rawArgv));
  installSignalHandlers(jsonMode(argv) ? 'json' : 'text');
  const command = argv.find((a) => commandNames.includes(a));
  let known: string[] = [];
  outcome.exitCode = 0;
  const y: Argv = build(argv).fail((msg, e) => {
    // yargs' own parse errors (an option without its value) are usage errors too
    if (e && e.name !== 'YError') throw e;
    if (e) msg = e.message;
    // the options of the command being parsed (its builder has run), for "did you mean"
    known = Object.keys((y as unknown as { getOptions(): { key?: Record<string, unknown> } }).getOptions().key ?? {}).filter((k) => !/[A-Z]/.test(k));
    throw new UsageError(msg, command);
  });
  const mode = jsonMode(argv) ? 'json' : 'text';
  if (mode === 'json') jsonRuntimeWarnings();
  try {
    await y.parseAsync();
    return outcome.exitCode;
  } catch (e) {
    if (e instanceof UsageError) {
      if (!commandNames.includes(argv[0] ?? '') && argv[0] !== undefined && !argv[0].startsWith('-') && e.command === undefined) {
        const near = nearest(argv[0], [...commandNames, 'help', 'completion']);
        e = new UsageError(`unknown command ${argv[0]}${near ? ` (did you mean ${near}?)` : ''}`, undefined);
      }
      return handleError(new AnnoconvError(diag('OPTION_INVALID', usageMessage(e as UsageError, argv, known)), 2), mode);
    }
    if (e instanceof AnnoconvError && e.exitCode === 2) {
      return handleError(new AnnoconvError({ ...e.diagnostic, message: withHint(e.diagnostic.message, command) }, 2), mode);
    }
    return handleError(e, mode);
  }
}
