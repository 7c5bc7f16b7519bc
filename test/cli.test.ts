/** The CLI as a user runs it: spawned from bin/, checking stdout, stderr and exit codes. */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, jsonDiagnostics, jsonLines, jsonSummary, BIN, ROOT } from './helpers/run.js';

let dir: string;
const U = (n: number): string => `0b8f1b3e-7c1d-4b8e-9f3a-${String(n).padStart(12, '0')}`;
const item = (n: number, extra = ''): string => `{"datatype": "text", "uuid": "${U(n)}", "data": {"text": "t${n}"}${extra}}`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const noStack = (s: string): void => {
  expect(s).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
  expect(s).not.toMatch(/node:internal/);
};

describe('annoconv basics', () => {
  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('--help lists the commands, examples and exit codes', async () => {
    const r = await cli(['convert', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--on-invalid/);
    expect(r.stdout).toMatch(/Examples:/);
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 invalid input/);
  });

  it('usage errors exit 2', async () => {
    const bogus = await cli(['convert', '--bogus', 'x', '--to', 'jsonl']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/error OPTION_INVALID unknown option --bogus; see "annoconv convert --help"\n$/);
    expect((await cli([])).code).toBe(2);
    const r = await cli(['convert', '--from', 'nope', '--to', 'jsonl', join(ROOT, 'fixtures/sample/items.jsonlines')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/OPTION_UNKNOWN_FORMAT/);
  });

  it('a missing input exits 3 with INPUT_NOT_FOUND', async () => {
    const r = await cli(['validate', join(dir, 'nope.jsonl'), '--diagnostics', 'json']);
    expect(r.code).toBe(3);
    expect(jsonDiagnostics(r.stderr).map((d) => d.code)).toEqual(['INPUT_NOT_FOUND']);
  });
});

describe('annoconv validate', () => {
  it('reports exactly lines 2, 4 and 6 (metadata "x", 12343, [12343]) and exits 1', async () => {
    const p = file('acc.jsonl', [item(1), item(2, ', "metadata": "x"'), item(3), item(4, ', "metadata": 12343'), item(5), item(6, ', "metadata": [12343]')].join('\n') + '\n');
    const r = await cli(['validate', p, '--diagnostics', 'json']);
    expect(r.code).toBe(1);
    const d = jsonDiagnostics(r.stderr);
    expect(d.map((x) => [x.code, x.line, x.record, x.pointer, x.severity, x.file])).toEqual([
      ['JSONL_METADATA_NOT_OBJECT', 2, 1, '#/metadata', 'error', p],
      ['JSONL_METADATA_NOT_OBJECT', 4, 3, '#/metadata', 'error', p],
      ['JSONL_METADATA_NOT_OBJECT', 6, 5, '#/metadata', 'error', p],
    ]);
    for (const x of d) expect(typeof x.message).toBe('string');
    expect(jsonSummary(r.stderr)).toMatchObject({ read: 6, valid: 3, invalid: 3, errors: 3, warnings: 0 });
  });

  it('text diagnostics read file:line: severity CODE', async () => {
    const p = file('one-bad.jsonl', item(1, ', "metadata": "x"') + '\n');
    const r = await cli(['validate', p]);
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: error JSONL_METADATA_NOT_OBJECT `));
  });

  it('the documented valid example passes with exit 0 and a summary', async () => {
    const p = file('ok.jsonl', '{"datatype": "text", "uuid": "8f4a2c1e-3b7d-4e9a-a1c2-5d6e7f8a9b0c", "data": {"text": "Bonjour"}, "metadata": {"objet": "libre à votre usage"}}\n');
    const r = await cli(['validate', p]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/: 1 record, 1 valid, 0 invalid, 0 errors, 0 warnings\n$/);
  });

  it('reads stdin, detects the format, and validates several files with the worst exit code', async () => {
    const r = await cli(['validate'], { stdin: item(1) + '\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/<stdin> \(jsonl\)/);
    const good = file('g.jsonl', item(1) + '\n');
    const bad = file('b.jsonl', item(1, ', "metadata": 1') + '\n');
    expect((await cli(['validate', good, bad])).code).toBe(1);
  });

  it('garbage gives coded diagnostics and exit 1, never a stack trace', async () => {
    const bin = file('garbage.jsonl', Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)));
    const r = await cli(['validate', bin, '--diagnostics', 'json', '--max-diagnostics', '0']);
    expect(r.code).toBe(1);
    const codes = new Set(jsonDiagnostics(r.stderr).map((d) => d.code));
    expect([...codes].every((c) => ['INPUT_INVALID_UTF8', 'JSONL_INVALID_JSON', 'JSONL_NOT_OBJECT', 'JSONL_WHITESPACE_LINE'].includes(c))).toBe(true);
    expect(codes.size).toBeGreaterThan(0);
    noStack(r.stderr);
    const trunc = await cli(['validate', file('t.jsonl', item(1) + '\n{"uuid": "x", "datatype": "te')]);
    expect(trunc.code).toBe(1);
    expect(trunc.stderr).toMatch(/:2:\d+: error JSONL_INVALID_JSON/);
    noStack(trunc.stderr);
  });

  it('an undetectable input exits 1 with INPUT_UNKNOWN_FORMAT', async () => {
    const r = await cli(['validate', file('x.bin', Buffer.from([0, 1, 2, 3, 255]))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INPUT_UNKNOWN_FORMAT/);
  });

  it('a 50 MB single line is reported and skipped in bounded memory', async () => {
    const big = file('big.jsonl', item(1) + '\n{"uuid": "x", "data": {"text": "' + 'x'.repeat(50 * 1024 * 1024) + '"}}\n' + item(3) + '\n');
    const r = await cli(['validate', big, '--diagnostics', 'json']);
    expect(r.code).toBe(1);
    expect(jsonDiagnostics(r.stderr).map((d) => [d.code, d.line])).toEqual([['INPUT_RECORD_TOO_LARGE', 2]]);
    expect(jsonSummary(r.stderr)).toMatchObject({ read: 3, valid: 2, invalid: 1 });
  });

  it('--max-diagnostics caps the printout and says how many were hidden', async () => {
    const p = file('many.jsonl', Array.from({ length: 12 }, (_, i) => item(i, ', "metadata": 1')).join('\n'));
    const r = await cli(['validate', p, '--max-diagnostics', '5', '--diagnostics', 'json']);
    const d = jsonDiagnostics(r.stderr);
    expect(d.filter((x) => x.code === 'JSONL_METADATA_NOT_OBJECT')).toHaveLength(5);
    expect(d.at(-1)!.code).toBe('DIAGNOSTICS_TRUNCATED');
    expect(d.at(-1)!.message).toMatch(/^7 more/);
  });
});

describe('annoconv convert', () => {
  const corpusLike = [
    '{"type":"text","annotated":true,"annotatedBy":["a@b.c"],"uuid":"61e711b3","data":{"text":"Politique\\n TX9"},"metadata":{}}',
    '{"uuid": "d7bb0128-c478-4f56-a00a-601ee6bd0849", "datatype": "text", "data": { "text": "a"}, "metadata": { "_id": 123 }, "tags": ["t"]}',
    '{"uuid": "n1", "datatype": "text", "data": { "text": "b"}, "metadata": null}',
  ].join('\n');

  it('jsonl -> annoconv | annoconv -> jsonl gives back the same items', async () => {
    const src = file('rt.jsonl', corpusLike + '\n');
    const a = await cli(['convert', '--from', 'jsonl', '--to', 'annoconv', src]);
    expect(a.code).toBe(0);
    const b = await cli(['convert', '--from', 'annoconv', '--to', 'jsonl'], { stdin: a.stdout });
    expect(b.code).toBe(0);
    expect(jsonLines(b.stdout)).toEqual(jsonLines(corpusLike));
  });

  it('the same through a shell pipe, with the format detected on stdin', () => {
    const src = file('rt2.jsonl', corpusLike + '\n');
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${BIN} convert --to annoconv ${src} | node ${BIN} convert --to jsonl -q`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout)).toEqual(jsonLines(corpusLike));
  });

  it('-o writes atomically; --rejects gets each rejected line verbatim; exit 1', async () => {
    const bad1 = item(2, ', "metadata": "x"');
    const bad2 = '{"uuid": "z", "datatype": "te';
    const src = file('mix.jsonl', [item(1), bad1, item(3), bad2].join('\n') + '\n');
    const out = join(dir, 'out.jsonl');
    const rej = join(dir, 'rejects.jsonl');
    const r = await cli(['convert', src, '--from', 'jsonl', '--to', 'jsonl', '-o', out, '--rejects', rej]);
    expect(r.code).toBe(1);
    expect(readFileSync(rej, 'utf8')).toBe(bad1 + '\n' + bad2 + '\n');
    expect(jsonLines(readFileSync(out, 'utf8'))).toEqual([JSON.parse(item(1)), JSON.parse(item(3))]);
    expect(r.stderr).toMatch(/read 4, wrote 2, rejected 2/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('--on-invalid fail stops at the first bad record and leaves no -o file', async () => {
    const src = file('fail.jsonl', [item(1), item(2, ', "metadata": 3'), item(3)].join('\n'));
    const out = join(dir, 'never.jsonl');
    const r = await cli(['convert', src, '--to', 'annoconv', '-o', out, '--on-invalid', 'fail', '--diagnostics', 'json']);
    expect(r.code).toBe(1);
    expect(jsonDiagnostics(r.stderr).map((d) => [d.code, d.line])).toEqual([
      ['JSONL_METADATA_NOT_OBJECT', 2],
      ['RUN_STOPPED', 2],
    ]);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('never'))).toEqual([]);
  });

  it('an unwritable -o exits 3 with OUTPUT_WRITE_FAILED', async () => {
    const r = await cli(['convert', join(ROOT, 'fixtures/sample/items.jsonlines'), '--to', 'annoconv', '-o', join(dir, 'no/such/dir/out'), '--diagnostics', 'json']);
    expect(r.code).toBe(3);
    expect(jsonDiagnostics(r.stderr).map((d) => d.code)).toEqual(['OUTPUT_WRITE_FAILED']);
  });

  it('annotations are counted as dropped on the way to jsonl; --strict makes it an error', async () => {
    const model = '{"id":"1","kind":"image","url":"https://x.org/1.jpg","metadata":{},"annotations":[{"kind":"box","x":1,"y":2,"w":3,"h":4,"label":"cat"},{"kind":"box","x":0,"y":0,"w":1,"h":1}]}\n';
    const r = await cli(['convert', '--from', 'annoconv', '--to', 'jsonl'], { stdin: model });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/dropped 2 annotations \(items.jsonlines holds no labels \(--to annotto-predictions or --to annotto-annotations writes them/);
    const s = await cli(['convert', '--from', 'annoconv', '--to', 'jsonl', '--strict', '--diagnostics', 'json'], { stdin: model });
    expect(s.code).toBe(1);
    expect(s.stdout).toBe('');
    expect(jsonDiagnostics(s.stderr).map((d) => [d.code, d.severity, d.line])).toEqual([['LOSS_DROPPED', 'error', 1]]);
  });

  it('a closed stdout pipe ends the run quietly', () => {
    const src = file('long.jsonl', Array.from({ length: 200_000 }, (_, i) => item(i)).join('\n'));
    const r = spawnSync('bash', ['-c', `node ${BIN} convert --to annoconv ${src} | head -1; echo "rc=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(jsonLines(r.stdout)).toHaveLength(1);
    expect(r.stderr).toMatch(/rc=0/);
    noStack(r.stderr);
    expect(r.stderr).not.toMatch(/EPIPE/);
  });
});

describe('detect, formats, schema', () => {
  it('detect prints the format id', async () => {
    expect((await cli(['detect', join(ROOT, 'fixtures/sample/items.jsonlines')])).stdout).toBe('jsonl\n');
    expect((await cli(['detect', join(ROOT, 'fixtures/annoconv/valid-all-kinds/input.annoconv')])).stdout).toBe('annoconv\n');
    expect((await cli(['detect', '-'], { stdin: '{"annoconv":"dataset","version":1}\n' })).stdout).toBe('annoconv\n');
    const u = await cli(['detect', file('u.txt', 'hello')]);
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/INPUT_UNKNOWN_FORMAT/);
  });

  it('formats --json lists each format with what it can do', async () => {
    const r = await cli(['formats', '--json']);
    const list = JSON.parse(r.stdout) as { id: string; read: boolean; write: boolean; validate: boolean }[];
    expect(list.find((f) => f.id === 'jsonl')).toMatchObject({ read: true, write: true, validate: true });
    expect(list.find((f) => f.id === 'annoconv')).toMatchObject({ read: true, write: true, validate: true });
  });

  it('schema prints the JSON Schema of a format (aliases accepted)', async () => {
    const r = await cli(['schema', 'items']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).$id).toMatch(/jsonl\.schema\.json$/);
  });
});

describe('option values and odd cells', () => {
  const items = join(ROOT, 'fixtures/sample/items.jsonlines');
  it('a bad number or a missing folder in an option is a usage error (exit 2, OPTION_INVALID)', async () => {
    const cases = [
      ['validate', items, '--max-diagnostics', 'abc'],
      ['validate', items, '--max-diagnostics', '-1'],
      ['validate', items, '--workers', '-1'],
      ['validate', items, '--workers', '1.5'],
      ['convert', items, '--to', 'coco', '--media-root', join(dir, 'no-such-folder')],
      ['convert', join(ROOT, 'fixtures/encord-json/all-kinds/input.json'), '--to', 'encord-json', '--split', '2', '-o', dir + '/'],
      ['convert', file('cols.csv', 'a,b\nx,y\n'), '--from', 'csv', '--to', 'annoconv', '--columns', 'file'],
    ];
    for (const args of cases) {
      const r = await cli([...args, '--diagnostics', 'json']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(jsonDiagnostics(r.stderr).map((d) => d.code), args.join(' ')).toEqual(['OPTION_INVALID']);
    }
    // seven processes: near the default 5 s when the machine is busy
  }, 30_000);

  it('CSV: columns no role reads are named once (CSV_COLUMNS_IGNORED); hex and Infinity are not coordinates', async () => {
    const src = file('extra.csv', 'file_name,class_name,xmin,ymin,xmax,ymax,score,notes\na.jpg,cat,1,1,2,2,0.9,ok\nb.jpg,cat,0x10,1,20,2,0.8,hex\nc.jpg,cat,Infinity,1,2,2,0.1,inf\n');
    const r = await cli(['convert', src, '--from', 'csv', '--to', 'annoconv', '--diagnostics', 'json']);
    expect(jsonDiagnostics(r.stderr).map((d) => [d.code, d.line])).toEqual([['CSV_COLUMNS_IGNORED', 1], ['CSV_CELL_INVALID', 3], ['CSV_CELL_INVALID', 4]]);
    expect(jsonLines(r.stdout).map((i) => (i as { id: string }).id)).toEqual(['a.jpg']);
  });

  it('control characters quoted from the input are shown escaped in text diagnostics', async () => {
    // the bad character of a line that starts with NUL, or with an escape sequence, is quoted
    const r = await cli(['validate', '--format', 'jsonl'], { stdin: Buffer.from('\u0000\u0000\n\u001b[31m\n') });
    expect(r.stderr).toContain('unexpected character "\\u0000"');
    expect(r.stderr).toContain('unexpected character "\\u001b"');
    expect(r.stderr).not.toContain('\u0000');
    expect(r.stderr).not.toContain('\u001b');
  });
});
