/** A COCO top-level key repeated, first with a value and then with a list, is reported, not a crash (found by the fuzzer). */
import { describe, expect, it } from 'vitest';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';

describe('COCO repeated top-level key', () => {
  it('a scalar then a list under one unknown key: COCO_DUPLICATE_KEY at the repeat, exit 1, no INTERNAL_ERROR', async () => {
    const text = '{"info": {}, "images": [{"id": 1, "width": 4, "height": 4, "file_name": "a.jpg"}], "annotations": [], "categories": [], "my key": 1, "my key": [2]}';
    const diags: Diagnostic[] = [];
    const sink = new MemorySink();
    const r = await convert({ input: bufferInput(text), from: 'coco', to: 'annoconv', output: sink, onDiagnostic: (d) => diags.push(d) });
    expect(diags.map((d) => [d.code, d.pointer])).toEqual([['COCO_DUPLICATE_KEY', '#/my%20key']]);
    expect(r.exitCode).toBe(1);
  });
});
