/** `annoconv formats`: the formats and what annoconv can do with each. */
import type { Argv } from 'yargs';
import { listFormats } from '../../core/registry.js';
import type { Args } from '../common.js';

export function builder(c: Argv): Argv {
  return c.option('json', { type: 'boolean', default: false, describe: 'print as JSON' }).example('$0 formats --json', 'the list for scripts');
}

export function handler(a: Args): number {
  const list = listFormats().map((f) => ({ id: f.id, aliases: [...f.aliases], title: f.title, read: f.can.read, write: f.can.write, validate: f.can.validate, extensions: [...f.extensions], schema: f.schema ?? null }));
  if (a.json) {
    process.stdout.write(JSON.stringify(list, null, 2) + '\n');
    return 0;
  }
  const mark = (b: boolean): string => (b ? 'yes' : '-');
  const rows = [['id', 'read', 'write', 'validate', 'aliases', 'title'], ...list.map((f) => [f.id, mark(f.read), mark(f.write), mark(f.validate), f.aliases.join(',') || '-', f.title])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n');
  return 0;
}
