/**
 * --media-root lookups stay in the folder: a name from the data such as `../outside/x.png`, or a
 * link inside the folder to a file elsewhere, is not looked up and is reported exactly as a missing
 * file is. Before, such files were probed, and "not found" against "not an image" told which
 * files exist outside the folder.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { cli, jsonDiagnostics, jsonLines } from './helpers/run.js';

let dir: string;
let root: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-media-root-'));
  root = join(dir, 'root');
  const outside = join(dir, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#00f' } }).png().toBuffer();
  writeFileSync(join(root, 'inside.png'), png);
  writeFileSync(join(outside, 'secret.png'), png);
  writeFileSync(join(outside, 'notimage.png'), 'not an image');
  symlinkSync(join(outside, 'secret.png'), join(root, 'link.png'));
  symlinkSync(outside, join(root, 'linkdir'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const item = (path: string): string => JSON.stringify({ id: path, kind: 'image', path, metadata: {}, annotations: [] });

describe('--media-root on convert', () => {
  it('fills sizes from files in the folder only; names outside it read as not found, whether they exist or not', async () => {
    const names = ['inside.png', '../outside/secret.png', '../outside/notimage.png', '../outside/missing.png', 'link.png', 'linkdir/secret.png', 'linkdir/notimage.png'];
    const input = join(dir, 'items.annoconv');
    writeFileSync(input, names.map(item).join('\n') + '\n');
    const r = await cli(['convert', input, '--from', 'annoconv', '--to', 'annoconv', '--media-root', root, '--diagnostics', 'json']);
    expect(r.code).toBe(0);
    const out = jsonLines(r.stdout) as { id: string; width?: number; height?: number }[];
    expect(out.map((i) => [i.id, i.width ?? null, i.height ?? null])).toEqual(names.map((n) => [n, n === 'inside.png' ? 40 : null, n === 'inside.png' ? 30 : null]));
    const diags = jsonDiagnostics(r.stderr);
    expect(diags.map((d) => d.code)).toEqual(names.slice(1).map(() => 'MEDIA_NOT_FOUND'));
    // the same words for each, whether the file outside exists, is not an image, or is missing
    for (const d of diags) expect(d.message).toMatch(/: not found\)$/);
  }, 30_000);
});

describe('--media-root for YOLO images', () => {
  it('a label whose image under --media-root is a link out of it is refused as having no image', async () => {
    const yolo = join(dir, 'yolo');
    mkdirSync(join(yolo, 'labels'), { recursive: true });
    writeFileSync(join(yolo, 'classes.txt'), 'cat\n');
    writeFileSync(join(yolo, 'labels', 'inside.txt'), '0 0.5 0.5 0.5 0.5\n');
    writeFileSync(join(yolo, 'labels', 'link.txt'), '0 0.5 0.5 0.5 0.5\n');
    const r = await cli(['convert', yolo, '--from', 'yolo', '--to', 'annoconv', '--media-root', root, '--diagnostics', 'json']);
    expect(jsonLines(r.stdout)).toMatchObject([{ annoconv: 'dataset', categories: [{ id: 0, name: 'cat' }] }, { width: 40, height: 30, annotations: [{ kind: 'box', x: 10, y: 7.5, w: 20, h: 15, categoryId: 0 }] }]);
    const d = jsonDiagnostics(r.stderr);
    expect(d.map((x) => [x.code, x.file?.endsWith('link.txt')])).toEqual([['YOLO_NO_SIZE', true]]);
    expect(d[0]!.message).toContain('no image found');
  }, 30_000);
});
