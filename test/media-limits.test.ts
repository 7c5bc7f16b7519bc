/**
 * Image probes read headers only: an image over sharp's decoding pixel limit (20000 x 15000) is
 * measured, not MEDIA_CORRUPT; and when many files are probed at once, each problem is told about
 * its own file (libvips keeps one error buffer for all threads, and its text was reported for
 * another file: a truncated PNG as "VipsJpeg: premature end of JPEG image").
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { cli, jsonDiagnostics, jsonLines, ROOT } from './helpers/run.js';
import { probe } from '../src/media/probe.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-media-limits-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A PNG whose header says width x height, with a tiny (not matching) image body. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // 8-bit grey
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

describe('images over the decoding pixel limit', () => {
  it('a 20000 x 15000 PNG is measured from its header (probe, scan and --media-root)', async () => {
    const big = join(dir, 'big', 'huge.png');
    mkdirSync(join(dir, 'big'));
    writeFileSync(big, pngHeader(20000, 15000));
    expect(await probe(big)).toMatchObject({ type: 'image', format: 'png', width: 20000, height: 15000 });
    const scanned = await cli(['scan', join(dir, 'big'), '--to', 'annoconv', '--diagnostics', 'json']);
    expect(scanned.code).toBe(0);
    expect(jsonLines(scanned.stdout)).toMatchObject([{ id: 'huge.png', width: 20000, height: 15000 }]);
    const items = join(dir, 'sizeless.annoconv');
    writeFileSync(items, JSON.stringify({ id: 'huge.png', kind: 'image', path: 'huge.png', metadata: {}, annotations: [] }) + '\n');
    const filled = await cli(['convert', items, '--from', 'annoconv', '--to', 'annoconv', '--media-root', join(dir, 'big'), '--diagnostics', 'json']);
    expect(jsonDiagnostics(filled.stderr)).toEqual([]);
    expect(jsonLines(filled.stdout)).toMatchObject([{ id: 'huge.png', width: 20000, height: 15000 }]);
  }, 30_000);
});

describe('many files probed at once', () => {
  it('each diagnostic names its own file and its own problem', async () => {
    const d = join(dir, 'mixed');
    mkdirSync(d);
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#f00' } }).png().toBuffer();
    const jpg = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#0f0' } }).jpeg().toBuffer();
    const kinds: Record<string, { ext: string; bytes: Buffer; problem?: RegExp }> = {
      good: { ext: 'png', bytes: png },
      goodjpg: { ext: 'jpg', bytes: jpg },
      cutpng: { ext: 'png', bytes: png.subarray(0, 30), problem: /^the PNG header cannot be read: .*\(30 bytes\)$/ },
      cutjpg: { ext: 'jpg', bytes: jpg.subarray(0, 100), problem: /^the JPEG header cannot be read: .*\(100 bytes\)$/ },
      text: { ext: 'jpg', bytes: Buffer.from('this is not an image at all'), problem: /^not in an image format that can be read/ },
      empty: { ext: 'png', bytes: Buffer.alloc(0), problem: /^the file is empty$/ },
    };
    const expected = new Map<string, RegExp | undefined>();
    for (let i = 0; i < 8; i++) {
      for (const [name, k] of Object.entries(kinds)) {
        const f = join(d, `${name}-${i}.${k.ext}`);
        writeFileSync(f, k.bytes);
        expected.set(relative(ROOT, f), k.problem);
      }
    }
    const r = await cli(['scan', d, '--to', 'annoconv', '--concurrency', '16', '--diagnostics', 'json', '--max-diagnostics', '0']);
    const diags = jsonDiagnostics(r.stderr).filter((x) => x.code === 'MEDIA_CORRUPT');
    expect(diags).toHaveLength([...expected.values()].filter(Boolean).length);
    for (const x of diags) {
      const want = expected.get(x.file!);
      expect(want, x.file).toBeDefined();
      expect(x.message, x.file).toMatch(new RegExp(`^${x.file!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
      expect(x.message.slice(x.file!.length + 2).replace(/ \(skipped\)$/, ''), x.file).toMatch(want!);
    }
    expect(jsonLines(r.stdout)).toHaveLength(16); // the good ones
  }, 30_000);
});
