/**
 * One JSON-pointer syntax everywhere: every pointer in the fixtures' expected diagnostics, and in
 * every diagnostic a run over each fixture gives, is an RFC 6901 pointer in its URI fragment form
 * (`#`, `~0` / `~1` escapes, percent-encoding for what a fragment cannot hold), and what it points
 * below exists in the input (the whole document, or the record on its line).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convert, validate } from '../src/core/run.js';
import { MemorySink, openInput } from '../src/core/io.js';
import { AnnoconvError, fragment, type Diagnostic } from '../src/core/diagnostics.js';
import { registerSecret, redact } from '../src/core/secrets.js';
import type { Options } from '../src/core/options.js';
import { ROOT } from './helpers/run.js';

/** The plain pointer a fragment-form pointer stands for, or undefined when it is not one. */
function parsePointer(p: string): string[] | undefined {
  if (!p.startsWith('#')) return undefined;
  const body = p.slice(1);
  if (!/^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-F]{2})*$/.test(body)) return undefined;
  let plain: string;
  try {
    plain = decodeURIComponent(body);
  } catch {
    return undefined;
  }
  if (plain !== '' && !plain.startsWith('/')) return undefined;
  if (/~(?![01])/.test(plain)) return undefined;
  return plain === '' ? [] : plain.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Whether every segment but the last leads somewhere in `doc` (the last may name a missing key). */
function parentExists(doc: unknown, segments: string[]): boolean {
  let cur = doc;
  for (const s of segments.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, s)) return false;
    cur = (cur as Record<string, unknown>)[s];
  }
  return segments.length === 0 || (cur !== null && typeof cur === 'object');
}

interface CaseFile {
  command: 'validate' | 'convert';
  from: string;
  to?: string;
  options?: Record<string, unknown>;
}

const FIXTURES = join(ROOT, 'fixtures');
const GLOBAL = new Set(['strict', 'maxRecordSize', 'onInvalid']);

function cases(): { dir: string; input: string; c: CaseFile }[] {
  const out: { dir: string; input: string; c: CaseFile }[] = [];
  for (const fmt of readdirSync(FIXTURES)) {
    const base = join(FIXTURES, fmt);
    for (const name of readdirSync(base)) {
      const dir = join(base, name);
      if (!existsSync(join(dir, 'case.json'))) continue;
      const input = readdirSync(dir).find((f) => f.startsWith('input'));
      if (input) out.push({ dir, input: join(dir, input), c: JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseFile });
    }
  }
  return out;
}

async function diagnosticsOf(input: string, c: CaseFile): Promise<Diagnostic[]> {
  const options: Partial<Options> = { format: {} };
  for (const [k, v] of Object.entries(c.options ?? {})) {
    if (GLOBAL.has(k)) (options as Record<string, unknown>)[k] = v;
    else options.format![k] = v;
  }
  const diags: Diagnostic[] = [];
  const onDiagnostic = (d: Diagnostic): number => diags.push(d);
  try {
    if (c.command === 'convert') await convert({ input: await openInput(input), from: c.from, to: c.to!, output: new MemorySink(), options, onDiagnostic });
    else await validate({ input: await openInput(input), from: c.from, options, onDiagnostic });
  } catch (e) {
    if (!(e instanceof AnnoconvError)) throw e;
    diags.push(e.diagnostic);
  }
  return diags;
}

/** The JSON a diagnostic's pointer is relative to: the document, or the record on its line. */
function target(input: string, d: Diagnostic): { doc: unknown } | undefined {
  const text = readFileSync(input, 'utf8').replace(/^\ufeff/, '');
  try {
    return { doc: JSON.parse(text) as unknown };
  } catch {
    if (d.line === undefined) return undefined;
    try {
      return { doc: JSON.parse(text.split('\n')[d.line - 1] ?? '') as unknown };
    } catch {
      return undefined;
    }
  }
}

describe('JSON pointers', () => {
  const all = cases();

  it('every pointer of the fixtures\' expected diagnostics is an RFC 6901 URI fragment', () => {
    const bad: string[] = [];
    let n = 0;
    for (const { dir } of all) {
      for (const d of JSON.parse(readFileSync(join(dir, 'diagnostics.json'), 'utf8')) as { pointer?: string }[]) {
        if (d.pointer === undefined) continue;
        n++;
        if (!parsePointer(d.pointer)) bad.push(`${dir}: ${d.pointer}`);
      }
    }
    expect(bad).toEqual([]);
    expect(n).toBeGreaterThan(100);
  });

  it('every diagnostic of a run over each fixture carries a pointer in that form, below something the input has', async () => {
    const bad: string[] = [];
    const formats = new Set<string>();
    for (const { input, c } of all) {
      for (const d of await diagnosticsOf(input, c)) {
        if (d.pointer === undefined) continue;
        formats.add(c.from);
        const segments = parsePointer(d.pointer);
        if (!segments) {
          bad.push(`${input}: ${d.code} ${d.pointer} is not an RFC 6901 URI fragment`);
          continue;
        }
        const t = c.from === 'voc' ? undefined : target(input, d);
        if (t && !parentExists(t.doc, segments)) bad.push(`${input}: ${d.code} ${d.pointer} leads nowhere in the input`);
      }
    }
    expect(bad).toEqual([]);
    // the readers with pointers all took part
    for (const f of ['coco', 'coco-results', 'labelstudio', 'labelstudio-min', 'ls-bulk', 'encord-json', 'remo-json', 'jsonl', 'annoconv']) expect([...formats]).toContain(f);
  });

  it('fragment() escapes what RFC 3986 keeps out of a fragment, and nothing else', () => {
    expect(fragment('')).toBe('#');
    expect(fragment('/annotations/12/bbox')).toBe('#/annotations/12/bbox');
    expect(fragment('/data/a~1b c')).toBe('#/data/a~1b%20c');
    expect(fragment('/é#%"<>[]{}|\\^`')).toBe('#/%C3%A9%23%25%22%3C%3E%5B%5D%7B%7D%7C%5C%5E%60');
    expect(fragment("/!$&'()*+,;=:@?-._~")).toBe("#/!$&'()*+,;=:@?-._~");
  });

  it('a secret in a key is masked in the fragment form a pointer carries it in', () => {
    const secret = 'AKIA/EXAMPLE KEY~42';
    registerSecret(secret);
    const p = fragment('/s3/' + secret.replace(/~/g, '~0').replace(/\//g, '~1'));
    expect(p).toBe('#/s3/AKIA~1EXAMPLE%20KEY~042');
    expect(redact(p)).toBe('#/s3/[redacted]');
  });
});
