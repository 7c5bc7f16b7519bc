/** Writing to stderr, and turning thrown errors into a printed diagnostic and an exit code. */
import { AnnoconvError, diag, type Diagnostic } from '../core/diagnostics.js';
import { PipeClosedError } from '../core/io.js';
import { redact } from '../core/secrets.js';
import { createPrinter, formatJson, formatText, type DiagnosticsMode, type Printer } from './render.js';

export interface Globals {
  diagnostics: DiagnosticsMode;
  quiet: boolean;
  maxDiagnostics: number;
  maxRecordSize: number;
  workers: number;
}

/** Write to stderr, ignoring a closed stderr. */
export function err(s: string): void {
  try {
    process.stderr.write(redact(s));
  } catch {
    // nothing to tell anyone
  }
}

export function printerFor(g: Globals): Printer {
  return createPrinter(g.diagnostics, g.quiet, g.maxDiagnostics, err);
}

/** Report a thrown error and return the exit code. */
export function handleError(e: unknown, mode: DiagnosticsMode): number {
  if (e instanceof PipeClosedError) return 0;
  let d: Diagnostic;
  let code: number;
  if (e instanceof AnnoconvError) {
    d = e.diagnostic;
    code = e.exitCode;
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    d = diag('INTERNAL_ERROR', `internal error: ${msg}`);
    code = 1;
    if (process.env.ANNOCONV_DEBUG && e instanceof Error) err(`${e.stack}\n`);
  }
  err((mode === 'json' ? formatJson(d) : formatText(d)) + '\n');
  return code;
}

