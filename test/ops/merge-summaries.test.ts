/**
 * merge --summaries: a COCO file (with crowd regions, which CSV counts as loss) converted to CSV in
 * 3 shards and merged gives the single run's rows, and the shards' summaries added up give the
 * single run's read, written, rejected and losses; a missing shard is MERGE_SHARDS_INCOMPLETE.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, jsonStderr } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-msum-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string): string => join(dir, f);

describe('merge --summaries', () => {
  it('shard summaries add up to the single run; merged rows are the single run rows', async () => {
    const doc: any = { images: [], annotations: [], categories: [{ id: 1, name: 'car' }, { id: 2, name: 'dog' }] };
    let a = 1;
    for (let i = 1; i <= 300; i++) {
      doc.images.push({ id: i, file_name: `im${i}.jpg`, width: 64, height: 48 });
      for (let k = 0; k < i % 4; k++) doc.annotations.push({ id: a++, image_id: i, category_id: 1 + (k % 2), bbox: [k, 2, 5, 4], area: 20, iscrowd: i % 7 === 0 && k === 0 ? 1 : 0, segmentation: [] });
    }
    writeFileSync(at('c.json'), JSON.stringify(doc));
    expect((await cli(['convert', at('c.json'), '--to', 'csv', '-o', at('all.csv'), '--summary', at('all.json'), '-q'])).code).toBe(0);
    for (let i = 0; i < 3; i++) expect((await cli(['convert', at('c.json'), '--to', 'csv', '-o', at(`s${i}.csv`), '--shard', `${i}/3`, '--summary', at(`s${i}.json`), '-q'])).code).toBe(0);
    const m = await cli(['merge', at('s0.csv'), at('s1.csv'), at('s2.csv'), '--to', 'csv', '-o', at('m.csv'), '--summaries', at('s0.json'), at('s1.json'), at('s2.json'), '--diagnostics', 'json']);
    expect(m.code).toBe(0);
    const rows = (f: string): string[] => readFileSync(at(f), 'utf8').split('\n').filter(Boolean).sort();
    expect(rows('m.csv')).toEqual(rows('all.csv'));
    const one = JSON.parse(readFileSync(at('all.json'), 'utf8')).summary;
    const totals = (jsonStderr(m.stderr).find((o) => 'summary' in o) as any).summary.totals;
    expect(one.losses.length).toBeGreaterThan(0);
    expect(one.losses.some((l: any) => l.what === 'crowd regions' && l.count === 32)).toBe(true);
    expect({ read: totals.read, written: totals.written, rejected: totals.rejected, losses: [...totals.losses].sort((x: any, y: any) => (x.reason < y.reason ? -1 : 1)) }).toEqual({
      read: one.read,
      written: one.written,
      rejected: one.rejected,
      losses: [...one.losses].sort((x: any, y: any) => (x.reason < y.reason ? -1 : 1)),
    });
    expect(totals.read).toBe(totals.written + totals.rejected + totals.dropped);
    expect(totals.leftOut).toBe(2 * one.read);
    expect(totals.shards).toEqual(['0/3', '1/3', '2/3']);

    const part = await cli(['merge', at('s0.csv'), at('s1.csv'), '--to', 'csv', '-o', at('m2.csv'), '--summaries', at('s0.json'), at('s1.json')]);
    expect(part.stderr).toContain('MERGE_SHARDS_INCOMPLETE');
    expect(part.stderr).toContain('shard 2/3 missing');
    const badSummary = await cli(['merge', at('s0.csv'), '--to', 'csv', '--summaries', at('c.json')]);
    expect(badSummary.code).toBe(2);
    expect(badSummary.stderr).toContain('OPTION_INVALID');
  }, 60_000);
});
