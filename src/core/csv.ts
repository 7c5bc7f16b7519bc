/**
 * CSV records from bytes (RFC 4180 with the usual relaxations), fast and in bounded memory.
 *
 * Why not csv-parse: measured on 1,000,000 rows (99 MB), csv-parse took 2.4 s bare and 4.4 s with
 * the line numbers diagnostics need, and after a malformed quote its `skip_records_with_error`
 * recovery dropped the valid row that followed. This scanner finds record ends with
 * `Buffer.indexOf`, decodes a quote-free record with one `toString` and `split`, and recovers from
 * an unclosed quote at the line after the one that opened it, so the rows below are not lost.
 *
 * Rules: `\n` or `\r\n` ends a record outside quotes, or `\r` alone in a file whose first line ends
 * so (old Mac and some Excel exports: such a file read as one long line, so as no rows); a quote opens a quoted field only at the start
 * of a field (elsewhere it is a literal character, as in `5" screen`); `""` inside quotes is one
 * quote; text after a closing quote other than the delimiter makes the record malformed. A leading
 * UTF-8 byte order mark is stripped and flagged.
 */
import { isUtf8 } from 'node:buffer';
import type { Code } from './codes.js';
import { diag, type Diagnostic, type Place } from './diagnostics.js';

const LF = 10;
const CR = 13;
const QUOTE = 34;

export interface CsvRow {
  cells: string[];
  /** 1-based line where the record starts. */
  line: number;
  /** Byte offset of the record in the input. */
  offset: number;
  /** The record's bytes without its line ending (a view: copy it to keep it past the next push). */
  raw: Buffer;
}

export interface CsvProblem {
  /** unclosed-quote: a quoted field never closes (the record is taken as its first line only). */
  problem: 'unclosed-quote' | 'stray-quote' | 'too-large' | 'utf8';
  line: number;
  offset: number;
  bytes: number;
  raw?: Buffer;
}

export type CsvEvent = CsvRow | CsvProblem;

export const isRow = (e: CsvEvent): e is CsvRow => (e as CsvRow).cells !== undefined;

export class CsvScanner {
  /** A UTF-8 byte order mark was stripped from the start. */
  bom = false;
  private buf: Buffer = Buffer.alloc(0);
  private owned = false;
  private start = 0;
  private len = 0;
  /** Input offset of buf[0]. */
  private base = 0;
  private line = 1;
  private first = true;
  // Resumable state of the record at `start`.
  private pos = 0;
  private inQuoted = false;
  private quoted = false;
  // Cache of the next quote: the first quote at or after `nqFrom` is `nq` (-1: none before `nqLen`).
  private nq = -1;
  private nqFrom = 0;
  private nqLen = -1;
  // An oversized unquoted record being skipped: its bytes so far (-1: not skipping).
  private skipped = -1;
  private skipLine = 0;
  private skipOffset = 0;
  /** The byte that ends a record: LF, or CR in a CR-only file (known from the first line end). */
  private eol = LF;
  private eolKnown = false;
  private readonly delimChar: string;

  constructor(
    private readonly maxRecordBytes: number,
    private readonly delim = 0x2c,
  ) {
    this.delimChar = String.fromCharCode(delim);
  }

  push(chunk: Buffer): CsvEvent[] {
    this.append(chunk);
    return this.scan(false);
  }

  end(): CsvEvent[] {
    return this.scan(true);
  }

  private append(chunk: Buffer): void {
    const keep = this.len - this.start;
    if (keep === 0) {
      this.rebase(this.len, chunk, chunk.length, false);
      return;
    }
    if (this.start === 0 && this.owned && this.buf.length - this.len >= chunk.length) {
      chunk.copy(this.buf, this.len);
      this.len += chunk.length;
      return;
    }
    // A fresh buffer rather than copying within the old one: views handed out stay intact.
    const nb = Buffer.allocUnsafe(Math.max(keep + chunk.length, keep * 2, 64 * 1024));
    this.buf.copy(nb, 0, this.start, this.len);
    chunk.copy(nb, keep);
    this.rebase(this.start, nb, keep + chunk.length, true);
  }

  private rebase(shift: number, buf: Buffer, len: number, owned: boolean): void {
    this.base += shift;
    this.pos = Math.max(0, this.pos - shift);
    this.nqFrom = Math.max(0, this.nqFrom - shift);
    this.nq = this.nq >= shift ? this.nq - shift : -1;
    this.nqLen = -1;
    this.buf = buf;
    this.owned = owned;
    this.start = 0;
    this.len = len;
  }

  private nextQuote(b: Buffer, p: number): number {
    if (this.nqFrom <= p && (this.nq >= p || (this.nq === -1 && this.nqLen === this.len))) return this.nq;
    this.nq = b.indexOf(QUOTE, p);
    this.nqFrom = p;
    this.nqLen = this.len;
    return this.nq;
  }

  private scan(final: boolean): CsvEvent[] {
    const out: CsvEvent[] = [];
    const b = this.buf.subarray(0, this.len);
    if (this.skipped >= 0 && !this.skip(b, final, out)) return out;
    if (this.first) {
      if (this.len - this.start < 3 && !final) return out;
      this.first = false;
      if (b[this.start] === 0xef && b[this.start + 1] === 0xbb && b[this.start + 2] === 0xbf) {
        this.bom = true;
        this.start += 3;
        this.pos = this.start;
      }
    }
    while (this.start < this.len) {
      const end = this.findEnd(b, final);
      if (end < 0) {
        if (final) {
          if (this.inQuoted) {
            this.unclosed(b, out);
            continue;
          }
          this.emit(b, this.len, out);
          break;
        }
        if (this.len - this.start <= this.maxRecordBytes) break;
        // too large: skipped as it streams by, quotes still followed so that its end is found
        this.skipped = 0;
        this.skipLine = this.line;
        this.skipOffset = this.base + this.start;
        if (!this.skip(b, false, out)) break;
        continue;
      }
      if (end - this.start > this.maxRecordBytes) {
        out.push({ problem: 'too-large', line: this.line, offset: this.base + this.start, bytes: end + 1 - this.start });
        this.line += 1 + this.countEol(b, this.start, end);
        this.start = this.pos = end + 1;
        this.quoted = false;
        continue;
      }
      this.emit(b, end, out);
    }
    return out;
  }

  private countEol(b: Buffer, from: number, to: number): number {
    let n = 0;
    for (let i = b.indexOf(this.eol, from); i >= 0 && i < to; i = b.indexOf(this.eol, i + 1)) n++;
    return n;
  }

  /**
   * Skips an oversized record: its bytes are dropped as they are scanned (line breaks counted),
   * with the quote state kept. True when its end was reached and scanning can go on.
   */
  private skip(b: Buffer, final: boolean, out: CsvEvent[]): boolean {
    const end = this.findEnd(b, final);
    if (end < 0 && !final) {
      const drop = Math.max(this.pos, this.start);
      this.line += this.countEol(b, this.start, drop);
      this.skipped += drop - this.start;
      this.start = this.pos = drop;
      return false;
    }
    const stop = end < 0 ? this.len : end + 1;
    const unclosed = end < 0 && this.inQuoted;
    out.push({ problem: unclosed ? 'unclosed-quote' : 'too-large', line: this.skipLine, offset: this.skipOffset, bytes: this.skipped + (stop - this.start) });
    this.line += 1 + this.countEol(b, this.start, end < 0 ? this.len : end);
    this.skipped = -1;
    this.inQuoted = this.quoted = false;
    this.start = this.pos = stop;
    return true;
  }

  /** The index of the LF (CR) ending the record at `start`, or -1 (state kept for the next push). */
  private findEnd(b: Buffer, final: boolean): number {
    let p = Math.max(this.pos, this.start);
    for (;;) {
      if (this.inQuoted) {
        const q = b.indexOf(QUOTE, p);
        if (q < 0 || (q + 1 >= this.len && !final)) {
          this.pos = q < 0 ? this.len : q;
          return -1;
        }
        if (b[q + 1] === QUOTE) p = q + 2;
        else {
          this.inQuoted = false;
          p = q + 1;
        }
        continue;
      }
      let lf: number;
      let wait = false;
      if (this.eolKnown) lf = b.indexOf(this.eol, p);
      else {
        const nl = b.indexOf(LF, p);
        const cr = b.indexOf(CR, p);
        lf = cr < 0 || (nl >= 0 && nl < cr) ? nl : cr;
        // a CR ending the bytes so far: whether an LF follows is for the next push to say
        wait = lf === cr && cr >= 0 && cr + 1 >= this.len && !final;
      }
      const q = this.nextQuote(b, p);
      if (q >= 0 && (lf < 0 || q < lf)) {
        if (q === this.start || b[q - 1] === this.delim) this.inQuoted = this.quoted = true;
        p = q + 1;
        continue;
      }
      if (wait) {
        this.pos = lf;
        return -1;
      }
      if (lf >= 0 && !this.eolKnown) lf = this.decideEol(b, lf);
      this.pos = lf < 0 ? this.len : lf;
      return lf;
    }
  }

  /**
   * The file's line ending, from its first line end outside quotes (at `at`, a CR or an LF): a CR
   * not followed by an LF makes CR the record end. Returns the index of the byte ending the record.
   */
  private decideEol(b: Buffer, at: number): number {
    this.eolKnown = true;
    if (b[at] === CR && b[at + 1] !== LF) {
      this.eol = CR;
      return at;
    }
    return b[at] === CR ? at + 1 : at;
  }

  /** A quoted field never closed: the record is its first line; scanning resumes below it. */
  private unclosed(b: Buffer, out: CsvEvent[]): void {
    const lf = b.indexOf(this.eol, this.start);
    const stop = lf < 0 ? this.len : lf + 1;
    out.push({ problem: 'unclosed-quote', line: this.line, offset: this.base + this.start, bytes: stop - this.start, raw: b.subarray(this.start, lf < 0 ? this.len : lf) });
    this.line++;
    this.start = this.pos = stop;
    this.inQuoted = this.quoted = false;
  }

  private emit(b: Buffer, lf: number, out: CsvEvent[]): void {
    const s = this.start;
    const e = lf > s && b[lf - 1] === CR && this.eol === LF ? lf - 1 : lf;
    const line = this.line;
    const offset = this.base + s;
    const raw = b.subarray(s, e);
    let lines = 1;
    if (this.quoted) for (let i = b.indexOf(this.eol, s); i >= 0 && i < lf; i = b.indexOf(this.eol, i + 1)) lines++;
    const cells = this.quoted ? this.parseQuoted(b, s, e) : b.toString('utf8', s, e).split(this.delimChar);
    if (cells === undefined && lines > 1) {
      // a quote that closes lines later only to be followed by text: an unclosed quote that met
      // the next quote of the file; only its first line is given up
      this.unclosed(b, out);
      return;
    }
    if (cells === undefined) out.push({ problem: 'stray-quote', line, offset, bytes: e - s, raw });
    else if (cells.some((c) => c.includes('\ufffd')) && !isUtf8(raw)) out.push({ problem: 'utf8', line, offset, bytes: e - s, raw });
    else out.push({ cells, line, offset, raw });
    this.line += lines;
    this.start = this.pos = lf < this.len ? lf + 1 : this.len;
    this.quoted = false;
  }

  /** Cells of a record holding quoted fields; undefined when text follows a closing quote. */
  private parseQuoted(b: Buffer, s: number, e: number): string[] | undefined {
    const cells: string[] = [];
    let i = s;
    for (;;) {
      if (i < e && b[i] === QUOTE) {
        let text = '';
        let j = i + 1;
        for (;;) {
          const q = b.indexOf(QUOTE, j);
          if (q + 1 < e && b[q + 1] === QUOTE) {
            text += b.toString('utf8', j, q + 1);
            j = q + 2;
            continue;
          }
          text += b.toString('utf8', j, q);
          i = q + 1;
          break;
        }
        cells.push(text);
        if (i >= e) return cells;
        if (b[i] !== this.delim) return undefined;
        i++;
      } else {
        const d = b.indexOf(this.delim, i);
        if (d < 0 || d >= e) {
          cells.push(b.toString('utf8', i, e));
          return cells;
        }
        cells.push(b.toString('utf8', i, d));
        i = d + 1;
      }
    }
  }
}

/** Cells a spreadsheet would run as a formula start with one of these. */
const FORMULA = /^[=+\-@\t\r]/;
/** A plain decimal number (`-1`, `+3.5`, `-2e3`): a spreadsheet reads it as a number, not a formula. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Whether a cell would be read by a spreadsheet as a formula (`-1` is a number, `-1+A1` is not). */
export const isFormula = (cell: string): boolean => FORMULA.test(cell) && !NUMBER.test(cell);

/**
 * Whether a value gets an apostrophe on writing: a formula, or a formula behind apostrophes
 * (`'=x` is written `''=x`), so that reading takes exactly one apostrophe off the values that
 * have it and the escape is reversible: every value reads back as it was written.
 */
const needsEscape = (value: string): boolean => isFormula(value.replace(/^'+/, ''));

/** A value as a spreadsheet-safe cell text: with a leading apostrophe when {@link needsEscape}. */
export const escapeFormula = (value: string): string => (needsEscape(value) ? "'" + value : value);

/** The inverse of {@link escapeFormula}: a value as it was before escaping. */
export const unescapeFormula = (value: string): string => (value.startsWith("'") && needsEscape(value.slice(1)) ? value.slice(1) : value);

/**
 * One CSV cell: quoted when it holds the delimiter, a quote, a line break or outer spaces; with
 * `escape`, a cell a spreadsheet would run as a formula gets a leading apostrophe.
 */
export function csvCell(cell: string, escape: boolean): string {
  if (escape) cell = escapeFormula(cell);
  return /[",\r\n]|^\s|\s$/.test(cell) ? '"' + cell.replace(/"/g, '""') + '"' : cell;
}

/** The code and message of a scanner problem, for a reader's diagnostic. */
export function problemMessage(p: CsvProblem, maxRecordSize: number): [Code, string] {
  switch (p.problem) {
    case 'unclosed-quote': return ['CSV_UNCLOSED_QUOTE', 'a quoted field is never closed: this line is rejected and reading goes on at the next one'];
    case 'stray-quote': return ['CSV_STRAY_QUOTE', 'text follows the closing quote of a field (a quote inside a quoted field is written "")'];
    case 'utf8': return ['INPUT_INVALID_UTF8', 'the row is not valid UTF-8'];
    default: return ['INPUT_RECORD_TOO_LARGE', `a row of ${p.bytes} bytes exceeds --max-record-size ${maxRecordSize}; skipped`];
  }
}

/**
 * Writes cells, escaping formulas when asked and counting them for one warning at the end. Values
 * joined in one cell (classes `;`-joined) are escaped one by one: a tool that splits the cell
 * must not find a formula in any part.
 */
export class CellWriter {
  private escaped = 0;
  private at: Place | undefined;
  constructor(readonly escape: boolean) {}

  /** One value, with an apostrophe before it when a spreadsheet would run it (and escaping is on). */
  private value(s: string, place: Place): string {
    if (!this.escape || !needsEscape(s)) return s;
    this.escaped++;
    this.at ??= place;
    return "'" + s;
  }

  cell(s: string, place: Place): string {
    return csvCell(this.value(s, place), false);
  }

  /** One cell holding `values` joined by `sep`, each value escaped on its own. */
  joined(values: readonly string[], sep: string, place: Place): string {
    return csvCell(values.map((v) => this.value(v, place)).join(sep), false);
  }

  /** The CSV_FORMULA_ESCAPED warning, when values were escaped. */
  report(report: (d: Diagnostic) => void): void {
    const n = this.escaped;
    if (n > 0) report(diag('CSV_FORMULA_ESCAPED', `${n} ${n === 1 ? 'value' : 'values'} starting with = + - @ tab or CR written with a leading apostrophe so that spreadsheets do not run them (numbers such as -1 are not; each of a cell's ;-joined classes on its own; annoconv takes the apostrophe off on reading; --no-escape-formulas writes them as they are)`, this.at ?? {}));
  }
}
