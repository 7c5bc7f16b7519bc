import { describe, expect, it } from 'vitest';
import { IdSet } from '../src/core/idset.js';

describe('IdSet', () => {
  it('finds every repeat, across the growth of its shards', () => {
    const s = new IdSet(2);
    const n = 50_000;
    for (let i = 0; i < n; i++) expect(s.add(`id-${i}`)).toBe(false);
    expect(s.size).toBe(n);
    for (let i = 0; i < n; i += 97) expect(s.add(`id-${i}`)).toBe(true);
    expect(s.size).toBe(n);
  });

  it('handles random ids whatever their hash bits', () => {
    const s = new IdSet();
    const ids = Array.from({ length: 20000 }, (_, i) => `${Math.random().toString(36)}-${i}`);
    for (const id of ids) expect(s.add(id)).toBe(false);
    for (const id of ids) expect(s.add(id)).toBe(true);
  });

  it('tells apart ids that differ in one character, in order, or in length', () => {
    const s = new IdSet();
    for (const id of ['a', 'b', 'ab', 'ba', ' ', '', 'aa', 'aaa', 'é', 'e\u0301']) expect(s.add(id)).toBe(false);
    expect(s.add('ab')).toBe(true);
    expect(s.add('')).toBe(true);
    expect(s.size).toBe(10);
  });
});

describe('IdSet numbers', () => {
  it('finds repeated integers, small and beyond 2^32, and tells neighbours apart', () => {
    const s = new IdSet();
    const ids = [0, 1, 2, -1, 4294967295, 4294967296, 4294967297, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < 100_000; i++) ids.push(i * 7 + 100);
    for (const n of ids) expect(s.addNumber(n)).toBe(false);
    for (const n of ids) expect(s.addNumber(n)).toBe(true);
    expect(s.size).toBe(ids.length);
  });
});
