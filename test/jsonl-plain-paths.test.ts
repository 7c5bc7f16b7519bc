/**
 * The jsonl validator's cheap paths give what the full ones give: presignPlain against presign on
 * plain URLs, the metadata-only storage walk against the whole-line walk, and the validator's
 * diagnostics against digests recorded from the code before these paths (test/helpers/jsonl-digests.*).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { rng } from './helpers/run.js';
import { presign } from '../src/formats/jsonl/presign.js';
import { presignPlain } from '../src/formats/jsonl/urls.js';
import { storageFindings } from '../src/formats/jsonl/storage.js';
import { plainlyValid } from '../src/formats/jsonl/fast-check.js';
// @ts-expect-error a plain .mjs helper
import { EDGE, digests } from './helpers/jsonl-digests.mjs';

const PLAIN = /^(https?:\/\/[^/?#%\s+]+)\/[^/?#%\s+]+(\/[^?#%\s+]*)?$/;
const PARTS = ['amazonaws', '.amazonaws.com', 's3-', 's3.', '.', '/', '//', 'com', 'eu-west-1', 'bk', 'x', ':9000', '-', 'a.jpg'];

describe('jsonl plain paths', () => {
  it('presignPlain reads 40,000 random plain URLs and the edge cases as presign does', () => {
    const r = rng(17);
    const part = (n: number): string => Array.from({ length: n }, () => PARTS[Math.floor(r() * PARTS.length)]).join('');
    const urls: string[] = [...EDGE];
    for (let i = 0; i < 40000; i++) urls.push(`http${r() < 0.5 ? 's' : ''}://${part(1 + Math.floor(r() * 6))}/${part(1 + Math.floor(r() * 5))}`);
    let plain = 0;
    // twice: the second pass reads from the remembered origins
    for (const pass of [0, 1]) {
      for (const u of urls) {
        if (!PLAIN.test(u)) continue;
        if (pass === 0) plain++;
        expect(presignPlain(u), u).toEqual(presign(u));
      }
    }
    expect(plain).toBeGreaterThan(10000);
  });

  it('the metadata-only storage walk finds what the whole-line walk finds on plain items', () => {
    const r = rng(5);
    const KEYS = ['a', '$x', '$id', '$ref', '$db', 'a.b', '__proto__', '_p', 'z\u0000', 'ok'];
    const value = (depth: number): unknown => {
      const k = r();
      if (depth > 6 || k < 0.45) return r() < 0.5 ? 1 : 's';
      if (k < 0.5) return [value(depth + 1), value(depth + 1)];
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 1 + Math.floor(r() * 3); i++) Object.defineProperty(o, KEYS[Math.floor(r() * KEYS.length)]!, { value: value(depth + 1), enumerable: true, configurable: true, writable: true });
      return o;
    };
    const deep = (n: number): unknown => (n === 0 ? { $x: 1 } : { d: deep(n - 1) });
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const line: Record<string, unknown> = { uuid: 'u' + i, datatype: 'text', data: { text: 't' } };
      if (i % 50 === 0) line.metadata = deep(170 + (i % 20));
      else if (r() < 0.9) line.metadata = value(2);
      if (!plainlyValid(line)) continue;
      checked++;
      for (const strict of [false, true]) expect(storageFindings(line, strict, true)).toEqual(storageFindings(line, strict, false));
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('validate gives the diagnostics recorded before the plain paths, in four modes', () => {
    const ref = JSON.parse(readFileSync(new URL('./helpers/jsonl-digests.json', import.meta.url), 'utf8'));
    expect(digests(new URL('../bin/annoconv.js', import.meta.url).pathname)).toEqual(ref.digests);
  }, 60_000);
});
