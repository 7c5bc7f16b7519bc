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

  // What the server makes of each file, as FORMATS.md §1 says: the codes found (errors and
  // warnings), without a config and with the demo's own config.json beside it (its s3 block decides
  // whether the server presigns the URLs). Anything not listed is valid without a word.
  interface Verdict { errors?: string[]; warnings?: string[] }
  const EXPECTED: Record<string, { plain?: Verdict; withConfig?: Verdict }> = {
    // data carries ConversationId and User: Joi's data object is closed
    'statics/examples/items.jsonlines': { plain: { errors: ['JSONL_DATA_EXTRA_KEY'], warnings: ['JSONL_UUID_NOT_RFC4122'] } },
    // an s3:// URL with a space: stored; its config has (placeholder) S3 credentials, so the
    // server presigns the URL when it serves the item, and fails (ERROR_INVALID_S3_URI)
    'statics/demo/demo-zone+annotations/items.jsonlines': {
      plain: { warnings: ['JSONL_URL_SCHEME', 'JSONL_URL_WHITESPACE'] },
      withConfig: { errors: ['JSONL_URL_SCHEME'], warnings: ['JSONL_URL_WHITESPACE'] },
    },
    // Minio URLs, presigned with the config's credentials as https://HOST/BUCKET/KEY
    'statics/demo/demo-zone+classification-s3-image/items.jsonlines': { withConfig: { warnings: ['JSONL_URL_PRESIGNED_NOT_S3'] } },
    'tests/integration/seed/s3/items.jsonlines': { withConfig: { warnings: ['JSONL_URL_PRESIGNED_NOT_S3'] } },
    // uuids such as "111_1624_0": any string passes
    'statics/demo/demo-classification-text-1/items.jsonlines': { plain: { warnings: ['JSONL_UUID_NOT_RFC4122'] }, withConfig: { warnings: ['JSONL_UUID_NOT_RFC4122'] } },
    'statics/demo/demo-classification-text-3/items.jsonlines': { plain: { warnings: ['JSONL_UUID_NOT_RFC4122'] }, withConfig: { warnings: ['JSONL_UUID_NOT_RFC4122'] } },
    'statics/demo/demo-nerWithRelations/items.jsonlines': { plain: { warnings: ['JSONL_UUID_NOT_RFC4122'] }, withConfig: { warnings: ['JSONL_UUID_NOT_RFC4122'] } },
  };

  const codes = (diags: Diagnostic[], severity: string): string[] => [...new Set(diags.filter((d) => d.severity === severity).map((d) => d.code))].sort();

  for (const path of itemFiles) {
    const rel = relative(ROOT, path);
    it(`${rel} validates as the server treats it`, async () => {
      const want = EXPECTED[rel] ?? {};
      const plain = await run(path);
      expect([codes(plain.diags, 'error'), codes(plain.diags, 'warning')]).toEqual([want.plain?.errors ?? [], (want.plain?.warnings ?? []).sort()]);
      expect(plain.exit).toBe(want.plain?.errors ? 1 : 0);
      expect(await detect(path)).toBe('jsonl');
      const config = join(path, '../config.json');
      if (!existsSync(config)) return;
      const configured = await run(path, { serverConfig: config });
      expect([codes(configured.diags, 'error'), codes(configured.diags, 'warning')]).toEqual([want.withConfig?.errors ?? [], (want.withConfig?.warnings ?? []).sort()]);
      expect(configured.exit).toBe(want.withConfig?.errors ? 1 : 0);
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

  it('the prediction and annotation files (the invalid ones too) are not items: detected as annotto-predictions / annotto-annotations, and --from jsonl is one INPUT_FORMAT_MISMATCH naming that format', async () => {
    const demo = all.filter((p) => /\/(predictions|annotations)\.jsonlines$/.test(p));
    expect(demo.length).toBeGreaterThanOrEqual(10);
    for (const path of [...predictionFiles, ...demo]) {
      const format = /annotations\.jsonlines$/.test(path) ? 'annotto-annotations' : 'annotto-predictions';
      expect(await detect(path), path).toBe(format);
      const diags: Diagnostic[] = [];
      const r = await validate({ input: path, from: 'jsonl', onDiagnostic: (d) => diags.push(d) }).catch((e: { diagnostic: Diagnostic; exitCode: number }) => e);
      expect(r, path).toMatchObject({ diagnostic: { code: 'INPUT_FORMAT_MISMATCH', message: expect.stringContaining(`--from ${format}`) }, exitCode: 1 });
    }
  });

  // The server's own test of these files (tests/integration/predictions.test.ts): each is uploaded
  // into the demo project named here and refused with HTTP 400 and this text in its message.
  const INVALID: [string, string, RegExp, string][] = [
    ['ner1', 'demo-nerWithRelations', /uuid/, '"uuid" is required'],
    ['classification1', 'demo-ner+classification-text', /uuid/, '"uuid" is required'],
    ['ner2', 'demo-nerWithRelations', /FOO/, 'is not in project tasks'],
    ['ner+classif1', 'demo-ner+classification-text', /FOO/, 'is not in project tasks'],
    ['ner+classif2', 'demo-ner+classification-text', /FOO/, 'is not in project tasks'],
    ['ner+classif4', 'demo-zone+classification-public-image', /Sentiment/, 'is not in project tasks'],
    ['classification2', 'demo-ner+classification-text', /FOO/, 'is not in project tasks'],
    ['zone2', 'demo-zone+ocr', /FOO/, 'is not in project tasks'],
    ['zone+classif1', 'demo-zone+classification-public-image', /FOO/, 'is not in project tasks'],
    ['zone+classif2', 'demo-zone+classification-public-image', /FOO/, 'is not in project tasks'],
    ['zone+classif3', 'demo-zone+classification-public-image', /FOO.*classifications task/, 'is not in project Classifications type tasks'],
    ['zone+classif4', 'demo-zone+classification-public-image', /FOO.*zone task/, 'is not in project ZONE type tasks'],
    ['text1', 'demo-classification-text-1', /Text Recognition task/, '(Text Recognition task)'],
    ['text2', 'demo-classification-text-1', /FOO/, '(FOO)'],
  ];
  for (const [name, project, ours, theirs] of INVALID) {
    it(`invalid/${name}.jsonlines with the ${project} config is refused, as the server refuses it ("${theirs}")`, async () => {
      const diags: Diagnostic[] = [];
      const r = await validate({ input: join(ROOT, `tests/integration/seed/predictions/invalid/${name}.jsonlines`), from: 'annotto-predictions', options: { format: { annottoConfig: join(ROOT, `statics/demo/${project}/config.json`) } }, onDiagnostic: (d) => diags.push(d) });
      expect(r.exitCode).toBe(1);
      const errors = diags.filter((d) => d.severity === 'error');
      expect(errors.some((d) => ours.test(d.message)), errors.map((d) => d.message).join('; ')).toBe(true);
    });
  }
});
