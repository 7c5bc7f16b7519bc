/**
 * Hostile input by class, each with its code and place: invalid UTF-8 in every reader, gzip inputs
 * (plain, truncated, bombs), XML entity tricks, broken CSV quoting and ragged rows, duplicate ids,
 * wrong types in every field of every JSON fixture, and option files that are not what they claim.
 */
import { describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferInput, convert, MemorySink, streamInput } from '../../src/index.js';
import { AnnoconvError, type Diagnostic } from '../../src/core/diagnostics.js';
import { seeds } from './fuzz.js';
import { retyped } from './retype.js';

interface Run {
  exitCode: number;
  diags: Diagnostic[];
  text: string;
  read: number;
  written: number;
  rejected: number;
}

async function run(input: Buffer | string, from: string, to = 'annoconv', format: Record<string, unknown> = {}): Promise<Run> {
  const diags: Diagnostic[] = [];
  const sink = new MemorySink();
  try {
    const r = await convert({ input: bufferInput(input), from, to, output: sink, options: { format }, onDiagnostic: (d) => diags.push(d) });
    return { exitCode: r.exitCode, diags, text: sink.text(), read: r.read, written: r.written, rejected: r.rejected };
  } catch (e) {
    if (!(e instanceof AnnoconvError)) throw e;
    return { exitCode: e.exitCode, diags: [...diags, e.diagnostic], text: sink.text(), read: 0, written: 0, rejected: 0 };
  }
}

const where = (d: Diagnostic): string => `${d.code}@${d.line ?? d.pointer ?? d.file ?? ''}`;
const BAD = Buffer.from([0xc3, 0x28, 0xff]); // a broken two-byte sequence and a byte UTF-8 never uses
const withBad = (before: string, after: string): Buffer => Buffer.concat([Buffer.from(before), BAD, Buffer.from(after)]);

describe('invalid UTF-8: the record holding it is rejected at its place, never decoded with U+FFFD', () => {
  const U = 'https://x.org/';
  const cases: [string, Buffer, string][] = [
    ['jsonl', withBad(`{"type":"text","uuid":"a","data":{"text":"ok"}}\n{"type":"text","uuid":"b","data":{"text":"`, `"}}\n`), 'INPUT_INVALID_UTF8@2'],
    ['annoconv', withBad(`{"id":"a","kind":"text","text":"ok","metadata":{},"annotations":[]}\n{"id":"b","kind":"text","text":"`, `","metadata":{},"annotations":[]}\n`), 'INPUT_INVALID_UTF8@2'],
    ['ls-bulk', withBad(`{"task":1,"result":[]}\n{"task":2,"result":[],"unique_id":"`, `"}\n`), 'INPUT_INVALID_UTF8@2'],
    ['coco', withBad(`{"info":{},"images":[{"id":1,"file_name":"a.jpg","width":4,"height":4},{"id":2,"file_name":"`, `.jpg","width":4,"height":4}],"annotations":[],"categories":[]}`), 'INPUT_INVALID_UTF8@#/images/1'],
    ['coco-results', withBad(`[{"image_id":1,"category_id":1,"bbox":[0,0,1,1],"score":0.5},{"image_id":2,"category_id":1,"bbox":[0,0,1,1],"score":0.5,"x":"`, `"}]`), 'INPUT_INVALID_UTF8@#/1'],
    ['labelstudio', withBad(`[{"id":1,"data":{"image":"${U}a.jpg"}},{"id":2,"data":{"image":"${U}`, `.jpg"}}]`), 'INPUT_INVALID_UTF8@#/1'],
    ['labelstudio', withBad(`{"id":1,"data":{"image":"${U}`, `.jpg"}}`), 'INPUT_INVALID_UTF8@<memory>'],
    ['labelstudio-min', withBad(`[{"id":1,"image":"${U}a.jpg"},{"id":2,"image":"${U}`, `.jpg"}]`), 'INPUT_INVALID_UTF8@#/1'],
    ['remo-json', withBad(`[{"file_name":"a.jpg","width":4,"height":4,"annotations":[]},{"file_name":"`, `.jpg","width":4,"height":4,"annotations":[]}]`), 'INPUT_INVALID_UTF8@#/1'],
    ['encord-json', withBad(`{"images":[{"objectUrl":"${U}a.jpg"},{"objectUrl":"${U}`, `.jpg"}]}`), 'INPUT_INVALID_UTF8@#/images/1'],
    ['csv', withBad('file_name,class_name,xmin,ymin,xmax,ymax\na.jpg,cat,1,1,2,2\nb.jpg,', ',1,1,2,2\n'), 'INPUT_INVALID_UTF8@3'],
    ['encord-csv', withBad(`ObjectUrl,Image title\n${U}a.jpg,A\n${U}b.jpg,`, '\n'), 'INPUT_INVALID_UTF8@3'],
    ['voc', withBad('<annotation><filename>', '.jpg</filename><size><width>4</width><height>4</height></size></annotation>'), 'INPUT_INVALID_UTF8@<memory>'],
  ];
  for (const [format, input, expected] of cases) {
    it(`${format}: ${expected}`, async () => {
      const r = await run(input, format);
      expect(r.exitCode).toBe(1);
      expect(r.diags.filter((d) => d.severity === 'error').map(where)).toEqual([expected]);
      expect(r.text).not.toContain('\ufffd');
      expect(r.read).toBe(r.written + r.rejected);
      // every other record is kept
      expect(r.written).toBe(format === 'voc' || (format === 'labelstudio' && !input.toString('latin1').startsWith('[')) ? 0 : 1);
    });
  }

  it('a top-level value that is not UTF-8 (COCO info) is placed at its key', async () => {
    const r = await run(withBad('{"info":{"d":"', '"},"images":[],"annotations":[],"categories":[]}'), 'coco');
    expect(r.diags.map(where)).toEqual(['INPUT_INVALID_UTF8@#/info']);
  });

  it('a top-level key that is not UTF-8 stops a JSON document with its offset', async () => {
    const r = await run(withBad('{"info":{},"', '":[],"images":[]}'), 'coco');
    expect(r.diags.map((d) => [d.code, d.offset])).toEqual([['COCO_INVALID_JSON', 11]]);
  });

  it('VOC declared as ISO-8859-1 (under any of its labels) or windows-1252 is decoded as such, not refused', async () => {
    for (const label of ['ISO-8859-1', 'latin-1', 'latin1', 'iso_8859-1', 'windows-1252', 'cp1252']) {
      const latin1 = Buffer.from(`<?xml version="1.0" encoding="${label}"?><annotation><filename>caf\xe9.jpg</filename><size><width>4</width><height>4</height></size></annotation>`, 'latin1');
      const r = await run(latin1, 'voc');
      expect(r.exitCode, label).toBe(0);
      expect(JSON.parse(r.text).path, label).toBe('café.jpg');
    }
  });
});

const tmp = mkdtempSync(join(tmpdir(), 'annoconv-inputs-'));

describe('gzip input', () => {
  const lines = Array.from({ length: 50 }, (_, i) => `{"type":"text","uuid":"u${i}","data":{"text":"line ${i}"}}`).join('\n') + '\n';

  it('is read transparently, with the same result as the plain text (jsonl and coco)', async () => {
    expect((await run(gzipSync(lines), 'jsonl')).text).toBe((await run(lines, 'jsonl')).text);
    const coco = seeds().find((s) => s.name === 'coco/valid-any-order/input.json')!.bytes;
    const plain = await run(coco, 'coco');
    expect(plain.written).toBeGreaterThan(0);
    expect((await run(gzipSync(coco), 'coco')).text).toBe(plain.text);
  });

  it('is recognised when the first read holds one byte of the magic (a slow pipe)', async () => {
    const gz = gzipSync(lines);
    const input = streamInput('<pipe>', async function* () {
      yield gz.subarray(0, 1);
      yield gz.subarray(1, 7);
      yield gz.subarray(7);
    });
    const diags: Diagnostic[] = [];
    const sink = new MemorySink();
    await convert({ input, from: 'jsonl', to: 'annoconv', output: sink, onDiagnostic: (d) => diags.push(d) });
    expect(diags.map((d) => d.code)).toEqual(['JSONL_UUID_NOT_RFC4122']); // the uuids are short names, nothing about the bytes
    expect(sink.text()).toBe((await run(lines, 'jsonl')).text);
  });

  it('a broken stream stops a run under --on-invalid fail (RUN_STOPPED), as any invalid record does', async () => {
    const gz = gzipSync(lines);
    await expect(convert({ input: bufferInput(gz.subarray(0, gz.length - 20)), from: 'jsonl', to: 'annoconv', output: new MemorySink(), options: { onInvalid: 'fail' } })).rejects.toMatchObject({ diagnostic: { code: 'RUN_STOPPED' } });
  });

  it('a bomb stopped early closes its file (no descriptor left to the collector)', async () => {
    if (!existsSync('/proc/self/fd')) return;
    const bomb = join(tmp, 'bomb.jsonl.gz');
    writeFileSync(bomb, gzipSync(Buffer.alloc(80 << 20, 0x20), { level: 9 }));
    const { validate } = await import('../../src/index.js');
    await validate({ input: bomb, from: 'jsonl' });
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 5; i++) await validate({ input: bomb, from: 'jsonl' });
    expect(readdirSync('/proc/self/fd').length).toBe(before);
  });

  it('an output named .gz is written compressed, atomically, and reads back to the same records', async () => {
    const out = join(tmp, 'out.annoconv.gz');
    const r = await convert({ input: bufferInput(lines), from: 'jsonl', to: 'annoconv', output: out });
    expect(r.written).toBe(50);
    const bytes = readFileSync(out);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(bytes).toString()).toBe((await run(lines, 'jsonl')).text);
    expect(readdirSync(tmp).filter((f) => f.startsWith('.out.annoconv.gz'))).toEqual([]);
    expect((await run(bytes, 'annoconv', 'jsonl')).text).toBe((await run(lines, 'jsonl', 'jsonl')).text);
  });

  it('a truncated stream keeps the records before the break and says where it broke', async () => {
    const gz = gzipSync(lines);
    const r = await run(gz.subarray(0, Math.floor(gz.length * 0.6)), 'jsonl');
    expect(r.exitCode).toBe(1);
    expect(r.diags.map((d) => d.code)).toContain('INPUT_GZIP_INVALID');
    expect(r.written).toBeGreaterThan(5);
    expect(r.text).toBe(
      (await run(lines, 'jsonl')).text
        .split('\n')
        .slice(0, r.written)
        .join('\n') + '\n',
    );
  });

  it('a bomb (256 MiB of one byte in 256 KiB) is stopped early with INPUT_GZIP_BOMB, in bounded memory', async () => {
    const gz = gzipSync(Buffer.alloc(256 << 20, 0x20), { level: 9 });
    expect(gz.length).toBeLessThan(300 * 1024);
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const r = await run(gz, 'jsonl');
    expect(r.exitCode).toBe(1);
    expect(r.diags.map((d) => d.code)).toContain('INPUT_GZIP_BOMB');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  }, 30_000);
});

describe('XML entity tricks (VOC)', () => {
  const bodies: [string, string][] = [
    ['billion laughs', `<!DOCTYPE a [<!ENTITY l "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i || ''};`.repeat(10)}">`).join('')}]><annotation><filename>&l9;</filename></annotation>`],
    ['external entity', '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><annotation><filename>&x;</filename></annotation>'],
    ['parameter entity', '<!DOCTYPE a [<!ENTITY % p SYSTEM "http://127.0.0.1/x.dtd"> %p;]><annotation/>'],
    ['entity without DOCTYPE', '<annotation><filename>&x;</filename><!ENTITY x "y"></annotation>'],
  ];
  for (const [name, body] of bodies) {
    it(`${name}: refused before parsing, no file read`, async () => {
      const r = await run(`<?xml version="1.0"?>${body}`, 'voc');
      expect(r.diags.map(where)).toEqual(['VOC_DOCTYPE@<memory>']);
      expect(r.text).not.toContain('root:');
    });
  }
});

describe('CSV: unbalanced quotes and ragged rows', () => {
  it('csv: an unclosed quote loses only its own line; short and long rows are coded by line', async () => {
    const text = 'file_name,class_name,xmin,ymin,xmax,ymax\na.jpg,cat,1,1,2,2\n"b.jpg,cat,1,1,2,2\nc.jpg,cat,1,1,2\nd.jpg,cat,1,1,2,2,9\ne.jpg,dog,1,1,3,3\n';
    const r = await run(text, 'csv', 'annoconv', {});
    expect(r.diags.filter((d) => d.severity === 'error').map(where)).toEqual(['CSV_UNCLOSED_QUOTE@3', 'CSV_ROW_LENGTH@4', 'CSV_ROW_LENGTH@5']);
    const items = r.text.trim().split('\n').map((l) => JSON.parse(l) as { id: string; annotations: unknown[] });
    expect(items.map((i) => [i.id, i.annotations.length])).toEqual([['a.jpg', 1], ['e.jpg', 1]]);
  });

  it('encord-csv: an unclosed quote and a ragged row', async () => {
    const text = 'ObjectUrl,Image title\nhttps://x.org/a.jpg,A\n"https://x.org/b.jpg,B\nhttps://x.org/c.jpg,C,extra\nhttps://x.org/d.jpg,D\n';
    const r = await run(text, 'encord-csv', 'encord-json');
    expect(r.diags.filter((d) => d.severity === 'error').map(where)).toEqual(['CSV_UNCLOSED_QUOTE@3', 'ENCORD_CSV_COLUMNS@4']);
    expect(JSON.parse(r.text).images.map((e: { objectUrl: string }) => e.objectUrl)).toEqual(['https://x.org/a.jpg', 'https://x.org/d.jpg']);
  });
});

describe('duplicate ids: coded at the repeat, the first kept', () => {
  const cases: [string, string, string[]][] = [
    ['jsonl', '{"type":"text","uuid":"a","data":{"text":"1"}}\n{"type":"text","uuid":"a","data":{"text":"2"}}\n', ['JSONL_UUID_DUPLICATE@2']],
    ['coco', '{"info":{},"images":[{"id":1,"file_name":"a.jpg","width":4,"height":4},{"id":1,"file_name":"b.jpg","width":4,"height":4}],"annotations":[],"categories":[]}', ['COCO_DUPLICATE_ID@#/images/1/id']],
    ['coco', '{"info":{},"images":[{"id":1,"file_name":"a.jpg","width":4,"height":4}],"annotations":[{"id":7,"image_id":1,"category_id":1,"bbox":[0,0,1,1]},{"id":7,"image_id":1,"category_id":1,"bbox":[0,0,2,2]}],"categories":[{"id":1,"name":"c"},{"id":1,"name":"d"}]}', ['COCO_DUPLICATE_ID@#/categories/1/id', 'COCO_DUPLICATE_ID@#/annotations/1/id']],
  ];
  for (const [format, text, expected] of cases) {
    it(`${format}: ${expected.join(', ')}`, async () => {
      const r = await run(text, format);
      expect(r.exitCode).toBe(1);
      expect(r.diags.filter((d) => d.severity === 'error').map(where).sort()).toEqual([...expected].sort());
      expect(r.written).toBe(1);
    });
  }

  it('annoconv and labelstudio: a repeated item or task id is warned (MODEL_ID_DUPLICATE), both kept', async () => {
    for (const [format, text] of [
      ['annoconv', '{"id":"a","kind":"text","text":"1","metadata":{},"annotations":[]}\n{"id":"a","kind":"text","text":"2","metadata":{},"annotations":[]}\n'],
      ['labelstudio', '[{"id":5,"data":{"text":"1"}},{"id":5,"data":{"text":"2"}}]'],
    ] as const) {
      const r = await run(text, format);
      expect(r.diags.map(where), format).toContain(format === 'annoconv' ? 'MODEL_ID_DUPLICATE@2' : 'MODEL_ID_DUPLICATE@#/1/id');
      expect(r.written, format).toBe(2);
    }
  });
});

describe('many problems in one record group', () => {
  it('130,000 invalid annotations of one COCO image: each coded, all rejected, no stack overflow', async () => {
    const anns = Array.from({ length: 130_000 }, (_, i) => `{"id":${i + 1},"image_id":1,"category_id":1,"bbox":[1,1,-2,2]}`).join(',');
    const text = `{"info":{},"images":[{"id":1,"file_name":"a.jpg","width":10,"height":10}],"annotations":[${anns}],"categories":[{"id":1,"name":"c"}]}`;
    let errors = 0;
    const r = await convert({ input: bufferInput(text), from: 'coco', to: 'annoconv', output: new MemorySink(), onDiagnostic: (d) => void (d.code === 'COCO_BBOX_INVALID' && errors++) });
    expect(errors).toBe(130_000);
    expect([r.read, r.written, r.rejected]).toEqual([130_001, 1, 130_000]);
  }, 60_000);
});

describe('wrong types in every field', () => {
  const JSON_FORMATS = new Set(['jsonl', 'annoconv', 'ls-bulk', 'coco', 'coco-results', 'labelstudio', 'labelstudio-min', 'remo-json', 'encord-json']);
  const TARGETS = ['coco', 'labelstudio', 'labelstudio-min', 'ls-bulk', 'csv', 'remo-json', 'encord-json', 'encord-csv', 'jsonl', 'annoconv'];

  it('each value of every JSON fixture replaced by null, booleans, numbers, strings, lists, objects: coded, never a crash, read = written + rejected', async () => {
    let runs = 0;
    const failures: string[] = [];
    for (const s of seeds().filter((x) => JSON_FORMATS.has(x.format))) {
      const variants = retyped(s, 40);
      for (const [k, v] of variants.entries()) {
        // every variant into the model; every eighth one into every writer
        for (const to of k % 8 === 0 ? TARGETS : ['annoconv']) {
          runs++;
          const diags: Diagnostic[] = [];
          try {
            const r = await convert({ input: bufferInput(v.bytes), from: s.format, to, output: new MemorySink(), onDiagnostic: (d) => diags.push(d) });
            if (r.read !== r.written + r.rejected) failures.push(`${v.label} -> ${to}: read ${r.read} != ${r.written} + ${r.rejected}`);
            if (r.exitCode === 1 && !diags.some((d) => d.severity === 'error')) failures.push(`${v.label} -> ${to}: exit 1 without an error`);
          } catch (e) {
            if (!(e instanceof AnnoconvError)) failures.push(`${v.label} -> ${to}: ${String(e)}`);
          }
          if (diags.some((d) => d.code === 'INTERNAL_ERROR')) failures.push(`${v.label} -> ${to}: INTERNAL_ERROR`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(runs).toBeGreaterThan(2000);
  }, 120_000);
});

describe('option files that are not what they claim', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annoconv-optfiles-'));
  const file = (name: string, data: string | Buffer): string => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };
  const items = '{"id":"a","kind":"image","path":"a.jpg","width":4,"height":4,"metadata":{},"annotations":[{"kind":"box","x":0,"y":0,"w":1,"h":1,"label":"cat"}]}\n';
  const cases: [string, string, Record<string, unknown>][] = [
    ['--categories with broken JSON', 'coco', { categories: file('c1.json', '[{"id": 1, "name": ') }],
    ['--categories with a null entry', 'coco', { categories: file('c2.json', '[null]') }],
    ['--categories not UTF-8', 'coco', { categories: file('c3.txt', withBad('cat', '\n')) }],
    ['--categories missing', 'coco', { categories: join(dir, 'none.json') }],
    ['--task-map not UTF-8', 'ls-bulk', { taskMap: file('m.csv', withBad('a,', '\n')) }],
  ];
  for (const [name, to, format] of cases) {
    it(`${name}: OPTION_INVALID, exit 2, no output`, async () => {
      const r = await run(items, 'annoconv', to, format);
      expect(r.exitCode).toBe(2);
      expect(r.diags.map((d) => d.code)).toEqual(['OPTION_INVALID']);
      expect(r.text).toBe('');
    });
  }
});
