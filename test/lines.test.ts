/** Streaming edge cases of the line splitter and the jsonl reader: chunking must never change the result. */
import { describe, expect, it } from 'vitest';
import { splitLines, type LineBatch } from '../src/core/lines.js';
import { validate, convert } from '../src/core/run.js';
import { bufferInput, MemorySink, type InputSource } from '../src/core/io.js';
import type { Diagnostic } from '../src/core/diagnostics.js';

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

interface Flat {
  lines: { n: number; text: string; problem?: string }[];
  bom: boolean;
}

async function flatten(buf: Buffer, size: number, max = 1 << 20): Promise<Flat> {
  const out: Flat = { lines: [], bom: false };
  for await (const b of splitLines(chunked(buf, size), max) as AsyncIterable<LineBatch>) {
    if (b.bom) out.bom = true;
    b.lines.forEach((text, i) => {
      const p = b.problems?.get(i);
      out.lines.push({ n: b.first + i, text, ...(p ? { problem: p.kind } : {}) });
    });
  }
  return out;
}

const SAMPLES: Record<string, Buffer> = {
  plain: Buffer.from('{"a":1}\n{"b":"é"}\n{"c":"日本"}\n'),
  crlf: Buffer.from('{"a":1}\r\n{"b":2}\r\n'),
  noFinalNewline: Buffer.from('{"a":1}\n{"b":2}'),
  bom: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n{"b":2}\n')]),
  blank: Buffer.from('\n\n{"a":1}\n\n'),
  badUtf8: Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), Buffer.from('{"c":"€"}\n')]),
  emoji: Buffer.from('{"e":"😀😀"}\n{"f":"x"}\n'),
  empty: Buffer.alloc(0),
};

describe('splitLines', () => {
  for (const [name, buf] of Object.entries(SAMPLES)) {
    it(`${name}: 1-byte, 3-byte and 7-byte chunks give the same lines as one chunk`, async () => {
      const whole = await flatten(buf, Math.max(buf.length, 1));
      for (const size of [1, 3, 7]) expect(await flatten(buf, size)).toEqual(whole);
    });
  }

  it('splits on \\n and \\r\\n, strips the BOM, keeps empty lines as empty strings', async () => {
    expect((await flatten(SAMPLES.crlf!, 100)).lines.map((l) => l.text)).toEqual(['{"a":1}', '{"b":2}']);
    const bom = await flatten(SAMPLES.bom!, 1);
    expect(bom.bom).toBe(true);
    expect(bom.lines[0]!.text).toBe('{"a":1}');
    expect((await flatten(SAMPLES.blank!, 2)).lines.map((l) => l.text)).toEqual(['', '', '{"a":1}', '']);
    expect((await flatten(SAMPLES.empty!, 1)).lines).toEqual([]);
  });

  it('marks only the line that is not UTF-8, with its number', async () => {
    const f = await flatten(SAMPLES.badUtf8!, 5);
    expect(f.lines.map((l) => [l.n, l.problem ?? null])).toEqual([[1, null], [2, 'utf8'], [3, null]]);
    expect(f.lines[2]!.text).toBe('{"c":"€"}');
  });

  it('skips a line over the limit wherever the chunk boundaries fall, and counts lines on', async () => {
    const buf = Buffer.from(`{"a":1}\n${'x'.repeat(100)}\n{"b":2}\n${'y'.repeat(100)}`);
    for (const size of [1, 10, 64, 1000]) {
      const f = await flatten(buf, size, 50);
      expect(f.lines.map((l) => [l.n, l.problem ?? l.text])).toEqual([[1, '{"a":1}'], [2, 'too-large'], [3, '{"b":2}'], [4, 'too-large']]);
    }
  });
});

function oneByteSource(text: string): InputSource {
  const buf = Buffer.from(text);
  const src = bufferInput(buf, '<test>');
  return {
    ...src,
    name: '<test>',
    bytesRead: 0,
    peek: (n: number) => src.peek(n),
    chunks: () => chunked(buf, 1),
  };
}

describe('jsonl reader over 1-byte chunks', () => {
  it('reports the same codes and lines as over one chunk', async () => {
    const text = '\ufeff{"uuid":"a","datatype":"text","data":{"text":"é"}}\r\n{"uuid":"a","datatype":"text","data":{"text":"x"},"metadata":"m"}\r\n\r\n{"uuid":"b","datatype":"te';
    const run = async (input: InputSource): Promise<string[]> => {
      const d: Diagnostic[] = [];
      await validate({ input, from: 'jsonl', onDiagnostic: (x) => d.push(x) });
      return d.map((x) => `${x.code}@${x.line ?? '-'}`).sort();
    };
    const whole = await run(bufferInput(text));
    expect(whole).toEqual(['JSONL_BLANK_LINE@3', 'JSONL_BOM@1', 'JSONL_INVALID_JSON@4', 'JSONL_METADATA_NOT_OBJECT@2', 'JSONL_UUID_DUPLICATE@2', 'JSONL_UUID_NOT_RFC4122@1']);
    expect(await run(oneByteSource(text))).toEqual(whole);
  });

  it('converts the same items from 1-byte chunks as from one chunk', async () => {
    const text = '{"uuid":"a","datatype":"text","data":{"text":"日本語 😀"}}\n{"uuid":"b","datatype":"image","data":{"url":"https://x.org/a.jpg"}}';
    const a = new MemorySink();
    const b = new MemorySink();
    await convert({ input: bufferInput(text), from: 'jsonl', to: 'annoconv', output: a });
    await convert({ input: oneByteSource(text), from: 'jsonl', to: 'annoconv', output: b });
    expect(b.text()).toBe(a.text());
    expect(a.text().split('\n').filter(Boolean)).toHaveLength(2);
  });
});
