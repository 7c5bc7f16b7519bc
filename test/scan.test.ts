/** annoconv scan: DICOM series in slice order from shuffled files, images with their metadata blocks, folders as groups. */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { MemorySink } from '../src/index.js';
import { scan } from '../src/core/run.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { rng } from './helpers/run.js';
// @ts-expect-error a plain JS helper shared with the benchmark
import { minimalDicom } from '../bench/minimal-dicom.js';

/** A Part-10 DICOM file with the tags a scan reads (bench/minimal-dicom.js). */
const dicom = (t: { series: string; sop: string; instance: number; z: number }): Buffer => minimalDicom(t) as Buffer;

async function run(dirs: string[], to: string, extra: Record<string, unknown> = {}, format: Record<string, unknown> = {}): Promise<{ text: string; diags: Diagnostic[]; read: number; rejected: number }> {
  const sink = new MemorySink();
  const diags: Diagnostic[] = [];
  const r = await scan({ dirs, to, output: sink, options: { format }, onDiagnostic: (d) => diags.push(d), ...extra });
  return { text: sink.text(), diags, read: r.read, rejected: r.rejected };
}

describe('scan', () => {
  it('two DICOM series in shuffled, meaninglessly named files give two dicom_series, each in slice order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-scan-'));
    try {
      const random = rng(11);
      const files: { name: string; series: string; instance: number }[] = [];
      for (const series of ['1.2.3.4.5.1', '1.2.3.4.5.2']) for (let i = 1; i <= 4; i++) files.push({ name: Math.floor(random() * 1e9).toString(16), series, instance: i });
      for (const f of files.sort(() => random() - 0.5)) writeFileSync(join(dir, f.name), dicom({ series: f.series, sop: `${f.series}.${f.instance}`, instance: f.instance, z: f.instance * 2.5 }));
      const r = await run([dir], 'annoconv');
      const items = r.text.trim().split('\n').map((l) => JSON.parse(l) as { id: string; kind: string; urls: string[]; title: string; width: number; height: number });
      expect(items.map((i) => [i.kind, i.id, i.title])).toEqual([['dicom_series', '1.2.3.4.5.1', 'series 1'], ['dicom_series', '1.2.3.4.5.2', 'series 2']]);
      for (const it of items) {
        const want = files.filter((f) => f.series === it.id).sort((a, b) => a.instance - b.instance).map((f) => f.name);
        expect(it.urls).toEqual(want);
        expect([it.width, it.height]).toEqual([6, 4]);
      }
      const enc = await run([dir], 'encord-json', {}, { urlPrefix: 's3://bucket/ct/' });
      const manifest = JSON.parse(enc.text) as { dicom_series: Record<string, string>[] };
      expect(manifest.dicom_series).toHaveLength(2);
      expect(manifest.dicom_series[0]!.objectUrl_0).toBe('s3://bucket/ct/' + files.filter((f) => f.series === '1.2.3.4.5.1').sort((a, b) => a.instance - b.instance)[0]!.name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without InstanceNumber, an oblique (sagittal) series is ordered along its slice normal, not by z', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-scan-'));
    try {
      // sagittal slices: rows along y, columns along -z, so the normal lies on x; z is shuffled against x
      const orientation = [0, 1, 0, 0, 0, -1];
      const random = rng(5);
      const xs = [-30, -10, 10, 30];
      const files = xs.map((x, i) => ({ name: Math.floor(random() * 1e9).toString(16), x, z: 100 - i * 7 + (i % 2) * 20 }));
      for (const f of [...files].sort(() => random() - 0.5)) writeFileSync(join(dir, f.name), dicom({ series: '1.2.9', sop: `1.2.9.${f.x}`, position: [f.x, 5, f.z], orientation }));
      const r = await run([dir], 'annoconv');
      const item = JSON.parse(r.text.trim()) as { urls: string[] };
      // normal = row x col = (0, 1, 0) x (0, 0, -1) = (1*(-1) - 0*0, 0*0 - 0*(-1), 0*0 - 1*0) = (-1, 0, 0): position . normal = -x
      const want = [...files].sort((a, b) => -a.x - -b.x).map((f) => f.name);
      expect(item.urls).toEqual(want);
      const byZ = [...files].sort((a, b) => a.z - b.z).map((f) => f.name);
      expect(byZ).not.toEqual(want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('images get a complete imageMetadata block; folders become groups or sequences; links are not followed; bad files are coded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-scan-'));
    try {
      mkdirSync(join(dir, 'clipA'));
      for (const [name, w, h] of [['clipA/f1.png', 20, 10], ['clipA/f2.png', 20, 10], ['single.jpg', 8, 6]] as const) {
        await sharp({ create: { width: w, height: h, channels: 3, background: '#123' } }).toFile(join(dir, name));
      }
      writeFileSync(join(dir, 'broken.png'), 'not a png');
      writeFileSync(join(dir, 'notes.txt'), 'text');
      symlinkSync(join(dir, 'single.jpg'), join(dir, 'link.jpg'));
      const r = await run([dir], 'encord-json', {}, { urlPrefix: 'https://b.s3.amazonaws.com/d/' });
      const m = JSON.parse(r.text) as { images: Record<string, unknown>[] };
      expect(m.images.map((i) => i.objectUrl)).toEqual(['https://b.s3.amazonaws.com/d/clipA/f1.png', 'https://b.s3.amazonaws.com/d/clipA/f2.png', 'https://b.s3.amazonaws.com/d/single.jpg']);
      expect(m.images[2]!.imageMetadata).toMatchObject({ mime_type: 'image/jpeg', width: 8, height: 6 });
      expect(typeof (m.images[2]!.imageMetadata as { file_size: number }).file_size).toBe('number');
      expect(r.diags.map((d) => d.code).sort()).toEqual(['MEDIA_CORRUPT', 'MEDIA_UNKNOWN']);
      const g = await run([dir], 'encord-json', { groupByFolder: 'sequence' }, { urlPrefix: 's3://b/' });
      const gm = JSON.parse(g.text) as { image_groups: Record<string, unknown>[]; images: unknown[] };
      expect(gm.image_groups).toEqual([{ title: 'clipA', createVideo: true, objectUrl_0: 's3://b/clipA/f1.png', objectUrl_1: 's3://b/clipA/f2.png' }]);
      const followed = await run([dir], 'annoconv', { followSymlinks: true });
      expect(followed.text).toContain('"id":"link.jpg"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a DICOM file without SeriesInstanceUID, and two files with one SOPInstanceUID, are reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-scan-'));
    try {
      writeFileSync(join(dir, 'a'), dicom({ series: '1.9', sop: '1.9.1', instance: 1, z: 0 }));
      writeFileSync(join(dir, 'b'), dicom({ series: '1.9', sop: '1.9.1', instance: 2, z: 1 }));
      writeFileSync(join(dir, 'c'), dicom({ series: '', sop: '1.9.3', instance: 3, z: 2 }));
      const r = await run([dir], 'annoconv');
      expect(r.diags.map((d) => d.code).sort()).toEqual(['DICOM_NO_SERIES', 'DICOM_SOP_DUPLICATE']);
      expect(r.rejected).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('object URLs', () => {
  it('renders an s3:// prefix in the chosen form, path segments percent-encoded (a space is %20, never +)', async () => {
    const { objectUrls } = await import('../src/core/object-url.js');
    const rel = 'a dir/x+y #1.jpg';
    expect(objectUrls({ prefix: 's3://bkt/raw/' })(rel)).toBe('s3://bkt/raw/a%20dir/x%2By%20%231.jpg');
    expect(objectUrls({ prefix: 's3://bkt/raw', style: 'virtual', region: 'eu-west-1' })(rel)).toBe('https://bkt.s3.eu-west-1.amazonaws.com/raw/a%20dir/x%2By%20%231.jpg');
    expect(objectUrls({ prefix: 's3://bkt', style: 'path', region: 'us-east-2' })('k.png')).toBe('https://s3-us-east-2.amazonaws.com/bkt/k.png');
    expect(objectUrls({ prefix: 's3://bkt/p/', style: 'custom', endpoint: 'http://minio:9000/' })('k.png')).toBe('http://minio:9000/bkt/p/k.png');
    expect(() => objectUrls({ prefix: 's3://bkt/', style: 'virtual' })).toThrow(/s3-region/);
    expect(() => objectUrls({ prefix: 's3://my.bkt/', style: 'virtual', region: 'eu-west-1' })).toThrow(/dots/);
    expect(() => objectUrls({ prefix: 'https://x/', style: 'path', region: 'r' })).toThrow(/s3:\/\//);
  });
});

describe('--media-root on convert', () => {
  it('fills the sizes a CSV lacks from the image files, so YOLO can be written; a missing image is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-mediaroot-'));
    try {
      mkdirSync(join(dir, 'imgs'));
      await sharp({ create: { width: 200, height: 100, channels: 3, background: '#000' } }).jpeg().toFile(join(dir, 'imgs', 'a.jpg'));
      const { convert, bufferInput } = await import('../src/index.js');
      const diags: Diagnostic[] = [];
      const out = join(dir, 'yolo');
      const r = await convert({ input: bufferInput('file_name,class_name,xmin,ymin,xmax,ymax\na.jpg,cat,10,20,40,60\nb.jpg,dog,1,1,2,2\n'), from: 'csv', to: 'yolo', output: out, options: { format: { mediaRoot: join(dir, 'imgs') } }, onDiagnostic: (d) => diags.push(d) });
      expect(diags.map((d) => [d.code, d.severity])).toEqual([['MEDIA_NOT_FOUND', 'warning'], ['YOLO_NO_SIZE', 'error']]);
      expect(r.written).toBe(1);
      const { readFileSync } = await import('node:fs');
      expect(readFileSync(join(out, 'labels', 'a.txt'), 'utf8')).toBe('0 0.125 0.4 0.15 0.4\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads CSV fraction coordinates into pixels with the size of each image, also for names without an extension', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-mediaroot-'));
    try {
      mkdirSync(join(dir, 'imgs'));
      await sharp({ create: { width: 200, height: 100, channels: 3, background: '#000' } }).jpeg().toFile(join(dir, 'imgs', 'a.jpg'));
      await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000' } }).png().toFile(join(dir, 'imgs', 'b.png'));
      const { convert, bufferInput, MemorySink } = await import('../src/index.js');
      const diags: Diagnostic[] = [];
      const sink = new MemorySink();
      const csv = 'file_name,class_name,xmin,ymin,xmax,ymax\na.jpg,cat,0.05,0.2,0.2,0.6\nb,dog,0.25,0.5,0.75,1\nc.jpg,cat,0,0,1,1\n';
      const r = await convert({ input: bufferInput(csv), from: 'csv', to: 'annoconv', output: sink, options: { format: { mediaRoot: join(dir, 'imgs'), coordinates: 'percent' } }, onDiagnostic: (d) => diags.push(d) });
      expect(diags.map((d) => [d.code, d.severity, d.line])).toEqual([['MEDIA_NOT_FOUND', 'warning', 4], ['CSV_NO_SIZE', 'error', 4]]);
      expect([r.read, r.written, r.rejected]).toEqual([3, 2, 1]);
      const items = sink.text().trim().split('\n').map((l) => JSON.parse(l) as { id: string; width: number; height: number; annotations: { x: number; y: number; w: number; h: number }[] });
      // 200 x 100: x 0.05 * 200 = 10, y 0.2 * 100 = 20, w (0.2 - 0.05) * 200 = 30, h (0.6 - 0.2) * 100 = 40
      // 64 x 48: x 16, y 24, w 32, h 24
      const close = (v: number): number => Math.round(v * 1e9) / 1e9;
      expect(items.map((i) => [i.id, i.width, i.height, ...Object.values(i.annotations[0]!).filter((v) => typeof v === 'number').map(close)])).toEqual([
        ['a.jpg', 200, 100, 10, 20, 30, 40],
        ['b', 64, 48, 16, 24, 32, 24],
      ]);
      const without = await convert({ input: bufferInput(csv), from: 'csv', to: 'annoconv', output: new MemorySink(), options: { format: { coordinates: 'percent' } } });
      expect(without.written).toBe(0);
      // Remo JSON: the same, for images given without a size
      const remo = JSON.stringify([
        { file_name: 'a.jpg', annotations: [{ classes: ['cat'], coordinates: [{ x: 0.05, y: 0.2 }, { x: 0.2, y: 0.6 }] }] },
        { file_name: 'b.png', annotations: [{ classes: ['dog'], coordinates: [{ x: 0.25, y: 0.5 }, { x: 0.75, y: 0.5 }, { x: 0.5, y: 1 }] }] },
        { file_name: 'c.jpg', annotations: [{ classes: ['cat'], coordinates: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }] },
        // no coordinates, so no size needed: kept although its file is not there
        { file_name: 'd.jpg', tags: ['night'], annotations: [{ classes: ['dark'], coordinates: [] }] },
      ]);
      const remoDiags: Diagnostic[] = [];
      const remoSink = new MemorySink();
      const rr = await convert({ input: bufferInput(remo), from: 'remo-json', to: 'annoconv', output: remoSink, options: { format: { mediaRoot: join(dir, 'imgs'), coordinates: 'percent' } }, onDiagnostic: (d) => remoDiags.push(d) });
      // d.jpg needs no size to be read; the pipeline's own --media-root fill then names it as not found
      expect(remoDiags.map((d) => [d.code, d.pointer])).toEqual([['MEDIA_NOT_FOUND', '#/2'], ['REMO_NO_SIZE', '#/2'], ['MEDIA_NOT_FOUND', '#/3']]);
      expect([rr.written, rr.rejected]).toEqual([3, 1]);
      const remoItems = remoSink.text().trim().split('\n').map((l) => JSON.parse(l) as { annotations: { x?: number; y?: number; w?: number; h?: number; rings?: number[][] }[] });
      expect([remoItems[0]!.annotations[0]!.x, remoItems[0]!.annotations[0]!.y, remoItems[0]!.annotations[0]!.w, remoItems[0]!.annotations[0]!.h].map(close)).toEqual([10, 20, 30, 40]);
      expect(remoItems[1]!.annotations[0]!.rings![0]!.map(close)).toEqual([16, 24, 48, 24, 32, 48]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
