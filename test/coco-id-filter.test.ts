/**
 * COCO annotation ids are checked for repeats by a fixed-size filter whose uncertain answers are
 * confirmed afterwards (core/id-filter.ts). With a filter of 256 bits nearly every annotation goes
 * through the confirmation path and is routed after the scan: the output must still equal the
 * recorded one (same items, annotations in file order), and repeated ids are still reported.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
// @ts-expect-error a plain .mjs helper shared with the regenerating script
import { FIXTURE, GEN, ROOT, digest, inputs } from './helpers/coco-digests.mjs';

const recorded = JSON.parse(readFileSync(FIXTURE as string, 'utf8')) as { digests: Record<string, { sha256: string; exit: number }> };
const SMALL = { ANNOCONV_ID_FILTER_BITS: '8' };

describe.skipIf(!existsSync(GEN as string))('COCO repeated annotation ids through the confirmation path', () => {
  const list = (inputs as (dir: string) => { name: string; path: string }[])(`${ROOT as string}bench/out/digest-inputs`);
  const run = digest as (path: string, extra?: string[], env?: Record<string, string>) => { sha256: string; exit: number };
  for (const name of ['gen:s', 'gen:s-annotations-first', 'gen:s-sorted-4100-seed7']) {
    it(`${name}: same output, one thread and two`, () => {
      const path = list.find((x) => x.name === name)!.path;
      for (const extra of [['--workers', '1'], ['--workers', '2']]) expect(run(path, extra, SMALL)).toEqual(recorded.digests[name]);
    }, 120_000);
  }
  it('corpus files: same output', () => {
    for (const { name, path } of list.filter((x) => x.name.startsWith('corpus:'))) expect({ name, ...run(path, ['--workers', '1'], SMALL) }).toEqual({ name, ...recorded.digests[name] });
  }, 120_000);
  it('a repeated id is reported at its pointer', () => {
    const file = join(ROOT as string, 'fixtures/coco/acceptance-invalid/input.json');
    const r = spawnSync(process.execPath, [join(ROOT as string, 'bin/annoconv.js'), 'convert', '--from', 'coco', '--to', 'annoconv', file, '--diagnostics', 'json'], { encoding: 'utf8', env: { ...process.env, ...SMALL } });
    expect(r.stderr).toContain('"COCO_DUPLICATE_ID"');
    expect(r.stderr).toContain('#/annotations/3/id');
  });
});
