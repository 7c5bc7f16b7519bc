/** The CSV scanner: records, places and recovery, whatever the chunking. */
import { describe, expect, it } from 'vitest';
import { CsvScanner, csvCell, escapeFormula, isRow, unescapeFormula, type CsvEvent } from '../src/core/csv.js';

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

  it('a CR-only file (old Mac, some Excel exports): CR ends records, a CR in quotes is data, the same records whatever the chunking; CRLF files keep their CR out of the cells', () => {
    const cr = 'a,b\r"x\ry",2\r\r3,4\r"open\r5,6';
    const want: Out[] = [
      [1, 0, ['a', 'b']],
      [2, 4, ['x\ry', '2']],
      [4, 12, ['']],
      [5, 13, ['3', '4']],
      ['unclosed-quote', 6, 17],
      [7, 23, ['5', '6']],
    ];
    for (let step = 1; step <= cr.length; step++) expect(scan(cr, step).out, `step ${step}`).toEqual(want);
    // the first line end decides: a CRLF file's records end at LF, its lone CR stays in the cell
    for (let step = 1; step <= 8; step++) expect(scan('a,b\r\nc\rd,e\r\n', step).out).toEqual([[1, 0, ['a', 'b']], [2, 5, ['c\rd', 'e']]]);
    // a first line end inside quotes decides nothing
    expect(scan('"h\r\n1",x\ra,b\r', 3).out).toEqual([[1, 0, ['h\r\n1', 'x']], [3, 9, ['a', 'b']]]);
  });

  it('skips a record over the size limit without holding it, and reads on; an unclosed quote past the limit takes the rest', () => {
    const text = 'a,b\n' + 'x'.repeat(500) + '\nc,d\n"' + 'y'.repeat(500) + '\ne,f\n';
    expect(scan(text, 7, 100).out).toEqual([
      [1, 0, ['a', 'b']],
      ['too-large', 2, 4],
      [3, 505, ['c', 'd']],
      ['unclosed-quote', 4, 509],
    ]);
  });

  it('never reads rows out of a quoted field that is over the limit (its line breaks are counted)', () => {
    const title = '"' + 'z'.repeat(150) + '\ns3://b/evil.jpg,injected\n' + 'z'.repeat(10) + '"';
    const text = `ObjectUrl,Image title\ns3://b/ok.jpg,${title}\ns3://b/next.jpg,next\n`;
    for (const step of [1, 7, 64, 1 << 16]) {
      expect(scan(text, step, 100).out).toEqual([
        [1, 0, ['ObjectUrl', 'Image title']],
        ['too-large', 2, 22],
        [5, Buffer.byteLength(text) - 'next.jpg,next\n'.length - 's3://b/'.length, ['s3://b/next.jpg', 'next']],
      ]);
    }
  });

  it('gives the same events at the size limit whatever the chunking', () => {
    const text = 'a,b\n' + 'x'.repeat(98) + '\n"' + 'q'.repeat(97) + '"\nlast,1\n' + 'y'.repeat(150) + '\nend\n';
    const whole = scan(text, 1 << 16, 100).out;
    expect(whole.map((e) => e[0])).toEqual([1, 2, 3, 4, 'too-large', 6]);
    for (let step = 1; step <= 40; step += 3) expect(scan(text, step, 100).out).toEqual(whole);
  });

  it('takes a quote that closes lines later before stray text as unclosed: only its first line is lost', () => {
    const text = 'h,t\na,"open\nb,1\nc,2\nd,"e"x\nf,3\n';
    expect(scan(text, 5).out.map((e) => (typeof e[0] === 'string' ? [e[0], e[1]] : [e[0], e[2]]))).toEqual([
      [1, ['h', 't']],
      ['unclosed-quote', 2],
      [3, ['b', '1']],
      [4, ['c', '2']],
      ['stray-quote', 5],
      [6, ['f', '3']],
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
    // numbers are numbers to a spreadsheet; an apostrophe before a formula gets one more, so reading takes one off
    expect(['-1', '+3.5', '-2e3', '-1+A1', "'=x", "'-1"].map((c) => csvCell(c, true))).toEqual(['-1', '+3.5', '-2e3', "'-1+A1", "''=x", "'-1"]);
    for (const v of ['-1', '=x', "'=x", "''=x", "'", "'-1", '-', "'plain"]) expect(unescapeFormula(escapeFormula(v))).toBe(v);
  });
});
