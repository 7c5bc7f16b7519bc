/**
 * Lone surrogates (`"\ud800"`: valid JSON, not a character) are refused where they enter, by
 * every JSON reader, at the value's pointer: written out they become U+FFFD, and two labels
 * "\ud800" and "\udbff" would become one. Pairs (an escaped emoji) pass.
 */
import { describe, expect, it } from 'vitest';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { findLoneSurrogate } from '../src/core/lone-surrogate.js';

/** Each JSON format: an input with two records, the first holding `S` where a string goes; the pointer of `S`. */
const CASES: { from: string; input: (s: string) => string; pointer: string; line?: number; written?: number }[] = [
  {
    from: 'jsonl',
    input: (s) => [`{"uuid": "0b8f1b3e-7c1d-4b8e-9f3a-000000000001", "datatype": "text", "data": {"text": "${s}"}}`, '{"uuid": "0b8f1b3e-7c1d-4b8e-9f3a-000000000002", "datatype": "text", "data": {"text": "ok"}}'].join('\n'),
    pointer: '#/data/text',
    line: 1,
  },
  {
    from: 'annoconv',
    input: (s) => [`{"id": "a", "kind": "image", "metadata": {}, "annotations": [{"kind": "box", "x": 1, "y": 1, "w": 2, "h": 2, "label": "${s}"}]}`, '{"id": "b", "kind": "image", "metadata": {}, "annotations": []}'].join('\n'),
    pointer: '#/annotations/0/label',
    line: 1,
  },
  {
    from: 'coco',
    input: (s) => JSON.stringify({ images: [{ id: 1, file_name: 'a.jpg', width: 10, height: 10 }, { id: 2, file_name: 'b.jpg', width: 10, height: 10 }], annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 2, 2], area: 4, iscrowd: 0, segmentation: [], attributes: { note: 'S' } }, { id: 2, image_id: 2, category_id: 1, bbox: [1, 1, 2, 2], area: 4, iscrowd: 0, segmentation: [] }], categories: [{ id: 1, name: 'cat' }] }).replace('"S"', `"${s}"`),
    pointer: '#/annotations/0/attributes/note',
    written: 2, // both images: the annotation is the record rejected
  },
  {
    from: 'coco-results',
    input: (s) => JSON.stringify([{ image_id: 1, category_id: 1, bbox: [1, 1, 2, 2], score: 0.5, note: 'S' }, { image_id: 2, category_id: 1, bbox: [1, 1, 2, 2], score: 0.5 }]).replace('"S"', `"${s}"`),
    pointer: '#/0/note',
  },
  {
    from: 'labelstudio',
    input: (s) => JSON.stringify([{ data: { image: 'https://b/a.jpg' }, annotations: [{ result: [{ id: 'r', type: 'choices', from_name: 'c', to_name: 'image', value: { choices: ['S'] } }] }] }, { data: { image: 'https://b/b.jpg' } }]).replace('"S"', `"${s}"`),
    pointer: '#/0/annotations/0/result/0/value/choices/0',
  },
  {
    from: 'labelstudio-min',
    input: (s) => JSON.stringify([{ image: 'https://b/a.jpg', id: 1, choice: 'S' }, { image: 'https://b/b.jpg', id: 2 }]).replace('"S"', `"${s}"`),
    pointer: '#/0/choice',
  },
  {
    from: 'ls-bulk',
    input: (s) => [`{"task": 1, "result": [{"id": "a", "type": "choices", "from_name": "c", "to_name": "image", "value": {"choices": ["${s}"]}}]}`, '{"task": 2, "result": []}'].join('\n'),
    pointer: '#/result/0/value/choices/0',
    line: 1,
  },
  {
    from: 'encord-json',
    input: (s) => JSON.stringify({ images: [{ objectUrl: 'https://b.s3.eu-west-1.amazonaws.com/a.jpg', title: 'S' }, { objectUrl: 'https://b.s3.eu-west-1.amazonaws.com/b.jpg' }] }).replace('"S"', `"${s}"`),
    pointer: '#/images/0/title',
  },
  {
    from: 'remo-json',
    input: (s) => JSON.stringify([{ file_name: 'a.jpg', width: 10, height: 10, annotations: [{ classes: ['S'], coordinates: [{ x: 1, y: 1 }, { x: 3, y: 3 }] }] }, { file_name: 'b.jpg', width: 10, height: 10, annotations: [] }]).replace('"S"', `"${s}"`),
    pointer: '#/0/annotations/0/classes/0',
  },
];

async function run(from: string, input: string): Promise<{ read: number; written: number; rejected: number; diags: Diagnostic[]; text: string }> {
  const sink = new MemorySink();
  const diags: Diagnostic[] = [];
  const r = await convert({ input: bufferInput(input), from, to: 'annoconv', output: sink, onDiagnostic: (d) => diags.push(d) });
  return { read: r.read, written: r.written, rejected: r.rejected, diags, text: sink.text() };
}

describe('lone surrogates in JSON', () => {
  for (const c of CASES) {
    it(`${c.from}: "\\ud800" is INPUT_LONE_SURROGATE at ${c.pointer}, the record rejected; a low half alone too; a pair (an escaped emoji) reads`, async () => {
      for (const lone of ['\\ud800', 'x\\uDC00y', '\\ud83d\\ud83d\\ude00']) {
        const r = await run(c.from, c.input(lone));
        expect(r.diags.filter((d) => d.severity === 'error').map((d) => [d.code, d.pointer, d.line])).toEqual([['INPUT_LONE_SURROGATE', c.pointer, c.line]]);
        expect([r.written, r.rejected]).toEqual([c.written ?? 1, 1]);
      }
      const pair = await run(c.from, c.input('\\ud83d\\ude00'));
      expect(pair.diags.filter((d) => d.severity === 'error')).toEqual([]);
      expect(pair.written).toBe(2);
      expect(pair.text).toContain('\u{1F600}');
    });
  }

  it('coco: images and categories are checked where they are parsed too', async () => {
    const doc = (file: string, name: string): string => `{"images": [{"id": 1, "file_name": "${file}", "width": 10, "height": 10}], "annotations": [], "categories": [{"id": 1, "name": "${name}"}]}`;
    const errors = async (text: string): Promise<(string | undefined)[][]> => (await run('coco', text)).diags.filter((d) => d.severity === 'error').map((d) => [d.code, d.pointer]);
    expect(await errors(doc('a\\\\ud800.jpg', 'cat'))).toEqual([]);
    expect(await errors(doc('a\\ud800.jpg', 'cat'))).toEqual([['INPUT_LONE_SURROGATE', '#/images/0/file_name']]);
    expect(await errors(doc('a.jpg', '\\udc01'))).toContainEqual(['INPUT_LONE_SURROGATE', '#/categories/0/name']);
  });

  it('the check: keys too, a literal backslash before u is no escape, and text without a surrogate escape is never walked', () => {
    const at = (text: string): string | undefined => findLoneSurrogate(text, JSON.parse(text))?.at;
    expect(at('{"a": {"\\udfff": 1}}')).toBe('/a/\udfff');
    expect(at('{"a": ["x", "\\\\ud800"]}')).toBeUndefined();
    expect(at('{"a/b": ["x", "\\ud800"]}')).toBe('/a~1b/1');
    expect(at('["\\u00e9", "\\ud83d\\ude00"]')).toBeUndefined();
    // the walk is guarded by the text: a value holding a surrogate is not looked at without one in the text
    expect(findLoneSurrogate('{"a": 1}', { a: '\ud800' })).toBeUndefined();
  });

  it('two labels that would both become U+FFFD are not merged: both records are refused, none written', async () => {
    const input = ['\\ud800', '\\udbff'].map((s, i) => `{"id": "${i}", "kind": "image", "metadata": {}, "annotations": [{"kind": "classification", "labels": ["${s}"]}]}`).join('\n');
    const r = await run('annoconv', input);
    expect(r.diags.map((d) => [d.code, d.line])).toEqual([['INPUT_LONE_SURROGATE', 1], ['INPUT_LONE_SURROGATE', 2]]);
    expect(r.text).toBe('');
  });
});
