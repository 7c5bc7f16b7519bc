/**
 * --url-prefix for every source whose items carry paths rather than URLs: prefix and path joined
 * with exactly one "/", path segments percent-encoded; without it, the refusal names the option.
 */
import { describe, expect, it } from 'vitest';
import { convert } from '../src/core/run.js';
import { bufferInput, MemorySink } from '../src/core/io.js';
import { joinUrl, mediaUrl } from '../src/core/object-url.js';
import type { Diagnostic } from '../src/core/diagnostics.js';

const COCO = JSON.stringify({
  images: [{ id: 1, width: 10, height: 5, file_name: 'dir/a b.jpg' }],
  annotations: [],
  categories: [{ id: 1, name: 'cat' }],
  info: {},
});

async function run(text: string, from: string, to: string, format: Record<string, unknown>): Promise<{ out: string; diags: Diagnostic[] }> {
  const sink = new MemorySink();
  const diags: Diagnostic[] = [];
  await convert({ input: bufferInput(text, 'in'), from, to, output: sink, options: { format }, onDiagnostic: (d) => diags.push(d) });
  return { out: sink.text(), diags };
}

describe('--url-prefix', () => {
  it('joins with exactly one slash and percent-encodes path segments', () => {
    for (const prefix of ['https://b.example/imgs', 'https://b.example/imgs/', 'https://b.example/imgs//']) {
      expect(joinUrl(prefix, 'x/a b#1.jpg')).toBe('https://b.example/imgs/x/a%20b%231.jpg');
      expect(joinUrl(prefix, './x/a.jpg')).toBe('https://b.example/imgs/x/a.jpg');
      expect(joinUrl(prefix, '/x/a.jpg')).toBe('https://b.example/imgs/x/a.jpg');
    }
    expect(joinUrl('s3://', 'bucket/k.jpg')).toBe('s3://bucket/k.jpg');
    expect(mediaUrl('https://x/a.jpg', 'a.jpg', 'https://b/')).toBe('https://x/a.jpg');
    expect(mediaUrl('/data/upload/a.jpg', undefined, 'https://ls.example')).toBe('https://ls.example/data/upload/a.jpg');
    expect(mediaUrl(undefined, 'a.jpg', undefined)).toBeUndefined();
  });

  it('COCO file names become the same URL in jsonl, Label Studio and Encord outputs', async () => {
    const url = 'https://bucket.s3.eu-west-1.amazonaws.com/imgs/dir/a%20b.jpg';
    const format = { urlPrefix: 'https://bucket.s3.eu-west-1.amazonaws.com/imgs' };
    expect(JSON.parse((await run(COCO, 'coco', 'jsonl', format)).out).data.url).toBe(url);
    expect(JSON.parse((await run(COCO, 'coco', 'labelstudio', format)).out)[0].data.image).toBe(url);
    expect(JSON.parse((await run(COCO, 'coco', 'encord-json', format)).out).images[0].objectUrl).toBe(url);
  });

  it('a path without a URL names the option, in each target that needs URLs (jsonl writes it with a warning: the server stores any string)', async () => {
    const ls = JSON.stringify([{ data: { image: 'imgs/a.jpg' } }]);
    const jsonl = await run(ls, 'labelstudio', 'jsonl', {});
    expect(jsonl.diags.map((d) => [d.code, /--url-prefix/.test(d.message)])).toEqual([['JSONL_URL_SCHEME', true]]);
    const encord = await run(ls, 'labelstudio', 'encord-json', {});
    expect(encord.diags.map((d) => [d.code, /--url-prefix/.test(d.message)])).toEqual([['ENCORD_URL_INVALID', true]]);
    expect(jsonl.diags[0]!.severity).toBe('warning');
    expect(JSON.parse(jsonl.out).data.url).toBe('imgs/a.jpg');
    const fixed = await run(ls, 'labelstudio', 'jsonl', { urlPrefix: 'https://s3-eu-west-1.amazonaws.com/b' });
    expect(JSON.parse(fixed.out).data.url).toBe('https://s3-eu-west-1.amazonaws.com/b/imgs/a.jpg');
    expect(fixed.diags).toEqual([]);
  });
});
