/** Line and column for problems in JSON documents, worked out from their byte offsets. */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLocator } from '../src/core/locate.js';
import { cli, jsonDiagnostics } from './helpers/run.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-locate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The expected place, counted on the decoded text: lines by "\n", columns in code points. */
function placeOf(bytes: Buffer, offset: number): { line: number; column: number } {
  const before = bytes.subarray(0, offset).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length, column: [...lines[lines.length - 1]!].length + 1 };
}

describe('FileLocator', () => {
  it('agrees with counting on the text, across 1 MiB checkpoints, in any order of questions', () => {
    const parts: string[] = [];
    for (let i = 0, n = 0; n < 3.5 * 1024 * 1024; i++) {
      const part = i % 7 === 0 ? `"é😀 ${i}",\n` : `${'x'.repeat(i % 90)}\n`;
      parts.push(part);
      n += part.length;
    }
    const bytes = Buffer.from(parts.join(''));
    const path = join(dir, 'big.txt');
    writeFileSync(path, bytes);
    const loc = new FileLocator(path);
    const offsets = [bytes.length - 1, 5, 2 * 1024 * 1024 + 17, 1024 * 1024, 0, 3 * 1024 * 1024 + 1, 1024 * 1024 - 1, 2 * 1024 * 1024 + 17];
    // only offsets at character boundaries are asked (diagnostics point at JSON tokens)
    for (let o of offsets) {
      while (o > 0 && (bytes[o]! & 0xc0) === 0x80) o--;
      expect(loc.locate(o), `offset ${o}`).toEqual(placeOf(bytes, o));
    }
    expect(new FileLocator(join(dir, 'none')).locate(3)).toBeUndefined();
    // a UTF-8 byte order mark is not a character: "{" after BOM + "[" is line 1, column 2
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a": 1},\n {"b": 2}]')]));
    expect(new FileLocator(bom).locate(4)).toEqual({ line: 1, column: 2 });
    expect(new FileLocator(bom).locate(15)).toEqual({ line: 2, column: 2 });
  });
});

describe('diagnostics of JSON documents carry line and column', () => {
  const tasks = '[\n  {"id": 1, "data": {"image": "https://x/a.jpg"}},\n  {"id": 2,\n   "data": 5},\n  {"id": 3, "data": {"image": "https://x/é.jpg"}, "annotations": 7}\n]\n';

  it('from a file: each at the line and column of its byte offset', async () => {
    const path = join(dir, 'tasks.json');
    writeFileSync(path, tasks);
    const r = await cli(['validate', path, '--format', 'labelstudio', '--diagnostics', 'json']);
    const diags = jsonDiagnostics(r.stderr);
    expect(diags.map((d) => [d.code, d.pointer, d.line, d.column])).toEqual([
      ['LS_TASK_INVALID', '#/1/data', 3, 3],
      ['LS_TASK_INVALID', '#/2/annotations', 5, 3],
    ]);
    for (const d of diags) expect({ line: d.line, column: d.column }).toEqual(placeOf(Buffer.from(tasks), d.offset!));
    const text = await cli(['validate', path, '--format', 'labelstudio']);
    expect(text.stderr).toContain(`${path}:3:3: error LS_TASK_INVALID`);
  });

  it('a COCO file: annotations reported after the join still get their lines', async () => {
    const coco = readFileSync(join(import.meta.dirname, '../fixtures/coco/acceptance-invalid/input.json'));
    const pretty = Buffer.from(JSON.stringify(JSON.parse(coco.toString()), null, 2));
    const path = join(dir, 'pretty.json');
    writeFileSync(path, pretty);
    const r = await cli(['validate', path, '--format', 'coco', '--diagnostics', 'json']);
    const diags = jsonDiagnostics(r.stderr).filter((d) => d.offset !== undefined);
    expect(diags.length).toBeGreaterThanOrEqual(3);
    for (const d of diags) {
      expect(d.line).toBeGreaterThan(1);
      expect({ line: d.line, column: d.column }).toEqual(placeOf(pretty, d.offset!));
    }
  });

  it('stdin and gzip inputs keep the byte offset only (no file to count in)', async () => {
    const fromStdin = jsonDiagnostics((await cli(['validate', '--format', 'labelstudio', '--diagnostics', 'json'], { stdin: tasks })).stderr);
    expect(fromStdin.map((d) => [d.line, d.offset])).toEqual([[null, 55], [null, 82]]);
    const gz = join(dir, 'tasks.json.gz');
    writeFileSync(gz, gzipSync(tasks));
    const fromGzip = jsonDiagnostics((await cli(['validate', gz, '--format', 'labelstudio', '--diagnostics', 'json'])).stderr);
    expect(fromGzip.map((d) => [d.line, d.offset])).toEqual([[null, 55], [null, 82]]);
  });
});
