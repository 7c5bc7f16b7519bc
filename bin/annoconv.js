#!/usr/bin/env node
// SIGUSR1 would make Node open its inspector, a debugging port on 127.0.0.1 that any local user
// can attach to and run code in this process: a listener of our own takes the signal instead, and
// ignores it. Installed before anything is loaded (hence the dynamic import below).
process.on('SIGUSR1', () => undefined);

try {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main();
} catch (e) {
  // the program could not be loaded (too many open files, a missing build): one line, exit 3
  const what = [e?.code, String(e?.message ?? e).split('\n')[0]].filter(Boolean).join(' ');
  process.stderr.write(`annoconv: error INTERNAL_ERROR cannot start: ${what}\n`);
  process.exitCode = 3;
}
