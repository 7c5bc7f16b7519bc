/** Encord JSON manifests through the model and back: the same manifest, entry for entry. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bufferInput, convert, MemorySink } from '../src/index.js';
import { ROOT } from './helpers/run.js';

async function run(input: string, from: string, to: string, format: Record<string, unknown> = {}): Promise<{ text: string; exitCode: number }> {
  const sink = new MemorySink();
  const r = await convert({ input: bufferInput(input), from, to, output: sink, options: { format } });
  return { text: sink.text(), exitCode: r.exitCode };
}

describe('encord-json round trips', () => {
  it('encord-json -> annoconv -> encord-json gives back every entry (createVideo stated, positions renumbered 0..n-1)', async () => {
    const src = readFileSync(ROOT + 'fixtures/encord-json/all-kinds/input.json', 'utf8');
    const model = await run(src, 'encord-json', 'annoconv');
    const back = await run(model.text, 'annoconv', 'encord-json', { encordMetadataCase: 'camel' });
    expect(back.exitCode).toBe(0);
    const a = JSON.parse(src) as Record<string, Record<string, unknown>[]>;
    const b = JSON.parse(back.text) as Record<string, Record<string, unknown>[]>;
    // what the writer states on purpose: createVideo explicit, positions from 0, one metadata casing
    a.image_groups![1]!.createVideo = false;
    a.image_groups![1]!.objectUrl_1 = a.image_groups![1]!.objectUrl_2;
    delete a.image_groups![1]!.objectUrl_2;
    a.videos![0]!.videoMetadata = { fps: 29.97, duration: 60.5, width: 1920, height: 1080, fileSize: 104857600, mimeType: 'video/mp4' };
    a.images![0]!.imageMetadata = { mimeType: 'image/jpeg', fileSize: 1234, width: 640, height: 480 };
    // skip_duplicate_urls comes after the items: the annoconv line format cannot hold it there
    delete (a as Record<string, unknown>).skip_duplicate_urls;
    expect(b).toEqual(a);
  });

  it('encord-json -> encord-json keeps skip_duplicate_urls and the documented snake_case', async () => {
    const src = readFileSync(ROOT + 'fixtures/encord-json/all-kinds/input.json', 'utf8');
    const out = JSON.parse((await run(src, 'encord-json', 'encord-json')).text) as Record<string, unknown>;
    expect(out.skip_duplicate_urls).toBe(true);
    expect((out.audio as Record<string, unknown>[])[0]!.audioMetadata).toEqual({ duration: 3.5, file_size: 56000, mime_type: 'audio/mpeg', sample_rate: 44100, bit_depth: 16, codec: 'mp3', num_channels: 2 });
  });

  it('items without URLs are refused by name; a path with --url-prefix becomes the objectUrl; labels count as loss', async () => {
    const items = [
      '{"id":"a","kind":"image","path":"x/a.jpg","width":4,"height":3,"metadata":{"k":1},"annotations":[{"kind":"box","x":0,"y":0,"w":1,"h":1,"label":"cat"}]}',
      '{"id":"b","kind":"image","metadata":{},"annotations":[]}',
      '{"id":"c","kind":"html","html":"<p/>","metadata":{},"annotations":[]}',
    ].join('\n');
    const codes: string[] = [];
    const sink = new MemorySink();
    const r = await convert({ input: bufferInput(items), from: 'annoconv', to: 'encord-json', output: sink, options: { format: { urlPrefix: 's3://bucket/' } }, onDiagnostic: (d) => codes.push(d.code) });
    expect(r).toMatchObject({ read: 3, written: 1, rejected: 2, exitCode: 1 });
    expect(codes.sort()).toEqual(['ENCORD_ITEM_UNSUPPORTED', 'ENCORD_NO_URL', 'LOSS_DROPPED', 'LOSS_DROPPED']);
    expect(r.losses.map((l) => [l.what, l.count])).toEqual([['label', 1], ["item's media facts", 1]]);
    // width/height alone are not a whole imageMetadata block (mime type and size unknown): omitted
    expect(JSON.parse(sink.text())).toEqual({ images: [{ objectUrl: 's3://bucket/x/a.jpg', clientMetadata: { k: 1 } }] });
  });
});

describe('encord-json bad input', () => {
  async function diags(text: string): Promise<{ code: string; pointer?: string | undefined; offset?: number | undefined }[]> {
    const out: { code: string; pointer?: string | undefined; offset?: number | undefined }[] = [];
    await convert({ input: bufferInput(text), from: 'encord-json', to: 'annoconv', output: new MemorySink(), onDiagnostic: (d) => out.push({ code: d.code, pointer: d.pointer, offset: d.offset }) });
    return out;
  }

  it('a truncated manifest, a root array, an over-long URL and title each get their code and place', async () => {
    const truncated = '{"images": [{"objectUrl": "https://b/x.jpg"}, {"objectUrl": "ht';
    // reported where the input ends
    expect(await diags(truncated)).toEqual([{ code: 'ENCORD_INVALID_JSON', pointer: undefined, offset: truncated.length }]);
    expect((await diags('[{"objectUrl": "https://b/x.jpg"}]')).map((d) => d.code)).toEqual(['ENCORD_NOT_OBJECT']);
    const long = `{"images": [{"objectUrl": "https://b/${'a'.repeat(16 * 1024)}"}, {"objectUrl": "https://b/y.jpg", "title": "${'é'.repeat(301)}"}]}`;
    expect(await diags(long)).toEqual([
      { code: 'ENCORD_LIMIT', pointer: '#/images/0/objectUrl', offset: long.indexOf('{"objectUrl"') },
      { code: 'ENCORD_LIMIT', pointer: '#/images/1/title', offset: Buffer.from(long).indexOf('{"objectUrl": "https://b/y.jpg"') },
    ]);
  });
});
