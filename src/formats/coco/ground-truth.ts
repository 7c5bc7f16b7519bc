/**
 * The images and categories of a ground-truth COCO dataset, for reading a results file against it
 * (`--gt FILE`). Only `images` and `categories` are parsed; annotations are scanned over.
 */
import { AnnoconvError, diag } from '../../core/diagnostics.js';
import { openInput } from '../../core/io.js';
import { checkOptionFile } from '../../core/option-files.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import type { Options } from '../../core/options.js';
import { JsonScanner } from '../../core/json-scan.js';
import type { Category, JsonObject } from '../../model/types.js';
import { checkCategory, checkImage, imageToItem } from './records.js';

export interface GroundTruth {
  images: Map<number, JsonObject>;
  categories: Map<number, Category>;
}

export async function loadGroundTruth(path: string, options: Pick<Options, 'maxRecordSize' | 'maxInflatedSize'>): Promise<GroundTruth> {
  await checkOptionFile('gt', path); // a regular file: not a FIFO or a device
  const input = await openInput(path, { maxInflatedSize: options.maxInflatedSize });
  const maxRecordSize = options.maxRecordSize;
  const gt: GroundTruth = { images: new Map(), categories: new Map() };
  const scanner = new JsonScanner({ maxElementBytes: maxRecordSize });
  const fail = (message: string): never => {
    throw new AnnoconvError(diag('OPTION_INVALID', `--gt ${path}: ${message}`, { file: path }), 2);
  };
  const parse = (raw: Buffer): unknown => {
    const text = raw.toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return fail(jsonErrorMessage(text));
    }
  };
  const take = (events: ReturnType<JsonScanner['push']>): void => {
    for (const ev of events) {
      if (ev.type === 'error') fail(ev.message);
      if (ev.type !== 'element') continue;
      if (ev.key === 'images') {
        const o = parse(ev.raw);
        const { info } = checkImage(o);
        if (info) gt.images.set(info.id, o as JsonObject);
      } else if (ev.key === 'categories') {
        const { category } = checkCategory(parse(ev.raw));
        if (category) gt.categories.set(category.id, category);
      }
    }
  };
  try {
    for await (const chunk of input.chunks()) take(scanner.push(chunk));
    // a gzip stream that broke or grew too large ended early: half a ground truth is not one
    const problem = input.problems?.[0];
    if (problem) fail(`${problem.code}: ${problem.message}`);
    take(scanner.end());
  } catch (e) {
    if (e instanceof AnnoconvError) throw e;
    fail((e as Error).message);
  }
  return gt;
}

export { imageToItem };
