/** Pascal VOC: the offset policy both ways, whole pixels, parts, a byte-identical round trip, hostile XML and names, safe output paths. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { FileTree, safeRelative } from '../src/core/file-tree.js';
import { AnnoconvError } from '../src/core/diagnostics.js';
import { CORPUS } from './helpers/run.js';

const voc = (xmin: number, ymin: number, xmax: number, ymax: number): string =>
  `<annotation><filename>a.jpg</filename><size><width>10</width><height>5</height><depth>3</depth></size><object><name>cat</name><bndbox><xmin>${xmin}</xmin><ymin>${ymin}</ymin><xmax>${xmax}</xmax><ymax>${ymax}</ymax></bndbox></object></annotation>`;

async function run(input: string, from: string, to: string, format: Record<string, unknown> = {}, output?: string): Promise<{ text: string; exitCode: number; diags: Diagnostic[] }> {
  const sink = new MemorySink();
  const diags: Diagnostic[] = [];
  const r = await convert({ input: bufferInput(input), from, to, output: output ?? sink, options: { format }, onDiagnostic: (d) => diags.push(d) });
  return { text: sink.text(), exitCode: r.exitCode, diags };
}

describe('voc', () => {
  it('the box (2, 1, 5, 2) on 10 x 5: COCO [1, 0, 4, 2] with the devkit offset, [2, 1, 3, 1] with --voc-offset 0; back to the same corners', async () => {
    for (const [offset, bbox] of [['1', [1, 0, 4, 2]], ['0', [2, 1, 3, 1]]] as const) {
      const coco = JSON.parse((await run(voc(2, 1, 5, 2), 'voc', 'coco', { vocOffset: offset })).text) as { annotations: { bbox: number[] }[] };
      expect(coco.annotations[0]!.bbox).toEqual(bbox);
      const dir = mkdtempSync(join(tmpdir(), 'annoconv-voc-'));
      try {
        const back = await run(JSON.stringify(coco), 'coco', 'voc', { vocOffset: offset }, dir);
        expect(back.exitCode).toBe(0);
        const xml = readFileSync(join(dir, 'a.xml'), 'utf8');
        expect([...xml.matchAll(/<(xmin|ymin|xmax|ymax)>([^<]*)</g)].map((m) => Number(m[2]))).toEqual([2, 1, 5, 2]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it.skipIf(!existsSync(CORPUS + 'voc'))('voc -> voc --voc-float gives the devkit file back byte for byte (attributes, the <part> put back in its object, actions)', async () => {
    const src = CORPUS + 'voc/datumaro/voc_dataset/voc_dataset1/';
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-voc-'));
    try {
      const r = await convert({ input: src, to: 'voc', output: dir, options: { format: { vocFloat: true } } });
      expect(r).toMatchObject({ from: 'voc', read: 1, written: 1, exitCode: 0, losses: [] });
      expect(readFileSync(join(dir, '2007_000001.xml'), 'utf8')).toBe(readFileSync(src + 'Annotations/2007_000001.xml', 'utf8'));
      // beside the XML, the folder's record of the files annoconv wrote, and the segmentation read
      // from SegmentationClass/Object written back (test/png-masks.test.ts checks its pixels)
      expect(readdirSync(dir).sort()).toEqual(['.annoconv-files', '2007_000001.xml', 'ImageSets', 'SegmentationClass', 'SegmentationObject', 'labelmap.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync(CORPUS + 'voc'))('by default corners are whole pixels: the head part (5.5, 6, 7.5, 8) is written (6, 6, 8, 8), and the rounding is counted once', async () => {
    const src = CORPUS + 'voc/datumaro/voc_dataset/voc_dataset1/';
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-voc-'));
    try {
      const r = await convert({ input: src, to: 'voc', output: dir });
      expect(r.exitCode).toBe(0);
      expect(r.losses.map((l) => [l.what, l.count])).toEqual([["box's sub-pixel corners", 1]]);
      const want = readFileSync(src + 'Annotations/2007_000001.xml', 'utf8').replace('<xmin>5.5</xmin>', '<xmin>6</xmin>').replace('<xmax>7.5</xmax>', '<xmax>8</xmax>');
      expect(readFileSync(join(dir, '2007_000001.xml'), 'utf8')).toBe(want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parts: a box whose parent is a written box becomes its <part>; one whose parent is missing is an object of its own, counted; attributes and scores of parts are counted', async () => {
    const box = (label: string, x: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ kind: 'box', x, y: 0, w: 4, h: 4, label, ...extra });
    const item = {
      id: 'p', kind: 'image', path: 'p.jpg', width: 50, height: 20, metadata: {},
      annotations: [
        box('hand', 11, { parent: 'P', attributes: { side: 'left' } }),
        box('person', 10, { id: 'P' }),
        box('head', 12, { parent: 'P', score: 0.5 }),
        box('foot', 30, { parent: 'nobody' }),
        { kind: 'keypoints', id: 'K', points: [[1, 1, 2]], label: 'pose' },
        box('ear', 40, { parent: 'K' }),
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-voc-'));
    try {
      const r = await run(JSON.stringify(item), 'annoconv', 'voc', {}, dir);
      expect(r.exitCode).toBe(0);
      const xml = readFileSync(join(dir, 'p.xml'), 'utf8');
      const objects = [...xml.matchAll(/<object>([\s\S]*?)<\/object>/g)].map((m) => ({
        name: /<name>([^<]*)<\/name>/.exec(m[1]!)![1],
        parts: [...m[1]!.matchAll(/<part>\s*<name>([^<]*)<\/name>\s*<bndbox>\s*<xmin>(\d+)<\/xmin>/g)].map((p) => [p[1], Number(p[2])]),
      }));
      expect(objects).toEqual([
        { name: 'person', parts: [['hand', 12], ['head', 13]] },
        { name: 'foot', parts: [] },
        { name: 'ear', parts: [] },
      ]);
      const lost = Object.fromEntries(r.diags.filter((d) => d.code === 'LOSS_DROPPED').map((d) => [d.message.replace(/^dropped \d+ /, '').replace(/:.*/, ''), Number(/dropped (\d+)/.exec(d.message)![1])]));
      expect(lost).toEqual({ 'part links': 2, attribute: 1, score: 1, 'keypoints annotation': 1 });
      // read back: the parts are boxes again, linked to their person
      const back = (await run(xml, 'voc', 'annoconv')).text.trim();
      const anns = (JSON.parse(back) as { annotations: { label: string; id?: string; parent?: string }[] }).annotations;
      expect(anns.map((a) => [a.label, a.id, a.parent])).toEqual([['hand', undefined, '1'], ['head', undefined, '1'], ['person', '1', undefined], ['foot', undefined, undefined], ['ear', undefined, undefined]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('text and names from the data: & < > CR and outer spaces come back as they were; keys that are not element names are left out and counted; a control character refuses the item (VOC_TEXT_INVALID)', async () => {
    const label = ' a&b<c> "q"\rx ';
    const items = [
      { id: '1', kind: 'image', path: 'a.jpg', width: 10, height: 10, metadata: {}, extras: { voc: { source: { database: 'd&b', 'bad key': 'x' }, 'x></annotation><annotation': 'y' } }, annotations: [{ kind: 'box', x: 1, y: 1, w: 2, h: 2, label, attributes: { actions: { jumping: true, '1st': false } } }] },
      { id: '2', kind: 'image', path: 'b.jpg', width: 10, height: 10, metadata: {}, annotations: [{ kind: 'box', x: 1, y: 1, w: 2, h: 2, label: 'dog\u0001' }] },
    ].map((i) => JSON.stringify(i)).join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-voc-'));
    try {
      const r = await run(items, 'annoconv', 'voc', {}, dir);
      expect(r.diags.filter((d) => d.severity === 'error').map((d) => [d.code, d.line])).toEqual([['VOC_TEXT_INVALID', 2]]);
      expect(r.diags.find((d) => d.code === 'LOSS_DROPPED')?.message).toMatch(/^dropped 3 fields whose names are not XML element names/);
      expect(readdirSync(dir).sort()).toEqual(['.annoconv-files', 'a.xml']);
      const xml = readFileSync(join(dir, 'a.xml'), 'utf8');
      expect(xml).not.toContain('</annotation><annotation');
      const back = JSON.parse((await run(xml, 'voc', 'annoconv')).text) as { annotations: { label: string; attributes: unknown }[]; extras: { voc: unknown } };
      expect(back.annotations[0]).toMatchObject({ label, attributes: { actions: { jumping: true } } });
      expect(back.extras.voc).toEqual({ source: { database: 'd&b' }, depth: '3' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('0-based files: VOC_ZERO_BASED under the devkit rule, nothing with --voc-offset 0', async () => {
    expect((await run(voc(0, 1, 5, 2), 'voc', 'annoconv')).diags.map((d) => [d.code, d.pointer])).toEqual([['VOC_ZERO_BASED', '#/annotation/object/0/bndbox']]);
    expect((await run(voc(2, 0, 5, 2), 'voc', 'annoconv')).diags.map((d) => d.code)).toEqual(['VOC_ZERO_BASED']);
    expect((await run(voc(1, 1, 10, 5), 'voc', 'annoconv')).diags).toEqual([]);
    expect((await run(voc(0, 0, 10, 5), 'voc', 'annoconv', { vocOffset: '0' })).diags).toEqual([]);
    expect((await run(voc(-1, 0, 10, 5), 'voc', 'annoconv', { vocOffset: '0' })).diags.map((d) => d.code)).toEqual(['VOC_BOX_OUTSIDE']);
  });

  it('a DOCTYPE entity bomb is refused with a code before parsing, at once', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><annotation><filename>&lol9;</filename></annotation>`;
    const t0 = performance.now();
    const r = await run(bomb, 'voc', 'annoconv');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.diags.map((d) => d.code)).toEqual(['VOC_DOCTYPE']);
    expect(r.exitCode).toBe(1);
  });

  it('bad objects are coded at their element; warnings for floats, boxes outside and a missing size', async () => {
    const xml = '<annotation><filename>b.jpg</filename><size><width>10</width><height>5</height></size>'
      + '<object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>'
      + '<object><name>x</name><bndbox><xmin>a</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>'
      + '<object><name>x</name><bndbox><xmin>5</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>'
      + '<object><name>x</name><difficult>2</difficult><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>'
      + '<object><name>y</name><bndbox><xmin>1.5</xmin><ymin>1</ymin><xmax>20</xmax><ymax>2</ymax></bndbox></object></annotation>';
    const r = await run(xml, 'voc', 'annoconv');
    expect(r.diags.map((d) => [d.code, d.pointer])).toEqual([
      ['VOC_OBJECT_INVALID', '#/annotation/object/0/name'],
      ['VOC_COORDINATE_INVALID', '#/annotation/object/1/bndbox/xmin'],
      ['VOC_BOX_INVERTED', '#/annotation/object/2/bndbox'],
      ['VOC_FLAG_INVALID', '#/annotation/object/3/difficult'],
      ['VOC_COORDINATE_FLOAT', '#/annotation/object/4/bndbox'],
      ['VOC_BOX_OUTSIDE', '#/annotation/object/4/bndbox'],
    ]);
    expect((await run('<annotation><filename>c.jpg</filename></annotation>', 'voc', 'annoconv')).diags.map((d) => d.code)).toEqual(['VOC_SIZE_MISSING']);
    expect((await run('<annotation><filename>c.jpg</filename>', 'voc', 'annoconv')).diags.map((d) => d.code)).toEqual(['VOC_XML_INVALID']);
    expect((await run('<notvoc/>', 'voc', 'annoconv')).diags.map((d) => d.code)).toEqual(['VOC_NOT_ANNOTATION']);
  });

  it('file names from the data never leave the output folder; two images with one XML name are refused', async () => {
    expect(['a.xml', 'sub/a.xml', '../a.xml', '/etc/a.xml', 'C:/a.xml', 'a/../../b.xml', '..'].map(safeRelative)).toEqual(['a.xml', 'sub/a.xml', undefined, undefined, undefined, undefined, undefined]);
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-voc-'));
    try {
      await expect(new FileTree(dir).write('../escape.xml', 'x')).rejects.toBeInstanceOf(AnnoconvError);
      await expect(new FileTree(dir).write('/abs.xml', 'x')).rejects.toMatchObject({ diagnostic: { code: 'OUTPUT_PATH_UNSAFE' } });
      const items = ['imgs/a.jpg', 'other/a.png'].map((p, i) => JSON.stringify({ id: String(i), kind: 'image', path: p, metadata: {}, annotations: [] })).join('\n');
      const r = await run(items, 'annoconv', 'voc', {}, dir);
      expect(r.diags.map((d) => [d.code, d.line])).toEqual([['VOC_NAME_TAKEN', 2]]);
      expect(readdirSync(dir).sort()).toEqual(['.annoconv-files', 'a.xml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writing VOC without -o DIR is a usage error', async () => {
    await expect(convert({ input: bufferInput(voc(2, 1, 5, 2)), from: 'voc', to: 'voc', output: new MemorySink() })).rejects.toMatchObject({ exitCode: 2 });
  });
});
