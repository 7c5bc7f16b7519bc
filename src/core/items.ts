/** Reading a file as a plain async stream of model items (library use). */
import type { Dataset, Item } from '../model/types.js';
import type { DiagnosticSink } from './diagnostics.js';
import { openInput, type InputSource } from './io.js';
import { defaultOptions, type Options } from './options.js';
import { resolveFormat } from './detect.js';

export interface ReadItemsParams {
  from?: string;
  options?: Partial<Options>;
  onDiagnostic?: DiagnosticSink;
  /** Receives the dataset header when the format has one. */
  onDataset?: (d: Dataset) => void;
}

/** The valid items of an input, in order; invalid records are reported and skipped. */
export async function* readItems(input: string | InputSource, params: ReadItemsParams = {}): AsyncGenerator<Item> {
  const options = defaultOptions(params.options);
  const source = typeof input === 'object' ? input : await openInput(input, { maxInflatedSize: options.maxInflatedSize });
  const format = await resolveFormat(source, params.from, 'read');
  const impl = await format.load();
  const read = impl.read!;
  for await (const batch of read(source, { file: source.name, options, report: params.onDiagnostic ?? (() => undefined), materialize: true })) {
    for (const ev of batch) {
      if (ev.type === 'item') yield ev.item;
      else if (ev.type === 'dataset') params.onDataset?.(ev.dataset);
    }
  }
}
