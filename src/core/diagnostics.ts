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
  /**
   * Where in the JSON the problem is: an RFC 6901 JSON pointer in its URI fragment form (`#` then
   * the pointer, `~` and `/` in keys escaped as `~0` and `~1`, characters a URI fragment cannot
   * hold percent-encoded: `#/annotations/12/bbox`, `#/data/a~1b%20c`), built with {@link fragment}.
   * Relative to the whole document for JSON documents (COCO, Label Studio, Encord, Remo), to the
   * record on its line for line formats (items.jsonlines, annoconv, ls-bulk), to the parsed XML for VOC.
   */
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

/** JSON pointer segment escaping (RFC 6901): `~` as `~0`, `/` as `~1`. */
export function pointerSegment(s: string | number): string {
  return String(s).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Segments joined into a plain JSON pointer (`/images/3/file_name`): pointer suffixes are built so. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + pointerSegment(s)).join('');
}

/** Characters a URI fragment holds as they are (RFC 3986: pchar, "/" and "?"). */
const FRAGMENT_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*$/;

/**
 * A plain JSON pointer in the URI fragment form every diagnostic uses (RFC 6901 section 6): `#`
 * and the pointer, each character a fragment cannot hold percent-encoded as UTF-8 bytes.
 */
export function fragment(plain: string): string {
  if (FRAGMENT_SAFE.test(plain)) return '#' + plain;
  let out = '#';
  for (const ch of plain) {
    if (FRAGMENT_SAFE.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** A fragment-form pointer `base` with a plain pointer `suffix` below it (`below('#/images/3', '/id')`). */
export function below(base: string, suffix: string): string {
  return base + fragment(suffix).slice(1);
}

/** The fragment form of a pointer to `segments`: `docPointer('data', 'a b')` is `#/data/a%20b`. */
export function docPointer(...segments: (string | number)[]): string {
  return fragment(pointer(...segments));
}
