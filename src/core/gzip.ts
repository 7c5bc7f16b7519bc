/**
 * Transparent gzip input: a stream that starts with the gzip magic bytes is inflated as it is read,
 * in bounded memory. A broken or truncated stream ends the input where it broke (what came before
 * is read normally) with INPUT_GZIP_INVALID; a stream that inflates beyond MAX_RATIO times its
 * compressed size once past RATIO_FLOOR bytes is stopped there with INPUT_GZIP_BOMB (deflate cannot
 * exceed ~1032:1, so only data made of nearly one repeated byte gets near the limit). The ratio
 * alone misses a bomb behind an incompressible start (1.4 MB of noise, then 2 GiB of one byte:
 * 3.1 MB inflating about 650 times), so the inflated bytes are also capped (--max-inflated-size,
 * INPUT_GZIP_TOO_LARGE).
 */
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { diag, type Diagnostic } from './diagnostics.js';
import { DEFAULT_MAX_INFLATED_SIZE } from './options.js';

export const MAX_RATIO = 1000;
export const RATIO_FLOOR = 64 * 1024 * 1024;

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * The chunks of `source`, inflated when they start with the gzip magic. Problems are handed to
 * `problem` and end the stream instead of throwing: the reader then sees an ordinary end of input.
 * `compressed` is called once when the stream turns out to be gzip. At most `maxInflated` bytes
 * are handed out.
 */
export async function* gunzipIfNeeded(source: AsyncIterable<Buffer>, name: string, problem: (d: Diagnostic) => void, compressed?: () => void, maxInflated = DEFAULT_MAX_INFLATED_SIZE): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  // the magic is two bytes: a pipe may hand over one at first
  let first = await it.next();
  while (!first.done && first.value.length < 2) {
    const more = await it.next();
    if (more.done) break;
    first = { done: false, value: Buffer.concat([first.value, more.value]) };
  }
  if (first.done) return;
  if (!isGzip(first.value)) {
    try {
      yield first.value;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return?.(); // a reader that stops early still closes the file
    }
  }
  compressed?.();
  async function* raw(): AsyncGenerator<Buffer> {
    yield first.value!;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  const src = Readable.from(raw(), { objectMode: false });
  const gunzip = createGunzip();
  let readFailure: unknown;
  src.on('error', (e) => {
    readFailure = e;
    gunzip.destroy(e);
  });
  src.pipe(gunzip);
  let inflated = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      if (inflated + chunk.length > maxInflated) {
        // the bytes up to the cap are read, as a truncated stream's are: the record cut there is reported
        if (maxInflated > inflated) yield chunk.subarray(0, maxInflated - inflated);
        problem(diag('INPUT_GZIP_TOO_LARGE', `${name} inflates to more than ${maxInflated} bytes (--max-inflated-size): reading stopped there`, { file: name }));
        return;
      }
      inflated += chunk.length;
      // bytes the inflater has consumed, not bytes read ahead of it
      const consumed = Math.max(gunzip.bytesWritten, 1);
      if (inflated > RATIO_FLOOR && inflated > MAX_RATIO * consumed) {
        problem(diag('INPUT_GZIP_BOMB', `${name} inflates more than ${MAX_RATIO} times its compressed size (${inflated} bytes from ${consumed}): reading stopped there`, { file: name }));
        return;
      }
      yield chunk;
    }
  } catch (e) {
    if (readFailure !== undefined) throw readFailure;
    problem(diag('INPUT_GZIP_INVALID', `${name}: the gzip stream is broken after ${inflated} inflated bytes (${(e as Error).message}); reading stopped there`, { file: name }));
  } finally {
    src.unpipe(gunzip);
    src.destroy();
    gunzip.destroy();
    await it.return?.(); // stopped early (a bomb, a reader done): the file is closed now, not at collection
  }
}
