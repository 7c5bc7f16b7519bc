/**
 * Where outputs go: `-o`, `--rejects`, `--config-out` and `--split` parts are written where their
 * path points. A device, FIFO, socket or /dev/stdout is written through as a stream; a symbolic
 * link is followed and its target replaced (the link kept); a regular file keeps its permission
 * bits. Also: the stale-part sweep of --split, one rejected record per line, and a run whose every
 * record was rejected writing no output.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { BIN, cli, jsonDiagnostics, jsonSummary } from './helpers/run.js';
import { compactJson } from '../src/core/reject-line.js';
import { convert, MemorySink } from '../src/index.js';

let dir: string;
let src: string;
let expected: string;
const U = (n: number): string => `0b8f1b3e-7c1d-4b8e-9f3a-${String(n).padStart(12, '0')}`;
const line = (n: number): string => `{"datatype":"text","uuid":"${U(n)}","data":{"text":"t${n}"}}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-outputs-'));
  src = join(dir, 'in.jsonl');
  writeFileSync(src, Array.from({ length: 50 }, (_, i) => line(i)).join('\n') + '\n');
  const r = await cli(['convert', src, '--to', 'annoconv', '-q']);
  expect(r.code).toBe(0);
  expected = r.stdout;
  expect(expected.split('\n')).toHaveLength(51);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sub = (name: string): string => {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
};

describe('-o onto files that are not regular files', () => {
  it('-o /dev/stdout gives the same bytes as stdout, exit 0', async () => {
    const r = await cli(['convert', src, '--to', 'annoconv', '-o', '/dev/stdout', '-q']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected);
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
  }, 30_000);

  it('-o /dev/fd/3 writes into the descriptor the shell opened', () => {
    const out = join(sub('fd'), 'got.annoconv');
    const r = spawnSync('bash', ['-c', `node ${BIN} convert ${src} --to annoconv -o /dev/fd/3 -q 3>${out}`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(expected);
    expect(readdirSync(join(dir, 'fd'))).toEqual(['got.annoconv']);
  }, 30_000);

  it('-o onto a character device writes into it and leaves it a device', async () => {
    // as root a node made here stands for /dev/null (a bug must not replace the real one)
    let device = '/dev/null';
    if (process.getuid?.() === 0) {
      device = join(sub('dev'), 'null');
      expect(spawnSync('mknod', [device, 'c', '1', '3']).status).toBe(0);
    }
    const before = statSync(device);
    expect(before.isCharacterDevice()).toBe(true);
    const r = await cli(['convert', src, '--to', 'annoconv', '-o', device, '--rejects', device, '-q']);
    expect(r.code).toBe(0);
    const after = lstatSync(device);
    expect(after.isCharacterDevice()).toBe(true);
    expect([after.rdev, after.ino]).toEqual([before.rdev, before.ino]);
    if (device !== '/dev/null') expect(readdirSync(join(dir, 'dev'))).toEqual(['null']);
  }, 30_000);

  it('-o onto a FIFO streams into it: the reader on the other end receives the data', async () => {
    const fifo = join(sub('fifo'), 'out.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    const got: Buffer[] = [];
    reader.stdout.on('data', (d: Buffer) => got.push(d));
    const closed = new Promise<number | null>((resolve) => reader.on('close', resolve));
    try {
      const r = await cli(['convert', src, '--to', 'annoconv', '-o', fifo, '-q']);
      expect(r.code).toBe(0);
      expect(await closed).toBe(0);
      expect(Buffer.concat(got).toString()).toBe(expected);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      expect(readdirSync(join(dir, 'fifo'))).toEqual(['out.fifo']);
    } finally {
      reader.kill();
    }
  }, 30_000);

  it('-o onto a Unix socket sends the output to the program listening on it', async () => {
    const path = join(sub('socket'), 'out.sock');
    const got: Buffer[] = [];
    let ended!: () => void;
    const end = new Promise<void>((resolve) => (ended = resolve));
    const server = createServer((c) => c.on('data', (d: Buffer) => got.push(d)).on('end', () => ended()));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const r = await cli(['convert', src, '--to', 'annoconv', '-o', path, '-q']);
      expect(r.code).toBe(0);
      await end;
      expect(Buffer.concat(got).toString()).toBe(expected);
      expect(lstatSync(path).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  }, 30_000);
});

describe('-o onto symbolic links and existing files', () => {
  it('-o onto a symbolic link replaces its target and keeps the link; no temporary file is left', async () => {
    const d = sub('link');
    const targets = sub('link/targets');
    writeFileSync(join(targets, 'real.annoconv'), 'old\n');
    symlinkSync('targets/real.annoconv', join(d, 'out.annoconv'));
    const r = await cli(['convert', src, '--to', 'annoconv', '-o', join(d, 'out.annoconv'), '-q']);
    expect(r.code).toBe(0);
    expect(lstatSync(join(d, 'out.annoconv')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(d, 'out.annoconv'))).toBe('targets/real.annoconv');
    expect(readFileSync(join(targets, 'real.annoconv'), 'utf8')).toBe(expected);
    expect(readdirSync(d).sort()).toEqual(['out.annoconv', 'targets']);
    expect(readdirSync(targets)).toEqual(['real.annoconv']);
  }, 30_000);

  it('a link to a file not yet there creates the target; --rejects and --config-out links are kept too', async () => {
    const d = sub('link2');
    symlinkSync('made.annoconv', join(d, 'out.annoconv'));
    symlinkSync('rejects-target.jsonl', join(d, 'rej.jsonl'));
    symlinkSync('config-target.xml', join(d, 'config.xml'));
    const bad = join(d, 'mixed.jsonl');
    writeFileSync(bad, [line(1), '{"uuid": 3}', line(2)].join('\n') + '\n');
    const r = await cli(['convert', bad, '--to', 'labelstudio', '-o', join(d, 'out.annoconv'), '--rejects', join(d, 'rej.jsonl'), '--config-out', join(d, 'config.xml'), '-q']);
    expect(r.code).toBe(1);
    for (const name of ['out.annoconv', 'rej.jsonl', 'config.xml']) expect(lstatSync(join(d, name)).isSymbolicLink(), name).toBe(true);
    expect(JSON.parse(readFileSync(join(d, 'made.annoconv'), 'utf8'))).toHaveLength(2);
    expect(readFileSync(join(d, 'rejects-target.jsonl'), 'utf8')).toBe('{"uuid": 3}\n');
    expect(readFileSync(join(d, 'config-target.xml'), 'utf8')).toMatch(/^<View>/);
  }, 30_000);

  it('an existing 0600 output stays 0600', async () => {
    const out = join(sub('mode'), 'secret.annoconv');
    writeFileSync(out, 'old\n');
    chmodSync(out, 0o600);
    const r = await cli(['convert', src, '--to', 'annoconv', '-o', out, '-q']);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(expected);
    expect(statSync(out).mode & 0o777).toBe(0o600);
  }, 30_000);
});

describe('--split stale-part sweep', () => {
  it('ends when the next part\'s name would be over 255 bytes (999 parts of a 251-byte name): it ran for ever', () => {
    const d = sub('long-split');
    const images = Array.from({ length: 999 }, (_, i) => ({ objectUrl: `https://b.s3.eu-west-1.amazonaws.com/img/${i}.jpg` }));
    writeFileSync(join(d, 'in.json'), JSON.stringify({ images }));
    const out = join(d, 'x'.repeat(246) + '.json');
    const r = spawnSync('node', [BIN, 'convert', join(d, 'in.json'), '--to', 'encord-json', '--split', '1', '-o', out, '--diagnostics', 'json'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBe(null);
    expect(r.status).toBe(0);
    expect(jsonDiagnostics(r.stderr)).toEqual([]);
    const parts = readdirSync(d).filter((f) => f !== 'in.json').sort();
    expect(parts).toHaveLength(999);
    expect(parts[998]).toBe('x'.repeat(246) + '-999.json');
    expect(Buffer.byteLength(parts[998]!)).toBe(255);
  }, 90_000);

  it('stops at the first name it cannot remove and names it (OUTPUT_STALE_PARTS)', () => {
    const d = sub('stale-split');
    writeFileSync(join(d, 'in.json'), JSON.stringify({ images: [{ objectUrl: 'https://b.s3.eu-west-1.amazonaws.com/a.jpg' }] }));
    writeFileSync(join(d, 'm-002.json'), '{}');
    mkdirSync(join(d, 'm-003.json'));
    writeFileSync(join(d, 'm-004.json'), '{}');
    const r = spawnSync('node', [BIN, 'convert', join(d, 'in.json'), '--to', 'encord-json', '--split', '1', '-o', join(d, 'm.json'), '--diagnostics', 'json'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const stale = jsonDiagnostics(r.stderr);
    expect(stale.map((x) => x.code)).toEqual(['OUTPUT_STALE_PARTS']);
    expect(stale[0]!.message).toContain(`removed ${join(d, 'm-002.json')}, ${join(d, 'm-003.json')} (could not remove it: `);
    expect(readdirSync(d).sort()).toEqual(['in.json', 'm-001.json', 'm-003.json', 'm-004.json']);
  }, 30_000);
});

describe('--rejects: one record per line', () => {
  const bad = { id: 'bad', file_name: 'a  b\\n.jpg', width: 10.0, height: 1.5e1, tags: [1, 2, { k: 'v w' }] };
  const pretty = (eol: string): string =>
    JSON.stringify({ info: {}, images: [{ id: 1, file_name: 'a.jpg', width: 10, height: 10 }, bad], annotations: [], categories: [{ id: 1, name: 'cat' }] }, null, 2)
      .replace('"width": 10,\n      "height": 15', '"width": 10.0,\n      "height": 1.5e1')
      .replace(/\n/g, eol);
  // the record as written in the file, its tokens unchanged (10.0 and 1.5e1 stay as they are)
  const compact = '{"id":"bad","file_name":"a  b\\\\n.jpg","width":10.0,"height":1.5e1,"tags":[1,2,{"k":"v w"}]}';

  for (const [eol, name] of [['\n', 'LF'], ['\r\n', 'CRLF']] as const) {
    it(`a record spread over lines of a pretty-printed COCO file (${name}) is written on one line, ending as the input's lines do`, async () => {
      const d = sub(`rej-coco-${name}`);
      writeFileSync(join(d, 'in.json'), pretty(eol));
      expect(readFileSync(join(d, 'in.json'), 'utf8')).toContain('"width": 10.0,');
      const r = await cli(['convert', join(d, 'in.json'), '--from', 'coco', '--to', 'annoconv', '-o', join(d, 'out.annoconv'), '--rejects', join(d, 'rej.jsonl'), '--diagnostics', 'json']);
      expect(r.code).toBe(1);
      expect(jsonDiagnostics(r.stderr).map((x) => [x.code, x.pointer])).toEqual([['COCO_FIELD_TYPE', '#/images/1/id']]);
      expect(readFileSync(join(d, 'rej.jsonl'), 'utf8')).toBe(compact + eol);
    }, 30_000);
  }

  it('a pretty-printed Label Studio export: each rejected task on one line', async () => {
    const d = sub('rej-ls');
    const tasks = [
      { id: 1, data: { image: 'https://x.org/a.jpg' }, annotations: 'not a list' },
      { id: 2, data: { image: 'https://x.org/b.jpg' }, annotations: [] },
      { id: 3, data: 'not an object' },
    ];
    writeFileSync(join(d, 'export.json'), JSON.stringify(tasks, null, 4));
    const r = await cli(['convert', join(d, 'export.json'), '--from', 'labelstudio', '--to', 'annoconv', '-o', join(d, 'out.annoconv'), '--rejects', join(d, 'rej.jsonl'), '-q']);
    expect(r.code).toBe(1);
    expect(readFileSync(join(d, 'rej.jsonl'), 'utf8')).toBe(JSON.stringify(tasks[0]) + '\n' + JSON.stringify(tasks[2]) + '\n');
  }, 30_000);

  it('a record that is not valid JSON is put on one line with its tokens kept apart', async () => {
    const d = sub('rej-invalid');
    writeFileSync(join(d, 'in.json'), '{\n  "images": [\n    {\n      "id": 1 2,\n      "file_name": "a.jpg"\n    }\n  ],\n  "annotations": [],\n  "categories": [],\n  "info": {}\n}\n');
    const r = await cli(['convert', join(d, 'in.json'), '--from', 'coco', '--to', 'annoconv', '-o', join(d, 'out.annoconv'), '--rejects', join(d, 'rej.jsonl'), '--diagnostics', 'json']);
    expect(r.code).toBe(1);
    expect(jsonDiagnostics(r.stderr).map((x) => x.code)).toEqual(['COCO_INVALID_JSON']);
    expect(readFileSync(join(d, 'rej.jsonl'), 'utf8')).toBe('{"id":1 2,"file_name":"a.jpg"}\n');
  }, 30_000);

  it('a CRLF line of a JSON Lines file is kept byte for byte, its CRLF too', async () => {
    const d = sub('rej-jsonl');
    const badLine = '{"datatype": "text",  "uuid": 7, "data": {"text": "x"}}';
    writeFileSync(join(d, 'in.jsonl'), [line(1), badLine, line(2)].join('\r\n') + '\r\n');
    const r = await cli(['convert', join(d, 'in.jsonl'), '--to', 'jsonl', '-o', join(d, 'out.jsonl'), '--rejects', join(d, 'rej.jsonl'), '-q']);
    expect(r.code).toBe(1);
    expect(readFileSync(join(d, 'rej.jsonl'), 'utf8')).toBe(badLine + '\r\n');
  }, 30_000);
});

describe('compactJson', () => {
  it('removes whitespace between tokens only, keeps escapes and bytes that are not UTF-8, and keeps tokens apart', () => {
    const c = (s: string | Buffer): string => compactJson(Buffer.from(s)).toString('latin1');
    expect(c('{"a": "x \\" y",\n  "b": [1,\n 2.50]}')).toBe('{"a":"x \\" y","b":[1,2.50]}');
    expect(c('[true\n false,\r\n null 7]')).toBe('[true false,null 7]');
    expect(c('{"s": "line\nbreak\r"}')).toBe('{"s":"line\\nbreak\\r"}');
    expect(c(Buffer.from([0x5b, 0x22, 0xff, 0x20, 0x22, 0x0a, 0x5d]))).toBe('["\xff "]');
  });
});

describe('a run whose every record was rejected', () => {
  const allBad = JSON.stringify({ images: [{ objectUrl: 'not-a-url' }, { objectUrl: 'https://b.s3.eu-west-1.amazonaws.com/a b.jpg' }] });

  it('writes no -o file (exit 1): the file already there is untouched, --rejects is written', async () => {
    const d = sub('all-rejected');
    writeFileSync(join(d, 'in.json'), allBad);
    for (const [to, out] of [['encord-json', 'm.json'], ['csv', 't.csv'], ['coco', 'c.json']] as const) {
      writeFileSync(join(d, out), 'earlier\n');
      const r = await cli(['convert', join(d, 'in.json'), '--from', 'encord-json', '--to', to, '-o', join(d, out), '--rejects', join(d, 'rej.jsonl'), '--diagnostics', 'json']);
      expect(r.code, to).toBe(1);
      expect(jsonDiagnostics(r.stderr).map((x) => x.code).sort(), to).toEqual(['ENCORD_URL_INVALID', 'ENCORD_URL_WHITESPACE']);
      expect(readFileSync(join(d, out), 'utf8'), to).toBe('earlier\n');
      expect(readFileSync(join(d, 'rej.jsonl'), 'utf8').split('\n'), to).toHaveLength(3);
      expect(jsonSummary(r.stderr), to).toMatchObject({ read: 2, written: 0, rejected: 2, outputSkipped: 'all records rejected', exitCode: 1 });
    }
    const text = await cli(['convert', join(d, 'in.json'), '--from', 'encord-json', '--to', 'coco', '-o', join(d, 'c.json')]);
    expect(text.stderr.trimEnd().split('\n').at(-1)).toMatch(/: read 2, wrote 0, rejected 2, 2 errors, 0 warnings; no output written: all records rejected$/);
    expect(readdirSync(d).sort()).toEqual(['c.json', 'in.json', 'm.json', 'rej.jsonl', 't.csv']);
  }, 30_000);

  it('--split writes no part (an earlier run\'s parts stay), -o DIR leaves the folder as it was, --config-out is not written', async () => {
    const d = sub('all-rejected-more');
    writeFileSync(join(d, 'in.json'), allBad);
    writeFileSync(join(d, 'p-001.json'), 'earlier\n');
    writeFileSync(join(d, 'p-002.json'), 'earlier\n');
    const split = await cli(['convert', join(d, 'in.json'), '--from', 'encord-json', '--to', 'encord-json', '--split', '1', '-o', join(d, 'p.json'), '-q']);
    expect(split.code).toBe(1);
    const ls = await cli(['convert', join(d, 'in.json'), '--from', 'encord-json', '--to', 'labelstudio', '-o', join(d, 'tasks.json'), '--config-out', join(d, 'config.xml'), '-q']);
    expect(ls.code).toBe(1);
    expect(readdirSync(d).sort()).toEqual(['in.json', 'p-001.json', 'p-002.json']);
    const tree = sub('all-rejected-more/yolo');
    mkdirSync(join(tree, 'labels'));
    writeFileSync(join(tree, 'classes.txt'), 'dog\n');
    writeFileSync(join(tree, 'labels', 'a.txt'), '0 0.5 0.5 0.1 0.1\n');
    const sizeless = join(d, 'sizeless.annoconv');
    writeFileSync(sizeless, '{"id":"a","kind":"image","path":"b.jpg","metadata":{},"annotations":[{"kind":"box","x":1,"y":1,"w":2,"h":2,"label":"cat"}]}\n');
    const yolo = await cli(['convert', sizeless, '--from', 'annoconv', '--to', 'yolo', '-o', tree, '--diagnostics', 'json']);
    expect(yolo.code).toBe(1);
    expect(jsonDiagnostics(yolo.stderr).map((x) => x.code)).toEqual(['YOLO_NO_SIZE']);
    expect(readdirSync(tree).sort()).toEqual(['classes.txt', 'labels']);
    expect(readFileSync(join(tree, 'classes.txt'), 'utf8')).toBe('dog\n');
    expect(readdirSync(join(tree, 'labels'))).toEqual(['a.txt']);
  }, 30_000);

  it('the library says why (outputSkipped); stdout and a sink of the caller\'s still get the output', async () => {
    const d = sub('all-rejected-lib');
    writeFileSync(join(d, 'in.json'), allBad);
    const skipped = await convert({ input: join(d, 'in.json'), from: 'encord-json', to: 'encord-json', output: join(d, 'out.json') });
    expect([skipped.exitCode, skipped.read, skipped.rejected, skipped.outputSkipped]).toEqual([1, 2, 2, 'all records rejected']);
    expect(readdirSync(d)).toEqual(['in.json']);
    const sink = new MemorySink();
    const mem = await convert({ input: join(d, 'in.json'), from: 'encord-json', to: 'encord-json', output: sink });
    expect(mem.outputSkipped).toBeUndefined();
    expect(JSON.parse(sink.text())).toEqual({});
    const out = await cli(['convert', join(d, 'in.json'), '--from', 'encord-json', '--to', 'encord-json', '-q']);
    expect([out.code, JSON.parse(out.stdout)]).toEqual([1, {}]);
    const ok = await convert({ input: src, to: 'annoconv', output: join(d, 'ok.annoconv') });
    expect([ok.exitCode, ok.outputSkipped]).toEqual([0, undefined]);
  }, 30_000);
});
