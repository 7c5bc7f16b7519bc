/** Formats that are a JSON list of records (Label Studio tasks and JSON-MIN, Remo JSON). */
import type { ReadContext, ReadEvent } from './format.js';
import type { InputSource } from './io.js';
import type { Code } from './codes.js';
import { JsonScanner, oversizedMessage, type ScanEvent } from './json-scan.js';
import { diag, docPointer, type Place } from './diagnostics.js';
import { GcPacer } from './gc.js';

/** Input bytes between explicit collections (core/gc.ts). */
const GC_EVERY = 32 * 1024 * 1024;

/** The codes a format reports for broken JSON and for a root that is not a list; what it lists. */
export interface ListCodes {
  invalid: Code;
  notList: Code;
  what: string;
}

/**
 * The elements of a JSON list, streamed: each handed to `onElement` (which pushes its events); a
 * root that is not a list, broken JSON and elements over --max-record-size are reported here.
 */
export async function* readJsonList(input: InputSource, ctx: ReadContext, codes: ListCodes, onElement: (index: number, raw: string, offset: number, events: ReadEvent[]) => void): AsyncGenerator<ReadEvent[]> {
  const what = codes.what;
  const scanner = new JsonScanner({ maxElementBytes: ctx.options.maxRecordSize });
  const events: ReadEvent[] = [];
  const gc = new GcPacer(GC_EVERY);
  let failed = false;
  let n = 0;
  const on = (ev: ScanEvent): void => {
    if (failed) return;
    switch (ev.type) {
      case 'error':
        ctx.report(diag(codes.invalid, ev.message, { file: ctx.file, offset: ev.offset }));
        failed = true;
        return;
      case 'oversized': {
        const place: Place = { file: ctx.file, pointer: docPointer(ev.index), offset: ev.offset };
        const [code, message] = oversizedMessage(ev, ctx.options.maxRecordSize);
        ctx.report(diag(code, message, place));
        events.push({ type: 'reject', place });
        n++;
        return;
      }
      case 'element':
        n++;
        onElement(ev.index, ev.raw.toString('utf8'), ev.offset, events);
        return;
      case 'value':
      case 'key':
        ctx.report(diag(codes.notList, `expected a JSON list of ${what}`, { file: ctx.file, offset: ev.offset }));
        failed = true;
    }
  };
  for await (const chunk of input.chunks()) {
    gc.tick(chunk.length);
    for (const ev of scanner.push(chunk)) on(ev);
    if (events.length) yield events.splice(0);
    if (failed) return;
  }
  for (const ev of scanner.end()) on(ev);
  if (events.length) yield events.splice(0);
  if (!failed && n === 0) ctx.report(diag('INPUT_EMPTY', `the list holds no ${what}`, { file: ctx.file }));
}

