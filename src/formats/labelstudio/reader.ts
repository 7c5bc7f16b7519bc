/**
 * Label Studio tasks, exports and import files: a JSON list of tasks (streamed task by task with the
 * byte scanner, so lists of millions of tasks stay in bounded memory) or one task object.
 */
import { isUtf8 } from 'node:buffer';
import type { ReadContext, ReadEvent } from '../../core/format.js';
import type { InputSource } from '../../core/io.js';
import { readJsonList, type ListCodes } from '../../core/json-list.js';
import { diag, type Place, below, docPointer } from '../../core/diagnostics.js';
import { jsonErrorMessage } from '../../core/json-syntax.js';
import { taskToItem } from './tasks.js';
import { IdSet } from '../../core/idset.js';
import { refuseLoneSurrogate } from '../../core/lone-surrogate.js';

/** Label Studio's codes for a broken list. */
export const LS_LIST: ListCodes = { invalid: 'LS_INVALID_JSON', notList: 'LS_NOT_TASKS', what: 'tasks' };

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
  // task ids seen, to warn a repeat (two tasks with one id cannot both be matched back to Label Studio)
  const ids = new IdSet();
  yield* readJsonList(input, ctx, LS_LIST, (index, raw, offset, events) => onTask(ctx, events, index, raw, offset, ids));
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
  const bytes = Buffer.concat(parts);
  if (!isUtf8(bytes)) {
    const place: Place = { file: ctx.file, offset: 0 };
    ctx.report(diag('INPUT_INVALID_UTF8', 'the task is not valid UTF-8; not read', place));
    yield [{ type: 'reject', place, raw: bytes }];
    return;
  }
  onTask(ctx, events, undefined, bytes.toString('utf8').replace(/^\ufeff/, ''), 0);
  yield events;
}

function onTask(ctx: ReadContext, events: ReadEvent[], index: number | undefined, raw: string, offset: number, ids?: IdSet): void {
  const base = index === undefined ? '#' : docPointer(index);
  const place: Place = { file: ctx.file, pointer: base, offset };
  let task: unknown;
  try {
    task = JSON.parse(raw);
  } catch {
    ctx.report(diag('LS_INVALID_JSON', jsonErrorMessage(raw), place));
    events.push({ type: 'reject', place, raw });
    return;
  }
  if (refuseLoneSurrogate(raw, task, ctx.report, place)) return void events.push({ type: 'reject', place, raw });
  const r = taskToItem(task, index ?? 0);
  for (const f of r.findings) ctx.report(diag(f.code, f.message, { file: ctx.file, pointer: below(base, f.at), offset }, f.severity ?? 'error'));
  if (!r.item) {
    events.push({ type: 'reject', place, raw });
    return;
  }
  const id = (task as { id?: unknown }).id;
  if (ids && (typeof id === 'number' || typeof id === 'string') && ids.add(String(id))) {
    ctx.report(diag('MODEL_ID_DUPLICATE', `task id ${JSON.stringify(id)} is already used by an earlier task`, { ...place, pointer: below(base, '/id') }));
  }
  events.push({ type: 'item', item: r.item, place, raw });
}
