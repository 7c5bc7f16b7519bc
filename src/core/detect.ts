/**
 * Detection by content: each format scores the structure of the first bytes of the input (see
 * sniff.ts); the best score wins. A file a format knows but does not read is named instead.
 */
import type { FormatDescriptor, Sample } from './format.js';
import type { InputSource } from './io.js';
import { listFormats, requireFormat } from './registry.js';
import { AnnoconvError, diag } from './diagnostics.js';

/** Bytes sampled first; a larger sample is read when nothing matched and the first was cut. */
export const SAMPLE_BYTES = 64 * 1024;
const LARGE_SAMPLE_BYTES = 1024 * 1024;
/** Confidence of a detection by structure (a file name alone scores below it). */
const READ_CONFIDENCE = 0.8;

export interface Detection {
  format: FormatDescriptor;
  confidence: number;
}

/** A sample of `bytes` from the start of the input (not consumed). */
export async function sampleOf(input: InputSource, bytes = SAMPLE_BYTES): Promise<Sample> {
  const head = await input.peek(bytes);
  return sampleFrom(input.name, head, input.size !== undefined ? head.length >= input.size : head.length < bytes);
}

/** A sample made of bytes already read. */
export function sampleFrom(name: string, head: Buffer, complete: boolean): Sample {
  return { name, text: head.toString('utf8'), complete };
}

/** The best-scoring format for a sample, or undefined when nothing scores above zero. */
export function detectSample(sample: Sample): Detection | undefined {
  let best: Detection | undefined;
  for (const format of listFormats()) {
    if (!format.detect) continue;
    const confidence = format.detect(sample);
    if (confidence > 0 && (!best || confidence > best.confidence)) best = { format, confidence };
  }
  return best;
}

/**
 * What a sample is when it is a file annoconv recognises but does not read, else undefined. A
 * sample a format that reads it recognises by its structure is read by that format, whatever
 * another format's family says of it.
 */
export function unsupportedOf(sample: Sample): string | undefined {
  const reader = detectSample(sample);
  if (reader && reader.format.can.read && reader.confidence >= READ_CONFIDENCE) return undefined;
  for (const format of listFormats()) {
    const what = format.unsupported?.(sample);
    if (what !== undefined) return what;
  }
  return undefined;
}

/** The INPUT_FORMAT_UNSUPPORTED error for a file recognised but not read. */
export function unsupportedError(what: string, file: string): AnnoconvError {
  return new AnnoconvError(diag('INPUT_FORMAT_UNSUPPORTED', `this is ${what}: annoconv recognises it but does not read it`, { file }), 1);
}

async function detectDirectory(input: InputSource): Promise<Detection | undefined> {
  let best: Detection | undefined;
  for (const format of listFormats()) {
    const confidence = format.detectDirectory ? await format.detectDirectory(input.path!) : 0;
    if (confidence > 0 && (!best || confidence > best.confidence)) best = { format, confidence };
  }
  return best;
}

/**
 * The most likely format of the input, or undefined when nothing scores above zero. A file
 * annoconv recognises but does not read is an INPUT_FORMAT_UNSUPPORTED error (exit 1).
 */
export async function detectFormat(input: InputSource): Promise<Detection | undefined> {
  if (input.directory) return detectDirectory(input);
  let sample = await sampleOf(input);
  for (;;) {
    const what = unsupportedOf(sample);
    if (what !== undefined) throw unsupportedError(what, input.name);
    const found = detectSample(sample);
    // a first record larger than the sample (a Label Studio task with thousands of results) may
    // show what it is further on
    if (found || sample.complete || sample.text.length >= LARGE_SAMPLE_BYTES) return found;
    sample = await sampleOf(input, LARGE_SAMPLE_BYTES);
  }
}

/**
 * The format to read an input as: `from` when given (a usage error when unknown), else detected
 * from the content (INPUT_UNKNOWN_FORMAT when nothing matches).
 */
export async function resolveFormat(source: InputSource, from: string | undefined, role: 'read' | 'validate'): Promise<FormatDescriptor> {
  if (from) return requireFormat(from, role);
  const found = await detectFormat(source);
  if (!found) {
    throw new AnnoconvError(diag('INPUT_UNKNOWN_FORMAT', 'cannot tell the format of this input from its content; pass --from/--format', { file: source.name }), 1);
  }
  return found.format;
}
