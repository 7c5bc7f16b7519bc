// Preloaded into a CLI run by the memory tests (node --import): prints the peak RSS at exit.
// VmHWM of /proc/self/status is this process's own peak; getrusage's maxrss is not used because
// Linux carries the forking parent's peak across exec into it.
import { readFileSync, writeSync } from 'node:fs';
process.on('exit', () => {
  let kb = process.resourceUsage().maxRSS;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) kb = Number(m[1]);
  } catch {
    // no /proc: getrusage's figure
  }
  try {
    writeSync(2, `\nMAXRSS_KB ${kb}\n`);
  } catch {
    // stderr closed: nothing to report to
  }
});
