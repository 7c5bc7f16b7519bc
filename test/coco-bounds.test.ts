/**
 * COCO input's memory bounds (README, Reliability): one image's annotations weigh at most
 * 8 x --max-record-size before the image is refused with COCO_ITEM_TOO_LARGE, and annotations placed
 * before the images are read back from their spill in pieces, at any count. The inputs are
 * generated here; peak memory is the child's own (test/helpers/maxrss.mjs).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { BIN, ROOT } from './helpers/run.js';

const MAXRSS = join(ROOT, 'test/helpers/maxrss.mjs');

function run(args: string[]): { code: number | null; stderr: string; maxRssKB: number } {
  const r = spawnSync(process.execPath, ['--import', MAXRSS, BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const m = /MAXRSS_KB (\d+)/.exec(r.stderr);
  return { code: r.status, stderr: r.stderr, maxRssKB: m ? Number(m[1]) : NaN };
}

async function write(path: string, parts: Iterable<string>, gzip = false): Promise<void> {
  const source = Readable.from(parts, { objectMode: false });
  const out: WriteStream = createWriteStream(path);
  if (gzip) await pipeline(source, createGzip({ level: 1 }), out);
  else await pipeline(source, out);
}

/** Items of the annoconv output (the dataset header line aside) and their annotations, read line by line. */
async function counts(path: string): Promise<{ items: number; annotations: number }> {
  let items = 0;
  let annotations = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (!line || line.startsWith('{"annoconv":')) continue;
    items++;
    annotations += (JSON.parse(line) as { annotations: unknown[] }).annotations.length;
  }
  return { items, annotations };
}

describe('COCO memory bounds', () => {
  it('one image with 12 compressed RLE masks of 12 MB (a valid 144 MB file) is refused with COCO_ITEM_TOO_LARGE within 600 MB, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-bounds-'));
    try {
      const file = join(dir, 'masks.json');
      const [h, w] = [3000, 4000];
      // "111" then "0"s: counts of 1 (deltas of 0 from the run two back), summing to h x w
      const counts = '111' + '0'.repeat(h * w - 3);
      function* parts(): Generator<string> {
        yield `{"info":{},"images":[{"id":1,"width":${w},"height":${h},"file_name":"big.png"}],"annotations":[`;
        for (let k = 1; k <= 12; k++) yield `${k > 1 ? ',' : ''}{"id":${k},"image_id":1,"category_id":1,"iscrowd":1,"area":${h * w / 2},"bbox":[0,0,${w},${h}],"segmentation":{"size":[${h},${w}],"counts":"${counts}"}}`;
        yield '],"categories":[{"id":1,"name":"a"}]}';
      }
      await write(file, parts());
      const r = run(['convert', '--from', 'coco', '--to', 'annoconv', file, '-o', join(dir, 'out.annoconv'), '--diagnostics', 'json']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('COCO_ITEM_TOO_LARGE');
      expect(r.stderr).not.toMatch(/\n\s+at |FATAL|heap out of memory/);
      expect(r.maxRssKB).toBeLessThan(600 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('2,000,000 boxes on one image: refused with COCO_ITEM_TOO_LARGE within 600 MB; the other images convert', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-bounds-'));
    try {
      const file = join(dir, 'boxes.json');
      function* parts(): Generator<string> {
        yield '{"info":{},"images":[{"id":1,"width":640,"height":480},{"id":2,"width":640,"height":480}],"annotations":[';
        let batch = '';
        for (let k = 1; k <= 2_000_000; k++) {
          batch += `${k > 1 ? ',' : ''}{"id":${k},"image_id":1,"category_id":1,"iscrowd":0,"area":12,"bbox":[1,2,3,4]}`;
          if (k % 10_000 === 0) {
            yield batch;
            batch = '';
          }
        }
        yield batch + ',{"id":2000001,"image_id":2,"category_id":1,"bbox":[1,2,3,4]}],"categories":[{"id":1,"name":"a"}]}';
      }
      await write(file, parts());
      const out = join(dir, 'out.annoconv');
      const r = run(['convert', '--from', 'coco', '--to', 'annoconv', file, '-o', out, '--diagnostics', 'json']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('COCO_ITEM_TOO_LARGE');
      expect(r.stderr).not.toMatch(/\n\s+at |FATAL|heap out of memory/);
      expect(await counts(out)).toEqual({ items: 1, annotations: 1 });
      expect(r.maxRssKB).toBeLessThan(600 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  // measured 573 MiB before annotation ids went into a fixed-size filter and the join collected
  // by resident growth instead of every 8 partitions; 257 MiB after
  it('8,000,000 annotations before the images, gzip: converted within 300 MB', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-bounds-'));
    try {
      const file = join(dir, 'first.json.gz');
      const N = 8_000_000;
      const IMAGES = 100_000;
      function* parts(): Generator<string> {
        yield '{"info":{},"annotations":[';
        let batch = '';
        for (let k = 1; k <= N; k++) {
          batch += `${k > 1 ? ',' : ''}{"id":${k},"image_id":${((k * 7919) % IMAGES) + 1},"category_id":1,"bbox":[1,2,3,4]}`;
          if (k % 20_000 === 0) {
            yield batch;
            batch = '';
          }
        }
        yield batch + '],"images":[';
        for (let i = 1; i <= IMAGES; i++) batch += `${i > 1 ? ',' : ''}{"id":${i},"width":640,"height":480}`;
        yield batch + '],"categories":[{"id":1,"name":"a"}]}';
      }
      await write(file, parts(), true);
      const out = join(dir, 'out.annoconv');
      const r = run(['convert', '--from', 'coco', '--to', 'annoconv', file, '-o', out, '--quiet']);
      expect(r.stderr.replace(/\s*MAXRSS_KB \d+\s*/, '')).toBe('');
      expect(r.code).toBe(0);
      expect(await counts(out)).toEqual({ items: IMAGES, annotations: N });
      expect(r.maxRssKB).toBeLessThan(300_000_000 / 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
