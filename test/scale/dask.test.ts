/**
 * Dask: a LocalCluster of 2 workers converts a generated SA-1B folder (2,000 images of 48 x 48
 * with 3 masks each: smaller than the issue's 20,000 to stay within the time of this 2-core
 * machine's suite) in 8 shards to COCO with examples/dask/annoconv_dask.py; the merged COCO equals
 * the single-process conversion (images, annotations, ids, categories) and the summed accounting
 * equals the single run's. In a second run the task of shard 3 kills its worker process on its
 * first attempt (a marker file says it did): Dask runs it again and the merged output is the same.
 * Resume: with one shard's output removed, the driver run again runs that shard alone (the other
 * shards' files keep their times) and the merged output is the same.
 * Skipped, and said so, when Python's `distributed` is not importable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from '../helpers/run.js';
import { python, pythonHas, skipping } from '../peers/peers.js';
// @ts-expect-error: a plain script of the bench
import { generate } from '../../bench/gen_sa1b.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-dask-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string): string => join(dir, f);
const has = pythonHas('distributed');
if (!has) skipping('dask', 'python3-distributed is not importable');

const DRIVER = `
import os, sys
sys.path.insert(0, sys.argv[1])
import annoconv_dask as d
marker = sys.argv[2]
if marker != '-':
    plain = d.run_shard
    def run_shard(cli, inp, to, out, summary, index, count, extra):
        if index == 3 and not os.path.exists(marker):
            open(marker, 'w').close()
            os._exit(1)  # the worker process dies mid-run
        return plain(cli, inp, to, out, summary, index, count, extra)
    d.run_shard = run_shard
sys.exit(d.main(sys.argv[3:]))
`;

const sorted = (l: any[]): any[] => [...l].sort((x, y) => x.id - y.id);

describe.runIf(has)('Dask', () => {
  it('8 shards on 2 workers = the single run; a killed worker retried gives the same output; a removed shard alone is run again', async () => {
    generate(at('in'), 2000, 3, 48);
    writeFileSync(at('cats.txt'), 'object\n');
    const conv = ['--', '--from', 'sa1b', '--sa1b-label', 'object', '--categories', at('cats.txt')];
    const one = await cli(['convert', at('in'), ...conv.slice(1), '--to', 'coco', '-o', at('one.json'), '--summary', at('one.s.json'), '-q']);
    expect(one.code, one.stderr).toBe(0);
    const single = JSON.parse(readFileSync(at('one.json'), 'utf8'));
    const s1 = JSON.parse(readFileSync(at('one.s.json'), 'utf8')).summary;
    for (const [name, marker] of [['plain', '-'], ['killed', at('killed.marker')]] as const) {
      const r = python(DRIVER, [join(ROOT, 'examples/dask'), marker, at('in'), '--to', 'coco', '-o', at(`${name}.json`), '--shards', '8', '--workers', '2', '--cli', join(ROOT, 'bin/annoconv.js'), ...conv]);
      expect(r.status, r.stderr.slice(-3000)).toBe(0);
      const totals = JSON.parse(r.stdout.trim().split('\n').pop()!);
      expect([totals.read, totals.written, totals.rejected, totals.losses]).toEqual([s1.read, s1.written, s1.rejected, s1.losses]);
      expect(totals.leftOut).toBe(7 * s1.read);
      const merged = JSON.parse(readFileSync(at(`${name}.json`), 'utf8'));
      expect(sorted(merged.images)).toEqual(sorted(single.images));
      expect(sorted(merged.annotations)).toEqual(sorted(single.annotations));
      expect(merged.categories).toEqual(single.categories);
    }
    expect(existsSync(at('killed.marker'))).toBe(true);
    // resume: with shard 5's output gone, a second run of the driver runs shard 5 alone again
    const work = at('plain.json.shards');
    const before = readdirSync(work).filter((f) => !f.startsWith('shard-5-')).map((f) => [f, statSync(join(work, f)).mtimeMs]);
    rmSync(join(work, 'shard-5-of-8.json'));
    const again = python(DRIVER, [join(ROOT, 'examples/dask'), '-', at('in'), '--to', 'coco', '-o', at('plain.json'), '--shards', '8', '--workers', '2', '--cli', join(ROOT, 'bin/annoconv.js'), ...conv]);
    expect(again.status, again.stderr.slice(-3000)).toBe(0);
    expect(existsSync(join(work, 'shard-5-of-8.json'))).toBe(true);
    for (const [f, t] of before) if (String(f).startsWith('shard-')) expect(statSync(join(work, String(f))).mtimeMs, String(f)).toBe(t);
    expect(sorted(JSON.parse(readFileSync(at('plain.json'), 'utf8')).annotations)).toEqual(sorted(single.annotations));
  }, 180_000);
});
