/** The annoconv line format writer: the dataset header (when there is one) then one item per line. */
import { noun } from '../../core/noun.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import type { Dataset, Item } from '../../model/types.js';

export function createAnnoconvWriter(sink: OutputSink, ctx: WriteContext): FormatWriter {
  let items = 0;
  return {
    dataset(dataset: Dataset): void {
      // a header after items would be out of place (sources that state file-level facts at their
      // end, e.g. an Encord manifest's skip_duplicate_urls after its arrays): said, not silent
      if (items > 0) {
        ctx.lose(noun('dataset header'), 1, 'it came after the first item, and the annoconv header line must come first', {});
        return;
      }
      sink.write(JSON.stringify({ annoconv: 'dataset', version: 1, ...dataset }) + '\n');
    },
    write(item: Item): void {
      items++;
      sink.write(JSON.stringify(item) + '\n');
    },
    end(): void {},
  };
}
