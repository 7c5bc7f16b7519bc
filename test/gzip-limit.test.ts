/**
 * The gzip guard was a ratio only: 1.4 MB of noise followed by 2 GiB of one byte is a 3.5 MB file
 * inflating about 600 times, under the 1,000x ratio, so all 2 GiB were inflated. An absolute cap
 * on inflated bytes (maxInflatedSize, --max-inflated-size) stops it.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferInput, convert, MemorySink, validate } from '../src/index.js';
import { AnnoconvError, type Diagnostic } from '../src/core/diagnostics.js';
import { DEFAULT_MAX_INFLATED_SIZE, defaultOptions } from '../src/core/options.js';

let dir: string;
let mixed: string;
const MiB = 1024 * 1024;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-gzcap-'));
  // gzip members may follow each other: 32 members of 64 MiB of spaces after one of noise
  mixed = join(dir, 'mixed.jsonl.gz');
  const fd = openSync(mixed, 'w');
  writeSync(fd, gzipSync(randomBytes(1.4e6)));
  const spaces = gzipSync(Buffer.alloc(64 * MiB, 0x20), { level: 9 });
  for (let i = 0; i < 32; i++) writeSync(fd, spaces);
  closeSync(fd);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a cap on inflated bytes', () => {
  it('stops a 2 GiB inflation behind an incompressible start, which the ratio guard lets through', async () => {
    const size = statSync(mixed).size;
    expect(size).toBeLessThan(4 * MiB);
    expect((2048 * MiB) / size).toBeLessThan(1000); // under the ratio guard
    const diags: Diagnostic[] = [];
    const started = Date.now();
    const r = await validate({ input: mixed, from: 'jsonl', options: { maxInflatedSize: 256 * MiB }, onDiagnostic: (d) => diags.push(d) });
    expect(Date.now() - started).toBeLessThan(20_000);
    const stop = diags.filter((d) => d.code.startsWith('INPUT_GZIP'));
    expect(stop.map((d) => [d.code, d.file])).toEqual([['INPUT_GZIP_TOO_LARGE', mixed]]);
    expect(stop[0]!.message).toContain(String(256 * MiB));
    expect(r.exitCode).toBe(1);
  }, 60_000);

  it('hands out every byte up to the cap and nothing past it', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `{"id":"i${i}","kind":"text","text":"t${i}","metadata":{},"annotations":[]}\n`).join('');
    const gz = gzipSync(lines);
    const run = async (max: number): Promise<{ codes: string[]; text: string }> => {
      const diags: Diagnostic[] = [];
      const out = new MemorySink();
      await convert({ input: bufferInput(gz, 'items.annoconv.gz', { maxInflatedSize: max }), from: 'annoconv', to: 'annoconv', output: out, onDiagnostic: (d) => diags.push(d) });
      return { codes: diags.map((d) => d.code), text: out.text() };
    };
    const whole = await run(lines.length);
    expect(whole.codes).toEqual([]);
    expect(whole.text).toBe(lines);
    // two bytes short ("}\n"): the last line is cut (and reported as such), every other one is read
    const short = await run(lines.length - 2);
    expect(short.codes).toEqual(['MODEL_INVALID_JSON', 'INPUT_GZIP_TOO_LARGE']);
    expect(short.text).toBe(lines.slice(0, lines.lastIndexOf('\n', lines.length - 2) + 1));
  });

  it('defaults to 64 GiB, and a value that is not a whole number of bytes is a usage error', async () => {
    expect(DEFAULT_MAX_INFLATED_SIZE).toBe(64 * 1024 ** 3);
    expect(defaultOptions().maxInflatedSize).toBe(DEFAULT_MAX_INFLATED_SIZE);
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      const e = await validate({ input: bufferInput('{}'), from: 'annoconv', options: { maxInflatedSize: bad } }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AnnoconvError);
      expect([(e as AnnoconvError).exitCode, (e as AnnoconvError).diagnostic.code]).toEqual([2, 'OPTION_INVALID']);
    }
  });

  it('a --gt ground truth whose gzip stream breaks or grows too large ends the run instead of loading half of it', async () => {
    const gt = JSON.stringify({ images: Array.from({ length: 2000 }, (_, i) => ({ id: i + 1, file_name: `${i}.jpg`, width: 10, height: 10 })), annotations: [], categories: [{ id: 1, name: 'a' }] });
    const gz = gzipSync(gt);
    const truncated = join(dir, 'gt-truncated.json.gz');
    writeFileSync(truncated, gz.subarray(0, Math.floor(gz.length / 2)));
    const whole = join(dir, 'gt.json.gz');
    writeFileSync(whole, gz);
    const results = bufferInput(JSON.stringify([{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: 0.5 }]));
    const failure = async (gtPath: string, maxInflatedSize?: number): Promise<[number, string, string]> => {
      const e = (await convert({ input: results, from: 'coco-results', to: 'annoconv', output: new MemorySink(), options: { format: { gt: gtPath }, ...(maxInflatedSize ? { maxInflatedSize } : {}) } }).catch((x: unknown) => x)) as AnnoconvError;
      return [e.exitCode, e.diagnostic.code, /INPUT_GZIP_[A-Z_]+/.exec(e.diagnostic.message)?.[0] ?? ''];
    };
    expect(await failure(truncated)).toEqual([2, 'OPTION_INVALID', 'INPUT_GZIP_INVALID']);
    expect(await failure(whole, 1000)).toEqual([2, 'OPTION_INVALID', 'INPUT_GZIP_TOO_LARGE']);
  });
});
