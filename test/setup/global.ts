/**
 * Runs once before the suite: says plainly which groups of tests cannot run on this machine, so a
 * green run without them is not mistaken for a run with them.
 */
import { existsSync } from 'node:fs';
import { CORPUS } from '../helpers/run.js';

export default function setup(): void {
  if (!existsSync(CORPUS)) {
    process.stdout.write(`\nannoconv tests: ${CORPUS} is not there: the corpus tests (real files from other projects) are SKIPPED.\n\n`);
  }
}
