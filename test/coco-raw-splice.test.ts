/**
 * coco -> annoconv splices the source text of checked polygon lists instead of formatting their
 * numbers again (core/raw-json.ts): the output must mean exactly what JSON.stringify of the model
 * means, keep the source's number text, and library users must never get items carrying such text.
 */
import { describe, expect, it } from 'vitest';
import { bufferInput, convert, MemorySink, readItems } from '../src/index.js';
import { rawJsonOf } from '../src/core/raw-json.js';
import type { Item } from '../src/model/types.js';

// annotations before images (the pending path), pretty-printed with CR LF, non-ASCII before a
// segmentation, exponents and trailing zeros, an invalid polygon, an RLE mask and a box
const coco = [
  '{"annotations": [',
  '  {"attributes": {"note": "épaule \\u00e9"}, "segmentation":\r\n   [[1.50, 2.0, 3e1, 4,\r\n 5.25, 6],[7,8,9,10,11,12]], "area": 1.0, "iscrowd": 0, "image_id": 2, "bbox": [1.5, 2, 28.5, 10], "category_id": 1, "id": 10},',
  '  {"segmentation": [[1, 2, 3, 4, 5]], "image_id": 1, "bbox": [0, 0, 1, 1], "category_id": 1, "id": 11},',
  '  {"segmentation": {"size": [4, 3], "counts": [0, 12]}, "image_id": 1, "category_id": 1, "id": 12, "area": 12, "bbox": [0, 0, 3, 4], "iscrowd": 1}',
  '],',
  '"images": [{"id": 1, "width": 3, "height": 4, "file_name": "a.jpg"}, {"id": 2, "width": 40, "height": 30, "file_name": "b.jpg"}],',
  '"info": {}, "categories": [{"id": 1, "name": "thing"}],',
  '"more": [{"segmentation": [[1.50, 2, 3, 4, 5, 6]], "image_id": 1, "id": 13}]',
  '}',
].join('\n');

describe('coco -> annoconv with source text spliced', () => {
  it('means the same as the model serialized plainly, and keeps the source number text', async () => {
    const sink = new MemorySink();
    const r = await convert({ input: bufferInput(coco), from: 'coco', to: 'annoconv', output: sink });
    expect(r).toMatchObject({ read: 3, written: 2, rejected: 1 });
    const lines = sink.text().trimEnd().split('\n');
    const expected: string[] = [];
    for await (const item of readItems(bufferInput(coco), { from: 'coco', onDataset: (d) => expected.push(JSON.stringify({ annoconv: 'dataset', version: 1, ...d })) })) {
      expected.push(JSON.stringify(item));
    }
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(expected.map((l) => JSON.parse(l) as unknown));
    // the polygon of image 2 is the source text (whitespace between tokens becomes spaces)
    expect(lines[2]).toContain('"rings":[[1.50, 2.0, 3e1, 4,   5.25, 6],[7,8,9,10,11,12]],');
    // everything else is byte for byte what JSON.stringify gives
    expect(lines[2]!.replace('[[1.50, 2.0, 3e1, 4,   5.25, 6],[7,8,9,10,11,12]]', '[[1.5,2,30,4,5.25,6],[7,8,9,10,11,12]]')).toBe(expected[2]);
    expect(lines[1]).toBe(expected[1]);
  });

  it('items handed to library code carry no source text', async () => {
    const items: Item[] = [];
    for await (const item of readItems(bufferInput(coco), { from: 'coco' })) items.push(item);
    const polygon = items[1]!.annotations.find((a) => a.kind === 'polygon');
    expect(polygon).toBeDefined();
    expect(rawJsonOf((polygon as { rings: number[][] }).rings)).toBeUndefined();
  });
});
