/** Every diagnostic code is triggered by a fixture or asserted by a test, and listed in the README. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CODES } from '../src/core/codes.js';
import { ROOT } from './helpers/run.js';

function fixtureCodes(): Set<string> {
  const out = new Set<string>();
  const base = join(ROOT, 'fixtures');
  for (const fmt of readdirSync(base)) {
    const dir = join(base, fmt);
    for (const c of existsSync(dir) ? readdirSync(dir) : []) {
      const p = join(dir, c, 'diagnostics.json');
      if (!existsSync(p)) continue;
      for (const d of JSON.parse(readFileSync(p, 'utf8')) as { code: string }[]) out.add(d.code);
    }
  }
  return out;
}

function testedCodes(): Set<string> {
  const out = new Set<string>();
  for (const f of readdirSync(join(ROOT, 'test'), { recursive: true }) as string[]) {
    if (!f.endsWith('.test.ts') || f === 'codes.test.ts') continue;
    const text = readFileSync(join(ROOT, 'test', f), 'utf8');
    for (const m of text.matchAll(/\b([A-Z]+_[A-Z0-9_]+)\b/g)) out.add(m[1]!);
  }
  return out;
}

describe('diagnostic codes', () => {
  it('each code is exercised by a fixture or a test', () => {
    const covered = new Set([...fixtureCodes(), ...testedCodes()]);
    const missing = Object.keys(CODES).filter((c) => !covered.has(c));
    expect(missing).toEqual([]);
  });

  it('each code is listed in the README with its meaning', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const missing = Object.keys(CODES).filter((c) => !readme.includes('`' + c + '`'));
    expect(missing).toEqual([]);
  });
});
