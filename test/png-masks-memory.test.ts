/**
 * Mask datasets stream image by image: a 10,000 x 10,000 mask (100 M pixels) costs O(image) while
 * it is decoded or painted, and a folder of several costs no more than one (README, Formats:
 * masks). Peak memory is the child process's own (test/helpers/maxrss.mjs).
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGreyPng } from '../src/media/png.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/annoconv.js');
const MB = 1024 * 1024;
const SIDE = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'annoconv-maskmem-'));

function peak(args: string[]): { status: number | null; peakMB: number; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', join(ROOT, 'test/helpers/maxrss.mjs'), BIN, ...args, '-q'], { encoding: 'utf8', maxBuffer: 64 * MB });
  return { status: r.status, peakMB: Number(/MAXRSS_KB (\d+)/.exec(r.stderr)?.[1]) / 1024, stderr: r.stderr };
}

/** A masks folder of `n` copies of one 10k x 10k mask: 4 classes in 1024-pixel blocks. */
function folder(name: string, n: number, png: Uint8Array): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'masks'), { recursive: true });
  writeFileSync(join(root, 'labelmap.txt'), '# label:color_rgb:parts:actions\nbackground:0,0,0::\nroad:128,0,0::\nlamp:0,128,0::\ntree:128,128,0::\n');
  writeFileSync(join(root, 'masks', 'm0.png'), png);
  for (let i = 1; i < n; i++) copyFileSync(join(root, 'masks', 'm0.png'), join(root, 'masks', `m${i}.png`));
  return root;
}

describe('masks: memory is O(image), not O(dataset)', () => {
  let one = '';
  let five = '';
  beforeAll(() => {
    const v = new Uint8Array(SIDE * SIDE);
    for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) v[y * SIDE + x] = ((x >> 10) + (y >> 10)) % 4;
    const png = encodeGreyPng(SIDE, SIDE, v);
    one = folder('one', 1, png);
    five = folder('five', 5, png);
  });

  it('reading a 10k x 10k mask peaks under 600 MB, and five of them less than 250 MB above one', () => {
    const a = peak(['convert', one, '--to', 'annoconv', '-o', join(dir, 'one.jsonl')]);
    expect(a.status, a.stderr).toBe(0);
    expect(a.peakMB).toBeLessThan(600);
    const b = peak(['convert', five, '--to', 'annoconv', '-o', join(dir, 'five.jsonl')]);
    expect(b.status, b.stderr).toBe(0);
    // each image held to the end would add 100 MB or more (400 MB for four more); measured: about 140 MB, the runtime's lag in freeing one image's buffers
    expect(b.peakMB).toBeLessThan(a.peakMB + 250);
    process.stdout.write(`masks memory: one 10k x 10k mask ${a.peakMB.toFixed(0)} MB, five ${b.peakMB.toFixed(0)} MB\n`);
  }, 120_000);

  it('painting a 10k x 10k mask (masks -> masks) peaks under 700 MB', () => {
    const out = join(dir, 'painted');
    rmSync(out, { recursive: true, force: true });
    const r = peak(['convert', one, '--to', 'masks', '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.peakMB).toBeLessThan(700);
  }, 120_000);
});
