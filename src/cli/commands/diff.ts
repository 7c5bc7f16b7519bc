/** `annoconv diff`: what changed between two versions of a dataset; exit 0 when equal, 1 when not. */
import type { Argv } from 'yargs';
import { diff, type DiffReport } from '../../ops/diff.js';
import type { RunResult } from '../../core/run.js';
import { AnnoconvError, diag } from '../../core/diagnostics.js';
import { EXIT_CODES, formatOptions, optionsFrom, path, reporting, runOptions, type Args } from '../common.js';

export function builder(c: Argv): Argv {
  return formatOptions(
    runOptions(c)
      .positional('a', { type: 'string', describe: 'the first version ("-": stdin)' })
      .positional('b', { type: 'string', describe: 'the second version' })
      .option('from', { alias: 'f', type: 'string', describe: 'format of both inputs (detected when absent)' })
      .option('from-b', { type: 'string', describe: 'format of B when it differs from --from' })
      .option('iou', { type: 'number', default: 0.5, describe: 'least IoU for two shapes to be the same object (0-1)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as one JSON document' })
      .example('$0 diff v1.json v2.json', 'items and annotations added, removed, moved and relabelled')
      .example('$0 diff gt.json export.json --from-b labelstudio --json', 'COCO against a Label Studio export, as JSON')
      .epilogue('Exit codes: 0 equal, 1 different (or invalid records), 2 usage error, 3 I/O error.'),
    ['read'],
  );
}

export async function handler(a: Args): Promise<number> {
  const iou = a.iou as number;
  if (!(iou >= 0 && iou <= 1)) throw new AnnoconvError(diag('OPTION_INVALID', '--iou must be between 0 and 1'), 2);
  const A = path(a.a), B = path(a.b);
  if (A === undefined || B === undefined) throw new AnnoconvError(diag('OPTION_INVALID', 'give two inputs: annoconv diff A B'), 2);
  if (A === '-' && B === '-') throw new AnnoconvError(diag('OPTION_INVALID', 'only one of A and B can be stdin'), 2);
  const options = optionsFrom(a);
  const from = a.from as string | undefined;
  return reporting(a, `${A} vs ${B}`, true, async (hooks) => {
    const { report, runs } = await diff({ a: A, b: B, ...(from !== undefined ? { fromA: from, fromB: from } : {}), ...(a.fromB !== undefined ? { fromB: a.fromB as string } : {}), iou, options, ...hooks });
    process.stdout.write(a.json ? JSON.stringify(report, null, 2) + '\n' : diffText(report));
    return combined(runs, report);
  });
}

function combined([x, y]: [RunResult, RunResult], report: DiffReport): RunResult {
  return {
    read: x.read + y.read,
    written: 0,
    rejected: x.rejected + y.rejected,
    errors: x.errors + y.errors,
    warnings: x.warnings + y.warnings,
    losses: [],
    from: x.from === y.from ? x.from : `${x.from}, ${y.from}`,
    exitCode: report.equal && x.exitCode === 0 && y.exitCode === 0 ? 0 : 1,
  };
}

const n = (v: number): string => v.toLocaleString('en-US');

/** The report as lines for a terminal. */
export function diffText(r: DiffReport): string {
  const lines: string[] = [];
  for (const k of r.onlyInA) lines.push(`- ${k}`);
  for (const k of r.onlyInB) lines.push(`+ ${k}`);
  for (const it of r.items)
    for (const c of it.changes) {
      const what = `${c.kind}${c.label !== undefined ? ' ' + JSON.stringify(c.label) : ''}${c.id !== undefined ? ' #' + c.id : ''}`;
      const extra = c.change === 'relabelled' ? ` -> ${JSON.stringify(c.to ?? '')} (IoU ${c.iou})` : c.change === 'moved' ? ` (IoU ${c.iou})` : '';
      lines.push(`${it.key}: ${c.change} ${what}${extra}`);
    }
  const rows = [['label', 'same', 'added', 'removed', 'moved', 'relabelled']];
  for (const [label, t] of Object.entries(r.totals)) rows.push([label, n(t.same), n(t.added), n(t.removed), n(t.moved), n(t.relabelled)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  if (lines.length) lines.push('');
  const items = (v: number): string => `${n(v)} ${v === 1 ? 'item' : 'items'}`;
  lines.push(`${r.equal ? 'equal' : 'different'}: ${items(r.common)} in both, ${n(r.onlyInA.length)} only in A, ${n(r.onlyInB.length)} only in B, ${n(r.items.length)} changed`);
  if (rows.length > 1) lines.push(...rows.map((row) => row.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')));
  return lines.join('\n') + '\n';
}
