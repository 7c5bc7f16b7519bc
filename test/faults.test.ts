/**
 * Faults around a run: a full disk (a file size limit makes writes fail with EFBIG, as ENOSPC
 * would), a stdout that cannot take data, an output folder that cannot be made, SIGTERM mid-run,
 * and an input that fails part way. Each ends in a coded I/O error (exit 3 or the signal's code),
 * with no partial output and no temporary file left.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, jsonDiagnostics, jsonSummary } from './helpers/run.js';
import { convert, streamInput } from '../src/index.js';
import { AnnoconvError, type Diagnostic } from '../src/core/diagnostics.js';

let dir: string;
let big: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-faults-'));
  big = join(dir, 'big.jsonl');
  writeFileSync(big, Array.from({ length: 100_000 }, (_, i) => `{"type":"text","uuid":"u${i}","data":{"text":"line ${i}"}}`).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the CLI under bash with a file size limit in 512-byte blocks (0: none). */
function limited(blocks: number, args: string, env: Record<string, string> = {}): { code: number; stderr: string } {
  const r = spawnSync('bash', ['-c', `${blocks ? `ulimit -f ${blocks}; ` : ''}exec node ${BIN} ${args}`], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stderr: r.stderr };
}

const codes = (stderr: string): string[] => jsonDiagnostics(stderr).map((d) => d.code);
const leftovers = (d: string, prefix: string): string[] => readdirSync(d).filter((f) => f.startsWith(prefix));

describe('a full disk', () => {
  it('-o FILE: exit 3 OUTPUT_WRITE_FAILED, no file and no temp file', () => {
    const out = join(dir, 'full.annoconv');
    const r = limited(200, `convert ${big} --to annoconv -o ${out} --diagnostics json`);
    expect(r.code).toBe(3);
    expect(codes(r.stderr)).toEqual(['OUTPUT_WRITE_FAILED']);
    expect(existsSync(out)).toBe(false);
    expect(leftovers(dir, '.full.annoconv')).toEqual([]);
  });

  it('-o FILE.gz (compressed on the way): exit 3 OUTPUT_WRITE_FAILED, no file and no temp file', () => {
    const out = join(dir, 'full.annoconv.gz');
    const r = limited(40, `convert ${big} --to annoconv -o ${out} --diagnostics json`);
    expect(r.code).toBe(3);
    expect(codes(r.stderr)).toEqual(['OUTPUT_WRITE_FAILED']);
    expect(existsSync(out)).toBe(false);
    expect(leftovers(dir, '.full.annoconv.gz')).toEqual([]);
  });

  it('spill files (TMPDIR full): exit 3 TEMP_WRITE_FAILED, temp files removed', () => {
    const tmp = join(dir, 'tmp-full');
    mkdirSync(tmp);
    const images = Array.from({ length: 2000 }, (_, i) => ({ id: i + 1, width: 10, height: 10, file_name: `${i}.jpg` }));
    const anns = Array.from({ length: 20000 }, (_, i) => ({ id: i + 1, image_id: (i % 2000) + 1, category_id: 1, bbox: [1, 2, 3, 4] }));
    const src = join(dir, 'spill.json');
    writeFileSync(src, JSON.stringify({ info: {}, images, annotations: anns, categories: [{ id: 1, name: 'a' }] }));
    const out = join(dir, 'spill.annoconv');
    const r = limited(100, `convert ${src} --from coco --to annoconv -o ${out} --diagnostics json`, { TMPDIR: tmp });
    expect(r.code).toBe(3);
    expect(codes(r.stderr)).toEqual(['TEMP_WRITE_FAILED']);
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('stdout on /dev/full: exit 3 OUTPUT_WRITE_FAILED', () => {
    const r = spawnSync('bash', ['-c', `node ${BIN} convert ${big} --to annoconv --diagnostics json > /dev/full`], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(codes(r.stderr)).toEqual(['OUTPUT_WRITE_FAILED']);
  });

  it('-o DIR (VOC): a file that cannot be written leaves the folder as it was', () => {
    const out = join(dir, 'voc-full');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'x');
    // one item whose XML is larger than the limit
    const objects = Array.from({ length: 400 }, (_, i) => `{"kind":"box","x":${i},"y":1,"w":2,"h":2,"label":"object-with-a-long-name-${i}"}`).join(',');
    const src = join(dir, 'voc.annoconv');
    writeFileSync(src, `{"id":"a","kind":"image","path":"a.jpg","width":999,"height":99,"metadata":{},"annotations":[${objects}]}\n`);
    const r = limited(20, `convert ${src} --from annoconv --to voc -o ${out} --diagnostics json`);
    expect(r.code).toBe(3);
    expect(codes(r.stderr)).toContain('OUTPUT_WRITE_FAILED');
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });
});

describe('a failure part way through a run with several outputs', () => {
  const images = (n: number): string => JSON.stringify({ images: Array.from({ length: n }, (_, i) => ({ objectUrl: `https://b.s3.eu-west-1.amazonaws.com/img/${i}-${'p'.repeat(60)}.jpg` })) });

  it('--split: an earlier run\'s parts are untouched and no part or temp file of the failed run is left', () => {
    const d = join(dir, 'split-fail');
    mkdirSync(d);
    const src = join(d, 'in.json');
    writeFileSync(src, images(20000));
    const ok = limited(0, `convert ${src} --to encord-json --split 5000 -o ${join(d, 'm.json')} -q`);
    expect(ok.code).toBe(0);
    const before = readdirSync(d).sort().map((f) => [f, readFileSync(join(d, f), 'utf8')]);
    writeFileSync(src, images(20000).replace(/img\//g, 'new/'));
    const failed = limited(2400, `convert ${src} --to encord-json --split 5000 -o ${join(d, 'm.json')} --diagnostics json`);
    expect(failed.code).toBe(3);
    expect(readdirSync(d).sort().map((f) => [f, readFileSync(join(d, f), 'utf8')])).toEqual(before.map(([f, t]) => [f, f === 'in.json' ? readFileSync(src, 'utf8') : t]));
  }, 30_000);

  it('a --rejects file that cannot be completed leaves neither it nor -o', () => {
    const d = join(dir, 'rejects-fail');
    mkdirSync(d);
    const src = join(d, 'mixed.jsonl');
    const good = '{"type":"text","uuid":"u","data":{"text":"ok"}}';
    writeFileSync(src, Array.from({ length: 4000 }, (_, i) => (i % 2 ? good.replace('"u"', `"u${i}"`) : `{"bad":${i},"pad":"${'x'.repeat(100)}"}`)).join('\n') + '\n');
    const r = limited(100, `convert ${src} --to jsonl -o ${join(d, 'out.jsonl')} --rejects ${join(d, 'rej.jsonl')} --diagnostics json -q`);
    expect(r.code).toBe(3);
    expect(readdirSync(d)).toEqual(['mixed.jsonl']);
  });
});

describe('inputs that are pipes, and inputs left early', () => {
  it('a named pipe as the input is read as a stream (it failed with ESPIPE, or waited forever for a writer)', () => {
    const fifo = join(dir, 'in.fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    const r = spawnSync('bash', ['-c', `(sleep 0.5; cat ${join(ROOT, 'fixtures/sample/instances.json')} > ${fifo}) & exec node ${BIN} convert ${fifo} --from coco --to annoconv`], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('a run that stops at the first invalid record closes its input at once', async () => {
    if (!existsSync('/proc/self/fd')) return;
    const src = join(dir, 'stop.jsonl');
    writeFileSync(src, '{"bad":1}\n' + '{"type":"text","uuid":"u","data":{"text":"ok"}}\n'.repeat(200_000));
    const open = (): number => readdirSync('/proc/self/fd').length;
    const { convert } = await import('../src/index.js');
    const { MemorySink } = await import('../src/index.js');
    const before = open();
    for (let i = 0; i < 3; i++) await convert({ input: src, from: 'jsonl', to: 'annoconv', output: new MemorySink(), options: { onInvalid: 'fail' } }).catch(() => undefined);
    expect(open()).toBe(before);
  });
});

describe('an output that cannot be made', () => {
  it('-o DIR under a folder that refuses new entries (/proc): exit 3 at once, not a hang', () => {
    if (!existsSync('/proc/self')) return;
    const started = Date.now();
    const r = spawnSync('node', [BIN, 'convert', join(ROOT, 'fixtures/sample/instances.json'), '--to', 'voc', '-o', '/proc/annoconv-no-such-dir', '--diagnostics', 'json'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(3);
    expect(codes(r.stderr)).toEqual(['OUTPUT_WRITE_FAILED']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('special files among the files of a folder', () => {
  it('a FIFO named like media or VOC XML is skipped with a code at once, not waited on', () => {
    const d = join(dir, 'fifo');
    mkdirSync(join(d, 'voc'), { recursive: true });
    if (spawnSync('mkfifo', [join(d, 'pipe.jpg'), join(d, 'voc', 'b.xml')]).status !== 0) return; // no mkfifo here
    writeFileSync(join(d, 'voc', 'a.xml'), readFileSync(join(ROOT, 'fixtures/voc/objects/input.xml')));
    const opts = { encoding: 'utf8' as const, timeout: 20_000 };
    const scan = spawnSync('node', [BIN, 'scan', d, '--to', 'annoconv', '--diagnostics', 'json'], opts);
    expect(scan.signal).toBeNull();
    // skipped, as the README says: a warning, and the run is not failed for it
    expect(jsonDiagnostics(scan.stderr).filter((x) => x.code === 'MEDIA_UNREADABLE').map((x) => [x.severity, x.file])).toEqual([['warning', join(d, 'pipe.jpg')], ['warning', join(d, 'voc', 'b.xml')]]);
    const missing = spawnSync('node', [BIN, 'scan', join(d, 'no-such-folder'), '--to', 'annoconv', '--diagnostics', 'json'], opts);
    expect([missing.status, jsonDiagnostics(missing.stderr).map((x) => x.code)]).toEqual([3, ['INPUT_NOT_FOUND']]);
    const voc = spawnSync('node', [BIN, 'convert', join(d, 'voc'), '--from', 'voc', '--to', 'annoconv', '--diagnostics', 'json'], opts);
    expect(voc.signal).toBeNull();
    expect(jsonDiagnostics(voc.stderr).map((x) => [x.code, x.message])).toContainEqual(['INPUT_LINKS_SKIPPED', `1 symbolic link(s) or special file(s) below ${join(d, 'voc')} skipped`]);
    expect(voc.stdout.trim().split('\n')).toHaveLength(1);
  });
});

describe('folders with link loops', () => {
  it('VOC and YOLO readers do not follow links (INPUT_LINKS_SKIPPED); scan --follow-symlinks enters a loop once', () => {
    const d = join(dir, 'loops');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'a.xml'), readFileSync(join(ROOT, 'fixtures/voc/objects/input.xml')));
    writeFileSync(join(d, 'classes.txt'), 'cat\n');
    writeFileSync(join(d, 'a.txt'), '0 0.5 0.5 0.2 0.2\n');
    symlinkSync('.', join(d, 'self'));
    symlinkSync('..', join(d, 'sub', 'up'));
    const opts = { encoding: 'utf8' as const, timeout: 20_000 };
    for (const from of ['voc', 'yolo']) {
      const r = spawnSync('node', [BIN, 'convert', d, '--from', from, '--to', 'annoconv', '--diagnostics', 'json'], opts);
      expect(r.signal, from).toBeNull();
      expect(jsonDiagnostics(r.stderr).filter((x) => x.code === 'INPUT_LINKS_SKIPPED').map((x) => x.message), from).toEqual([`2 symbolic link(s) or special file(s) below ${d} skipped`]);
      expect(jsonSummary(r.stderr)?.read, from).toBe(1);
    }
    const scan = spawnSync('node', [BIN, 'scan', d, '--follow-symlinks', '--to', 'annoconv', '--diagnostics', 'json'], opts);
    expect(scan.signal).toBeNull();
    expect(jsonDiagnostics(scan.stderr).filter((x) => /link loop/.test(x.message)).map((x) => x.file).sort()).toEqual([join(d, 'self'), join(d, 'sub', 'up')]);
  });
});

describe('file names the file system would refuse', () => {
  it('a 300-character or empty image name refuses that item only (OUTPUT_PATH_UNSAFE), the others are written; a 245-character -o works', () => {
    const src = join(dir, 'names.annoconv');
    const item = (id: string, path: string): string => JSON.stringify({ id, kind: 'image', path, width: 10, height: 10, metadata: {}, annotations: [{ kind: 'box', x: 1, y: 1, w: 2, h: 2, label: 'cat' }] });
    writeFileSync(src, [item('1', 'ok.jpg'), item('2', 'n'.repeat(300) + '.jpg'), item('3', '')].join('\n') + '\n');
    for (const to of ['voc', 'yolo']) {
      const out = join(dir, `names-${to}`);
      const r = spawnSync('node', [BIN, 'convert', src, '--to', to, '-o', out, '--diagnostics', 'json'], { encoding: 'utf8' });
      expect(r.status, to).toBe(1);
      // VOC names a file without a path after the item id ("3.xml"); YOLO's label name would be hidden (".txt")
      const refused = to === 'voc' ? [2] : [2, 3];
      expect(jsonDiagnostics(r.stderr).filter((x) => x.severity === 'error').map((x) => [x.code, x.line]), to).toEqual(refused.map((l) => ['OUTPUT_PATH_UNSAFE', l]));
      expect(jsonSummary(r.stderr), to).toMatchObject({ written: 3 - refused.length, rejected: refused.length });
    }
    const long = join(dir, 'x'.repeat(245) + '.annoconv');
    const r = spawnSync('node', [BIN, 'convert', src, '--to', 'annoconv', '-o', long, '-q'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readFileSync(long, 'utf8').trim().split('\n')).toHaveLength(3);
  });
});

describe('outputs that would overwrite each other or the input', () => {
  it('--rejects or --config-out naming the input or -o is a usage error (exit 2) and nothing is touched; -o over the input is allowed', () => {
    const src = join(dir, 'same.json');
    const text = readFileSync(join(ROOT, 'fixtures/sample/instances.json'), 'utf8');
    writeFileSync(src, text);
    const opts = { encoding: 'utf8' as const };
    for (const args of [['--to', 'annoconv', '--rejects', src], ['--to', 'labelstudio', '-o', join(dir, 'ls.json'), '--config-out', join(dir, 'ls.json')], ['--to', 'jsonl', '-o', join(dir, 'j.jsonl'), '--rejects', join(dir, 'j.jsonl')]]) {
      const r = spawnSync('node', [BIN, 'convert', src, ...args, '--diagnostics', 'json'], opts);
      expect(r.status, args.join(' ')).toBe(2);
      expect(jsonDiagnostics(r.stderr).map((x) => x.code)).toEqual(['OPTION_INVALID']);
    }
    expect(readFileSync(src, 'utf8')).toBe(text);
    expect(existsSync(join(dir, 'ls.json')) || existsSync(join(dir, 'j.jsonl'))).toBe(false);
    const inPlace = spawnSync('node', [BIN, 'convert', src, '--to', 'coco', '-o', src, '-q'], opts);
    expect(inPlace.status).toBe(0);
    expect((JSON.parse(readFileSync(src, 'utf8')) as { images: unknown[] }).images).toHaveLength(3);
  });
});

describe('SIGINT and SIGTERM mid-run', () => {
  for (const [signal, exit] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: exits ${exit} with the temp file and the spill files removed and no -o file`, async () => {
      const tmp = join(dir, `tmp-${signal}`);
      mkdirSync(tmp);
      // a dataset big enough to be interrupted mid-run
      const images = Array.from({ length: 3000 }, (_, i) => ({ id: i + 1, width: 100, height: 100, file_name: `${i}.jpg` }));
      const anns = Array.from({ length: 60000 }, (_, i) => ({ id: i + 1, image_id: (i % 3000) + 1, category_id: 1, bbox: [1, 2, 3, 4], area: 12, iscrowd: 0, segmentation: [[1, 1, 5, 1, 5, 5, 1, 5, 2, 3, 4, 4]] }));
      const src = join(dir, `${signal}.json`);
      writeFileSync(src, JSON.stringify({ info: {}, images, annotations: anns, categories: [{ id: 1, name: 'a' }] }));
      const out = join(dir, `interrupted-${signal}.annoconv`);
      // SIGTERM under --diagnostics json: the interruption is a JSON diagnostic like the rest
      const json = signal === 'SIGTERM' ? ['--diagnostics', 'json'] : [];
      const p = spawn(process.execPath, [BIN, 'convert', '--from', 'coco', '--to', 'annoconv', src, '-o', out, ...json], { env: { ...process.env, TMPDIR: tmp } });
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => {
        // signalled as soon as the spill files exist
        const poll = setInterval(() => {
          if (readdirSync(tmp).length > 0) {
            clearInterval(poll);
            p.kill(signal);
          }
        }, 5);
        p.on('close', (c) => {
          clearInterval(poll);
          resolve(c);
        });
      });
      expect(code).toBe(exit);
      expect(stderr).toContain(`interrupted by ${signal}`);
      expect(stderr).not.toMatch(/\n\s+at /);
      if (json.length) expect(jsonDiagnostics(stderr).map((d) => d.code)).toContain('RUN_INTERRUPTED');
      expect(readdirSync(tmp)).toEqual([]);
      expect(existsSync(out)).toBe(false);
      expect(leftovers(dir, `.interrupted-${signal}`)).toEqual([]);
    });
  }
});

describe('an input that fails part way', () => {
  it('INPUT_READ_FAILED, exit 3, and the -o file is not left half written', async () => {
    const out = join(dir, 'half.annoconv');
    const diags: Diagnostic[] = [];
    const input = streamInput('<failing>', async function* () {
      for (let i = 0; i < 50; i++) yield Buffer.from(`{"type":"text","uuid":"u${i}","data":{"text":"ok"}}\n`.repeat(200));
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    });
    let error: unknown;
    try {
      await convert({ input, from: 'jsonl', to: 'annoconv', output: out, onDiagnostic: (d) => diags.push(d) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnnoconvError);
    expect((error as AnnoconvError).exitCode).toBe(3);
    expect((error as AnnoconvError).diagnostic.code).toBe('INPUT_READ_FAILED');
    expect(existsSync(out)).toBe(false);
    expect(leftovers(dir, '.half.annoconv')).toEqual([]);
  });
});
