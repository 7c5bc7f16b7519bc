/** Detection by content: each format scores the first bytes of the input; the best score wins. */
import type { FormatDescriptor, Sample } from './format.js';
import type { InputSource } from './io.js';
import { listFormats } from './registry.js';

const SAMPLE_BYTES = 64 * 1024;

export interface Detection {
  format: FormatDescriptor;
  confidence: number;
}

export async function sampleOf(input: InputSource): Promise<Sample> {
  const head = await input.peek(SAMPLE_BYTES);
  const complete = input.size !== undefined ? head.length >= input.size : head.length < SAMPLE_BYTES;
  return { name: input.name, text: head.toString('utf8'), complete };
}

/** The most likely format of the input, or undefined when nothing scores above zero. */
export async function detectFormat(input: InputSource): Promise<Detection | undefined> {
  if (input.directory) {
    let best: Detection | undefined;
    for (const format of listFormats()) {
      const confidence = format.detectDirectory ? await format.detectDirectory(input.path!) : 0;
      if (confidence > 0 && (!best || confidence > best.confidence)) best = { format, confidence };
    }
    return best;
  }
  const sample = await sampleOf(input);
  let best: Detection | undefined;
  for (const format of listFormats()) {
    if (!format.detect) continue;
    const confidence = format.detect(sample);
    if (confidence > 0 && (!best || confidence > best.confidence)) best = { format, confidence };
  }
  return best;
}
