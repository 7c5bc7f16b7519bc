/**
 * The writers' outputs stay byte-identical through their optimisations: every COCO file of
 * ../shared/corpus/coco and the generated S dataset go coco -> annoconv -> coco and
 * coco -> labelstudio -> coco with the built CLI, and the sha256 of each output (and the exit code)
 * must equal the digests recorded with the commit named in test/writers/digests.json, made before
 * the writers were optimised (regenerate with test/writers/digests.mjs from a checkout of it).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain script shared with the recording command
import { CORPUS, GEN, S_NAME, corpusFiles, digestsOf, makeS } from './writers/digests.mjs';
import { ROOT } from './helpers/run.js';

type Digests = Record<string, { exit: number; sha256: string }>;
const reference = JSON.parse(readFileSync(new URL('./writers/digests.json', import.meta.url), 'utf8')) as { commit: string; inputs: Record<string, Digests> };

describe.skipIf(!existsSync(join(CORPUS as string, 'coco')))('writers: byte-identical to ' + reference.commit.slice(0, 7), () => {
  it('every corpus COCO file: annoconv -> coco, coco -> labelstudio -> coco', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'annoconv-wd-'));
    try {
      for (const [name, file] of corpusFiles() as [string, string][]) {
        expect({ name, digests: digestsOf(ROOT, file, tmp) }).toEqual({ name, digests: reference.inputs[name] });
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 300_000);

  it.skipIf(!existsSync(GEN as string))('generated S (5,000 images, random annotation order)', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'annoconv-wd-'));
    try {
      expect(digestsOf(ROOT, makeS(tmp), tmp)).toEqual(reference.inputs[S_NAME as string]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 300_000);
});
