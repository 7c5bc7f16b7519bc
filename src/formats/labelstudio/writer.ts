/**
 * Label Studio task writer: a JSON list, one task a line, streamed. Results are in percent of the
 * item's width and height; annotations go to `annotations` or `predictions` by their origin, or all
 * to one with `--as`.
 */
import { noun } from '../../core/noun.js';
import type { FormatWriter, WriteContext } from '../../core/format.js';
import type { OutputSink } from '../../core/io.js';
import { diag, type Place } from '../../core/diagnostics.js';
import type { Item, JsonObject } from '../../model/types.js';
import { ConfigCollector } from './config.js';
import { ByteBlocks } from './byte-block.js';
import { dataKeyOf, itemToTask, type TaskOptions } from './tasks.js';

export function taskOptions(ctx: WriteContext): TaskOptions {
  const f = ctx.options.format;
  return {
    ...(f.as === 'annotations' || f.as === 'predictions' ? { as: f.as } : {}),
    ...(typeof f.urlPrefix === 'string' ? { urlPrefix: f.urlPrefix } : {}),
  };
}

/** An item as a task, with its losses and warnings reported; undefined when it cannot be written. */
export function taskOf(item: Item, place: Place, ctx: WriteContext, o: TaskOptions): object | undefined {
  const r = itemToTask(item, o);
  if ('error' in r) {
    ctx.report(diag(r.error, r.message, place));
    return undefined;
  }
  for (const [code, message] of r.warnings) ctx.report(diag(code, message, place, 'warning'));
  for (const [what, count, reason] of [...r.losses, ...r.resultLosses]) if (!ctx.lose(what, count, reason, place)) return undefined;
  return r.task;
}

export function createLabelStudioWriter(sink: OutputSink, ctx: WriteContext): FormatWriter {
  const o = taskOptions(ctx);
  const configOut = typeof ctx.options.format.configOut === 'string' ? ctx.options.format.configOut : undefined;
  const config = configOut !== undefined ? new ConfigCollector() : undefined;
  let n = 0;
  const out = new ByteBlocks(sink);
  return {
    dataset(d) {
      if (d.info || d.licenses?.length) ctx.lose(noun('dataset description (info, licenses)', 'dataset descriptions (info, licenses)'), 1, 'Label Studio tasks have no dataset description');
    },
    write(item: Item, place: Place): void {
      const task = taskOf(item, place, ctx, o);
      if (!task) return;
      config?.add(task as JsonObject, dataKeyOf(item) ?? 'image', item.kind, item.kind === 'text' || item.kind === 'html' ? 'text' : item.kind);
      out.write(n++ ? ',\n' : '[\n');
      out.write(JSON.stringify(task));
    },
    async end(): Promise<void> {
      out.write(n ? '\n]\n' : '[]\n');
      out.hand();
      await sink.flush();
      // put in place with the tasks once the run succeeds
      if (config && configOut !== undefined) (await ctx.openFile(configOut)).write(config.xml());
    },
  };
}
