/** The annoconv line format writer: the dataset header (when there is one) then one item per line. */
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import type { Dataset, Item } from '../../model/types.js';

export function createAnnoconvWriter(sink: OutputSink, _ctx: WriteContext): FormatWriter {
  let items = 0;
  return {
    dataset(dataset: Dataset): void {
      if (items > 0) return; // a header after items would be out of place; the model has it already
      sink.write(JSON.stringify({ annoconv: 'dataset', version: 1, ...dataset }) + '\n');
    },
    write(item: Item): void {
      items++;
      sink.write(JSON.stringify(item) + '\n');
    },
    end(): void {},
  };
}
