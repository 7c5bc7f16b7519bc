/** COCO through the CLI: acceptance cases, stdin, atomic output, temp files. */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, jsonDiagnostics, jsonLines, jsonSummary, ROOT } from './helpers/run.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-cli-coco-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ACCEPT = join(ROOT, 'fixtures/coco/acceptance-invalid/input.json');

describe('annoconv convert --from coco', () => {
  it('reports a dangling category_id, a 5-number polygon and a repeated id at their pointers, converts the rest, exits 1', async () => {
    const out = join(dir, 'acc.annoconv');
    const r = await cli(['convert', '--from', 'coco', '--to', 'annoconv', ACCEPT, '-o', out, '--diagnostics', 'json']);
    expect(r.code).toBe(1);
    const errs = jsonDiagnostics(r.stderr).filter((d) => d.severity === 'error');
    expect(errs.map((d) => [d.code, d.pointer])).toEqual([
      ['COCO_DUPLICATE_ID', '#/annotations/3/id'],
      ['COCO_DANGLING_CATEGORY', '#/annotations/1/category_id'],
      ['COCO_POLYGON_INVALID', '#/annotations/2/segmentation/0'],
    ]);
    for (const d of errs) expect(typeof (d as unknown as { offset: number }).offset).toBe('number');
    const items = jsonLines(readFileSync(out, 'utf8')).slice(1) as { id: string; annotations: { id: string }[] }[];
    expect(items.map((i) => [i.id, i.annotations.map((a) => a.id)])).toEqual([['5', ['1']], ['40', ['4']]]);
  });

  it('--on-invalid fail stops at the first and leaves no -o file and no temp files', async () => {
    const tmp = join(dir, 'tmp-fail');
    mkdirSync(tmp);
    const out = join(dir, 'never.annoconv');
    const r = await cli(['convert', '--from', 'coco', '--to', 'annoconv', ACCEPT, '-o', out, '--on-invalid', 'fail'], { env: { TMPDIR: tmp } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/RUN_STOPPED/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.never'))).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('an unusable TMPDIR is an I/O error (exit 3, TEMP_WRITE_FAILED), not a crash', async () => {
    const r = await cli(['convert', '--from', 'coco', '--to', 'annoconv', ACCEPT, '--diagnostics', 'json'], { env: { TMPDIR: join(dir, 'no', 'such', 'dir') } });
    expect(r.code).toBe(3);
    expect(jsonDiagnostics(r.stderr).map((d) => d.code)).toEqual(['TEMP_WRITE_FAILED']);
  });

  it('reads stdin the same as a file, and detects the format', async () => {
    const sample = join(ROOT, 'fixtures/sample/instances.json');
    const a = await cli(['convert', '--to', 'annoconv', sample]);
    const b = await cli(['convert', '--to', 'annoconv'], { stdin: readFileSync(sample) });
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(jsonLines(a.stdout)).toHaveLength(4);
  });
});

describe('annoconv convert --from coco --workers', () => {
  it('joins partitions on worker threads with exactly the output of the single-threaded run', async () => {
    // 5,000 images: three partitions of 2,048
    const images = Array.from({ length: 5000 }, (_, i) => ({ id: i + 1, width: 64, height: 48, file_name: `${i}.jpg` }));
    const anns = Array.from({ length: 15000 }, (_, i) => ({ id: i + 1, image_id: ((i * 7919) % 5000) + 1, category_id: (i % 2) + 1, bbox: [1, 2, 3, 4], area: 12, iscrowd: 0, segmentation: [[1, 1, 5, 1, 5, 5]] }));
    anns[100]!.category_id = 99; // one invalid record, reported from a worker
    const src = join(dir, 'parts.json');
    writeFileSync(src, JSON.stringify({ info: {}, images, annotations: anns, categories: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }] }));
    const one = await cli(['convert', '--from', 'coco', '--to', 'annoconv', src, '--diagnostics', 'json']);
    const two = await cli(['convert', '--from', 'coco', '--to', 'annoconv', src, '--workers', '2', '--diagnostics', 'json']);
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    expect(two.stdout).toBe(one.stdout);
    expect(jsonLines(two.stdout)).toHaveLength(5001);
    expect(jsonDiagnostics(two.stderr).map((d) => [d.code, d.pointer])).toEqual([['COCO_DANGLING_CATEGORY', '#/annotations/100/category_id']]);
    expect(jsonSummary(two.stderr)).toMatchObject({ read: 5001, written: 5000, rejected: 1 });
  });
});
