/**
 * Diagnostics: one shape for every problem annoconv finds, with a code and a place. The library
 * reports them to a callback; only the CLI prints them.
 */
import { CODES, type Code } from './codes.js';

export type Severity = 'error' | 'warning' | 'info';

/** Where a problem is. Lines and columns are 1-based, records 0-based. */
export interface Place {
  file?: string;
  line?: number;
  column?: number;
  /** 0-based index of the record in its file or array. */
  record?: number;
  /** JSON pointer inside the record (RFC 6901, "#" prefixed when relative to the whole file). */
  pointer?: string;
  /** Byte offset of the record in the file. */
  offset?: number;
  /** 1-based CSV row. */
  row?: number;
}

export interface Diagnostic extends Place {
  severity: Severity;
  code: Code;
  message: string;
  cause?: string;
}

export type DiagnosticSink = (d: Diagnostic) => void;

/** Build a diagnostic with the code's default severity unless one is given. */
export function diag(code: Code, message: string, place: Place = {}, severity?: Severity): Diagnostic {
  return { severity: severity ?? CODES[code].severity, code, message, ...place };
}

/** An error carrying a diagnostic: thrown for problems that end a run (usage, I/O, stop policy). */
export class AnnoconvError extends Error {
  readonly diagnostic: Diagnostic;
  /** Process exit code the CLI uses for it: 1 input, 2 usage, 3 I/O. */
  readonly exitCode: 1 | 2 | 3;
  constructor(d: Diagnostic, exitCode: 1 | 2 | 3 = 1) {
    super(d.message);
    this.name = 'AnnoconvError';
    this.diagnostic = d;
    this.exitCode = exitCode;
  }
}

/** JSON pointer segment escaping (RFC 6901). */
export function pointerSegment(s: string | number): string {
  return String(s).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Join segments into a pointer. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + pointerSegment(s)).join('');
}
