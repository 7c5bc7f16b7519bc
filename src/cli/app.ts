/** The yargs application: commands, global options, help and usage errors. */
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { removeAllTemps } from '../core/cleanup.js';
import { DEFAULT_MAX_INFLATED_SIZE } from '../core/options.js';
import { err, handleError } from './output.js';
import { registerCommands, outcome } from './commands.js';
import { VERSION } from './version.js';

function installSignalHandlers(): void {
  const onSignal = (signal: NodeJS.Signals, code: number) => () => {
    removeAllTemps();
    err(`\nannoconv: interrupted by ${signal}; temporary files removed\n`);
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

function build(argv: string[]): Argv {
  const y = yargs(argv)
    .scriptName('annoconv')
    .usage('$0 <command> [options]\n\nRead, validate and convert annotation data. Data goes to stdout; diagnostics, the summary and progress go to stderr.')
    .option('diagnostics', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'how diagnostics are printed on stderr (json: one object per line)', global: true })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print errors only: no warnings, summary or progress', global: true })
    .option('max-diagnostics', { type: 'number', default: 1000, describe: 'print at most N diagnostics, count the rest (0 = all)', global: true })
    .option('max-record-size', { type: 'number', default: 16 * 1024 * 1024, describe: 'largest record (line) in bytes a reader holds in memory; larger ones are reported and skipped', global: true })
    .option('max-inflated-size', { type: 'number', default: DEFAULT_MAX_INFLATED_SIZE, describe: 'most bytes a gzip input may inflate to (default 64 GiB); reading stops there with INPUT_GZIP_TOO_LARGE', global: true })
    .option('workers', { type: 'number', default: 0, describe: 'worker threads for parallel stages (joining large COCO files to the annoconv format): faster, at the cost of memory', global: true })
    .version(VERSION)
    .alias('version', 'V')
    .help()
    .alias('help', 'h')
    .strict()
    .demandCommand(1, 'give a command: convert, validate, detect, formats or schema')
    .epilogue('Exit codes: 0 ok, 1 invalid input or rejected records, 2 usage error, 3 I/O error.')
    .wrap(Math.min(110, process.stdout.columns || 100));
  registerCommands(y);
  return y;
}

export async function run(argv: string[]): Promise<number> {
  installSignalHandlers();
  let exitCode = 0;
  let usageError: string | undefined;
  const y = build(argv).fail((msg, e) => {
    if (e) throw e;
    usageError = msg;
  });
  try {
    await y.parseAsync();
    if (usageError !== undefined) {
      err(`annoconv: error OPTION_INVALID ${usageError}\nRun "annoconv --help" for usage.\n`);
      return 2;
    }
    exitCode = outcome.exitCode;
  } catch (e) {
    const mode = argv.includes('json') && argv.some((a) => a.startsWith('--diagnostics')) ? 'json' : 'text';
    exitCode = handleError(e, mode);
  }
  return exitCode;
}
