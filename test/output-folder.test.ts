/**
 * `-o DIR` (VOC and YOLO) as one unit: after a successful run the folder holds that run's output
 * (files an earlier run wrote and this one did not are removed, the user's own files kept); a
 * failed run, even one failing part way through the final moves, leaves the folder as it was; a
 * second run into a folder in use is refused; names that differ only by case are refused.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BIN, cli, jsonDiagnostics, jsonSummary } from './helpers/run.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-folder-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const item = (path: string, label: string, x = 1): string =>
  JSON.stringify({ id: path, kind: 'image', path, width: 10, height: 10, metadata: {}, annotations: [{ kind: 'box', x, y: 1, w: 2, h: 2, label }] });

function input(name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

/** Every file below a folder (hidden ones too) with its content. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(root, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}

const visible = (snap: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(snap).filter(([k]) => !k.split('/').some((s) => s.startsWith('.'))));

describe('-o DIR after a successful run holds that run\'s output', () => {
  it('YOLO: label files of an earlier run that this run did not write are removed and named; a dog does not become a cat', async () => {
    const out = join(dir, 'yolo-stale');
    mkdirSync(join(out, 'images'), { recursive: true });
    writeFileSync(join(out, 'images', 'a.jpg'), 'image bytes');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const first = await cli(['convert', input('y1.annoconv', [item('a.jpg', 'dog'), item('b.jpg', 'cat')]), '--from', 'annoconv', '--to', 'yolo', '-o', out, '-q']);
    expect(first.code).toBe(0);
    expect(readFileSync(join(out, 'classes.txt'), 'utf8')).toBe('dog\ncat\n');
    expect(readFileSync(join(out, 'labels', 'a.txt'), 'utf8')).toMatch(/^0 /);
    const second = await cli(['convert', input('y2.annoconv', [item('b.jpg', 'cat'), item('images/sub/c.jpg', 'cat')]), '--from', 'annoconv', '--to', 'yolo', '-o', out, '--diagnostics', 'json']);
    expect(second.code).toBe(0);
    const d = jsonDiagnostics(second.stderr);
    expect(d.map((x) => x.code)).toEqual(['OUTPUT_STALE_FILES']);
    expect(d[0]!.message).toContain(join(out, 'labels', 'a.txt'));
    expect(visible(snapshot(out))).toEqual({
      'classes.txt': 'cat\n',
      'data.yaml': expect.stringContaining('names:\n  - cat\n'),
      'images/a.jpg': 'image bytes',
      'labels/b.txt': '0 0.2 0.2 0.2 0.2\n',
      'labels/sub/c.txt': '0 0.2 0.2 0.2 0.2\n',
      'notes.txt': 'mine',
    });
    const third = await cli(['convert', input('y3.annoconv', [item('b.jpg', 'cat')]), '--from', 'annoconv', '--to', 'yolo', '-o', out, '--diagnostics', 'json']);
    expect(third.code).toBe(0);
    expect(jsonDiagnostics(third.stderr).map((x) => x.code)).toEqual(['OUTPUT_STALE_FILES']);
    // the emptied folder labels/sub goes with its last file
    expect(Object.keys(visible(snapshot(out))).sort()).toEqual(['classes.txt', 'data.yaml', 'images/a.jpg', 'labels/b.txt', 'notes.txt']);
    expect(existsSync(join(out, 'labels', 'sub'))).toBe(false);
    expect(readdirSync(out).filter((f) => f.startsWith('.')).sort()).toEqual(['.annoconv-files']);
  }, 60_000);

  it('VOC: XML files of an earlier run go; an XML file the user put there stays', async () => {
    const out = join(dir, 'voc-stale');
    mkdirSync(out);
    writeFileSync(join(out, 'mine.xml'), '<mine/>');
    expect((await cli(['convert', input('v1.annoconv', [item('a.jpg', 'dog'), item('b.jpg', 'cat')]), '--from', 'annoconv', '--to', 'voc', '-o', out, '-q'])).code).toBe(0);
    expect(readdirSync(out).filter((f) => !f.startsWith('.')).sort()).toEqual(['a.xml', 'b.xml', 'mine.xml']);
    const r = await cli(['convert', input('v2.annoconv', [item('c.jpg', 'dog')]), '--from', 'annoconv', '--to', 'voc', '-o', out, '--diagnostics', 'json']);
    expect(r.code).toBe(0);
    expect(jsonDiagnostics(r.stderr).map((x) => [x.code, x.file])).toEqual([['OUTPUT_STALE_FILES', out]]);
    expect(readdirSync(out).filter((f) => !f.startsWith('.')).sort()).toEqual(['c.xml', 'mine.xml']);
  }, 60_000);
});

describe('a failed run leaves -o DIR as it was', () => {
  it('a move that fails part way (a folder where a label file goes) is rolled back: earlier files back, new ones gone', async () => {
    const out = join(dir, 'yolo-rollback');
    expect((await cli(['convert', input('r1.annoconv', [item('a.jpg', 'dog'), item('b.jpg', 'cat')]), '--from', 'annoconv', '--to', 'yolo', '-o', out, '-q'])).code).toBe(0);
    mkdirSync(join(out, 'labels', 'zz.txt'));
    writeFileSync(join(out, 'labels', 'zz.txt', 'keep'), 'x');
    const before = snapshot(out);
    // classes.txt, labels/a.txt and labels/m.txt move in before labels/zz.txt fails
    const r = await cli(['convert', input('r2.annoconv', [item('a.jpg', 'cat', 3), item('m.jpg', 'dog'), item('zz.jpg', 'dog')]), '--from', 'annoconv', '--to', 'yolo', '-o', out, '--diagnostics', 'json']);
    expect(r.code).toBe(3);
    expect(jsonDiagnostics(r.stderr).map((x) => x.code)).toEqual(['OUTPUT_WRITE_FAILED']);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(out).filter((f) => f.startsWith('.')).sort()).toEqual(['.annoconv-files']);
  }, 60_000);

  it('a folder that did not exist is not left behind by a failed run', async () => {
    const out = join(dir, 'never-made');
    const r = await cli(['convert', input('bad.annoconv', [item('a.jpg', 'dog'), '{"id": 1']), '--from', 'annoconv', '--to', 'yolo', '-o', out, '--on-invalid', 'fail', '-q']);
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
  }, 30_000);
});

describe('one run at a time into a folder', () => {
  it('a second run into a folder in use is refused (OUTPUT_IN_USE, exit 3) and changes nothing; the first completes', async () => {
    const out = join(dir, 'locked');
    mkdirSync(out);
    const first = spawn(process.execPath, [BIN, 'convert', '-', '--from', 'annoconv', '--to', 'voc', '-o', out, '-q']);
    let done!: (code: number | null) => void;
    const firstExit = new Promise<number | null>((resolve) => (done = resolve));
    first.on('close', (code) => done(code));
    try {
      first.stdin.write(item('a.jpg', 'dog') + '\n');
      // the first run holds the folder while it waits for the rest of its input
      for (let i = 0; i < 200 && !existsSync(join(out, '.annoconv.lock')); i++) await new Promise((r) => setTimeout(r, 50));
      const lock = readFileSync(join(out, '.annoconv.lock'), 'utf8');
      expect(lock.split(' ')[0]).toBe(String(first.pid));
      const second = await cli(['convert', input('l2.annoconv', [item('b.jpg', 'cat')]), '--from', 'annoconv', '--to', 'voc', '-o', out, '--diagnostics', 'json']);
      expect(second.code).toBe(3);
      const d = jsonDiagnostics(second.stderr);
      expect(d.map((x) => [x.code, x.file])).toEqual([['OUTPUT_IN_USE', out]]);
      expect(d[0]!.message).toContain(String(first.pid));
      expect(readFileSync(join(out, '.annoconv.lock'), 'utf8')).toBe(lock);
      first.stdin.end(item('c.jpg', 'dog') + '\n');
      expect(await firstExit).toBe(0);
    } finally {
      first.kill();
    }
    expect(readdirSync(out).sort()).toEqual(['.annoconv-files', 'a.xml', 'c.xml']);
  }, 60_000);

  it('a lock left by a process that no longer exists is taken over', async () => {
    const out = join(dir, 'stale-lock');
    mkdirSync(out);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(out, '.annoconv.lock'), `${gone} 0123456789abcdef\n`);
    const r = await cli(['convert', input('s.annoconv', [item('a.jpg', 'dog')]), '--from', 'annoconv', '--to', 'voc', '-o', out, '-q']);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['.annoconv-files', 'a.xml']);
  }, 30_000);
});

describe('names that differ only by case', () => {
  it('A.jpg and a.jpg would share a file on case-insensitive file systems: the second is refused (OUTPUT_NAME_COLLISION)', async () => {
    for (const [to, first] of [['yolo', 'labels/A.txt'], ['voc', 'A.xml']] as const) {
      const out = join(dir, `case-${to}`);
      const r = await cli(['convert', input(`case-${to}.annoconv`, [item('A.jpg', 'dog'), item('a.jpg', 'cat'), item('B.jpg', 'dog'), item('caf\u00e9.jpg', 'dog'), item('cafe\u0301.jpg', 'dog')]), '--from', 'annoconv', '--to', to, '-o', out, '--diagnostics', 'json']);
      expect(r.code, to).toBe(1);
      expect(jsonDiagnostics(r.stderr).map((x) => [x.code, x.line]), to).toEqual([['OUTPUT_NAME_COLLISION', 2], ['OUTPUT_NAME_COLLISION', 5]]);
      expect(jsonSummary(r.stderr), to).toMatchObject({ written: 3, rejected: 2 });
      expect(existsSync(join(out, first)), to).toBe(true);
      expect(statSync(out).isDirectory()).toBe(true);
    }
  }, 60_000);
});
