/**
 * Line splitting for line-based formats, fast and in bounded memory: whole chunks are checked for
 * UTF-8 validity and decoded at once, then split; a line longer than the record limit is skipped
 * byte by byte without being gathered. `\n` and `\r\n` both end a line.
 */
import { isUtf8 } from 'node:buffer';
import type { ReadContext, ReadEvent } from './format.js';
import type { InputSource } from './io.js';
import { diag, type Place } from './diagnostics.js';
import { MAX_JSON_DEPTH, tooDeep } from './json-depth.js';

export type LineProblem =
  | { kind: 'utf8'; raw: Buffer }
  | { kind: 'too-large'; bytes: number };

/** Consecutive lines: `lines[i]` is line `first + i` (1-based). Problem lines hold ''. */
export interface LineBatch {
  first: number;
  lines: string[];
  problems?: Map<number, LineProblem>;
  /** Set on the first batch when a UTF-8 byte order mark was stripped. */
  bom?: boolean;
}

const NL = 10;

export async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<LineBatch> {
  let checked = false;
  for await (const batch of splitRaw(chunks, maxLineBytes)) {
    if (!checked && batch.lines.length > 0) {
      checked = true;
      const l0 = batch.lines[0]!;
      if (batch.first === 1 && l0.charCodeAt(0) === 0xfeff) {
        batch.lines[0] = l0.slice(1);
        batch.bom = true;
      }
    }
    yield batch;
  }
}

async function* splitRaw(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<LineBatch> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let skipping = 0; // > 0: inside an oversized line, counting its bytes
  let lineNo = 1;

  for await (const chunk of chunks) {
    let start = 0;
    const batch: LineBatch = { first: lineNo, lines: [] };

    if (skipping > 0) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        skipping += chunk.length;
        continue;
      }
      batch.lines.push('');
      (batch.problems ??= new Map()).set(0, { kind: 'too-large', bytes: skipping + nl });
      skipping = 0;
      lineNo++;
      start = nl + 1;
    }

    const lastNl = chunk.lastIndexOf(NL);
    if (lastNl < start) {
      // No complete line in this chunk: keep gathering, unless the line is already too long.
      const rest = chunk.subarray(start);
      if (carryLen + rest.length > maxLineBytes) {
        skipping = carryLen + rest.length;
        carry = [];
        carryLen = 0;
      } else if (rest.length > 0) {
        carry.push(Buffer.from(rest));
        carryLen += rest.length;
      }
      if (batch.lines.length) yield batch;
      continue;
    }

    const firstNl = chunk.indexOf(NL, start);
    let block: Buffer;
    if (carryLen > 0) {
      if (carryLen + (firstNl - start) > maxLineBytes) {
        batch.lines.push('');
        (batch.problems ??= new Map()).set(batch.lines.length - 1, {
          kind: 'too-large',
          bytes: carryLen + (firstNl - start),
        });
        lineNo++;
        block = chunk.subarray(firstNl + 1, lastNl);
        carry = [];
        carryLen = 0;
        if (firstNl === lastNl) {
          carryRest();
          if (batch.lines.length) yield batch;
          continue;
        }
      } else {
        carry.push(chunk.subarray(start, lastNl));
        block = Buffer.concat(carry);
        carry = [];
        carryLen = 0;
      }
    } else {
      block = chunk.subarray(start, lastNl);
    }
    lineNo = addBlock(block, batch, lineNo, maxLineBytes);
    carryRest();
    yield batch;

    function carryRest(): void {
      const rest = chunk.subarray(lastNl + 1);
      if (rest.length > maxLineBytes) {
        skipping = rest.length;
      } else if (rest.length > 0) {
        carry.push(Buffer.from(rest));
        carryLen += rest.length;
      }
    }
  }

  if (skipping > 0) {
    yield { first: lineNo, lines: [''], problems: new Map([[0, { kind: 'too-large', bytes: skipping }]]) };
  } else if (carryLen > 0) {
    const batch: LineBatch = { first: lineNo, lines: [] };
    addBlock(Buffer.concat(carry), batch, lineNo, maxLineBytes);
    yield batch;
  }
}

/** Split a block of whole lines (without its final newline) into the batch; returns the next line number. */
function addBlock(block: Buffer, batch: LineBatch, lineNo: number, maxLineBytes: number): number {
  if (isUtf8(block)) {
    const parts = block.toString('utf8').split('\n');
    for (let i = 0; i < parts.length; i++) {
      let s = parts[i]!;
      if (s.length > 0 && s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
      if (s.length > maxLineBytes) {
        batch.lines.push('');
        (batch.problems ??= new Map()).set(batch.lines.length - 1, { kind: 'too-large', bytes: Buffer.byteLength(s) });
      } else {
        batch.lines.push(s);
      }
    }
    return lineNo + parts.length;
  }
  // Slow path: find the lines that are not UTF-8.
  let pos = 0;
  for (;;) {
    const nl = block.indexOf(NL, pos);
    const end = nl < 0 ? block.length : nl;
    let line = block.subarray(pos, end);
    if (line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
    if (line.length > maxLineBytes) {
      batch.lines.push('');
      (batch.problems ??= new Map()).set(batch.lines.length - 1, { kind: 'too-large', bytes: line.length });
    } else if (isUtf8(line)) {
      batch.lines.push(line.toString('utf8'));
    } else {
      batch.lines.push('');
      (batch.problems ??= new Map()).set(batch.lines.length - 1, { kind: 'utf8', raw: Buffer.from(line) });
    }
    lineNo++;
    if (nl < 0) return lineNo;
    pos = nl + 1;
  }
}

/**
 * Line-based records: each non-blank line is handed to `onLine` with its place (1-based line,
 * 0-based record); lines that cannot be read (invalid UTF-8, over --max-record-size) are reported
 * and rejected here. `onLine` returns the line's event; a `dataset` event (a header line) is not a
 * record. An input without records gets INPUT_EMPTY with `empty` as its message.
 */
export async function* lineRecords(input: InputSource, ctx: ReadContext, empty: string, onLine: (text: string, place: Place) => ReadEvent): AsyncGenerator<ReadEvent[]> {
  const file = ctx.file;
  let records = 0;
  for await (const batch of splitLines(input.chunks(), ctx.options.maxRecordSize)) {
    const events: ReadEvent[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      const text = batch.lines[i]!;
      const problem = batch.problems?.get(i);
      if (!problem && text.trim() === '') continue;
      const place: Place = { file, line: batch.first + i, record: records++ };
      if (problem) {
        if (problem.kind === 'utf8') ctx.report(diag('INPUT_INVALID_UTF8', 'line is not valid UTF-8', place));
        else ctx.report(diag('INPUT_RECORD_TOO_LARGE', `line of ${problem.bytes} bytes exceeds --max-record-size ${ctx.options.maxRecordSize}; skipped`, place));
        events.push({ type: 'reject', place, ...(problem.kind === 'utf8' ? { raw: problem.raw } : {}) });
        continue;
      }
      if (tooDeep(text)) {
        ctx.report(diag('INPUT_TOO_DEEP', `a record nested deeper than ${MAX_JSON_DEPTH} levels; skipped`, place));
        events.push({ type: 'reject', place, raw: text });
        continue;
      }
      const ev = onLine(text, place);
      if (ev.type === 'dataset') records--;
      events.push(ev);
    }
    yield events;
  }
  if (records === 0) ctx.report(diag('INPUT_EMPTY', empty, { file }));
}
