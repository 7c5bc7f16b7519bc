/**
 * Schema checks in bounded time and memory: a record with more than ALL_ERRORS_MAX_VALUES values
 * gets its first schema error only (listing every error costs time that grows with the square of
 * their number); a smaller one gets every error.
 */
import { describe, expect, it } from 'vitest';
import { validate, bufferInput } from '../src/index.js';
import { ALL_ERRORS_MAX_VALUES } from '../src/core/schemas.js';
import type { Diagnostic } from '../src/core/diagnostics.js';

async function schemaErrors(line: string): Promise<Diagnostic[]> {
  const found: Diagnostic[] = [];
  const r = await validate({ input: bufferInput(line + '\n'), from: 'annoconv', onDiagnostic: (d) => found.push(d) });
  expect(r.rejected).toBe(1);
  return found.filter((d) => d.code === 'MODEL_SCHEMA');
}

// each box lacks its y: one schema error a box
const item = (n: number): string => JSON.stringify({ id: 'a', kind: 'image', metadata: {}, annotations: Array.from({ length: n }, () => ({ kind: 'box', x: 1, w: 1, h: 1 })) });

describe('schema errors of one record', () => {
  it('a small record lists every error', async () => {
    const d = await schemaErrors(item(3));
    expect(d.map((x) => x.pointer)).toEqual(['#/annotations/0', '#/annotations/1', '#/annotations/2']);
  });

  it(`a record of over ${ALL_ERRORS_MAX_VALUES} values (60,000 bad boxes, 1.2 MB) gets its first error only`, async () => {
    const d = await schemaErrors(item(60_000));
    expect(d.map((x) => x.pointer)).toEqual(['#/annotations/0']);
  });
});
