/**
 * Encord registration manifest writer, JSON. Items arrive in any kind order and a manifest groups
 * them by kind, so each kind's entries go to a spill file as they arrive and the object is written
 * at the end, one entry per line. Memory: the URL set for duplicate checks (8-10 bytes a URL).
 */
import { noun } from '../../core/noun.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { SpillDir, type SpillFile } from '../../core/spill.js';
import { writeSections, type Layout } from './parts.js';
import type { Dataset, Item, JsonObject } from '../../model/types.js';
import { loseForeignExtras } from '../../core/loss.js';
import { checkUrl } from './urls.js';
import { ENTRY_KEYS, itemToEntry, keyOfItem, MAX_ENTRIES, MAX_URLS, urlsOf, type EntryKey, type EntryOptions, type Finding } from './entries.js';

export function entryOptions(ctx: WriteContext): EntryOptions {
  const f = ctx.options.format;
  return {
    ...(typeof f.urlPrefix === 'string' ? { urlPrefix: f.urlPrefix } : {}),
    metadataCase: f.encordMetadataCase === 'camel' ? 'camel' : 'snake',
  };
}

/**
 * Checks an item for a manifest and reports why it cannot go (an error for the item, by name);
 * returns its key and URLs, and counts its labels as loss.
 */
export function prepareItem(item: Item, place: Place, ctx: WriteContext, o: EntryOptions): { key: EntryKey; urls: string[] } | undefined {
  const key = keyOfItem(item);
  if (typeof key !== 'string') {
    ctx.report(diag('ENCORD_ITEM_UNSUPPORTED', `item ${JSON.stringify(item.id)}: ${key.reason}`, place));
    return undefined;
  }
  const urls = urlsOf(item, o);
  if (!urls) {
    ctx.report(diag('ENCORD_NO_URL', `item ${JSON.stringify(item.id)} has no URL${item.path !== undefined ? ' (give --url-prefix to make one from its path)' : ''}: Encord registers cloud objects by URL`, place));
    return undefined;
  }
  const f: Finding[] = [];
  urls.forEach((u, i) => checkUrl(u, urls.length > 1 ? `/objectUrl_${i}` : '/objectUrl', f));
  // errors only: warnings about a URL (an MRAP form) are the reader's to give
  const errors = f.filter((x) => (x.severity ?? 'error') === 'error');
  for (const x of errors) ctx.report(diag(x.code, `item ${JSON.stringify(item.id)}: ${x.message}`, place));
  if (errors.length) return undefined;
  if (item.annotations.length > 0 && !ctx.lose(noun('label'), item.annotations.length, 'a registration manifest holds no labels', place)) return undefined;
  return { key, urls };
}

/**
 * Counts what an item had that its manifest entry does not carry: media facts without a complete
 * metadata block (sizes alone are never a block), and other formats' fields.
 */
export function countEntryLoss(item: Item, entry: JsonObject, ctx: WriteContext, place: Place): boolean {
  const hasBlock = Object.keys(entry).some((k) => k.endsWith('Metadata') && k !== 'clientMetadata');
  const facts = item.width !== undefined || item.height !== undefined || (item.media !== undefined && Object.keys(item.media).length > 0);
  if (facts && !hasBlock && !ctx.lose(noun("item's media facts", "items' media facts"), 1, 'Encord takes a metadata block only with every field known (e.g. mime type and file size besides the size): never guessed', place)) return false;
  if (item.tags?.length && !ctx.lose(noun("item's tags", "items' tags"), 1, 'an Encord manifest has no place for tags', place)) return false;
  return loseForeignExtras(item, 'encord', 'an Encord manifest', ctx, place);
}

/** Counts a dataset header's content (categories, info, licenses, other formats' settings) as loss. */
export function countDatasetLoss(d: Dataset, ctx: WriteContext): void {
  if (d.categories.length) ctx.lose(noun('category', 'categories'), d.categories.length, 'a registration manifest holds no labels');
  if (d.info || d.licenses?.length) ctx.lose(noun('dataset description (info, licenses)', 'dataset descriptions (info, licenses)'), 1, 'a registration manifest has no dataset description');
  for (const f of Object.keys(d.extras ?? {})) if (f !== 'encord') ctx.lose(noun(`set of ${f} dataset settings`, `sets of ${f} dataset settings`), 1, 'no place in an Encord manifest');
}

export function createEncordJsonWriter(sink: OutputSink, ctx: WriteContext): FormatWriter {
  const o = entryOptions(ctx);
  const spill = new SpillDir('annoconv-encord-');
  const files = new Map<EntryKey, SpillFile>();
  const limit = limitCheck(ctx);
  let dataset: Dataset | undefined;
  return {
    dataset(d: Dataset): void {
      dataset = d;
      countDatasetLoss(d, ctx);
    },
    write(item: Item, place: Place): void {
      const p = prepareItem(item, place, ctx, o);
      if (!p) return;
      const entry = itemToEntry(item, p.key, p.urls, o);
      if (!countEntryLoss(item, entry, ctx, place)) return;
      limit(p.urls.length, place);
      let f = files.get(p.key);
      if (!f) files.set(p.key, (f = spill.file(p.key)));
      f.append(p.urls.length + '\t' + JSON.stringify(entry));
    },
    async end(): Promise<void> {
      try {
        const skip = dataset?.extras?.encord?.skip_duplicate_urls;
        let sections = 0;
        const layout: Layout = {
          open: (out) => {
            out.write('{');
            sections = 0;
          },
          openSection: (out, key) => out.write(`${sections++ ? ',' : ''}\n"${key}": [`),
          entry: (out, text, first) => out.write((first ? '\n' : ',\n') + text),
          closeSection: (out) => out.write('\n]'),
          close: (out) => out.write((typeof skip === 'boolean' ? `${sections ? ',' : ''}\n"skip_duplicate_urls": ${skip}` : '') + '\n}\n'),
        };
        await writeSections(sink, ctx, layout, ENTRY_KEYS.filter((k) => files.has(k)).map((k) => ({ key: k, lines: files.get(k)!.stream() })));
      } finally {
        spill.remove();
      }
    },
  };
}

/** Warns once when the output passes Encord's per-file limits without --split. */
export function limitCheck(ctx: WriteContext): (urls: number, place: Place) => void {
  let entries = 0;
  let urlCount = 0;
  return (urls, place) => {
    entries++;
    urlCount += urls;
    if (ctx.split) return;
    if (entries === MAX_ENTRIES + 1 || (urlCount > MAX_URLS && urlCount - urls <= MAX_URLS)) {
      ctx.report(diag('ENCORD_LIMIT', `the manifest now holds more than ${entries > MAX_ENTRIES ? MAX_ENTRIES.toLocaleString('en-US') + ' entries' : MAX_URLS.toLocaleString('en-US') + ' URLs'}, Encord's limit for one file: --split N writes numbered files`, place, 'warning'));
    }
  };
}
