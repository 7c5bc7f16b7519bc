/** Pascal VOC: the offset policy both ways, a byte-identical round trip, hostile XML, safe output paths. */
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

  it.skipIf(!existsSync(CORPUS + 'voc'))('voc -> voc gives the devkit file back byte for byte (attributes, parts, actions)', async () => {
    const src = CORPUS + 'voc/datumaro/voc_dataset/voc_dataset1/';
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-voc-'));
    try {
      const r = await convert({ input: src, to: 'voc', output: dir });
      expect(r).toMatchObject({ from: 'voc', read: 1, written: 1, exitCode: 0 });
      expect(readFileSync(join(dir, '2007_000001.xml'), 'utf8')).toBe(readFileSync(src + 'Annotations/2007_000001.xml', 'utf8'));
      // beside the XML, the folder's record of the files annoconv wrote
      expect(readdirSync(dir).sort()).toEqual(['.annoconv-files', '2007_000001.xml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
