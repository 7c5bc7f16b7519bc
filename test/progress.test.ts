/** Progress: each phase with its own counter, on a terminal only. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert, MemorySink, bufferInput } from '../src/index.js';
import { progressText } from '../src/cli/progress.js';
import type { RunStats } from '../src/core/pipeline.js';
import type { InputSource } from '../src/core/io.js';
import { BIN } from './helpers/run.js';

function coco(images: number): string {
  const imgs = Array.from({ length: images }, (_, i) => ({ id: i + 1, file_name: `${i + 1}.jpg`, width: 10, height: 10 }));
  const anns = imgs.map((im, i) => ({ id: i + 1, image_id: im.id, category_id: 1, bbox: [1, 1, 2, 2], area: 4, iscrowd: 0 }));
  return JSON.stringify({ info: {}, images: imgs, annotations: anns, categories: [{ id: 1, name: 'a' }] });
}

describe('progress', () => {
  it('the COCO reader reports its join as a phase of its own, counted against the number of images', async () => {
    const seen: { name: string; total?: number; done: number }[] = [];
    await convert({
      input: bufferInput(coco(5000)),
      from: 'coco',
      to: 'annoconv',
      output: new MemorySink(),
      onProgress: (s) => {
        if (s.phase) seen.push({ name: s.phase.name, total: s.phase.total, done: s.read - s.phase.startRead });
      },
    });
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen.map((x) => `${x.name}/${x.total}`))).toEqual(new Set(['joining/5000']));
    expect(seen[0]!.done).toBe(0);
    expect(seen.at(-1)!.done).toBe(5000);
  });

  it('the line names the phase and its own count, not the bytes of a file already read', () => {
    const input = { name: 'big.json', bytesRead: 632e6, size: 632e6 } as InputSource;
    const reading: RunStats = { read: 1234, written: 0, rejected: 0, errors: 0, warnings: 0, losses: [] };
    expect(progressText(reading, { ...input, bytesRead: 316e6 } as InputSource, 0, 2000)).toBe('big.json: reading 1,234 records  158.0 MB/s 50.0%');
    const joining: RunStats = { ...reading, read: 51_234, phase: { name: 'joining', total: 200_000, unit: 'images', startRead: 1234, startedAt: 10_000 } };
    expect(progressText(joining, input, 0, 12_000)).toBe('big.json: joining 50,000 / 200,000 images 25.0%  25,000 images/s');
    const scan = { name: './data', bytesRead: 0, directory: true } as InputSource;
    expect(progressText({ ...reading, read: 3000 }, scan, 0, 1500)).toBe('./data: 3,000 files  2,000 files/s');
  });

  it('on a terminal the join is drawn as its own phase; piped, nothing is drawn', () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-progress-'));
    try {
      const src = join(dir, 'c.json');
      writeFileSync(src, coco(60_000));
      const tty = spawnSync('script', ['-qec', `${process.execPath} ${BIN} convert ${src} --to annoconv -o ${join(dir, 'o.annoconv')}`, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
      if (tty.error) return; // no script(1): nothing to draw on
      expect(tty.stdout).toMatch(/joining [\d,]+ \/ 60,000 images/);
      const piped = spawnSync(process.execPath, [BIN, 'convert', src, '--to', 'annoconv', '-o', join(dir, 'p.annoconv')], { encoding: 'utf8', timeout: 60_000 });
      expect(piped.stderr).not.toMatch(/joining|\r/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
