/** The library API: no printing, no exiting; diagnostics through the callback, fatal problems thrown. */
import { describe, expect, it } from 'vitest';
import { convert, validate, readItems, detect, listFormats, AnnoconvError, MemorySink, bufferInput, CODES } from '../src/index.js';
import { streamInput } from '../src/core/io.js';
import { runPipeline } from '../src/core/pipeline.js';
import { defaultOptions } from '../src/core/options.js';
import { handleError } from '../src/cli/output.js';
import type { Diagnostic } from '../src/core/diagnostics.js';

const items = '{"uuid":"a","datatype":"text","data":{"text":"x"}}\n{"uuid":"b","datatype":"text","data":{"text":"y"},"metadata":{"k":1}}\n';

describe('library API', () => {
  it('readItems yields model items', async () => {
    const got = [];
    for await (const it of readItems(bufferInput(items), { from: 'jsonl' })) got.push(it);
    expect(got).toEqual([
      { id: 'a', kind: 'text', text: 'x', metadata: {}, annotations: [] },
      { id: 'b', kind: 'text', text: 'y', metadata: { k: 1 }, annotations: [] },
    ]);
  });

  it('convert writes to a sink and returns counts; detect names the format', async () => {
    const sink = new MemorySink();
    const r = await convert({ input: bufferInput(items), to: 'annoconv', output: sink });
    expect(r).toMatchObject({ from: 'jsonl', to: 'annoconv', read: 2, written: 2, rejected: 0, exitCode: 0 });
    expect(await detect(bufferInput(sink.text()))).toBe('annoconv');
    expect(listFormats().map((f) => f.id)).toEqual(expect.arrayContaining(['jsonl', 'annoconv']));
  });

  it('a read error mid-stream throws INPUT_READ_FAILED with exit code 3, after the records before it', async () => {
    const failing = streamInput('<broken>', async function* () {
      yield Buffer.from(items);
      throw new Error('EIO: i/o error, read');
    });
    const got: string[] = [];
    const err = await (async () => {
      for await (const it of readItems(failing, { from: 'jsonl' })) got.push(it.id);
    })().catch((x: unknown) => x);
    expect(got).toEqual(['a', 'b']);
    expect(err).toBeInstanceOf(AnnoconvError);
    expect((err as AnnoconvError).diagnostic.code).toBe('INPUT_READ_FAILED');
    expect((err as AnnoconvError).diagnostic.message).toMatch(/EIO/);
    expect((err as AnnoconvError).exitCode).toBe(3);
  });

  it('a reader-less format is OPTION_NOT_SUPPORTED', async () => {
    const err = await runPipeline({ input: bufferInput(items), reader: {}, options: defaultOptions(), onDiagnostic: () => undefined }).catch((x: unknown) => x);
    expect((err as AnnoconvError).diagnostic.code).toBe('OPTION_NOT_SUPPORTED');
  });

  it('an unexpected exception becomes INTERNAL_ERROR, printed without a stack', () => {
    const writes: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => {
      writes.push(s);
      return true;
    };
    try {
      expect(handleError(new TypeError('boom'), 'json')).toBe(1);
    } finally {
      (process.stderr as unknown as { write: typeof orig }).write = orig;
    }
    const d = JSON.parse(writes.join('')) as Diagnostic;
    expect(d.code).toBe('INTERNAL_ERROR');
    expect(writes.join('')).not.toMatch(/\bat .*:\d+:\d+/);
  });

  it('every code has a severity and a one-line meaning', () => {
    for (const [code, info] of Object.entries(CODES)) {
      expect(code).toMatch(/^[A-Z]+(_[A-Z0-9]+)+$/);
      expect(['error', 'warning', 'info']).toContain(info.severity);
      expect(info.meaning).not.toMatch(/\n/);
    }
  });
});

