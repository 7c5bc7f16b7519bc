/** `annoconv stats`: what is in a dataset (items, annotations, labels, extents), as a table or JSON. */
import type { Argv } from 'yargs';
import { stats, type DatasetStats, type Distribution } from '../../ops/stats.js';
import { EXIT_CODES, formatOptions, optionsFrom, path, reporting, runOptions, type Args } from '../common.js';

export function builder(c: Argv): Argv {
  return formatOptions(
    runOptions(c)
      .positional('input', { type: 'string', describe: 'input file; "-" or absent: stdin' })
      .option('from', { alias: 'f', type: 'string', describe: 'input format (detected from the content when absent)' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON document instead of a table' })
      .example('$0 stats instances.json', 'labels, shapes and box sizes of a COCO file')
      .example('$0 stats export.json --json | jq .labels', 'the figures as JSON')
      .epilogue(EXIT_CODES),
    ['read'],
  );
}

export async function handler(a: Args): Promise<number> {
  const input = path(a.input);
  const options = optionsFrom(a);
  return reporting(a, input, true, async (hooks) => {
    const r = await stats({ input, ...(a.from !== undefined ? { from: a.from as string } : {}), options, ...hooks });
    // the figures before the summary line, so that on a terminal the summary comes last
    process.stdout.write(a.json ? JSON.stringify(r.stats, null, 2) + '\n' : statsTable(r.stats));
    return r;
  });
}

const n = (v: number): string => v.toLocaleString('en-US');
const kinds = (m: Record<string, number>): string => Object.entries(m).map(([k, v]) => `${k} ${n(v)}`).join(', ');
const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const spread = (d: Distribution | undefined): string => (d ? `${num(d.min)} / ${num(d.q1)} / ${num(d.median)} / ${num(d.q3)} / ${num(d.max)}${d.approximate ? ' ~' : ''}` : '-');

/** The figures as a plain-text report for a terminal. */
export function statsTable(s: DatasetStats): string {
  const lines = [
    `items                ${n(s.items)}${s.items ? `  (${kinds(s.itemsByKind)})` : ''}`,
    `  without annotations  ${n(s.itemsWithoutAnnotations)}`,
    `  without size         ${n(s.itemsWithoutSize)}`,
    ...(s.unplaced ? [`shapes without an image size (not counted below)  ${n(s.unplaced)}`] : []),
    `annotations          ${n(s.annotations)}${s.annotations ? `  (${kinds(s.annotationsByKind)})` : ''}`,
    `  by origin            ${kinds(s.annotationsByOrigin) || '-'}`,
    `  without a label      ${n(s.unlabelled)}`,
    `  outside the image    ${n(s.outsideImage)}`,
    `  duplicates           ${n(s.duplicates)}`,
    `  with a score         ${n(s.scored)}`,
  ];
  const names = Object.keys(s.labels);
  if (names.length) {
    const rows = [['label', 'objects', 'annotations', 'items', 'share', 'width min/q1/median/q3/max', 'height', 'area']];
    for (const name of names) {
      const l = s.labels[name]!;
      rows.push([name, n(l.objects), n(l.annotations), n(l.items), `${(100 * l.itemShare).toFixed(1)}%`, spread(l.width), spread(l.height), spread(l.area)]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    lines.push('', ...rows.map((r) => r.map((c, i) => (i >= 1 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()));
    if (names.some((k) => s.labels[k]!.width?.approximate)) lines.push('~ quartiles estimated from a sample of 10,000 values');
  }
  return lines.join('\n') + '\n';
}
