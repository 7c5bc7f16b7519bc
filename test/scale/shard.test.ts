/**
 * --shard I/N: over 100,000 generated items and N = 1, 2, 7, 64 the shards are disjoint and
 * complete (every id in exactly one shard; read + leftOut = the input in every run); shard outputs
 * of the CLI joined are the single run's output line for line; rejected records counted once (in
 * shard 0); scan selects files before probing; bad values are usage errors (exit 2).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { bufferInput, MemorySink, validate } from '../../src/index.js';
import { scan } from '../../src/core/run.js';
import { inShard, parseShard, shardOf } from '../../src/core/shard.js';
import { cli } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ITEMS = 100_000;
const line = (i: number): string => JSON.stringify({ uuid: `item-${i}`, datatype: 'text', data: { text: `t${i}` } });
const big = Buffer.from(Array.from({ length: ITEMS }, (_, i) => line(i) + '\n').join(''));

describe('--shard I/N', () => {
  const ids = Array.from({ length: ITEMS }, (_, i) => `item-${i}`);
  for (const n of [1, 2, 7, 64]) {
    it(`N = ${n}: each of ${ITEMS.toLocaleString('en-US')} ids in exactly one shard, shards of about equal size`, () => {
      const sizes = new Array<number>(n).fill(0);
      let wrong = 0;
      for (const id of ids) {
        const s = shardOf(id, n);
        // the shard's own run takes it, the next one's does not
        if (!inShard(id, { index: s, count: n }) || (n > 1 && inShard(id, { index: (s + 1) % n, count: n }))) wrong++;
        sizes[s]!++;
      }
      expect(wrong).toBe(0);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(ITEMS);
      // each within 5 standard deviations of ITEMS / n
      const sd = Math.sqrt((ITEMS * (n - 1)) / n / n);
      for (const s of sizes) expect(Math.abs(s - ITEMS / n)).toBeLessThan(5 * sd + 1);
    });
  }

  // whole runs: every shard run reads the whole input (N = 64 over the first 10,000 items, to keep
  // the 64 runs within seconds)
  for (const [n, count] of [[1, ITEMS], [2, ITEMS], [7, ITEMS], [64, 10_000]] as const) {
    it(`N = ${n}: ${count.toLocaleString('en-US')} items through the runs, disjoint and complete, read + leftOut = input`, async () => {
      const input = count === ITEMS ? big : big.subarray(0, big.indexOf(line(count)));
      const owner = new Map<string, number>();
      let repeated = 0;
      for (let i = 0; i < n; i++) {
        const r = await validate({
          input: bufferInput(input, 'big.jsonl'),
          from: 'jsonl',
          options: { shard: { index: i, count: n } },
          transform: (item) => {
            if (owner.has(item.id)) repeated++;
            owner.set(item.id, i);
            return item;
          },
        });
        expect(r.read + r.leftOut!).toBe(count);
        expect(r.read).toBe([...owner.values()].filter((s) => s === i).length);
        expect(r.rejected).toBe(0);
      }
      expect(repeated).toBe(0);
      expect(owner.size).toBe(count);
      for (const [id, s] of owner) expect(s).toBe(shardOf(id, n));
    }, 120_000);
  }

  it('CLI: the shard outputs joined are the single run output; summaries add up; a bad record is counted in shard 0 only', async () => {
    const input = join(dir, 'in.jsonl');
    const lines = Array.from({ length: 3000 }, (_, i) => line(i));
    lines.splice(1500, 0, '{"uuid": "broken"');
    writeFileSync(input, lines.join('\n') + '\n');
    const single = await cli(['convert', input, '--from', 'jsonl', '--to', 'jsonl', '-o', join(dir, 'all.jsonl'), '--summary', join(dir, 'all.summary.json')]);
    expect(single.code).toBe(1);
    const all = readFileSync(join(dir, 'all.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(all).toHaveLength(3000);
    const joined: string[] = [];
    const sum = { read: 0, written: 0, rejected: 0, leftOut: 0 };
    for (let i = 0; i < 3; i++) {
      const r = await cli(['convert', input, '--from', 'jsonl', '--to', 'jsonl', '--shard', `${i}/3`, '-o', join(dir, `s${i}.jsonl`), '--summary', join(dir, `s${i}.json`)]);
      expect(r.code).toBe(i === 0 ? 1 : 0);
      joined.push(...readFileSync(join(dir, `s${i}.jsonl`), 'utf8').split('\n').filter(Boolean));
      const s = JSON.parse(readFileSync(join(dir, `s${i}.json`), 'utf8')).summary;
      expect(s.shard).toBe(`${i}/3`);
      expect(s.rejected).toBe(i === 0 ? 1 : 0);
      expect(s.read).toBe(s.written + s.rejected);
      expect(s.read + s.leftOut).toBe(3001);
      for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += s[k];
    }
    expect(joined.sort()).toEqual([...all].sort());
    const one = JSON.parse(readFileSync(join(dir, 'all.summary.json'), 'utf8')).summary;
    expect({ read: sum.read, written: sum.written, rejected: sum.rejected }).toEqual({ read: one.read, written: one.written, rejected: one.rejected });
    expect(sum.leftOut).toBe(2 * 3001);
  }, 60_000);

  it('scan: files selected by path before probing; the shards together are the whole scan', async () => {
    const root = join(dir, 'media');
    mkdirSync(join(root, 'sub'), { recursive: true });
    const names: string[] = [];
    for (let i = 0; i < 24; i++) {
      const name = i % 3 === 0 ? `sub/f${i}.png` : `f${i}.png`;
      await sharp({ create: { width: 4 + i, height: 3, channels: 3, background: '#123' } }).png().toFile(join(root, name));
      names.push(name);
    }
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const out = new MemorySink();
      const r = await scan({ dirs: [root], to: 'annoconv', output: out, options: { shard: { index: i, count: 4 } } });
      expect(r.read + r.leftOut!).toBe(24);
      const got = out.text().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((o) => o.id !== undefined).map((o) => o.id as string);
      expect(got).toHaveLength(r.written);
      ids.push(...got);
    }
    expect(ids.sort()).toEqual([...names].sort());
  });

  it('bad --shard values are usage errors (exit 2) on convert, validate, scan and stats', async () => {
    for (const bad of ['-1/3', 'a/b', '1', '7/7', '0/0']) expect(() => parseShard(bad), bad).toThrow(/OPTION_INVALID|--shard/);
    const input = join(dir, 'tiny.jsonl');
    writeFileSync(input, line(1) + '\n');
    for (const shard of ['3/3', '1/0', '1.5/3']) {
      for (const args of [['convert', input, '--to', 'jsonl'], ['validate', input], ['stats', input], ['scan', dir, '--to', 'annoconv']]) {
        const r = await cli([...args, `--shard=${shard}`]);
        expect(r.code, `${args[0]} --shard ${shard}`).toBe(2);
        expect(r.stderr).toContain('OPTION_INVALID');
        expect(r.stdout).toBe('');
      }
    }
  }, 60_000);
});
