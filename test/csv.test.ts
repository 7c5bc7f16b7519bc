/** The CSV scanner: records, places and recovery, whatever the chunking. */
import { describe, expect, it } from 'vitest';
import { CsvScanner, csvCell, isRow, type CsvEvent } from '../src/core/csv.js';

type Out = [number, number, string[]] | [string, number, number];

function scan(input: Buffer | string, step: number, max = 1 << 20): { out: Out[]; bom: boolean } {
  const b = Buffer.isBuffer(input) ? input : Buffer.from(input);
  const s = new CsvScanner(max);
  const evs: CsvEvent[] = [];
  for (let o = 0; o < b.length; o += step) evs.push(...s.push(b.subarray(o, o + step)));
  evs.push(...s.end());
  return { out: evs.map((e): Out => (isRow(e) ? [e.line, e.offset, e.cells] : [e.problem, e.line, e.offset])), bom: s.bom };
}

const TRICKY = '\ufeffa,b\r\n"q,1","x\ny"\n\n5" screen,"say ""hi""",\n"x"y,z\nlast,"unclosed\nafter,1\nend';

describe('CsvScanner', () => {
  it('reads fields, quotes, line breaks in quotes, CRLF and loose quotes, with 1-based lines and byte offsets', () => {
    const { out, bom } = scan(TRICKY, 1 << 16);
    const at = (s: string): number => Buffer.byteLength(TRICKY.slice(0, TRICKY.indexOf(s)));
    expect(bom).toBe(true);
    expect(out).toEqual([
      [1, 3, ['a', 'b']],
      [2, at('"q,1"'), ['q,1', 'x\ny']],
      [4, at('\n\n5"') + 1, ['']],
      [5, at('5"'), ['5" screen', 'say "hi"', '']],
      ['stray-quote', 6, at('"x"y')],
      ['unclosed-quote', 7, at('last,')],
      [8, at('after'), ['after', '1']],
      [9, at('end'), ['end']],
    ]);
  });

  it('gives the same records for every way of cutting the input into chunks', () => {
    const whole = scan(TRICKY, 1 << 16).out;
    for (let step = 1; step <= 24; step++) expect(scan(TRICKY, step).out).toEqual(whole);
  });

  it('skips a record over the size limit without holding it, and reads on', () => {
    const text = 'a,b\n' + 'x'.repeat(500) + '\nc,d\n"' + 'y'.repeat(500) + '\ne,f\n';
    expect(scan(text, 7, 100).out).toEqual([
      [1, 0, ['a', 'b']],
      ['too-large', 2, 4],
      [3, 505, ['c', 'd']],
      ['too-large', 4, 509],
      [5, 1011, ['e', 'f']],
    ]);
  });

  it('reports a row of invalid UTF-8 and keeps a real U+FFFD', () => {
    const b = Buffer.concat([Buffer.from('a\n'), Buffer.from([0xc3, 0x28, 0x2c, 0x41, 0x0a]), Buffer.from('ok,\ufffd\n"\xff",1\n', 'utf8')]);
    const bad = Buffer.concat([b, Buffer.from([0x22, 0xff, 0x22, 0x0a])]);
    expect(scan(bad, 3).out).toEqual([
      [1, 0, ['a']],
      ['utf8', 2, 2],
      [3, 7, ['ok', '\ufffd']],
      [4, 14, ['\u00ff', '1']],
      ['utf8', 5, 21],
    ]);
  });

  it('quotes cells that need it and escapes formulas on request', () => {
    expect(csvCell('plain', true)).toBe('plain');
    expect(csvCell('a,b', true)).toBe('"a,b"');
    expect(csvCell('say "hi"', true)).toBe('"say ""hi"""');
    expect(csvCell(' padded', true)).toBe('" padded"');
    expect(csvCell('=1+1', true)).toBe("'=1+1");
    expect(csvCell('=1+1', false)).toBe('=1+1');
    expect(csvCell('@SUM(A1)', true)).toBe("'@SUM(A1)");
    expect(csvCell('\tx', true)).toBe("'\tx");
  });
});
