/**
 * The largest hostile inputs through the CLI, each in its own process: coded diagnostics, exit 1,
 * no stack trace, and a peak RSS (measured in the process itself) under 300 MB.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, jsonDiagnostics } from '../helpers/run.js';

const LIMIT_BYTES = 300 * 1000 * 1000;
const MB = 1024 * 1024;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-memory-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Write `head`, `size` bytes of `fill`, then `tail`, without holding the middle in memory. */
function bigFile(name: string, head: string, fill: string, size: number, tail: string): string {
  const p = join(dir, name);
  const fd = openSync(p, 'w');
  writeSync(fd, head);
  const block = Buffer.alloc(MB, fill);
  for (let n = 0; n < size; n += MB) writeSync(fd, block, 0, Math.min(MB, size - n));
  writeSync(fd, tail);
  closeSync(fd);
  return p;
}

function file(name: string, data: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

function runCli(args: string[]): { code: number | null; codes: string[]; stderr: string; rss: number } {
  const r = spawnSync(process.execPath, ['--import', join(ROOT, 'test/helpers/maxrss.mjs'), BIN, ...args, '--diagnostics', 'json', '-q'], { encoding: 'utf8', maxBuffer: 64 * MB });
  const m = /MAXRSS_KB (\d+)/.exec(r.stderr);
  return { code: r.status, codes: jsonDiagnostics(r.stderr.replace(/^MAXRSS_KB \d+\n/m, '')).map((d) => d.code), stderr: r.stderr, rss: m ? Number(m[1]) * 1024 : Infinity };
}

const OK_LINE = '{"type":"text","uuid":"8f4a2c1e-3b7d-4e9a-a1c2-5d6e7f8a9b0c","data":{"text":"ok"}}\n';
const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);

const cases: { name: string; make: () => string; args: string[]; code: string }[] = [
  { name: 'jsonl: a 100 MB line between valid ones', make: () => bigFile('line.jsonl', OK_LINE + '{"type":"text","data":{"text":"', 'a', 100 * MB, '"}}\n' + OK_LINE.replace('8f4a', '9f4a')), args: ['validate'], code: 'INPUT_RECORD_TOO_LARGE' },
  { name: 'coco: an annotation of 100 MB', make: () => bigFile('ann.json', '{"info":{},"images":[{"id":1,"file_name":"a","width":1,"height":1}],"annotations":[{"id":1,"image_id":1,"category_id":1,"segmentation":[[', '1,', 100 * MB, '1]]}],"categories":[{"id":1,"name":"c"}]}'), args: ['convert', '--to', 'annoconv'], code: 'INPUT_RECORD_TOO_LARGE' },
  { name: 'coco: 100,000-deep nesting', make: () => file('deep.json', `{"info":{},"images":[{"id":1,"file_name":"a","width":1,"height":1,"x":${deep(100000)}}],"annotations":[],"categories":[]}`), args: ['convert', '--to', 'annoconv'], code: 'INPUT_TOO_DEEP' },
  { name: 'labelstudio: 100,000-deep nesting, to COCO', make: () => file('deep-ls.json', `[{"data":{"image":"https://x/a.jpg","deep":${deep(100000)}}}]`), args: ['convert', '--from', 'labelstudio', '--to', 'coco'], code: 'INPUT_TOO_DEEP' },
  { name: 'encord-json: a 100 MB string', make: () => bigFile('enc.json', '{"images":[{"objectUrl":"https://x/', 'a', 100 * MB, '.jpg"}]}'), args: ['validate', '--format', 'encord-json'], code: 'INPUT_RECORD_TOO_LARGE' },
  { name: 'csv: a quote left open over 100 MB', make: () => bigFile('open.csv', 'file_name,class_name,xmin,ymin,xmax,ymax\na.jpg,cat,1,1,2,2\n"', 'b', 100 * MB, ',1,1,2,2\n'), args: ['convert', '--from', 'csv', '--to', 'annoconv'], code: 'CSV_UNCLOSED_QUOTE' },
  { name: 'gzip bomb (512 MiB of spaces)', make: () => file('bomb.jsonl.gz', gzipSync(Buffer.alloc(512 * MB, 0x20), { level: 9 })), args: ['validate', '--format', 'jsonl'], code: 'INPUT_GZIP_BOMB' },
  { name: 'VOC billion laughs', make: () => file('lol.xml', `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY l "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i || ''};`.repeat(10)}">`).join('')}]><annotation><filename>&l9;</filename></annotation>`), args: ['convert', '--from', 'voc', '--to', 'coco'], code: 'VOC_DOCTYPE' },
  { name: 'labelstudio: a brush on a 20000 x 20000 image', make: () => file('brush.json', JSON.stringify([{ id: 1, data: { image: 'https://x/a.png' }, annotations: [{ id: 1, result: [{ id: 'b', type: 'brushlabels', from_name: 'b', to_name: 'image', original_width: 20000, original_height: 20000, value: { format: 'rle', rle: [0, 0, 0, 1], brushlabels: ['x'] } }] }] }])), args: ['convert', '--from', 'labelstudio', '--to', 'coco'], code: 'LS_BRUSH_INVALID' },
];

describe('peak memory on hostile input (each command in its own process)', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.code}, exit 1, under 300 MB`, () => {
      const path = c.make();
      const r = runCli([...c.args, path]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.codes).toContain(c.code);
      expect(r.code).toBe(1);
      expect(r.rss).toBeLessThan(LIMIT_BYTES);
    }, 60_000);
  }
});
