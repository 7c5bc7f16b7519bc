/** The benchmark generator's S dataset (random annotation order, categories last) round-trips exactly. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert } from '../src/core/run.js';
import { MemorySink, bufferInput } from '../src/core/io.js';
import { CORPUS } from './helpers/run.js';

const GEN = join(CORPUS, '../bench/gen_coco.js');

describe.skipIf(!existsSync(GEN))('generated COCO', () => {
  it('S (5,000 images, random annotation order): coco -> annoconv -> coco gives the same images, annotations and categories', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-gen-'));
    try {
      const file = join(dir, 's.json');
      execFileSync(process.execPath, [GEN, '--images', '5000', '--out', file], { stdio: 'ignore' });
      const model = new MemorySink();
      const r1 = await convert({ input: file, from: 'coco', to: 'annoconv', output: model });
      expect(r1.rejected).toBe(0);
      const back = new MemorySink();
      await convert({ input: bufferInput(model.text()), from: 'annoconv', to: 'coco', output: back });
      const src = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { id: number }[]>;
      const out = JSON.parse(back.text()) as Record<string, { id: number }[]>;
      const byId = (list: { id: number }[]): { id: number }[] => [...list].sort((a, b) => a.id - b.id);
      expect(out.images).toEqual(src.images);
      expect(byId(out.annotations!)).toEqual(byId(src.annotations!));
      expect(out.categories).toEqual(src.categories);
      expect(out.info).toEqual(src.info);
      expect(out.licenses).toEqual(src.licenses);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
