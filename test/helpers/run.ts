import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../src/core/diagnostics.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = ROOT + 'bin/annoconv.js';
export const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI with arguments and optional stdin. */
export function cli(args: string[], opts: { stdin?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    p.stdin.on('error', () => undefined);
    if (opts.stdin !== undefined) p.stdin.end(opts.stdin);
    else p.stdin.end();
  });
}

/**
 * JSON diagnostics printed with --diagnostics json (the summary object aside). Every line of stderr
 * must be a JSON object: a line that is not fails the test that reads it.
 */
export function jsonDiagnostics(stderr: string): Diagnostic[] {
  return jsonStderr(stderr).filter((o) => !('summary' in o)) as unknown as Diagnostic[];
}

/** The `{"summary": {...}}` object printed last with --diagnostics json, or undefined. */
export function jsonSummary(stderr: string): Record<string, unknown> | undefined {
  const s = jsonStderr(stderr).find((o) => 'summary' in o);
  return s ? (s.summary as Record<string, unknown>) : undefined;
}

/** Each line of stderr parsed as JSON: stderr under --diagnostics json is NDJSON, nothing else. */
export function jsonStderr(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`stderr line is not JSON: ${l.slice(0, 200)}`);
      }
    });
}

/** Parse JSON lines. */
export function jsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

export type Expected = Partial<Pick<Diagnostic, 'code' | 'severity' | 'line' | 'column' | 'record' | 'pointer' | 'row' | 'offset'>>;

/**
 * Every expected diagnostic matches a distinct actual one on the fields it names, and there are no
 * other diagnostics. Returns the unmatched on both sides (empty arrays when all is well).
 */
export function matchDiagnostics(actual: Diagnostic[], expected: Expected[]): { missing: Expected[]; extra: Diagnostic[] } {
  const left = [...actual];
  const missing: Expected[] = [];
  for (const e of expected) {
    const i = left.findIndex((a) => Object.entries(e).every(([k, v]) => (a as unknown as Record<string, unknown>)[k] === v));
    if (i < 0) missing.push(e);
    else left.splice(i, 1);
  }
  return { missing, extra: left };
}

/** Every file below a folder (none when it does not exist). */
export function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** A seeded PRNG (mulberry32) for reproducible generated cases. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
