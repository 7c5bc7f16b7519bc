/**
 * `annoconv merge --summaries FILE...`: the `--summary` files of the runs whose outputs are merged
 * (the shards of one input), added up. Totals: read, written, rejected, dropped, left out, errors,
 * warnings; losses summed by what and why. A run's records are its own shard's (`read`), so the
 * sums are the accounting of one run over the whole input: read = written + rejected + dropped.
 */
import { readFile } from 'node:fs/promises';
import { AnnoconvError, diag, type DiagnosticSink } from '../core/diagnostics.js';
import type { Loss } from '../core/pipeline.js';

/** The summed accounting of several runs. */
export interface SummaryTotals {
  /** Summary files added up. */
  runs: number;
  read: number;
  written: number;
  rejected: number;
  dropped: number;
  leftOut: number;
  errors: number;
  warnings: number;
  losses: Loss[];
  /** `I/N` of each run that was a shard, in the order given. */
  shards: string[];
}

const COUNTS = ['read', 'written', 'rejected', 'dropped', 'leftOut', 'errors', 'warnings'] as const;

/** "annotations" and "annotation" are one loss (the noun agrees with each run's count). */
const singular = (what: string): string => what.replace(/ies$/, 'y').replace(/(s|x|ch|sh)es$/, '$1').replace(/s$/, '');

/** Reads and adds up summary files; a file that is not a summary is a usage error (exit 2). */
export async function sumSummaries(files: readonly string[], report: DiagnosticSink): Promise<SummaryTotals> {
  const t: SummaryTotals = { runs: 0, read: 0, written: 0, rejected: 0, dropped: 0, leftOut: 0, errors: 0, warnings: 0, losses: [], shards: [] };
  const losses = new Map<string, Loss & { plural?: string }>();
  const bad = (file: string, why: string): never => {
    throw new AnnoconvError(diag('OPTION_INVALID', `--summaries ${file}: ${why}`, { file }), 2);
  };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      return bad(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    let s: Record<string, unknown>;
    try {
      s = (JSON.parse(text) as { summary: Record<string, unknown> }).summary;
    } catch {
      return bad(file, 'not JSON');
    }
    if (typeof s !== 'object' || s === null || typeof s.read !== 'number') return bad(file, 'not a summary written by --summary ({"summary": {"read": ...}})');
    t.runs++;
    for (const k of COUNTS) t[k] += typeof s[k] === 'number' ? (s[k] as number) : 0;
    // a validation summary counts valid and invalid records: its rejects are the invalid ones
    if (typeof s.invalid === 'number') t.rejected += s.invalid;
    if (typeof s.shard === 'string') t.shards.push(s.shard);
    for (const l of Array.isArray(s.losses) ? (s.losses as Loss[]) : []) {
      const key = singular(l.what) + '\u0000' + l.reason;
      const had = losses.get(key);
      if (had) had.count += l.count;
      else losses.set(key, { ...l });
      if (l.count !== 1) losses.get(key)!.plural = l.what;
    }
  }
  t.losses = [...losses.values()].map((l) => ({ what: l.count !== 1 && l.plural ? l.plural : l.count === 1 ? singular(l.what) : l.what, count: l.count, reason: l.reason }));
  checkShards(t, report);
  return t;
}

/** Warns when the summaries are of shards of one input but not of all of them, or of one twice. */
function checkShards(t: SummaryTotals, report: DiagnosticSink): void {
  if (!t.shards.length) return;
  const counts = new Set(t.shards.map((s) => s.split('/')[1]));
  const n = Number([...counts][0]);
  const seen = new Set(t.shards);
  const missing = counts.size === 1 ? Array.from({ length: n }, (_, i) => `${i}/${n}`).filter((s) => !seen.has(s)) : [];
  if (counts.size > 1 || missing.length || seen.size < t.shards.length || t.shards.length < t.runs) {
    const why = counts.size > 1 ? `shards of different counts (${[...counts].join(', ')})` : missing.length ? `shard${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''} missing` : seen.size < t.shards.length ? 'a shard given twice' : 'some summaries are of unsharded runs';
    report(diag('MERGE_SHARDS_INCOMPLETE', `the summaries do not cover the input once: ${why}; the totals are not one run's`, {}));
  }
}
