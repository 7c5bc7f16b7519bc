/**
 * Files named by options (--categories, --task-map, --server-config, --gt) are regular files of at
 * most 64 MiB (--gt: any size, it is streamed). A FIFO with no writer made the run wait past
 * Ctrl-C until SIGKILL, and --categories /dev/zero read until the machine ran out of memory.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, cli, jsonDiagnostics } from './helpers/run.js';
import { checkOptionFiles, MAX_OPTION_FILE_BYTES, readOptionFile } from '../src/core/option-files.js';
import { AnnoconvError } from '../src/core/diagnostics.js';

const SAMPLE = join(ROOT, 'fixtures/sample/instances.json');
const ITEMS = join(ROOT, 'fixtures/sample/items.jsonlines');
let dir: string;
let fifo: string | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-optfile-'));
  const p = join(dir, 'fifo');
  fifo = spawnSync('mkfifo', [p]).status === 0 ? p : undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error a library call throws (undefined if none). */
async function thrown(p: Promise<unknown>): Promise<AnnoconvError | undefined> {
  try {
    await p;
  } catch (e) {
    return e as AnnoconvError;
  }
  return undefined;
}

describe('an option naming a FIFO, a device or a folder', () => {
  it('--categories FIFO: exit 2 OPTION_FILE_NOT_REGULAR at once, under `timeout -s INT 3`, no -o file', () => {
    if (!fifo) return; // no mkfifo here
    const out = join(dir, 'cats.json');
    const started = Date.now();
    const r = spawnSync('timeout', ['-s', 'INT', '3', process.execPath, BIN, 'convert', SAMPLE, '--to', 'coco', '--categories', fifo, '-o', out, '--diagnostics', 'json'], { encoding: 'utf8', timeout: 20_000 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.status).toBe(2);
    expect(jsonDiagnostics(r.stderr).map((d) => [d.code, d.file])).toEqual([['OPTION_FILE_NOT_REGULAR', fifo]]);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.cats'))).toEqual([]);
  }, 30_000);

  it('each file option refuses a FIFO, /dev/zero and a folder with exit 2 and the option named', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder, { recursive: true });
    const targets = [...(fifo ? [fifo] : []), '/dev/zero', folder];
    const commands: [string, string[]][] = [
      ['--categories', ['convert', SAMPLE, '--to', 'coco']],
      ['--task-map', ['convert', SAMPLE, '--from', 'coco', '--to', 'ls-bulk']],
      ['--server-config', ['validate', ITEMS]],
      ['--gt', ['convert', SAMPLE, '--from', 'coco-results', '--to', 'annoconv']],
    ];
    for (const [flag, args] of commands) {
      for (const target of targets) {
        const r = await cli([...args, flag, target, '--diagnostics', 'json']);
        const what = `${flag} ${target}`;
        expect(r.code, what).toBe(2);
        const d = jsonDiagnostics(r.stderr);
        expect(d.map((x) => x.code), what).toEqual(['OPTION_FILE_NOT_REGULAR']);
        expect(d[0]!.message, what).toContain(flag);
        expect(r.stdout, what).toBe('');
      }
    }
  }, 60_000);
});

describe('an option file over 64 MiB', () => {
  it('--categories and --task-map: exit 2 OPTION_FILE_TOO_LARGE without reading it', async () => {
    const big = join(dir, 'big.txt');
    writeFileSync(big, 'cat\n');
    truncateSync(big, MAX_OPTION_FILE_BYTES + 1); // sparse: no disk space taken
    for (const args of [['--to', 'coco', '--categories', big], ['--from', 'coco', '--to', 'ls-bulk', '--task-map', big]]) {
      const r = await cli(['convert', SAMPLE, ...args, '--diagnostics', 'json']);
      expect(r.code).toBe(2);
      expect(jsonDiagnostics(r.stderr).map((d) => d.code)).toEqual(['OPTION_FILE_TOO_LARGE']);
    }
  }, 30_000);

  it('a file of exactly 64 MiB is read; one byte more is refused (library)', async () => {
    const at = join(dir, 'at-limit.txt');
    writeFileSync(at, '');
    truncateSync(at, MAX_OPTION_FILE_BYTES);
    expect((await readOptionFile('categories', at)).length).toBe(MAX_OPTION_FILE_BYTES);
    truncateSync(at, MAX_OPTION_FILE_BYTES + 1);
    const e = await thrown(readOptionFile('categories', at));
    expect([e?.diagnostic.code, e?.exitCode]).toEqual(['OPTION_FILE_TOO_LARGE', 2]);
  }, 30_000);
});

describe('checkOptionFiles (for a caller that checks usage before opening anything)', () => {
  it('passes regular files, refuses the first bad one, and keeps each option\'s code for a missing file', async () => {
    const ok = join(dir, 'ok.txt');
    writeFileSync(ok, 'cat\n');
    expect(await checkOptionFiles({ format: { categories: ok, taskMap: ok, serverConfig: ok, gt: ok } })).toBeUndefined();
    const device = await thrown(checkOptionFiles({ format: { categories: ok, gt: '/dev/null' } }));
    expect([device?.diagnostic.code, device?.exitCode, device?.diagnostic.file]).toEqual(['OPTION_FILE_NOT_REGULAR', 2, '/dev/null']);
    const none = join(dir, 'none.json');
    const missing = await Promise.all(
      (['categories', 'taskMap', 'serverConfig', 'gt'] as const).map(async (k) => {
        const e = await thrown(checkOptionFiles({ format: { [k]: none } }));
        return [k, e?.diagnostic.code, e?.exitCode];
      }),
    );
    expect(missing).toEqual([
      ['categories', 'OPTION_INVALID', 2],
      ['taskMap', 'OPTION_INVALID', 2],
      ['serverConfig', 'CONFIG_NOT_FOUND', 2],
      ['gt', 'OPTION_INVALID', 2],
    ]);
  });
});
