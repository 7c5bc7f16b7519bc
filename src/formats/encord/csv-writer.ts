/**
 * Encord registration manifest writer, CSV: one section a type (videos, images, image groups and
 * sequences, DICOM series), each under its own header, in that order. CSV holds a URL, a title and
 * Create video: everything else of an entry is counted as loss; audio, text, PDF and NIfTI entries
 * cannot be written. Groups are rows sharing a title, so two groups with one title are refused.
 */
import { noun } from '../../core/noun.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import { CellWriter, escapeFormula } from '../../core/csv.js';
import { IdSet } from '../../core/idset.js';
import { SpillDir, type SpillFile } from '../../core/spill.js';
import type { Dataset, Item } from '../../model/types.js';
import { basename, itemToEntry, keyOfItem, type EntryKey } from './entries.js';
import { countDatasetLoss, countEntryLoss, entryOptions, limitCheck, prepareItem } from './json-writer.js';
import { writeSections, type Layout } from './parts.js';

type Section = 'video' | 'image' | 'group' | 'dicom';

const SECTION_OF: Partial<Record<EntryKey, Section>> = { videos: 'video', images: 'image', image_groups: 'group', dicom_series: 'dicom' };
const HEADERS: Record<Section, string> = {
  video: 'ObjectUrl,Video title',
  image: 'ObjectUrl,Image title',
  group: 'ObjectUrl,Image group title,Create video',
  dicom: 'ObjectUrl,Dicom title',
};
const ORDER: Section[] = ['video', 'image', 'group', 'dicom'];
/** What a CSV row carries of a JSON entry. */
const KEPT = /^(objectUrl(_\d+)?|title|createVideo)$/;

export function createEncordCsvWriter(sink: OutputSink, ctx: WriteContext): FormatWriter {
  const o = entryOptions(ctx);
  const cells = new CellWriter(ctx.options.format.escapeFormulas !== false);
  const escape = cells.escape;
  const spill = new SpillDir('annoconv-encord-csv-');
  const files = new Map<Section, SpillFile>();
  const titles = { group: new IdSet(), dicom: new IdSet() };
  const limit = limitCheck(ctx);
  let sequences = false;
  const cell = (s: string, place: Place): string => cells.cell(s, place);
  return {
    dataset(d: Dataset): void {
      countDatasetLoss(d, ctx);
      if (typeof d.extras?.encord?.skip_duplicate_urls === 'boolean') ctx.lose(noun('skip_duplicate_urls setting'), 1, 'a CSV manifest has no such setting');
    },
    write(item: Item, place: Place): void {
      const key = keyOfItem(item);
      const section = typeof key === 'string' ? SECTION_OF[key] : undefined;
      if (typeof key === 'string' && !section) {
        ctx.report(diag('ENCORD_ITEM_UNSUPPORTED', `item ${JSON.stringify(item.id)}: a CSV manifest holds videos, images, image groups and DICOM series, not ${key} (write encord-json)`, place));
        return;
      }
      const p = prepareItem(item, place, ctx, o);
      if (!p || !section) return;
      const entry = itemToEntry(item, p.key, p.urls, o);
      if (!countEntryLoss(item, entry, ctx, place)) return;
      for (const k of Object.keys(entry)) {
        if (!KEPT.test(k) && !ctx.lose(noun(`${k} field`), 1, 'a CSV manifest holds ObjectUrl, a title and Create video only', place)) return;
      }
      let title = typeof entry.title === 'string' ? entry.title : '';
      if (section === 'group' || section === 'dicom') {
        if (title === '' && !(section === 'dicom' && p.urls.length === 1)) {
          title = basename(p.urls[0]!);
          ctx.report(diag('ENCORD_TITLE_MISSING', `item ${JSON.stringify(item.id)} has no title, and CSV rows are grouped by title: titled by its first file, ${JSON.stringify(title)}`, place, 'warning'));
        }
        // compared as written: escaping could make two titles one
        if (title !== '' && titles[section].add(escape ? escapeFormula(title) : title)) {
          ctx.report(diag('ENCORD_CSV_TITLE_TAKEN', `item ${JSON.stringify(item.id)}: another ${section === 'dicom' ? 'DICOM series' : 'image group'} is already titled ${JSON.stringify(title)}, and CSV rows with one title form one group`, place));
          return;
        }
      }
      limit(p.urls.length, place);
      const t = cell(title, place);
      if (item.kind === 'image_sequence') sequences = true;
      const tail = section === 'group' ? `,${t},${item.kind === 'image_sequence'}` : `,${t}`;
      const rows = p.urls.map((u) => cell(u, place) + tail);
      let f = files.get(section);
      if (!f) files.set(section, (f = spill.file(section)));
      f.append(p.urls.length + '\t' + JSON.stringify(rows));
    },
    async end(): Promise<void> {
      try {
        // with sequences in the file, every section states Create video, false outside groups (FORMATS.md 3.2)
        const wide = (key: string): boolean => sequences && key !== 'group';
        const layout: Layout = {
          open: () => undefined,
          openSection: (out, key) => out.write(HEADERS[key as Section] + (wide(key) ? ',Create video\n' : '\n')),
          entry: (out, text, _first, key) => {
            const suffix = wide(key) ? ',false\n' : '\n';
            for (const row of JSON.parse(text) as string[]) out.write(row + suffix);
          },
          closeSection: () => undefined,
          close: () => undefined,
        };
        await writeSections(sink, ctx, layout, ORDER.filter((s) => files.has(s)).map((s) => ({ key: s, lines: files.get(s)!.stream() })));
        cells.report(ctx.report);
      } finally {
        spill.remove();
      }
    },
  };
}
