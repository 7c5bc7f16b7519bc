/** The JSON element scanner against JSON.parse, over every way of cutting the input into reads. */
import { describe, expect, it } from 'vitest';
import { rng } from './helpers/run.js';
import { JsonScanner, type ScanEvent } from '../src/core/json-scan.js';

function scan(text: string | Buffer, chunk: number, opts = { maxElementBytes: 1 << 20 }, capture?: { array: string; keys: string[] }): ScanEvent[] {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  const s = new JsonScanner({ ...opts, ...(capture ? { capture } : {}) });
  const out: ScanEvent[] = [];
  for (let i = 0; i < buf.length; i += chunk) out.push(...s.push(Buffer.from(buf.subarray(i, i + chunk))));
  out.push(...s.end());
  return out;
}

/** What the events say, as plain data: parsed elements and values, in order. */
function summary(events: ScanEvent[]): unknown[] {
  return events.map((e) => {
    if (e.type === 'element') return ['el', e.key, e.index, JSON.parse(e.raw.toString()), e.captured?.[0] ?? null];
    if (e.type === 'value') return ['val', e.key, JSON.parse(e.raw.toString())];
    if (e.type === 'key') return ['key', e.key];
    if (e.type === 'end-array') return ['end', e.key, e.count];
    if (e.type === 'oversized') return ['big', e.key, e.index];
    return ['error', e.message];
  });
}


function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 3 ? 4 : 7));
  switch (k) {
    case 0: return Math.floor(r() * 1e6) - 5e5;
    case 1: return ['', 'a"b', 'back\\slash\\', 'é😀', '{[}]', 'x\\"y', '\n\t'][Math.floor(r() * 7)];
    case 2: return r() < 0.5 ? null : r() < 0.5;
    case 3: return r() * 1e3;
    case 4: return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(r() * 4); i++) o[['id', 'image_id', 'a"', 'k\\'][Math.floor(r() * 4)] + i] = randomValue(r, depth + 1);
      return o;
    }
  }
}

describe('JsonScanner', () => {
  it('splits top-level arrays into elements and hands other values whole, whatever the reads', () => {
    const doc = { info: { a: [1, { b: '}' }] }, images: [{ id: 1 }, { id: 2, s: 'x"]' }], empty: [], annotations: [1, 'two', null, [3]], n: 5, s: 'str' };
    for (const pretty of [0, 2]) {
      const text = JSON.stringify(doc, null, pretty);
      const whole = summary(scan(text, text.length));
      expect(whole).toEqual([
        ['key', 'info'], ['val', 'info', doc.info],
        ['key', 'images'], ['el', 'images', 0, { id: 1 }, null], ['el', 'images', 1, { id: 2, s: 'x"]' }, null], ['end', 'images', 2],
        ['key', 'empty'], ['end', 'empty', 0],
        ['key', 'annotations'], ['el', 'annotations', 0, 1, null], ['el', 'annotations', 1, 'two', null], ['el', 'annotations', 2, null, null], ['el', 'annotations', 3, [3], null], ['end', 'annotations', 4],
        ['key', 'n'], ['val', 'n', 5], ['key', 's'], ['val', 's', 'str'],
      ]);
      for (const c of [1, 2, 3, 5, 17]) expect(summary(scan(text, c))).toEqual(whole);
    }
  });

  it('random documents: elements equal JSON.parse of the whole, over 1- to 64-byte reads', () => {
    const r = rng(42);
    for (let t = 0; t < 150; t++) {
      const rootArray = r() < 0.3;
      const doc = rootArray
        ? Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, 1))
        : Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, (_, i) => [`k${i}`, randomValue(r, 0)]));
      const text = JSON.stringify(doc, null, r() < 0.5 ? 0 : 1);
      const expected: unknown[] = [];
      if (Array.isArray(doc)) {
        doc.forEach((v, i) => expected.push(['el', null, i, v, null]));
        expected.push(['end', null, doc.length]);
      } else {
        for (const [k, v] of Object.entries(doc)) {
          expected.push(['key', k]);
          if (Array.isArray(v)) {
            v.forEach((e, i) => expected.push(['el', k, i, e, null]));
            expected.push(['end', k, v.length]);
          } else expected.push(['val', k, v]);
        }
      }
      const chunk = 1 + Math.floor(r() * 64);
      const got = summary(scan(text, chunk)).map((e) => (Array.isArray(e) && e[0] === 'el' ? [...e.slice(0, 4), null] : e));
      expect(got).toEqual(expected);
    }
  });

  it('captures numeric top-level keys of each element, not nested ones or string values', () => {
    const text = JSON.stringify({ annotations: [{ id: 1, image_id: 40, bbox: [1] }, { a: { image_id: 7, id: 9 }, image_id: 41 }, { image_id: 'x', id: 3 }, { note: 'image_id', image_id: 42.0, id: -2 }, { image_id: 43 }], images: [{ id: 5 }] });
    for (const c of [1, 4, 1000]) {
      const caps = scan(text, c, undefined, { array: 'annotations', keys: ['image_id', 'id'] })
        .filter((e) => e.type === 'element')
        .map((e) => {
          const cap = (e as { captured?: (number | undefined)[] }).captured;
          return [cap?.[0] ?? null, cap?.[1] ?? null];
        });
      expect(caps).toEqual([[40, 1], [41, null], [null, 3], [42, -2], [43, null], [null, null]]);
    }
  });

  it('reports truncation, trailing data, scalars and syntax errors with offsets', () => {
    const last = (t: string): ScanEvent => scan(t, 3).at(-1)!;
    expect(last('{"images": [{"id": 1}, {"id"')).toMatchObject({ type: 'error', message: expect.stringMatching(/truncated/) });
    expect(last('{"a": 1} x')).toMatchObject({ type: 'error', offset: 9 });
    expect(last('42')).toMatchObject({ type: 'error', offset: 0 });
    expect(last('')).toMatchObject({ type: 'error', message: expect.stringMatching(/empty/) });
    expect(last('{"a": [1, 2,]}')).toMatchObject({ type: 'error', message: expect.stringMatching(/trailing comma/), offset: 12 });
    expect(last('{"a" 1}')).toMatchObject({ type: 'error', offset: 5 });
    expect(summary(scan('\ufeff{"a": 1}', 1))).toEqual([['key', 'a'], ['val', 'a', 1]]);
  });

  it('skips an element over the limit without holding it, and goes on', () => {
    const text = JSON.stringify({ images: [{ id: 1 }, { id: 2, big: 'x'.repeat(5000) }, { id: 3 }] });
    for (const c of [7, 100, 100000]) {
      expect(summary(scan(text, c, { maxElementBytes: 1000 }))).toEqual([
        ['key', 'images'], ['el', 'images', 0, { id: 1 }, null], ['big', 'images', 1], ['el', 'images', 2, { id: 3 }, null], ['end', 'images', 3],
      ]);
    }
  });

  it('survives 100,000 levels of nesting without recursion, and flags an element deeper than 1,000 levels', () => {
    const deep = '{"a": [' + '['.repeat(100000) + ']'.repeat(100000) + ', [[1]]]}';
    const ev = scan(deep, 4096);
    expect(ev.filter((e) => e.type === 'oversized').map((e) => (e as { deep?: boolean }).deep)).toEqual([true]);
    expect(ev.filter((e) => e.type === 'element')).toHaveLength(1);
    expect(ev.at(-1)).toMatchObject({ type: 'end-array', count: 2 });
  });
});
