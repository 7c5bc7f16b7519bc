/** How diagnostics, summaries and progress look on stderr. The only place that formats output for people. */
import type { Diagnostic } from '../core/diagnostics.js';
import type { RunResult } from '../core/run.js';
import type { SummaryTotals } from '../ops/summaries.js';

/** A merge's result with the added-up summaries of the runs it merged. */
type Totalled = RunResult & { totals?: SummaryTotals };

export type DiagnosticsMode = 'text' | 'json';

export interface Printer {
  diagnostic(d: Diagnostic): void;
  /** Print the count of suppressed diagnostics, if any. */
  finish(): void;
}

function where(d: Diagnostic): string {
  let s = d.file ?? 'annoconv';
  if (d.line !== undefined) {
    s += `:${d.line}`;
    if (d.column !== undefined) s += `:${d.column}`;
  } else if (d.row !== undefined) s += `:row ${d.row}`;
  return s;
}

export function formatText(d: Diagnostic): string {
  const extra: string[] = [];
  if (d.line === undefined && d.record !== undefined) extra.push(`record ${d.record}`);
  if (d.pointer) extra.push(`at ${d.pointer}`);
  if (d.offset !== undefined && d.line === undefined) extra.push(`byte ${d.offset}`);
  const line = `${where(d)}: ${d.severity} ${d.code} ${d.message}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  return escapeControls(line);
}

/**
 * Control characters quoted from the input (NUL, escape sequences, C1 controls) and the bidi
 * controls that reorder what a terminal shows (U+202E makes "gpj.exe" read "exe.jpg") are shown
 * as \uXXXX, never sent to the terminal.
 */
export function escapeControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatJson(d: Diagnostic): string {
  return JSON.stringify({
    severity: d.severity,
    code: d.code,
    message: d.message,
    file: d.file ?? null,
    line: d.line ?? null,
    column: d.column ?? null,
    record: d.record ?? null,
    pointer: d.pointer ?? null,
    ...(d.offset !== undefined ? { offset: d.offset } : {}),
    ...(d.row !== undefined ? { row: d.row } : {}),
  });
}

export function createPrinter(mode: DiagnosticsMode, quiet: boolean, max: number, write: (s: string) => void): Printer {
  let shown = 0;
  let hidden = 0;
  return {
    diagnostic(d) {
      if (quiet && d.severity !== 'error') return;
      if (max > 0 && shown >= max) {
        hidden++;
        return;
      }
      shown++;
      write((mode === 'json' ? formatJson(d) : formatText(d)) + '\n');
    },
    finish() {
      if (hidden === 0) return;
      const d: Diagnostic = {
        severity: 'info',
        code: 'DIAGNOSTICS_TRUNCATED',
        message: `${hidden} more diagnostic(s) not shown (--max-diagnostics ${max}; 0 shows all)`,
      };
      write((mode === 'json' ? formatJson(d) : formatText(d)) + '\n');
    },
  };
}

const n = (x: number): string => x.toLocaleString('en-US');
/** A count and its noun: "1 record", "2 records". */
const count = (x: number, noun: string): string => `${n(x)} ${x === 1 ? noun : noun + 's'}`;

export function summaryLine(name: string, r: RunResult, validating: boolean): string {
  const parts = validating
    ? [count(r.read, 'record'), `${n(r.read - r.rejected)} valid`, `${n(r.rejected)} invalid`]
    : [`read ${n(r.read)}`, `wrote ${n(r.written)}`, `rejected ${n(r.rejected)}`];
  parts.push(count(r.errors, 'error'), count(r.warnings, 'warning'));
  let s = `${name} (${r.from}${r.to ? ' -> ' + r.to : ''}): ${parts.join(', ')}`;
  if (r.leftOut !== undefined) s += `; left out ${count(r.leftOut, 'record')} of other shards`;
  if (r.changes?.length) s += '; ' + r.changes.map((c) => `${n(c.count)} ${c.what}`).join(', ');
  if (r.losses.length) s += '; dropped ' + r.losses.map((l) => `${n(l.count)} ${l.what} (${l.reason})`).join(', ');
  if (r.outputSkipped) s += `; no output written: ${r.outputSkipped}`;
  const t = (r as Totalled).totals;
  if (t) {
    s += `; over ${count(t.runs, 'run')}: read ${n(t.read)}, wrote ${n(t.written)}, rejected ${n(t.rejected)}${t.dropped ? `, left out by a transform ${n(t.dropped)}` : ''}`;
    if (t.losses.length) s += ', dropped ' + t.losses.map((l) => `${n(l.count)} ${l.what} (${l.reason})`).join(', ');
  }
  return escapeControls(s);
}

/** The summary as one JSON object, `{"summary": {...}}`, so that stderr stays NDJSON. */
export function summaryJson(name: string, r: RunResult, validating: boolean, shard?: string): string {
  return JSON.stringify(summaryObject(name, r, validating, shard));
}

/**
 * The summary object. With `--shard`, `shard` ("I/N") and `leftOut` (records of other shards,
 * not in `read`); `dropped` when a transform left items out: read = written + rejected + dropped.
 */
export function summaryObject(name: string, r: RunResult, validating: boolean, shard?: string): { summary: Record<string, unknown> } {
  return ({
    summary: {
      file: name,
      command: validating ? 'validate' : 'convert',
      from: r.from,
      to: r.to ?? null,
      read: r.read,
      ...(validating ? { valid: r.read - r.rejected, invalid: r.rejected } : { written: r.written, rejected: r.rejected }),
      errors: r.errors,
      warnings: r.warnings,
      losses: r.losses.map((l) => ({ what: l.what, count: l.count, reason: l.reason })),
      ...(r.changes ? { changes: r.changes } : {}),
      ...(r.outputSkipped ? { outputSkipped: r.outputSkipped } : {}),
      ...(r.dropped !== undefined ? { dropped: r.dropped } : {}),
      ...(shard !== undefined ? { shard } : {}),
      ...(r.leftOut !== undefined ? { leftOut: r.leftOut } : {}),
      ...((r as Totalled).totals ? { totals: (r as Totalled).totals } : {}),
      exitCode: r.exitCode,
    },
  });
}
