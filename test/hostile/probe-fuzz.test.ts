/**
 * The media probes (sharp, dicom-parser, nifti-reader-js behind them) on mutated files: a probe
 * answers with facts or a coded error, never an exception. Seeds: a generated DICOM slice, PNG,
 * JPEG and NIfTI-1 header, and the small media files of the shared corpus when it is present.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { probe } from '../../src/media/probe.js';
import { CODES } from '../../src/core/codes.js';
import { minimalDicom } from '../../bench/minimal-dicom.js';
import { CORPUS, rng, walk } from '../helpers/run.js';
import { mutate } from './fuzz.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-probe-fuzz-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A NIfTI-1 header (348 bytes) and 4 bytes of voxels: 2 x 2 x 1 uint8. */
function nifti1(): Buffer {
  const b = Buffer.alloc(352);
  b.writeInt32LE(348, 0);
  for (const [i, v] of [3, 2, 2, 1, 1, 1, 1, 1].entries()) b.writeInt16LE(v, 40 + i * 2);
  b.writeInt16LE(2, 70); // uint8
  b.writeInt16LE(8, 72);
  for (let i = 0; i < 8; i++) b.writeFloatLE(1, 76 + i * 4);
  b.writeFloatLE(352, 108);
  b.write('n+1\0', 344, 'latin1');
  return b;
}

async function seeds(): Promise<{ name: string; bytes: Buffer }[]> {
  const img = sharp({ create: { width: 8, height: 6, channels: 3, background: '#808080' } });
  const out = [
    { name: 'gen.dcm', bytes: Buffer.from(minimalDicom({ series: '1.2.3', sop: '1.2.3.4', instance: 1, z: 0, pixels: true })) },
    { name: 'gen.png', bytes: await img.clone().png().toBuffer() },
    { name: 'gen.jpg', bytes: await img.clone().jpeg().toBuffer() },
    { name: 'gen.nii', bytes: nifti1() },
    { name: 'gen.nii.gz', bytes: gzipSync(nifti1()) },
  ];
  for (const path of walk(CORPUS)) {
    if (!/\/(dicom|nifti|images)\//.test(path) || statSync(path).size > 256 * 1024) continue;
    out.push({ name: path.slice(CORPUS.length), bytes: readFileSync(path) });
  }
  return out;
}

describe('media probes on mutated files', () => {
  it('1,500 mutations: facts or a coded error, never an exception', async () => {
    const all = await seeds();
    const random = rng(11);
    const failures: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const s = all[i % all.length]!;
      let bytes = s.bytes;
      for (let k = 0, n = 1 + Math.floor(random() * 3); k < n; k++) bytes = mutate(bytes, random);
      // the name keeps its extension(s): probes choose by name and content
      const path = join(dir, `m${i}${s.name.endsWith('.nii.gz') ? '.nii.gz' : extname(s.name)}`);
      writeFileSync(path, bytes);
      try {
        const r = await probe(path);
        if ('error' in r && !(r.error in CODES)) failures.push(`${s.name} #${i}: unknown code ${r.error}`);
      } catch (e) {
        failures.push(`${s.name} #${i}: ${String(e)}`);
      }
      rmSync(path);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
