/**
 * Label Studio tasks, exports and import files: a JSON list of tasks (streamed task by task with the
 * byte scanner, so lists of millions of tasks stay in bounded memory) or one task object.
 */
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { JsonScanner, type ScanEvent } from '../../core/json-scan.js';
import { diag, pointer, type Place } from '../../core/diagnostics.js';
import { GcPacer } from '../../core/gc.js';
import { taskToItem } from './tasks.js';

/** Input bytes between explicit collections (core/gc.ts). */
const GC_EVERY = 32 * 1024 * 1024;

export async function* readLabelStudio(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const head = (await input.peek(4096)).toString('latin1').replace(/^\xef\xbb\xbf/, '').trimStart();
  if (head[0] === '{') {
    yield* readOne(input, ctx);
    return;
  }
  if (head !== '' && head[0] !== '[') {
    ctx.report(diag('LS_NOT_TASKS', 'Label Studio tasks are a JSON list of tasks, or one task object', { file: ctx.file, offset: 0 }));
    return;
  }
  yield* readList(input, ctx, 'tasks', (index, raw, offset, events) => onTask(ctx, events, index, raw, offset));
}

/**
 * The elements of a JSON list, streamed: each handed to `onElement` (which pushes its events); a
 * root that is not a list, broken JSON and elements over --max-record-size are reported here.
 */
export async function* readList(input: InputSource, ctx: ReadContext, what: string, onElement: (index: number, raw: string, offset: number, events: ReadEvent[]) => void): AsyncGenerator<ReadEvent[]> {
  const scanner = new JsonScanner({ maxElementBytes: ctx.options.maxRecordSize });
  const events: ReadEvent[] = [];
  const gc = new GcPacer(GC_EVERY);
  let failed = false;
  let n = 0;
  const on = (ev: ScanEvent): void => {
    switch (ev.type) {
      case 'error':
        ctx.report(diag('LS_INVALID_JSON', ev.message, { file: ctx.file, offset: ev.offset }));
        failed = true;
        return;
      case 'oversized': {
        const place: Place = { file: ctx.file, pointer: '#' + pointer(ev.index), offset: ev.offset };
        ctx.report(diag('INPUT_RECORD_TOO_LARGE', `an element of ${ev.bytes} bytes exceeds --max-record-size ${ctx.options.maxRecordSize}; skipped`, place));
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
        ctx.report(diag('LS_NOT_TASKS', `expected a JSON list of ${what}`, { file: ctx.file, offset: ev.offset }));
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

async function* readOne(input: InputSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of input.chunks()) {
    size += chunk.length;
    if (size > ctx.options.maxRecordSize) {
      const place: Place = { file: ctx.file, offset: 0 };
      ctx.report(diag('INPUT_RECORD_TOO_LARGE', `a single task larger than --max-record-size ${ctx.options.maxRecordSize}; not read`, place));
      yield [{ type: 'reject', place }];
      return;
    }
    parts.push(chunk);
  }
  const events: ReadEvent[] = [];
  onTask(ctx, events, undefined, Buffer.concat(parts).toString('utf8').replace(/^\ufeff/, ''), 0);
  yield events;
}

function onTask(ctx: ReadContext, events: ReadEvent[], index: number | undefined, raw: string, offset: number): void {
  const base = index === undefined ? '#' : '#' + pointer(index);
  const place: Place = { file: ctx.file, pointer: base, offset };
  let task: unknown;
  try {
    task = JSON.parse(raw);
  } catch (e) {
    ctx.report(diag('LS_INVALID_JSON', `not valid JSON: ${(e as Error).message.slice(0, 160)}`, place));
    events.push({ type: 'reject', place, raw });
    return;
  }
  const r = taskToItem(task, index ?? 0);
  for (const f of r.findings) ctx.report(diag(f.code, f.message, { file: ctx.file, pointer: (base === '#' ? '#' : base) + f.at, offset }, f.severity ?? 'error'));
  if (!r.item) {
    events.push({ type: 'reject', place, raw });
    return;
  }
  events.push({ type: 'item', item: r.item, place, raw });
}
