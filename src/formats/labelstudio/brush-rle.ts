/**
 * Label Studio brush RLE (`brushlabels` results, `value.format = "rle"`, `value.rle = number[]`).
 *
 * The array is a byte stream holding a bit-packed run-length encoding of an RGBA image of
 * `original_height x original_width x 4` bytes, row-major; the mask is the alpha byte (channel 3).
 * Format of `@thi.ng/rle-pack` `encode`/`decode` (the one Label Studio's frontend imports), also
 * implemented by `decode_rle`/`encode_rle` in label-studio-sdk `src/label_studio_sdk/converter/brush.py`
 * (formerly label-studio-converter `label_studio_converter/brush.py`). Bits are read MSB first:
 *
 *   header  32 bits  number of values N (here width * height * 4)
 *            5 bits  word size - 1 (LS writes 8-bit words: 7)
 *           4 x 4 bits  bit widths - 1 of the four length classes (LS writes [3, 4, 8, 16]: 2, 3, 7, 15)
 *   chunks until N values are produced:
 *            1 bit   kind: 1 = run (one word repeated), 0 = literal block (distinct words)
 *            2 bits  length class c
 *            sizes[c] bits  length - 1
 *            run: one word, repeated `length` times; literal: `length` words
 *   then zero padding to a byte boundary (the Python encoder always adds 1..8 zero bits, so an
 *   extra zero byte may follow); anything after the last chunk is ignored, as both references do.
 *
 * Brush pixels: Label Studio's frontend exports grey pixels R = G = B = A (alpha copied into the
 * colour channels) and the Python `mask2rle`/`image2rle` repeat the 0/255 mask value in all four
 * channels, so the encoder writes (255, 255, 255, 255) inside and (0, 0, 0, 0) outside. Decoders
 * (frontend `RLE2Region`, Python `decode_from_annotation`) read channel 3 only.
 */

const LS_WORD_SIZE = 8;
const LS_RLE_SIZES: readonly number[] = [3, 4, 8, 16];
const HEADER_BITS = 32 + 5 + 4 * 4;
const MAX_COUNT = 0xffffffff; // the header count is an unsigned 32-bit field

/** MSB-first bit reader over an array of bytes already checked to be integers 0..255. */
class BitReader {
  private pos = 0;
  private readonly total: number;

  constructor(private readonly data: ArrayLike<number>) {
    this.total = data.length * 8;
  }

  remaining(): number {
    return this.total - this.pos;
  }

  /** Reads `n` (1..32) bits as an unsigned number, or -1 when the stream is too short. */
  read(n: number): number {
    if (this.pos + n > this.total) return -1;
    let v = 0;
    while (n > 0) {
      const byte = this.data[Math.floor(this.pos / 8)]!;
      const off = this.pos % 8;
      const avail = 8 - off;
      const take = n < avail ? n : avail;
      const bits = (byte >>> (avail - take)) & ((1 << take) - 1);
      v = v * (1 << take) + bits;
      this.pos += take;
      n -= take;
    }
    return v;
  }
}

/** MSB-first bit writer producing a plain byte array; the last byte is zero-padded. */
class BitWriter {
  readonly bytes: number[] = [];
  private cur = 0;
  private used = 0;

  /** Writes the low `n` (1..32) bits of the non-negative integer `value`. */
  write(value: number, n: number): void {
    for (let k = n - 1; k >= 0; k--) {
      const bit = Math.floor(value / 2 ** k) % 2;
      this.cur = (this.cur << 1) | bit;
      if (++this.used === 8) {
        this.bytes.push(this.cur);
        this.cur = 0;
        this.used = 0;
      }
    }
  }

  finish(): number[] {
    if (this.used > 0) {
      this.bytes.push((this.cur << (8 - this.used)) & 0xff);
      this.cur = 0;
      this.used = 0;
    }
    return this.bytes;
  }
}

interface Header {
  count: number;
  wordSize: number;
  sizes: number[];
}

function checkBytes(rle: unknown): string | null {
  if (rle === null || typeof rle !== 'object' || typeof (rle as { length?: unknown }).length !== 'number') {
    return 'rle is not an array';
  }
  const a = rle as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++) {
    const b = a[i];
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) {
      return `rle[${i}] is not a byte (integer 0..255)`;
    }
  }
  if (a.length * 8 < HEADER_BITS) return `rle has ${a.length} bytes, too short for the ${HEADER_BITS}-bit header`;
  return null;
}

function readHeader(input: BitReader): Header {
  const count = input.read(32);
  const wordSize = input.read(5) + 1;
  const sizes = [input.read(4) + 1, input.read(4) + 1, input.read(4) + 1, input.read(4) + 1];
  return { count, wordSize, sizes };
}

/**
 * Upper bound on the values that `bits` bits of chunks can produce: a chunk of class c costs at
 * least 3 + sizes[c] + wordSize bits and yields at most 2^sizes[c] values. Lets the decoder refuse
 * a header count the data cannot possibly hold before allocating anything.
 */
function maxValuesFor(bits: number, h: Header): number {
  let ratio = 0;
  for (const s of h.sizes) ratio = Math.max(ratio, 2 ** s / (3 + s + h.wordSize));
  return Math.floor(bits * ratio);
}

/**
 * Walks the chunks after the header, calling `emit(start, end, value)` for every run of values
 * [start, end). Returns an error message or null. Ends: every chunk produces at least one value.
 */
function walk(input: BitReader, h: Header, emit: (start: number, end: number, value: number) => void): string | null {
  let i = 0;
  while (i < h.count) {
    const kind = input.read(1);
    const cls = input.read(2);
    if (kind < 0 || cls < 0) return `rle truncated at value ${i} of ${h.count} (chunk header)`;
    const len = input.read(h.sizes[cls]!);
    if (len < 0) return `rle truncated at value ${i} of ${h.count} (chunk length)`;
    const end = i + 1 + len;
    if (end > h.count) return `rle chunk at value ${i} runs past the header count ${h.count}`;
    if (kind === 1) {
      const v = input.read(h.wordSize);
      if (v < 0) return `rle truncated at value ${i} of ${h.count} (run value)`;
      emit(i, end, v);
      i = end;
    } else {
      for (; i < end; i++) {
        const v = input.read(h.wordSize);
        if (v < 0) return `rle truncated at value ${i} of ${h.count} (literal value)`;
        emit(i, i + 1, v);
      }
    }
  }
  return null;
}

function checkSize(width: number, height: number): string | null {
  if (!Number.isSafeInteger(width) || width < 0) return `width ${String(width)} is not a non-negative integer`;
  if (!Number.isSafeInteger(height) || height < 0) return `height ${String(height)} is not a non-negative integer`;
  if (width * height * 4 > MAX_COUNT) return `${width} x ${height} x 4 does not fit the 32-bit RLE value count`;
  return null;
}

/**
 * Decodes a Label Studio brush `rle` array to a row-major mask of width * height bytes, 1 where
 * the alpha byte is non-zero, else 0. Returns an error message (never throws) when the data is
 * malformed: not bytes, shorter than the header, header count != width * height * 4, truncated
 * chunks, or a chunk running past the count. Trailing padding bytes are ignored.
 * Allocates only after the header count has been checked against width * height * 4 and against
 * what the data length could possibly hold.
 */
export function lsRleDecode(rle: readonly number[], width: number, height: number): Uint8Array | string {
  try {
    const bad = checkSize(width, height) ?? checkBytes(rle);
    if (bad) return bad;
    const input = new BitReader(rle);
    const h = readHeader(input);
    const expected = width * height * 4;
    if (h.count !== expected) {
      return `rle header counts ${h.count} values, expected ${expected} (${width} x ${height} x 4 RGBA)`;
    }
    if (h.count > maxValuesFor(input.remaining(), h)) {
      return `rle of ${rle.length} bytes cannot hold the ${h.count} values its header claims (truncated)`;
    }
    const mask = new Uint8Array(width * height);
    const err = walk(input, h, (start, end, value) => {
      if (value === 0) return; // positions are visited once, in order; the mask starts at 0
      // pixels p whose alpha index 4p + 3 lies in [start, end)
      const first = Math.max(0, Math.ceil((start - 3) / 4));
      const last = Math.ceil((end - 3) / 4);
      if (last > first) mask.fill(1, first, last);
    });
    return err ?? mask;
  } catch (e) {
    // defensive only: nothing above is expected to throw
    return `rle could not be decoded: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/**
 * Decodes any rle-pack byte stream to its values (e.g. the RGBA bytes of a brush), requiring the
 * header count to equal `expectedCount`. Returns an error message instead of throwing.
 */
export function lsRleDecodeValues(rle: readonly number[], expectedCount: number): number[] | string {
  try {
    if (!Number.isSafeInteger(expectedCount) || expectedCount < 0 || expectedCount > MAX_COUNT) {
      return `expected count ${String(expectedCount)} is not a 32-bit count`;
    }
    const bad = checkBytes(rle);
    if (bad) return bad;
    const input = new BitReader(rle);
    const h = readHeader(input);
    if (h.count !== expectedCount) return `rle header counts ${h.count} values, expected ${expectedCount}`;
    if (h.count > maxValuesFor(input.remaining(), h)) {
      return `rle of ${rle.length} bytes cannot hold the ${h.count} values its header claims (truncated)`;
    }
    const out: number[] = new Array<number>(h.count).fill(0);
    const err = walk(input, h, (start, end, value) => {
      for (let k = start; k < end; k++) out[k] = value;
    });
    return err ?? out;
  } catch (e) {
    return `rle could not be decoded: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function lengthClass(n: number): number {
  for (let c = 0; c < LS_RLE_SIZES.length; c++) if (n < 2 ** LS_RLE_SIZES[c]!) return c;
  return LS_RLE_SIZES.length - 1; // callers keep n < 2^16
}

const MAX_CHUNK = 2 ** LS_RLE_SIZES[LS_RLE_SIZES.length - 1]!; // 65536 values per chunk

function startStream(count: number): BitWriter {
  const out = new BitWriter();
  out.write(count, 32);
  out.write(LS_WORD_SIZE - 1, 5);
  for (const s of LS_RLE_SIZES) out.write(s - 1, 4);
  return out;
}

function writeRun(out: BitWriter, value: number, length: number): void {
  while (length > 0) {
    const n = Math.min(length, MAX_CHUNK);
    const c = lengthClass(n - 1);
    out.write(1, 1);
    out.write(c, 2);
    out.write(n - 1, LS_RLE_SIZES[c]!);
    out.write(value, LS_WORD_SIZE);
    length -= n;
  }
}

function writeLiterals(out: BitWriter, values: readonly number[]): void {
  for (let at = 0; at < values.length; at += MAX_CHUNK) {
    const n = Math.min(values.length - at, MAX_CHUNK);
    const c = lengthClass(n - 1);
    out.write(0, 1);
    out.write(c, 2);
    out.write(n - 1, LS_RLE_SIZES[c]!);
    for (let k = at; k < at + n; k++) out.write(values[k]!, LS_WORD_SIZE);
  }
}

/**
 * Encodes a row-major mask (non-zero = inside) of width * height to a Label Studio brush `rle`
 * array: RGBA pixels (255, 255, 255, 255) inside and (0, 0, 0, 0) outside, 8-bit words, length
 * classes [3, 4, 8, 16]. Throws RangeError on a size mismatch (the caller's bug, not data).
 */
export function lsRleEncode(mask: Uint8Array, width: number, height: number): number[] {
  const bad = checkSize(width, height);
  if (bad) throw new RangeError(bad);
  const pixels = width * height;
  if (mask.length !== pixels) throw new RangeError(`mask has ${mask.length} bytes, expected ${width} x ${height} = ${pixels}`);
  const out = startStream(pixels * 4);
  // every pixel is 4 equal bytes, so the value stream is made of runs only
  let p = 0;
  while (p < pixels) {
    const on = mask[p] !== 0;
    let q = p + 1;
    while (q < pixels && (mask[q] !== 0) === on) q++;
    writeRun(out, on ? 255 : 0, (q - p) * 4);
    p = q;
  }
  return out.finish();
}

/**
 * Encodes arbitrary bytes (0..255) in the same format (8-bit words, classes [3, 4, 8, 16]):
 * repeated values as runs, the rest as literal blocks. Throws RangeError on a non-byte value.
 */
export function lsRleEncodeValues(values: ArrayLike<number>): number[] {
  if (values.length > MAX_COUNT) throw new RangeError(`${values.length} values do not fit the 32-bit count`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) throw new RangeError(`values[${i}] is not a byte`);
  }
  const out = startStream(values.length);
  const literals: number[] = [];
  let i = 0;
  while (i < values.length) {
    const v = values[i]!;
    let j = i + 1;
    while (j < values.length && values[j] === v) j++;
    if (j - i >= 2) {
      if (literals.length) {
        writeLiterals(out, literals);
        literals.length = 0;
      }
      writeRun(out, v, j - i);
    } else {
      literals.push(v);
    }
    i = j;
  }
  if (literals.length) writeLiterals(out, literals);
  return out.finish();
}
