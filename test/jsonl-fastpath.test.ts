/** The jsonl reader's fast path may only accept what the JSON Schema accepts. */
import { describe, expect, it } from 'vitest';
import { rng } from './helpers/run.js';
import { plainlyValid } from '../src/formats/jsonl/fast-check.js';
import { validator } from '../src/core/schemas.js';


const VALUES: unknown[] = ['', 'x', 'text', 'image', 'video', 'audio', 'html', 'pdf', 0, 1, -1, 1.5, true, false, null, [], ['a'], [1], {}, { a: 1 }, { text: 'x' }, { url: 'u' }, { html: 'h' }, { text: 1 }, { url: 'u', text: 't' }];
const KEYS = ['uuid', 'type', 'datatype', 'data', 'metadata', 'tags', 'annotated', 'foo', '__proto__', 'constructor'];

describe('jsonl fast path', () => {
  it('accepts only records the schema accepts (20,000 random records), and accepts the common shapes', async () => {
    const schema = await validator('jsonl.schema.json');
    const r = rng(7);
    const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      const o: Record<string, unknown> = {};
      if (r() < 0.9) o.uuid = r() < 0.8 ? `id-${i}` : pick(VALUES);
      const kind = pick(['text', 'image', 'video', 'audio', 'html', 'pdf', 3]);
      if (r() < 0.8) o[r() < 0.5 ? 'type' : 'datatype'] = kind;
      if (r() < 0.1) o[r() < 0.5 ? 'type' : 'datatype'] = pick(VALUES);
      if (r() < 0.85) o.data = r() < 0.7 ? { [kind === 'text' ? 'text' : kind === 'html' ? 'html' : 'url']: r() < 0.9 ? 'v' : 5 } : pick(VALUES);
      if (r() < 0.5) o.metadata = pick(VALUES);
      if (r() < 0.3) Object.defineProperty(o, pick(KEYS), { value: pick(VALUES), enumerable: true, writable: true, configurable: true });
      const rec = JSON.parse(JSON.stringify(o)) as Record<string, unknown>;
      if (plainlyValid(rec)) {
        accepted++;
        expect(schema(rec)).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThan(1000);
    expect(plainlyValid({ uuid: 'a', datatype: 'text', data: { text: 'x' }, metadata: { k: [1] }, tags: ['t'] })).toBe(true);
    expect(plainlyValid({ uuid: 'a', type: 'image', data: { url: 'https://x' } })).toBe(true);
    expect(plainlyValid({ uuid: 'a', type: 'image', datatype: 'image', data: { url: 'https://x' } })).toBe(false);
    expect(plainlyValid(JSON.parse('{"uuid":"a","type":"text","data":{"text":"x","__proto__":{}}}'))).toBe(false);
  });
});
