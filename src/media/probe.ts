/**
 * Media probes (FORMATS.md §8), each reading as little as it can:
 * - images: sharp `metadata()` reads the header only; EXIF orientations 5-8 swap the displayed size;
 * - DICOM: dicom-parser on the file's first bytes, stopping before the pixel data (the whole file
 *   only for the deflated transfer syntax, which must be inflated from the start);
 * - NIfTI: the 348/540-byte header, inflated from a .nii.gz by streaming only that much (a gzip
 *   bomb is never inflated further).
 * Problems come back as a code and a message, never as a throw.
 */
import { open } from 'node:fs/promises';
import { constants, createReadStream } from 'node:fs';
import { constants as zlibConstants, createGunzip, inflateRawSync } from 'node:zlib';
import sharp from 'sharp';
import dicomParser from 'dicom-parser';
import * as nifti from 'nifti-reader-js';
import type { Code } from '../core/codes.js';

export interface ImageFacts {
  type: 'image';
  format: string;
  mimeType: string;
  fileSize: number;
  /** Displayed size (after EXIF orientation). */
  width: number;
  height: number;
  /** Stored size, when the orientation turns it. */
  storedWidth?: number;
  storedHeight?: number;
}

export interface DicomFacts {
  type: 'dicom';
  fileSize: number;
  hasPreamble: boolean;
  transferSyntax?: string;
  studyUid?: string;
  seriesUid?: string;
  sopUid?: string;
  modality?: string;
  rows?: number;
  columns?: number;
  frames: number;
  instanceNumber?: number;
  position?: number[];
  /** ImageOrientationPatient: the row and column direction cosines (6 numbers). */
  orientation?: number[];
  seriesDescription?: string;
}

export interface NiftiFacts {
  type: 'nifti';
  fileSize: number;
  version: 1 | 2;
  compressed: boolean;
  dims: number[];
  pixDims: number[];
  datatype: number;
  littleEndian: boolean;
}

export type Facts = ImageFacts | DicomFacts | NiftiFacts;
export type ProbeResult = Facts | { error: Code; message: string };

const MIME: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', tiff: 'image/tiff', avif: 'image/avif', heif: 'image/heif', svg: 'image/svg+xml', jp2: 'image/jp2', jxl: 'image/jxl' };

/** What a file looks like from its name and first bytes: the probe to run. */
export function sniff(name: string, head: Buffer): 'image' | 'dicom' | 'nifti' | undefined {
  const lower = name.toLowerCase();
  if (head.length >= 132 && head.toString('latin1', 128, 132) === 'DICM') return 'dicom';
  if (/\.(nii|hdr)(\.gz)?$/.test(lower)) return 'nifti';
  if (head.length >= 4 && (head.readInt32LE(0) === 348 || head.readInt32BE(0) === 348 || head.readInt32LE(0) === 540 || head.readInt32BE(0) === 540)) return 'nifti';
  if (/\.(dcm|dicom)$/.test(lower)) return 'dicom';
  if (/\.(jpe?g|png|gif|webp|tiff?|avif|heic|heif|bmp|jp2|jxl|svg)$/.test(lower)) return 'image';
  // DICOM files need no extension: an explicit little-endian group 0002 or 0008 tag at byte 0
  if (head.length >= 8 && (head.readUInt16LE(0) === 0x0002 || head.readUInt16LE(0) === 0x0008)) return 'dicom';
  return undefined;
}

async function head(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Probes one file: its facts, or a coded reason it cannot be read. */
export async function probe(path: string, kind?: 'image' | 'dicom' | 'nifti'): Promise<ProbeResult> {
  let size: number;
  let first: Buffer;
  // one open and one read: the first bytes serve the sniffing and, for most images, the header
  const named = kind ?? (/\.(jpe?g|png|gif|webp|tiff?|avif|heic|heif|bmp|jp2|jxl|svg)$/i.test(path) ? 'image' : undefined);
  try {
    // without blocking: a FIFO would otherwise wait for a writer forever
    const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new Error('not a regular file (a pipe, socket or device)');
      size = st.size;
      const buf = Buffer.alloc(named === 'image' ? Math.min(size, IMAGE_HEAD) : Math.min(size, 132));
      first = buf.subarray(0, (await fh.read(buf, 0, buf.length, 0)).bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    return { error: 'MEDIA_UNREADABLE', message: (e as Error).message };
  }
  const k = kind ?? sniff(path, first);
  if (k === 'image') return probeImage(path, size, first.length >= 132 || first.length === size ? first : undefined);
  if (k === 'dicom') return probeDicom(path, size, first);
  if (k === 'nifti') return probeNifti(path, size, first);
  return { error: 'MEDIA_UNKNOWN', message: 'not an image, DICOM or NIfTI file by its name or first bytes' };
}

/** Bytes read for an image header: the size of most headers, EXIF included. */
const IMAGE_HEAD = 64 * 1024;

/**
 * Only the header is read, so sharp's pixel limit (268 megapixels by default, there to bound
 * decoding) does not apply: a 20000 x 15000 image is measured, not refused.
 */
const HEADER_ONLY = { limitInputPixels: false } as const;

/** Width, height and format of an image from its header, or a coded reason it cannot be read. */
export async function probeImage(path: string, fileSize: number, first?: Buffer): Promise<ProbeResult> {
  try {
    let m: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>> | undefined;
    if (first && first.length > 0) {
      try {
        m = await sharp(first, HEADER_ONLY).metadata();
      } catch {
        m = undefined; // a header longer than the bytes read: the file itself below
      }
    }
    if (!m?.width || !m.height || (first && first.length < fileSize && m.format === 'jpeg' && !first.includes(Buffer.from([0xff, 0xc0])) && !first.includes(Buffer.from([0xff, 0xc2])))) m = await sharp(path, HEADER_ONLY).metadata();
    if (!m.width || !m.height || !m.format) return { error: 'MEDIA_CORRUPT', message: 'the image header gives no size' };
    const turned = (m.orientation ?? 1) >= 5;
    const facts: ImageFacts = { type: 'image', format: m.format, mimeType: MIME[m.format] ?? `image/${m.format}`, fileSize, width: turned ? m.height : m.width, height: turned ? m.width : m.height };
    if (turned) Object.assign(facts, { storedWidth: m.width, storedHeight: m.height });
    return facts;
  } catch {
    // not sharp's message: libvips keeps one error buffer for all threads, so under concurrency
    // its text may describe another file (a truncated PNG reported as "VipsJpeg: premature end")
    return { error: 'MEDIA_CORRUPT', message: imageProblem(first ?? (await head(path, 32).catch(() => Buffer.alloc(0))), fileSize) };
  }
}

/** What is wrong with an image sharp cannot read, from its own first bytes and size. */
function imageProblem(first: Buffer, fileSize: number): string {
  if (fileSize === 0) return 'the file is empty';
  const format = formatByMagic(first);
  if (!format) return 'not in an image format that can be read (by its first bytes)';
  return `the ${format} header cannot be read: corrupt, truncated, or a variant this build does not decode (${fileSize} bytes)`;
}

/** The image format a file's first bytes announce. */
function formatByMagic(b: Buffer): string | undefined {
  const at = (offset: number, text: string): boolean => b.length >= offset + text.length && b.toString('latin1', offset, offset + text.length) === text;
  if (at(0, '\x89PNG')) return 'PNG';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'JPEG';
  if (at(0, 'GIF8')) return 'GIF';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return 'WebP';
  if (at(0, 'II*\0') || at(0, 'MM\0*')) return 'TIFF';
  if (at(0, 'BM')) return 'BMP';
  if (at(4, 'ftyp')) return 'HEIF/AVIF';
  if (at(4, 'jP  ') || at(0, '\xff\x4f\xff\x51')) return 'JPEG 2000';
  if (at(0, '\xff\x0a') || at(4, 'JXL ')) return 'JPEG XL';
  if (/^\s*<(\?xml|svg)/i.test(b.toString('latin1'))) return 'SVG';
  return undefined;
}

const DEFLATED = '1.2.840.10008.1.2.1.99';
/**
 * Bytes a deflated DICOM data set is inflated to at most, as gzip input is capped: the header is
 * all a probe needs, and the data set was inflated whole before (a few MB of deflated zeros took
 * GBs). Deflated bytes are read in growing prefixes until the header parses; a prefix that inflates
 * past this is refused (DICOM_INFLATE_TOO_LARGE).
 */
export const MAX_DICOM_INFLATED = 64 * 1024 * 1024;

class InflateTooLarge extends Error {}

/**
 * dicom-parser's inflater: the meta header, then the first `limit` deflated bytes of the data set
 * inflated (a prefix inflates to at most about 1,032 times its size), refused past the cap.
 * `cut` is set when the limit left deflated bytes out.
 */
function cappedInflater(limit: number, state: { cut: boolean }) {
  return (byteArray: Uint8Array, position: number): Buffer => {
    const available = byteArray.length - position;
    state.cut = available > limit;
    const deflated = Buffer.from(byteArray.buffer, byteArray.byteOffset + position, Math.min(available, limit));
    let inflated: Buffer;
    try {
      // a prefix of the stream: what it holds, without the end-of-stream check
      inflated = inflateRawSync(deflated, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: MAX_DICOM_INFLATED });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new InflateTooLarge();
      throw e;
    }
    const out = Buffer.allocUnsafe(position + inflated.length);
    out.set(byteArray.subarray(0, position), 0);
    inflated.copy(out, position);
    return out;
  };
}

/** Deflated bytes inflated first (at most about 4 MB out); four times more at each retry. */
const DEFLATED_FIRST = 4096;

const DICOM_HEAD = 64 * 1024;

export async function probeDicom(path: string, fileSize: number, first: Buffer): Promise<ProbeResult> {
  const hasPreamble = first.length >= 132 && first.toString('latin1', 128, 132) === 'DICM';
  let bytes = Math.min(fileSize, DICOM_HEAD);
  let deflatedLimit = DEFLATED_FIRST;
  const inflate = { cut: false };
  for (;;) {
    inflate.cut = false;
    let buf: Buffer;
    try {
      buf = await head(path, bytes);
    } catch (e) {
      return { error: 'MEDIA_UNREADABLE', message: (e as Error).message };
    }
    try {
      let ds: dicomParser.DataSet;
      if (hasPreamble) ds = dicomParser.parseDicom(buf, { untilTag: 'x7fe00010', inflater: cappedInflater(deflatedLimit, inflate) } as dicomParser.ParseDicomOptions);
      else {
        // no preamble and no meta header: the transfer syntax is a guess; keep the one that reads most
        let best: dicomParser.DataSet | undefined;
        let err: unknown;
        for (const ts of ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2']) {
          try {
            const d = dicomParser.parseDicom(buf, { untilTag: 'x7fe00010', TransferSyntaxUID: ts });
            if (!best || Object.keys(d.elements).length > Object.keys(best.elements).length) best = d;
          } catch (e) {
            err = e;
          }
        }
        if (!best) throw err;
        ds = best;
      }
      if (ds.string('x00020010') === DEFLATED && (bytes < fileSize || inflate.cut) && !ds.elements.x7fe00010) {
        // the header may go on past the deflated bytes inflated: inflate (and read) more of them
        deflatedLimit *= 4;
        bytes = Math.min(fileSize, Math.max(bytes, deflatedLimit + 1024));
        continue;
      }
      // the header read well, but the pixel data it announces runs past the end of the file
      const px = ds.elements.x7fe00010;
      if (px && ds.string('x00020010') !== DEFLATED && px.length !== undefined && px.length > 0 && px.length !== 0xffffffff && px.dataOffset + px.length > fileSize) {
        return { error: 'DICOM_TRUNCATED', message: `the pixel data needs ${px.dataOffset + px.length} bytes, the file has ${fileSize}` };
      }
      return dicomFacts(ds, fileSize, hasPreamble);
    } catch (e) {
      if (e instanceof InflateTooLarge) return { error: 'DICOM_INFLATE_TOO_LARGE', message: `the deflated data set inflates to more than ${MAX_DICOM_INFLATED} bytes within its first ${bytes} bytes of file: reading stopped there` };
      const ex = e as { message?: string; exception?: string };
      const msg = String(ex.exception ?? ex.message ?? e);
      // a header longer than the bytes read: read the whole file once
      if ((bytes < fileSize || inflate.cut) && /overrun|overread|beyond|offset|exceeds/i.test(msg)) {
        if (inflate.cut) deflatedLimit *= 4;
        bytes = Math.min(fileSize, Math.max(bytes * (inflate.cut ? 1 : 4), deflatedLimit + 1024));
        continue;
      }
      return { error: bytes >= fileSize && /overrun|overread|beyond|exceeds/i.test(msg) ? 'DICOM_TRUNCATED' : 'DICOM_INVALID', message: msg.slice(0, 200) };
    }
  }
}

function dicomFacts(ds: dicomParser.DataSet, fileSize: number, hasPreamble: boolean): DicomFacts {
  const str = (tag: string): string | undefined => {
    const v = ds.string(tag);
    return v === undefined || v === '' ? undefined : v.trim();
  };
  const num = (tag: string): number | undefined => {
    const v = str(tag);
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const f: DicomFacts = { type: 'dicom', fileSize, hasPreamble, frames: num('x00280008') ?? 1 };
  const set = <K extends keyof DicomFacts>(k: K, v: DicomFacts[K] | undefined): void => {
    if (v !== undefined) f[k] = v;
  };
  set('transferSyntax', str('x00020010'));
  set('studyUid', str('x0020000d'));
  set('seriesUid', str('x0020000e'));
  set('sopUid', str('x00080018'));
  set('modality', str('x00080060'));
  if (ds.elements.x00280010) set('rows', ds.uint16('x00280010'));
  if (ds.elements.x00280011) set('columns', ds.uint16('x00280011'));
  set('instanceNumber', num('x00200013'));
  const pos = str('x00200032')?.split('\\').map(Number);
  if (pos && pos.length === 3 && pos.every(Number.isFinite)) f.position = pos;
  const orient = str('x00200037')?.split('\\').map(Number);
  if (orient && orient.length === 6 && orient.every(Number.isFinite)) f.orientation = orient;
  set('seriesDescription', str('x0008103e'));
  return f;
}

/** NIfTI bytes read: the 348/540-byte header and room for the extensions the reader looks at. */
const NIFTI_HEAD = 64 * 1024;

export async function probeNifti(path: string, fileSize: number, first: Buffer): Promise<ProbeResult> {
  const compressed = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  let buf: Buffer;
  try {
    buf = compressed ? await gunzipHead(path, NIFTI_HEAD) : await head(path, NIFTI_HEAD);
  } catch (e) {
    return { error: 'NIFTI_INVALID', message: `the gzip stream cannot be read: ${(e as Error).message}` };
  }
  // a .hdr of a .hdr/.img pair has the magic "ni1"/"ni2": read as its single-file twin would be
  if (buf.length >= 348 && buf.toString('latin1', 344, 347) === 'ni1') buf.write('n+1', 344, 'latin1');
  if (buf.length >= 8 && buf.toString('latin1', 4, 7) === 'ni2') buf.write('n+2', 4, 'latin1');
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  try {
    const v1 = nifti.isNIFTI1(ab);
    const v2 = !v1 && nifti.isNIFTI2(ab);
    if (!v1 && !v2) return { error: 'NIFTI_INVALID', message: 'no NIfTI-1 or NIfTI-2 header (sizeof_hdr and magic)' };
    const h = nifti.readHeader(ab);
    if (!h) return { error: 'NIFTI_INVALID', message: 'the header cannot be read' };
    // dim[0] is the number of dimensions used: the rest of the 8 slots carry nothing
    const n = Math.min(7, Math.max(0, h.dims[0] ?? 0)) + 1;
    return { type: 'nifti', fileSize, version: v1 ? 1 : 2, compressed, dims: [...h.dims].slice(0, n), pixDims: [...h.pixDims].slice(0, n), datatype: h.datatypeCode, littleEndian: h.littleEndian };
  } catch (e) {
    return { error: 'NIFTI_INVALID', message: String((e as Error).message ?? e).slice(0, 200) };
  }
}

/** The first `bytes` of a gzip file, inflating no more than that (a bomb stays small). */
function gunzipHead(path: string, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const src = createReadStream(path, { highWaterMark: 16 * 1024 });
    const gz = createGunzip({ chunkSize: 1024 });
    const done = (): void => {
      src.destroy();
      gz.destroy();
      resolve(Buffer.concat(parts).subarray(0, bytes));
    };
    gz.on('data', (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= bytes) done();
    });
    gz.on('end', done);
    gz.on('error', (e) => (got > 0 ? done() : reject(e)));
    src.on('error', reject);
    src.pipe(gz);
  });
}
