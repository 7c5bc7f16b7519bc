/** Media probes against what sharp, dicom-parser and nifti-reader-js report on the corpus (media-observed.json). */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { probe, type Facts } from '../src/media/probe.js';
import { CORPUS } from './helpers/run.js';

const OBSERVED = CORPUS + '_observed/media-observed.json';

describe.skipIf(!existsSync(OBSERVED))('media probes on the corpus', () => {
  it('every image, DICOM and NIfTI file gives the facts the libraries report, or a coded diagnostic where they fail', async () => {
    const files = (JSON.parse(readFileSync(OBSERVED, 'utf8')) as { files: Record<string, Record<string, unknown>> }).files;
    let checked = 0;
    for (const [rel, o] of Object.entries(files)) {
      if (!existsSync(CORPUS + rel)) continue;
      const r = await probe(CORPUS + rel);
      if ('error' in r) {
        // where the reference failed too, or for files that are not whole media (a .img of a pair, a gzipped DICOM)
        expect(o.error !== undefined || o.decode !== 'ok' || /\.(img\.gz|gz)$/.test(rel) || o.isNIFTI1 === false, `${rel}: ${r.error} ${r.message}`).toBe(true);
        continue;
      }
      checked++;
      const f = r as Facts;
      if (f.type === 'image') {
        expect([f.width, f.height], rel).toEqual([(o.autoOrient as { width: number }).width, (o.autoOrient as { height: number }).height]);
        expect(f.format, rel).toBe(o.format);
      } else if (f.type === 'dicom') {
        expect([f.rows, f.columns, f.modality, f.transferSyntax], rel).toEqual([o.rows, o.columns, o.modality, o.transferSyntax]);
      } else {
        expect([f.dims, f.littleEndian, f.datatype], rel).toEqual([o.dims, o.littleEndian, o.datatypeCode]);
      }
    }
    expect(checked).toBeGreaterThan(180);
  });

  it('JPEGLSNearLossless_16.dcm is 50 rows by 10 columns (a pydicom comment shared with the _08 file says 45 x 10)', async () => {
    const f = await probe(CORPUS + 'dicom/pydicom/test_files/JPEGLSNearLossless_16.dcm');
    expect(f).toMatchObject({ type: 'dicom', rows: 50, columns: 10 });
  });

  it('truncated and corrupt files get coded diagnostics', async () => {
    expect(await probe(CORPUS + 'dicom/pydicom/test_files/MR_truncated.dcm')).toMatchObject({ error: 'DICOM_TRUNCATED' });
    expect(await probe(CORPUS + 'dicom/pydicom/test_files/meta_missing_tsyntax.dcm')).toMatchObject({ error: 'DICOM_INVALID' });
    expect(await probe(CORPUS + 'images/sharp/fixtures/corrupt-header.jpg')).toMatchObject({ error: 'MEDIA_CORRUPT' });
    expect(await probe(CORPUS + 'nifti/NIFTI-Reader-JS/data/not-nifti.nii')).toMatchObject({ error: 'NIFTI_INVALID' });
  });
});

describe('media probes on hostile files', () => {
  it('a gzip bomb named .nii.gz is refused after inflating only its first bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-probe-'));
    try {
      const bomb = join(dir, 'bomb.nii.gz');
      writeFileSync(bomb, gzipSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 }));
      const before = process.memoryUsage().rss;
      const t0 = performance.now();
      expect(await probe(bomb)).toMatchObject({ error: 'NIFTI_INVALID' });
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
      writeFileSync(join(dir, 'x.unknown'), 'hello');
      expect(await probe(join(dir, 'x.unknown'))).toMatchObject({ error: 'MEDIA_UNKNOWN' });
      expect(await probe(join(dir, 'missing.png'))).toMatchObject({ error: 'MEDIA_UNREADABLE' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
