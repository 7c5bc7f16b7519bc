/** `annoconv split`: deterministic train/val/test splits, one output a split. */
import type { Argv } from 'yargs';
import { checkSplit, defaultNames, split, type SplitReport, type SplitSpec } from '../../ops/split.js';
import { findFormat } from '../../core/registry.js';
import { AnnoconvError, diag } from '../../core/diagnostics.js';
import { EXIT_CODES, formatOptions, optionsFrom, reporting, runOptions, setOptions, writeOptions, type Args } from '../common.js';
import { ioOptions, ioParams } from './io-options.js';

export function builder(c: Argv): Argv {
  return formatOptions(
    ioOptions(setOptions(writeOptions(runOptions(c))))
      .option('to', { alias: 't', type: 'string', describe: 'output format (default: the input format)' })
      .option('ratios', { type: 'string', demandOption: 'give the shares: --ratios 0.8,0.1,0.1', describe: 'shares of the splits, adding up to 1' })
      .option('names', { type: 'string', describe: 'names of the splits (default: train,val for two, train,val,test for three)' })
      .option('seed', { type: 'string', describe: 'mixed into the hash of each item id: another seed, another split' })
      .option('stratify', { choices: ['label'] as const, describe: 'keep each label\'s share of objects close to the ratios in every split' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report (items and label shares per split) as JSON' })
      .example('$0 split instances.json --ratios 0.8,0.2 -o out/', 'out/train.json and out/val.json')
      .example('$0 split export.json --ratios 0.7,0.2,0.1 --stratify label --to yolo -o dataset/', 'a YOLO dataset with labels/train, labels/val, labels/test and data.yaml')
      .epilogue(EXIT_CODES),
    ['read', 'write'],
  );
}

function specFrom(a: Args): SplitSpec {
  const ratios = String(a.ratios).split(',').map((s) => Number(s.trim()));
  if (ratios.some((r) => !Number.isFinite(r))) throw new AnnoconvError(diag('OPTION_INVALID', `--ratios ${String(a.ratios)}: give numbers separated by commas, e.g. 0.8,0.1,0.1`), 2);
  const names = typeof a.names === 'string' ? a.names.split(',').map((s) => s.trim()) : defaultNames(ratios.length);
  return { ratios, names, seed: String(a.seed ?? ''), ...(a.stratify === 'label' ? { stratify: 'label' as const } : {}) };
}

export async function handler(a: Args): Promise<number> {
  const io = ioParams(a);
  const spec = specFrom(a);
  const options = optionsFrom(a);
  // before anything is opened (the input is read for detection only when --to and --from are absent)
  const to = (a.to ?? a.from) as string | undefined;
  checkSplit(spec, to !== undefined ? findFormat(to) : undefined, io.output as string | undefined);
  return reporting(a, io.input as string | undefined, false, async (hooks) => {
    const r = await split({ ...io, output: io.output as string, ...(a.to !== undefined ? { to: a.to as string } : {}), splits: spec, options, ...hooks });
    process.stdout.write(a.json ? JSON.stringify({ outputs: r.outputs, ...r.report }, null, 2) + '\n' : splitTable(r.report, r.outputs));
    return r;
  });
}

const pct = (part: number, whole: number): string => (whole ? `${((100 * part) / whole).toFixed(1)}%` : '-');

/** Items and label shares per split, beside the ratios asked for. */
export function splitTable(r: SplitReport, outputs: string[]): string {
  const total = r.items.reduce((s, n) => s + n, 0);
  const rows = [['', ...r.names], ['asked', ...r.ratios.map((x) => `${(100 * x).toFixed(1)}%`)], [`items (${total})`, ...r.items.map((n) => `${n} ${pct(n, total)}`)]];
  for (const [label, l] of Object.entries(r.labels).sort()) rows.push([`${label} (${l.total})`, ...l.splits.map((n) => `${n} ${pct(n, l.total)}`)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  '));
  return lines.join('\n') + '\n' + (outputs.length ? `written: ${outputs.join(', ')}\n` : '');
}
