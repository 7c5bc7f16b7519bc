/**
 * Writing a manifest's sections, into one file or, with `--split N`, into numbered files of at most
 * N entries and at most Encord's URL limit each; every part is a whole manifest (a section cut by a
 * part boundary is reopened in the next part).
 */
import type { WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { GcPacer } from '../../core/gc.js';
import { diag } from '../../core/diagnostics.js';
import { MAX_ENTRIES, MAX_URLS } from './entries.js';

/** Text written between explicit collections (core/gc.ts). */
const GC_EVERY = 32 * 1024 * 1024;

/** How a manifest format lays out files, sections and entries. */
export interface Layout {
  open(out: OutputSink): void;
  openSection(out: OutputSink, key: string, firstInFile: boolean): void;
  entry(out: OutputSink, text: string, firstInSection: boolean, key: string): void;
  closeSection(out: OutputSink, key: string): void;
  close(out: OutputSink): void;
}

export interface SectionSource {
  key: string;
  /** Spilled entries as `urlCount \t text` lines. */
  lines: AsyncIterable<string>;
}

export async function writeSections(sink: OutputSink, ctx: WriteContext, layout: Layout, sections: SectionSource[]): Promise<void> {
  const split = ctx.split;
  if (split && split.every > MAX_ENTRIES) {
    ctx.report(diag('ENCORD_LIMIT', `--split ${split.every}: parts may hold more than ${MAX_ENTRIES.toLocaleString('en-US')} entries, Encord's limit for one file`, {}, 'warning'));
  }
  let part = 1;
  let out = split ? await split.open(part) : sink;
  let entries = 0;
  let urls = 0;
  let firstInFile = true;
  const gc = new GcPacer(GC_EVERY);
  layout.open(out);
  for (const s of sections) {
    let open = false;
    for await (const line of s.lines) {
      const tab = line.indexOf('\t');
      const n = Number(line.slice(0, tab));
      if (split && entries > 0 && (entries >= split.every || urls + n > MAX_URLS)) {
        if (open) layout.closeSection(out, s.key);
        layout.close(out);
        await out.flush();
        out = await split.open(++part);
        layout.open(out);
        firstInFile = true;
        open = false;
        entries = urls = 0;
      }
      if (!open) {
        layout.openSection(out, s.key, firstInFile);
        firstInFile = false;
      }
      layout.entry(out, line.slice(tab + 1), !open, s.key);
      open = true;
      entries++;
      urls += n;
      gc.tick(line.length);
      if (entries % 512 === 0) await out.flush();
    }
    if (open) layout.closeSection(out, s.key);
  }
  layout.close(out);
  await out.flush();
}
