/** Every prefix of a COCO file reads to coded diagnostics: no exception, no hang. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from '../src/core/run.js';
import { bufferInput } from '../src/core/io.js';
import { AnnoconvError, type Diagnostic } from '../src/core/diagnostics.js';
import { ROOT } from './helpers/run.js';

describe('COCO reader on truncated input', () => {
  it('every byte prefix of a fixture gives diagnostics with codes, never an exception', async () => {
    const text = readFileSync(join(ROOT, 'fixtures/coco/valid-any-order/input.json'));
    const step = Math.max(1, Math.floor(text.length / 400));
    let cases = 0;
    for (let cut = 0; cut < text.length; cut += step) {
      const diags: Diagnostic[] = [];
      let code: number;
      try {
        code = (await validate({ input: bufferInput(text.subarray(0, cut)), from: 'coco', onDiagnostic: (d) => diags.push(d) })).exitCode;
      } catch (e) {
        expect(e).toBeInstanceOf(AnnoconvError);
        code = (e as AnnoconvError).exitCode;
      }
      expect(code).toBe(1);
      expect(diags.some((d) => d.code === 'COCO_INVALID_JSON' || d.code === 'COCO_NOT_OBJECT')).toBe(true);
      cases++;
    }
    expect(cases).toBeGreaterThan(300);
    // 400 runs: 2-7 s on the shared 2-core machine, past the default 5 s when it is busy
  }, 60_000);

  it('a whole file reads clean (the loop above can fail)', async () => {
    const text = readFileSync(join(ROOT, 'fixtures/coco/valid-any-order/input.json'));
    const r = await validate({ input: bufferInput(text), from: 'coco' });
    expect(r.exitCode).toBe(0);
  });
});
