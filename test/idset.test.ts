import { describe, expect, it } from 'vitest';
import { IdSet } from '../src/core/idset.js';

describe('IdSet', () => {
  it('finds every repeat and reports the first line, across growth', () => {
    const s = new IdSet(4);
    const n = 50_000;
    for (let i = 0; i < n; i++) expect(s.add(`id-${i}`, i + 1)).toBe(0);
    expect(s.size).toBe(n);
    for (let i = 0; i < n; i += 97) expect(s.add(`id-${i}`, n + 10)).toBe(i + 1);
    expect(s.size).toBe(n);
  });

  it('treats hashes with the high bit set like any other (random ids)', () => {
    const s = new IdSet();
    const ids = Array.from({ length: 2000 }, (_, i) => `${Math.random().toString(36)}-${i}`);
    ids.forEach((id, i) => s.add(id, i + 1));
    ids.forEach((id, i) => expect(s.add(id, 9999)).toBe(i + 1));
  });

  it('tells apart ids that differ in one character or are empty-ish', () => {
    const s = new IdSet();
    expect(s.add('a', 1)).toBe(0);
    expect(s.add('b', 2)).toBe(0);
    expect(s.add('ab', 3)).toBe(0);
    expect(s.add('ba', 4)).toBe(0);
    expect(s.add(' ', 5)).toBe(0);
    expect(s.add('ab', 6)).toBe(3);
  });
});
