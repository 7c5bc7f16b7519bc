/** Messages that tell the user what to do: each pins the option or format it names. */
import { describe, expect, it } from 'vitest';
import { validate } from '../src/core/run.js';
import { bufferInput } from '../src/core/io.js';
import type { Diagnostic } from '../src/core/diagnostics.js';

async function diagnostics(text: string, from: string | undefined, format: Record<string, unknown> = {}): Promise<Diagnostic[]> {
  const diags: Diagnostic[] = [];
  await validate({ input: bufferInput(text, 'in'), ...(from ? { from } : {}), options: { format }, onDiagnostic: (d) => diags.push(d) });
  return diags;
}

describe('messages', () => {
  const extra = '{"uuid":"8f4a2c1e-3b7d-4e9a-a1c2-5d6e7f8a9b0c","type":"text","data":{"text":"hi","User":"x"}}\n';

  it('JSONL_DATA_EXTRA_KEY names --allow-extra-data, as an error and as the warning it turns into', async () => {
    const [error] = (await diagnostics(extra, 'jsonl')).filter((d) => d.code === 'JSONL_DATA_EXTRA_KEY');
    expect(error).toMatchObject({ severity: 'error', message: '"data.User" is not allowed for this item type (data is closed, the server refuses it): remove it, or pass --allow-extra-data to keep it with a warning' });
    const [warning] = (await diagnostics(extra, 'jsonl', { allowExtraData: true })).filter((d) => d.code === 'JSONL_DATA_EXTRA_KEY');
    expect(warning).toMatchObject({ severity: 'warning', message: '"data.User" is not a field of this item type: kept, as --allow-extra-data asks (the server refuses it)' });
  });
});

describe('messages naming an option', () => {
  it('ENCORD_URL_INVALID for an object path names --url-prefix', async () => {
    const [d] = await diagnostics('ObjectUrl,Image title\npath/to/storage-location/frame1.jpg,Frame 1\n', 'encord-csv');
    expect(d).toMatchObject({ code: 'ENCORD_URL_INVALID', line: 2, column: 1, message: '"path/to/storage-location/frame1.jpg" is an object path, not a URL (scheme://...): --url-prefix makes URLs of paths (e.g. --url-prefix https://BUCKET.s3.REGION.amazonaws.com/)' });
  });
});

describe('files recognised but not read', () => {
  it('INPUT_FORMAT_UNSUPPORTED says what the file is', async () => {
    const panoptic = JSON.stringify({ images: [], annotations: [{ image_id: 1, file_name: 'b.png', segments_info: [] }], categories: [] });
    await expect(validate({ input: bufferInput(panoptic, 'in'), from: 'coco' })).rejects.toMatchObject({
      diagnostic: { code: 'INPUT_FORMAT_UNSUPPORTED', file: 'in', message: 'this is a COCO panoptic segmentation file (annotations of segments_info over segment maps, which --from coco does not read: use --from coco-panoptic): annoconv recognises it but does not read it' },
    });
  });
});
