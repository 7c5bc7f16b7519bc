/**
 * preview as a command: what it chooses (--sample/--seed by a hash of the id, --labels, --ids),
 * where it looks for images (path, name, URL path below --media-root; http(s) never fetched;
 * nothing outside the root), what it lists as not drawn (no image, outside the image, kinds
 * without a place on an image, masks of another size), downscaling, the page's content and its
 * Content-Security-Policy, and usage errors before anything is read.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { cli, jsonDiagnostics, jsonSummary } from '../helpers/run.js';
import { labelRgb } from '../../src/preview/colour.js';

const dir = mkdtempSync(join(tmpdir(), 'annoconv-preview-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const media = join(dir, 'media');
mkdirSync(join(media, 'sub'), { recursive: true });
for (const [name, w, h] of [['a.png', 60, 40], ['sub/b.png', 60, 40], ['c.png', 60, 40], ['big.png', 2000, 1000]] as const)
  await sharp({ create: { width: w, height: h, channels: 3, background: '#ffffff' } }).png().toFile(join(media, name));
await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000000' } }).png().toFile(join(dir, 'outside.png'));

const item = (id: string, rest: Record<string, unknown>, annotations: unknown[] = []): Record<string, unknown> => ({ id, kind: 'image', metadata: {}, annotations, ...rest });
const box = (label: string, x = 5, y = 5, w = 10, h = 10): Record<string, unknown> => ({ kind: 'box', x, y, w, h, label });
let n = 0;
function input(items: Record<string, unknown>[]): string {
  const f = join(dir, `in${++n}.annoconv`);
  writeFileSync(f, items.map((i) => JSON.stringify(i)).join('\n') + '\n');
  return f;
}
const pngs = (out: string): string[] => readdirSync(out).filter((f) => /^\d{4}-.*\.png$/.test(f)).sort();

describe('preview: choosing items', () => {
  const many = Array.from({ length: 40 }, (_, i) => item(`item-${i}`, { path: 'a.png' }, [box(i % 3 ? 'car' : 'dog')]));

  it('--sample N --seed S: the same N items every run and in any reading order; a larger N keeps them', async () => {
    const ids = async (items: Record<string, unknown>[], k: number, seed: string): Promise<string[]> => {
      const out = join(dir, `s${++n}`);
      const r = await cli(['preview', input(items), '--media-root', media, '-o', out, '--sample', String(k), '--seed', seed]);
      expect(r.code, r.stderr).toBe(0);
      return pngs(out).map((f) => f.replace(/^\d{4}-/, '').replace(/\.png$/, '')).sort();
    };
    const first = await ids(many, 5, 'x');
    expect(first.length).toBe(5);
    expect(await ids(many, 5, 'x')).toEqual(first);
    expect(await ids([...many].reverse(), 5, 'x')).toEqual(first);
    const eight = await ids(many, 8, 'x');
    for (const id of first) expect(eight).toContain(id);
    expect(await ids(many, 5, 'y')).not.toEqual(first);
  });

  it('--labels keeps items with one of the labels; --ids the items listed in a file', async () => {
    const out = join(dir, 'labels');
    let r = await cli(['preview', input(many), '--media-root', media, '-o', out, '--labels', 'dog']);
    expect(r.code, r.stderr).toBe(0);
    expect(pngs(out).length).toBe(14); // i % 3 === 0 for i in 0..39
    const list = join(dir, 'ids.txt');
    writeFileSync(list, 'item-3\nitem-7\nnope\n');
    const out2 = join(dir, 'ids');
    r = await cli(['preview', input(many), '--media-root', media, '-o', out2, '--ids', list]);
    expect(r.code, r.stderr).toBe(0);
    expect(pngs(out2)).toEqual(['0001-item-3.png', '0002-item-7.png']);
    expect(existsSync(join(out2, 'contact-sheet.png'))).toBe(true);
  });
});

describe('preview: images and what is not drawn', () => {
  it('finds images by path, by name, by URL path; never fetches http(s); nothing outside --media-root; lists what is not drawn', async () => {
    let requests = 0;
    const server = createServer((_, res) => {
      requests++;
      res.end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    try {
      const items = [
        item('by-path', { path: 'sub/b.png' }, [box('car')]),
        item('by-name', { path: 'elsewhere/c.png' }, [box('car')]),
        item('by-url-path', { url: 'https://bucket.example/sub/b.png' }, [box('car')]),
        item('remote', { url: `http://127.0.0.1:${port}/missing.png` }, [box('car')]),
        item('escape', { path: '../outside.png' }, [box('car')]),
        item('odd', { path: 'a.png' }, [
          box('car', 100, 100, 5, 5),
          box('car', 55, 35, 10, 10),
          { kind: 'span', start: 0, end: 3, label: 'word' },
          { kind: 'mask', label: 'car', rle: { size: [4, 6], counts: [0, 24] } },
        ]),
      ];
      const out = join(dir, 'page.html');
      const r = await cli(['preview', input(items), '--media-root', media, '-o', out, '--diagnostics', 'json']);
      expect(r.code, r.stderr).toBe(0);
      expect(requests).toBe(0);
      const diags = jsonDiagnostics(r.stderr);
      const noImage = diags.filter((d) => d.code === 'PREVIEW_NO_IMAGE').map((d) => JSON.parse(/item ("[^"]*")/.exec(d.message)![1]!));
      expect(noImage.sort()).toEqual(['escape', 'remote']);
      expect(diags.find((d) => d.code === 'PREVIEW_NOT_DRAWN')?.message).toMatch(/"odd": 3 annotation/);
      const summary = jsonSummary(r.stderr)!;
      expect(summary.changes).toEqual([
        { what: 'items drawn', count: 4 },
        { what: 'items without a picture', count: 2 },
        { what: 'annotations not drawn', count: 5 },
      ]);
      const html = readFileSync(out, 'utf8');
      expect(html.match(/<div class="card"/g)!.length).toBe(6);
      const table = /<table id="not-drawn">([\s\S]*?)<\/table>/.exec(html)![1]!;
      expect(table).toContain('is not fetched');
      expect(table).toMatch(/box &#34;car&#34; #1<\/td><td>outside the 60x40 image/);
      expect(table).toMatch(/box &#34;car&#34; #2<\/td><td>partly outside the 60x40 image \(drawn clipped\)/);
      expect(table).toMatch(/span &#34;word&#34; #3<\/td><td>a span annotation has no place on an image/);
      expect(table).toMatch(/mask &#34;car&#34; #4<\/td><td>mask of 6x4 on a 60x40 image/);
      // the page loads nothing from the network: a policy forbidding it, and no http(s) URL in any src or href
      expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: 'self' file:;/);
      expect(html).not.toMatch(/(src|href)="https?:/);
      expect(readdirSync(join(dir, 'page_files')).filter((f) => f.endsWith('.jpg')).length).toBe(4);
    } finally {
      server.close();
    }
  });

  it('downscales to --max-size: a 2000x1000 image drawn at 500x250, the box at a quarter of its coordinates', async () => {
    const out = join(dir, 'big');
    const r = await cli(['preview', input([item('big', { path: 'big.png' }, [box('car', 400, 200, 800, 400)])]), '--media-root', media, '-o', out, '--max-size', '500', '--no-tags']);
    expect(r.code, r.stderr).toBe(0);
    const { data, info } = await sharp(join(out, '0001-big.png')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([500, 250]);
    const at = (x: number, y: number): number[] => [...data.subarray((y * 500 + x) * 3, (y * 500 + x) * 3 + 3)];
    // the box [100, 50, 200, 100] in the picture, a 1-pixel stroke (500 px wide)
    expect(at(100, 100)).toEqual(labelRgb('car'));
    expect(at(299, 100)).toEqual(labelRgb('car'));
    expect(at(200, 50)).toEqual(labelRgb('car'));
    expect(at(99, 100)).toEqual([255, 255, 255]);
    expect(at(300, 100)).toEqual([255, 255, 255]);
  });
});

describe('preview: usage', () => {
  const one = (): string => input([item('a', { path: 'a.png' })]);
  it.each([
    ['no --media-root', ['-o', 'x.html']],
    ['no -o', ['--media-root', media]],
    ['-o -', ['--media-root', media, '-o', '-']],
    ['--sample 0', ['--media-root', media, '-o', 'x', '--sample', '0']],
    ['--max-size 3', ['--media-root', media, '-o', 'x', '--max-size', '3']],
    ['--media-root not a folder', ['--media-root', join(media, 'a.png'), '-o', 'x']],
  ])('%s: exit 2 (OPTION_INVALID), nothing written', async (_, args) => {
    const r = await cli(['preview', one(), ...args.map((a) => (a === 'x' || a === 'x.html' ? join(dir, 'never-' + a) : a)), '--diagnostics', 'json']);
    expect(r.code, r.stderr).toBe(2);
    expect(jsonDiagnostics(r.stderr).map((d) => d.code)).toContain('OPTION_INVALID');
    expect(existsSync(join(dir, 'never-x'))).toBe(false);
    expect(existsSync(join(dir, 'never-x.html'))).toBe(false);
  });
});
