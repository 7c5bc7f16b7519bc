/**
 * The annoconv command line: a thin layer over the library, and the only code that prints or exits.
 * A bare `--version` answers before yargs and the commands are loaded: it is what scripts probe.
 */
import { VERSION } from './version.js';

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const { run } = await import('./app.js');
  return run(argv);
}
