/**
 * Each test file gets a TMPDIR of its own, inherited by the annoconv processes it starts. A run
 * removes the temporary files of killed runs it finds in TMPDIR and says so (TEMP_STALE_REMOVED):
 * in one shared folder, a test that kills a run on purpose would add that warning to the
 * diagnostics of whichever test ran next, in another file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const own = mkdtempSync(join(tmpdir(), 'annoconv-test-tmp-'));
const before = process.env.TMPDIR;
process.env.TMPDIR = own;

afterAll(() => {
  if (before === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = before;
  rmSync(own, { recursive: true, force: true });
});
