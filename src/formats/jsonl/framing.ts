/**
 * Lines that hold no item, as the Annotto server's line splitter treats them. The upload pipes the
 * file through `parse()` of src/core/file-upload/ndjson.ts: split2 (lines end at `\n` or `\r\n`)
 * with a mapper that returns `null` for an empty row (`if (row) ... return null`) and `JSON.parse`s
 * any other row, emitting an error when that throws. split2 pushes what the mapper returns, and a
 * pushed `null` ends a Node stream:
 * - an empty line, or a line that parses to `null`, ends the stream there; the next row that
 *   parses to anything else is pushed after the end (`stream.push() after EOF`), which fails the
 *   whole upload (`handleStream` in stream-handler.ts awaits that pipeline). Trailing ones are
 *   harmless, and a last `null` line is dropped without a word;
 * - a line of spaces or tabs is not empty: `JSON.parse` throws on it ("Could not parse row");
 * - a UTF-8 byte order mark stays at the start of the first row (the stream is decoded without
 *   stripping it) and `JSON.parse` throws on U+FEFF.
 */
import type { ReadContext } from '../../core/format.js';
import { diag } from '../../core/diagnostics.js';

interface Pending {
  kind: 'blank' | 'null';
  line: number;
  count: number;
}

export class LineFraming {
  private pending: Pending | undefined;

  constructor(private readonly ctx: ReadContext) {}

  /** An empty line (after `\n` or `\r\n` is taken off). */
  blank(line: number): void {
    this.hold('blank', line);
  }

  /** A line whose JSON is `null`. */
  nullLine(line: number): void {
    this.hold('null', line);
  }

  /** Any other line: whatever ended the server's stream before it now fails the upload. */
  content(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const file = this.ctx.file;
    if (p.kind === 'blank') {
      const what = p.count > 1 ? `${p.count} empty lines` : 'an empty line';
      this.ctx.report(diag('JSONL_BLANK_LINE', `${what} before more items: the server's line splitter ends its stream at an empty line and the next item fails the whole upload (only trailing empty lines are harmless)`, { file, line: p.line, column: 1 }));
    } else {
      this.ctx.report(diag('JSONL_NULL_LINE', 'the line is JSON null: the server\'s line splitter ends its stream at it and the next item fails the whole upload', { file, line: p.line, column: 1 }));
    }
  }

  /** A line holding only whitespace: `JSON.parse` fails on it there. */
  whitespace(line: number): void {
    this.content();
    this.ctx.report(diag('JSONL_WHITESPACE_LINE', 'the line holds only whitespace: the server\'s JSON.parse fails on it, and the whole upload with it', { file: this.ctx.file, line, column: 1 }));
  }

  /** A byte order mark was taken off the first line. */
  bom(): void {
    this.ctx.report(diag('JSONL_BOM', 'the file starts with a UTF-8 byte order mark: the server\'s JSON.parse fails on the first line with it, and the whole upload (read here without it)', { file: this.ctx.file, line: 1, column: 1 }));
  }

  /** End of input: trailing empty lines are harmless; a last `null` line is dropped by the server. */
  end(): void {
    const p = this.pending;
    if (p?.kind !== 'null') return;
    const severity = this.ctx.options.strict ? 'error' : 'warning';
    this.ctx.report(diag('JSONL_NULL_LINE', 'the last line is JSON null: the server drops it without a word (its line splitter ends the stream there)', { file: this.ctx.file, line: p.line, column: 1 }, severity));
  }

  private hold(kind: Pending['kind'], line: number): void {
    const p = this.pending;
    // in a run of them the first one ends the stream: it is the one reported
    if (!p) this.pending = { kind, line, count: 1 };
    else if (p.kind === kind) p.count++;
  }
}
