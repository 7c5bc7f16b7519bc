/**
 * A bounded mutation fuzzer over the fixtures: each reader gets inputs mutated by byte flips,
 * insertions of structural characters, deletions, truncations and splices; a run must end in a
 * result or an AnnoconvError, never another exception, and never report INTERNAL_ERROR.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bufferInput, convert, detect, MemorySink } from '../../src/index.js';
import { AnnoconvError } from '../../src/core/diagnostics.js';
import { CORPUS, ROOT, rng, walk } from '../helpers/run.js';

export interface Seed {
  format: string;
  name: string;
  bytes: Buffer;
}

/** The fixture inputs of every single-file format, with the format each is read as. */
export function seeds(): Seed[] {
  const out: Seed[] = [];
  const base = join(ROOT, 'fixtures');
  for (const fmt of readdirSync(base)) {
    if (fmt === 'sample') continue;
    for (const c of readdirSync(join(base, fmt))) {
      const dir = join(base, fmt, c);
      let files: string[];
      try {
        files = readdirSync(dir).filter((f) => f.startsWith('input'));
      } catch {
        continue;
      }
      if (!files.length) continue;
      const caseJson = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { from: string };
      for (const f of files) out.push({ format: caseJson.from, name: `${fmt}/${c}/${f}`, bytes: readFileSync(join(dir, f)) });
    }
  }
  return out;
}

const STRUCTURAL = Buffer.from('{}[]",:\n\r\\<>/=; \t0-1e9.\u0000\u00ff');

export function mutate(src: Buffer, random: () => number): Buffer {
  const b = Buffer.from(src);
  const pick = (n: number): number => Math.floor(random() * n);
  switch (pick(6)) {
    case 0: // flip bytes
      for (let i = 0, n = 1 + pick(4); i < n && b.length; i++) b[pick(b.length)] = pick(256);
      return b;
    case 1: // insert a structural character
      return Buffer.concat([b.subarray(0, pick(b.length + 1)), Buffer.from([STRUCTURAL[pick(STRUCTURAL.length)]!]), b.subarray(pick(b.length + 1))]);
    case 2: { // delete a range
      const at = pick(b.length + 1);
      return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + pick(16)))]);
    }
    case 3: // truncate
      return b.subarray(0, pick(b.length + 1));
    case 4: { // duplicate a range (repeated keys, records)
      const at = pick(b.length + 1);
      const len = pick(64);
      return Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
    }
    default: { // splice a number-ish token
      const tok = ['NaN', 'Infinity', '1e400', '-0', '__proto__', 'constructor', '"\\ud800"', '[]', 'null', '9007199254740993'][pick(10)]!;
      const at = pick(b.length + 1);
      return Buffer.concat([b.subarray(0, at), Buffer.from(tok), b.subarray(at)]);
    }
  }
}

export interface Crash {
  seed: string;
  format: string;
  input: Buffer;
  error: string;
}

/** Runs `count` mutations over the fixture seeds; returns the crashes (an empty list is the goal). */
export function fuzz(count: number, seed = 1): Promise<{ runs: number; crashes: Crash[] }> {
  return fuzzSeeds(seeds(), count, seed);
}

/** The error of a run that ended other than in a result or an AnnoconvError, if any. */
async function crashOf(input: Buffer, format: string): Promise<string | undefined> {
  let internal: string | undefined;
  try {
    await convert({ input: bufferInput(input), from: format, to: 'annoconv', output: new MemorySink(), onDiagnostic: (d) => {
      if (d.code === 'INTERNAL_ERROR') internal = d.message;
    } });
  } catch (e) {
    if (!(e instanceof AnnoconvError)) internal = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    else if (e.diagnostic.code === 'INTERNAL_ERROR') internal = e.message;
  }
  return internal;
}

const CORPUS_TEXT = /\.(json|jsonl|jsonlines|ndjson|csv|xml)$/i;

/** Small text files of the shared corpus, each with the format detected from its content. */
export async function corpusSeeds(maxBytes = 64 * 1024): Promise<Seed[]> {
  if (!existsSync(CORPUS)) return [];
  const out: Seed[] = [];
  for (const path of walk(CORPUS)) {
    const rel = relative(CORPUS, path);
    if (!CORPUS_TEXT.test(rel) || rel.startsWith('_observed') || rel === 'MANIFEST.json') continue;
    const bytes = readFileSync(path);
    if (bytes.length > maxBytes) continue;
    const format = await detect(bufferInput(bytes, rel)).catch(() => undefined);
    if (format) out.push({ format, name: `corpus/${rel}`, bytes });
  }
  return out;
}

/** Runs `count` mutations over the given seeds (as `fuzz` does over the fixtures). */
export async function fuzzSeeds(all: Seed[], count: number, seed = 1): Promise<{ runs: number; crashes: Crash[] }> {
  const random = rng(seed);
  const crashes: Crash[] = [];
  for (let i = 0; i < count; i++) {
    const s = all[i % all.length]!;
    let input = s.bytes;
    for (let k = 0, n = 1 + Math.floor(random() * 3); k < n; k++) input = mutate(input, random);
    const error = await crashOf(input, s.format);
    if (error !== undefined) crashes.push({ seed: s.name, format: s.format, input, error });
  }
  return { runs: count, crashes };
}
