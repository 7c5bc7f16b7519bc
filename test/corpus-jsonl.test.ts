/** Annotto's own items.jsonlines files (../shared/corpus/items-jsonlines/) and what Annotto expects of them. */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { validate } from '../src/core/run.js';
import { readItems } from '../src/core/items.js';
import { detect } from '../src/core/run.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { CORPUS, walk } from './helpers/run.js';

const ROOT = join(CORPUS, 'items-jsonlines/annotto');

const all = walk(ROOT);
const itemFiles = all.filter((p) => /\/items(\.update)?\.jsonlines$/.test(p));
const predictionFiles = all.filter((p) => p.includes('/predictions/invalid/'));

async function run(path: string, format: Record<string, unknown> = {}): Promise<{ exit: number; diags: Diagnostic[]; read: number }> {
  const diags: Diagnostic[] = [];
  const r = await validate({ input: path, from: 'jsonl', options: { format }, onDiagnostic: (d) => diags.push(d) });
  return { exit: r.exitCode, diags, read: r.read };
}

describe.skipIf(!existsSync(ROOT))('corpus: Annotto items.jsonlines', () => {
  it('finds the corpus files', () => {
    expect(itemFiles.length).toBeGreaterThanOrEqual(13);
    expect(predictionFiles.length).toBeGreaterThanOrEqual(14);
  });

  // Two files are not importable as they stand, for reasons FORMATS.md §1 gives:
  const EXPECTED_ERRORS: Record<string, string[]> = {
    'statics/examples/items.jsonlines': ['JSONL_DATA_EXTRA_KEY'], // data carries ConversationId and User
    'statics/demo/demo-zone+annotations/items.jsonlines': ['JSONL_URL_SCHEME'], // s3:// URL
  };

  for (const path of itemFiles) {
    const rel = relative(ROOT, path);
    it(`${rel} validates as expected`, async () => {
      const { exit, diags } = await run(path);
      const errors = [...new Set(diags.filter((d) => d.severity === 'error').map((d) => d.code))];
      expect(errors).toEqual(EXPECTED_ERRORS[rel] ?? []);
      expect(exit).toBe(EXPECTED_ERRORS[rel] ? 1 : 0);
      expect(await detect(path)).toBe('jsonl');
    });
  }

  it('examples/items.jsonlines passes with --allow-extra-data, keeping all 3,551 items', async () => {
    const { exit, read, diags } = await run(join(ROOT, 'statics/examples/items.jsonlines'), { allowExtraData: true });
    expect(exit).toBe(0);
    expect(read).toBe(3551);
    expect(diags.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('demo-zone+ocr holds the item d7bb0128-c478-4f56-a00a-601ee6bd0849 (Annotto items.test.ts)', async () => {
    const ids: string[] = [];
    for await (const it of readItems(join(ROOT, 'statics/demo/demo-zone+ocr/items.jsonlines'), { from: 'jsonl' })) ids.push(it.id);
    expect(ids).toContain('d7bb0128-c478-4f56-a00a-601ee6bd0849');
    expect(ids).toHaveLength(3);
  });

  it('the prediction files (the invalid ones too) are not items: recognised as Annotto predictions, one INPUT_FORMAT_UNSUPPORTED with or without --from jsonl', async () => {
    const demo = all.filter((p) => /\/(predictions|annotations)\.jsonlines$/.test(p));
    expect(demo.length).toBeGreaterThanOrEqual(10);
    for (const path of [...predictionFiles, ...demo]) {
      await expect(detect(path), path).rejects.toMatchObject({ diagnostic: { code: 'INPUT_FORMAT_UNSUPPORTED' } });
      const diags: Diagnostic[] = [];
      await expect(validate({ input: path, from: 'jsonl', onDiagnostic: (d) => diags.push(d) }), path).rejects.toMatchObject({ diagnostic: { code: 'INPUT_FORMAT_UNSUPPORTED', message: expect.stringMatching(/Annotto (predictions file|annotation export)/) }, exitCode: 1 });
      expect(diags).toEqual([]);
    }
  });
});
