/**
 * Label Studio media URLs to file names, each form as Label Studio and its SDK converter mean it
 * (utils.py download / join_input_url, label_studio_tools get_local_path), and what the pixel
 * targets write from them.
 */
import { describe, expect, it } from 'vitest';
import { mediaFileName } from '../src/formats/labelstudio/media-name.js';
import { bufferInput, convert, MemorySink } from '../src/index.js';

describe('mediaFileName', () => {
  it('local storage: the d parameter, below the document root, decoded as the server decodes a query', () => {
    expect(mediaFileName('/data/local-files/?d=dir/a.jpg')).toBe('dir/a.jpg');
    // join_input_url quotes each part (a space is %20, a + of a file name %2B)
    expect(mediaFileName('/data/local-files/?d=my%20dir/a%2Bb%C3%A9.jpg')).toBe('my dir/a+bé.jpg');
    // a raw + in a query is a space to the Label Studio server
    expect(mediaFileName('/data/local-files/?d=a+b.jpg')).toBe('a b.jpg');
    expect(mediaFileName('/data/local-files?d=images/x.png')).toBe('images/x.png');
    expect(mediaFileName('http://localhost:8080/data/local-files/?d=dir/sub/a.jpg')).toBe('dir/sub/a.jpg');
    expect(mediaFileName('/data/local-files/?d=/abs/a.jpg')).toBe('abs/a.jpg');
    expect(mediaFileName('/data/local-files/?d=')).toBeUndefined();
  });

  it('uploads: the stored file in the project folder, its random prefix kept', () => {
    expect(mediaFileName('/data/upload/12/3f2a-a.jpg')).toBe('3f2a-a.jpg');
    expect(mediaFileName('/data/upload/12/3f2a-a%20b.jpg')).toBe('3f2a-a b.jpg');
    expect(mediaFileName('upload/12/3f2a-a.jpg')).toBe('3f2a-a.jpg');
    expect(mediaFileName('/storage-data/uploaded/?filepath=upload/12/3f2a-a.jpg')).toBe('3f2a-a.jpg');
  });

  it('cloud and web URLs: the last segment of the path, decoded, without query or fragment', () => {
    expect(mediaFileName('s3://bucket/imgs/a%20b.jpg')).toBe('a b.jpg');
    expect(mediaFileName('gs://bucket/x/y/c.png')).toBe('c.png');
    expect(mediaFileName('azure-blob://container/dir/d.jpeg')).toBe('d.jpeg');
    expect(mediaFileName('https://example.com/pages/page-1.png?X-Amz-Signature=abc#frag')).toBe('page-1.png');
    expect(mediaFileName('http://example.com/a/%E2%9C%93.jpg')).toBe('✓.jpg');
    expect(mediaFileName('https://example.com/a/bad%zz.jpg')).toBe('bad%zz.jpg');
    expect(mediaFileName('https://example.com/dir/')).toBeUndefined();
    expect(mediaFileName('/image1')).toBe('image1');
  });

  it('a relative path is a file name already; data URLs name no file', () => {
    expect(mediaFileName('test_image1.jpg')).toBe('test_image1.jpg');
    expect(mediaFileName('images/a.jpg')).toBe('images/a.jpg');
    expect(mediaFileName('data:image/png;base64,iVBORw0KGgo=')).toBeUndefined();
    expect(mediaFileName('')).toBeUndefined();
  });
});

describe('file names in the pixel targets', () => {
  const task = (image: string): Record<string, unknown> => ({
    id: 1,
    data: { image },
    annotations: [{ id: 5, result: [{ id: 'r', type: 'rectanglelabels', from_name: 'label', to_name: 'image', original_width: 100, original_height: 50, value: { x: 10, y: 10, width: 20, height: 20, rectanglelabels: ['cat'] } }] }],
  });
  const cocoImage = async (image: string): Promise<Record<string, unknown>> => {
    const sink = new MemorySink();
    await convert({ input: bufferInput(JSON.stringify([task(image)])), from: 'labelstudio', to: 'coco', output: sink });
    return (JSON.parse(sink.text()) as { images: Record<string, unknown>[] }).images[0]!;
  };

  it('COCO file_name is the file, coco_url keeps the URL', async () => {
    expect(await cocoImage('/data/local-files/?d=dir/a.jpg')).toMatchObject({ file_name: 'dir/a.jpg', coco_url: '/data/local-files/?d=dir/a.jpg' });
    expect(await cocoImage('/data/upload/12/3f2a-a.jpg')).toMatchObject({ file_name: '3f2a-a.jpg', coco_url: '/data/upload/12/3f2a-a.jpg' });
    expect(await cocoImage('s3://bucket/imgs/a%20b.jpg')).toMatchObject({ file_name: 'a b.jpg', coco_url: 's3://bucket/imgs/a%20b.jpg' });
  });

  it('CSV file_name is the bare file name, and the stored path with --full-path', async () => {
    const csv = async (format: Record<string, unknown>): Promise<string> => {
      const sink = new MemorySink();
      await convert({ input: bufferInput(JSON.stringify([task('/data/local-files/?d=dir/a.jpg')])), from: 'labelstudio', to: 'csv', output: sink, options: { format } });
      return sink.text().split('\n')[1]!.split(',')[0]!;
    };
    expect(await csv({})).toBe('a.jpg');
    expect(await csv({ fullPath: true })).toBe('dir/a.jpg');
  });
});
