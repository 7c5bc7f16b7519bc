/**
 * The CSV table reader's fast paths (validation without items or spill) give what the code before
 * them gave: validate's diagnostics and convert's output, compared with digests recorded at the
 * commit before (test/helpers/csv-digests.*), over generated, interleaved, edge-case, fixture and
 * corpus tables.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
// @ts-expect-error a plain .mjs helper
import { digests } from './helpers/csv-digests.mjs';

describe('csv digests', () => {
  it('validate and convert give the diagnostics and output recorded before the fast paths', () => {
    const ref = JSON.parse(readFileSync(new URL('./helpers/csv-digests.json', import.meta.url), 'utf8')).digests as Record<string, string>;
    const got = digests(new URL('../bin/annoconv.js', import.meta.url).pathname) as Record<string, string>;
    // the shared corpus may be absent: its entries are compared when present, the rest always
    const expected = Object.fromEntries(Object.entries(ref).filter(([k]) => !k.startsWith('corpus/') || k in got));
    expect(got).toEqual(expected);
  }, 180_000);
});
