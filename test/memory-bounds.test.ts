/**
 * Memory bounds that are contracts (coded errors): a deflated DICOM is inflated only as far as its
 * header, at most 64 MiB (DICOM_INFLATE_TOO_LARGE past it), and an Encord CSV group of more than
 * 100,000 rows is refused (ENCORD_GROUP_TOO_LARGE) without its rows held. Peak memory is the child
 * process's own (test/helpers/maxrss.mjs).
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeflateRaw, deflateRawSync } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
// @ts-expect-error a plain .js bench helper
import { minimalDicom } from '../bench/minimal-dicom.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/annoconv.js');
const MB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'annoconv-bounds-'));

function run(args: string[]): { status: number | null; diags: { code: string; message: string }[]; stdout: string; peakMB: number } {
  const r = spawnSync(process.execPath, ['--import', join(ROOT, 'test/helpers/maxrss.mjs'), BIN, ...args, '--diagnostics', 'json', '-q'], { encoding: 'utf8', maxBuffer: 256 * MB });
  const kb = Number(/MAXRSS_KB (\d+)/.exec(r.stderr)?.[1]);
  const diags = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  return { status: r.status, diags, stdout: r.stdout, peakMB: kb / 1024 };
}

/** A Part-10 file: preamble, meta header naming the deflated transfer syntax, then `dataSet` deflated (`deflated` given: as is). */
function deflatedDicom(dataSet: Buffer | undefined, deflated?: Buffer): Buffer {
  const ts = Buffer.from('1.2.840.10008.1.2.1.99\0', 'latin1');
  const meta = Buffer.concat([Buffer.from([0x02, 0x00, 0x10, 0x00]), Buffer.from('UI'), Buffer.from([ts.length, 0]), ts]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(meta.length);
  const group = Buffer.concat([Buffer.from([0x02, 0x00, 0x00, 0x00]), Buffer.from('UL'), Buffer.from([4, 0]), len]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), group, meta, deflated ?? deflateRawSync(dataSet!)]);
}

/** The data set of minimalDicom (after its meta header), with `pixelBytes` of pixel data. */
function dataSetOf(pixelBytes: number): Buffer {
  const plain: Buffer = minimalDicom({ series: '1.2.3.9', sop: '1.2.3.9.1', z: 1, rows: 4, columns: 6 });
  // preamble 128 + DICM 4 + group length 12 + transfer syntax element (8 + 20)
  const body = plain.subarray(128 + 4 + 12 + 8 + 20);
  const px = Buffer.alloc(12);
  px.writeUInt16LE(0x7fe0, 0);
  px.writeUInt16LE(0x0010, 2);
  px.write('OW', 4, 'latin1');
  px.writeUInt32LE(pixelBytes, 8);
  return Buffer.concat([body, px]);
}

async function deflatedZeros(prefix: Buffer, zeros: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  const chunk = Buffer.alloc(MB);
  async function* source() {
    yield prefix;
    for (let n = 0; n < zeros; n += MB) yield chunk;
  }
  const d = createDeflateRaw({ level: 9 });
  d.on('data', (b: Buffer) => parts.push(b));
  await pipeline(Readable.from(source()), d);
  return Buffer.concat(parts);
}

describe('memory bounds', () => {
  beforeAll(async () => {
    mkdirSync(join(dir, 'good'));
    mkdirSync(join(dir, 'big'));
    mkdirSync(join(dir, 'bomb'));
    writeFileSync(join(dir, 'good/a.dcm'), deflatedDicom(Buffer.concat([dataSetOf(48), Buffer.alloc(48)])));
    // 512 MiB of pixel data after the header: a valid file whose header is read from its first bytes
    writeFileSync(join(dir, 'big/a.dcm'), deflatedDicom(undefined, await deflatedZeros(dataSetOf(512 * MB), 512 * MB)));
    // a private element announcing 1 GiB, all zeros: the header never ends
    const priv = Buffer.from([0x09, 0x00, 0x00, 0x10, 0x4f, 0x42, 0, 0, 0, 0, 0, 0]);
    priv.writeUInt32LE(1024 * MB, 8);
    writeFileSync(join(dir, 'bomb/a.dcm'), deflatedDicom(undefined, await deflatedZeros(priv, 1024 * MB)));
    // 1 GiB of zeros where the data set should be: not DICOM elements at all
    mkdirSync(join(dir, 'zeros'));
    writeFileSync(join(dir, 'zeros/a.dcm'), deflatedDicom(undefined, await deflatedZeros(Buffer.alloc(0), 1024 * MB)));
  }, 120_000);

  it('a deflated DICOM is read as far as its header, a 512 MiB one in bounded memory', () => {
    for (const d of ['good', 'big']) {
      const r = run(['scan', join(dir, d), '--to', 'annoconv']);
      expect(r.diags.filter((x) => x.code.startsWith('DICOM_'))).toEqual([]);
      const item = JSON.parse(r.stdout.trim().split('\n')[0]!);
      expect(JSON.stringify(item)).toContain('1.2.3.9');
      expect(r.peakMB).toBeLessThan(200);
    }
  });

  it('a deflated DICOM bomb (1 GiB of zeros in 1 MB) is refused with DICOM_INFLATE_TOO_LARGE under 200 MB', () => {
    const r = run(['scan', join(dir, 'bomb'), '--to', 'annoconv']);
    expect(r.diags.map((x) => x.code)).toContain('DICOM_INFLATE_TOO_LARGE');
    expect(r.peakMB).toBeLessThan(200);
    const z = run(['scan', join(dir, 'zeros'), '--to', 'annoconv']);
    expect(z.diags.map((x) => x.code)).toContain('DICOM_INVALID');
    expect(z.peakMB).toBeLessThan(200);
  });

  it('an Encord CSV group of 1,000,000 rows is refused with ENCORD_GROUP_TOO_LARGE within the manifest bound (200 MB); one of 100,000 converts', () => {
    const rows = (n: number, title: string): string => {
      let t = '';
      for (let i = 0; i < n; i++) t += `https://media.s3.eu-west-1.amazonaws.com/seq/${title}/frame_${String(i).padStart(7, '0')}.jpg,${title},false\n`;
      return t;
    };
    writeFileSync(join(dir, 'group-1m.csv'), 'ObjectUrl,Image group title,Create video\n' + rows(1_000_000, 'big') + rows(3, 'small'));
    const r = run(['validate', join(dir, 'group-1m.csv')]);
    expect(r.status).toBe(1);
    expect(r.diags.filter((d) => d.code === 'ENCORD_GROUP_TOO_LARGE').length).toBe(1);
    expect(r.peakMB).toBeLessThan(200);
    writeFileSync(join(dir, 'group-100k.csv'), 'ObjectUrl,Image group title,Create video\n' + rows(100_000, 'max'));
    const ok = run(['convert', join(dir, 'group-100k.csv'), '--to', 'encord-json', '-o', join(dir, 'out.json')]);
    expect(ok.diags.filter((d) => d.code === 'ENCORD_GROUP_TOO_LARGE')).toEqual([]);
    expect(ok.status).toBe(0);
    expect(ok.peakMB).toBeLessThan(200);
  }, 120_000);
});
