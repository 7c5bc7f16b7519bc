/**
 * coco -> annoconv output stays byte-identical to the output of the commit recorded in
 * test/fixtures-data/coco-digests.json (before the reader's optimisations), single-threaded, with
 * the default threads and with two, over the generator's S dataset (three partitions), the same
 * data with annotations before images, a sorted dataset and every corpus COCO file.
 * Regenerate the digests only from a commit whose output is known good:
 * `npm run build && node test/helpers/coco-digests.mjs --write`.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
// @ts-expect-error a plain .mjs helper shared with the regenerating script
import { FIXTURE, GEN, ROOT, digest, inputs } from './helpers/coco-digests.mjs';

interface Recorded {
  commit: string;
  digests: Record<string, { sha256: string; exit: number }>;
}

const recorded = JSON.parse(readFileSync(FIXTURE as string, 'utf8')) as Recorded;

describe.skipIf(!existsSync(GEN as string))(`coco -> annoconv output equals that of ${recorded.commit.slice(0, 7)}`, () => {
  const list = (inputs as (dir: string) => { name: string; path: string }[])(`${ROOT as string}bench/out/digest-inputs`);
  const run = digest as (path: string, extra?: string[]) => { sha256: string; exit: number };
  it('covers every recorded input', () => {
    expect(list.map((x) => x.name).sort()).toEqual(Object.keys(recorded.digests).sort());
  });
  for (const { name, path } of list) {
    it(name, () => {
      const want = recorded.digests[name];
      expect(want).toBeDefined();
      for (const extra of [['--workers', '1'], [], ['--workers', '2']]) {
        expect({ mode: extra.join(' ') || 'default', ...run(path, extra) }).toEqual({ mode: extra.join(' ') || 'default', ...want });
      }
    }, 120_000);
  }
});
