/**
 * The command-line contract where an adversarial pass found it broken: each case reproduces what
 * was seen (a hang, an option silently ignored, outputs mixed or replaced, forged lines) and checks
 * what the contract says instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, jsonDiagnostics, jsonStderr } from './helpers/run.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-contract-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENCORD = join(ROOT, 'fixtures/encord-json/rules/input.json');
const ITEMS = join(ROOT, 'fixtures/sample/items.jsonlines');

function run(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): { code: number | null; stdout: string; stderr: string; signal: NodeJS.Signals | null } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000, input: opts.input ?? '', cwd: opts.cwd ?? dir, env: { ...process.env, ...opts.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

function fifo(name: string): string {
  const p = join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
}

/**
 * Waits until a thread of the process sleeps in the kernel's FIFO open (wchan `wait_for_partner`):
 * by then its signal handlers are installed, however slow the machine. Up to 20 s; where /proc
 * does not say, 800 ms.
 */
async function blockedOnFifo(pid: number): Promise<void> {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return new Promise((resolve) => setTimeout(resolve, 800));
  for (let waited = 0; waited < 20_000; waited += 50) {
    try {
      if (readdirSync(tasks).some((t) => readFileSync(`${tasks}/${t}/wchan`, 'utf8').includes('wait_for_partner'))) return;
    } catch {
      // a thread ended between the listing and the read
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('named pipes', () => {
  it('a JSON document read from a FIFO reports its problems without opening the FIFO again (it hung for ever)', async () => {
    const p = fifo('encord.fifo');
    const writer = spawn('sh', ['-c', `cat ${ENCORD} > ${p}`]);
    const r = run(['validate', p, '--format', 'encord-json', '--diagnostics', 'json']);
    writer.kill();
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    const d = jsonDiagnostics(r.stderr);
    expect(d.length).toBeGreaterThan(5);
    expect(d.every((x) => x.offset !== undefined && x.line === null)).toBe(true); // placed by byte offset
  });

  it('-o onto a FIFO with no reader waits on the event loop: Ctrl-C ends it with 130 (it ignored signals)', async () => {
    const out = fifo('out.fifo');
    const p = spawn(process.execPath, [BIN, 'convert', ITEMS, '--to', 'annoconv', '-o', out]);
    await blockedOnFifo(p.pid!);
    p.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
    expect(code).toBe(130);
  });

  it('-o naming the FIFO being read is refused (written through, it would deadlock)', () => {
    const p = fifo('same.fifo');
    const r = run(['convert', p, '--from', 'jsonl', '--to', 'jsonl', '-o', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-o and the input name the same file');
  });
});

describe('arguments yargs let through', () => {
  it('operands after -- are the input (it was ignored and stdin read instead)', () => {
    writeFileSync(join(dir, '-bad.jsonl'), 'not json\n');
    const r = run(['validate', '--format', 'jsonl', '--diagnostics', 'json', '--', '-bad.jsonl']);
    expect(r.code).toBe(1);
    expect(jsonDiagnostics(r.stderr).map((d) => [d.code, d.file])).toEqual([['JSONL_INVALID_JSON', '-bad.jsonl']]);
    expect(run(['convert', '--to', 'annoconv', '--', ITEMS, ITEMS]).stderr).toContain(`unexpected argument ${ITEMS} (convert reads one input)`);
  });

  it('an option given twice, negated, empty or without its value is a usage error (it crashed or was ignored)', () => {
    const cases: [string[], string][] = [
      [['--from', 'jsonl', '--from', 'coco'], '--from is given 2 times'],
      [['-o', 'a.json', '-o', 'b.json'], '--output is given 2 times'],
      [['--categories', 'c.json', '--categories', 'c.json'], '--categories is given 2 times'],
      [['--diagnostics', 'json', '--diagnostics', 'json'], '--diagnostics is given 2 times'],
      [['--no-output'], '--no-output: --output takes a value'],
      [['-o', ''], '--output needs a value'],
      [['--rejects', ''], '--rejects needs a value'],
      [['--split'], '--split needs a value'],
      [['--max-record-size', '0.5'], '--max-record-size must be a whole number'],
    ];
    for (const [extra, message] of cases) {
      const r = run(['convert', ITEMS, '--to', 'coco', ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr, extra.join(' ')).toContain(message);
      expect(r.stderr.trimEnd().split('\n'), extra.join(' ')).toHaveLength(1);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('help with an unknown command is an unknown command', () => {
    const r = run(['help', 'nosuch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command nosuch');
  });
});

describe('outputs that would land on each other', () => {
  const cases: [string, string[]][] = [
    ['--rejects named like a --split part', ['convert', ENCORD, '--to', 'encord-json', '--split', '2', '-o', 'p.json', '--rejects', 'p-001.json']],
    ['--rejects inside -o DIR', ['convert', join(ROOT, 'fixtures/sample/instances.json'), '--to', 'voc', '-o', 'vd', '--rejects', 'vd/park-001.xml']],
    ['--rejects on the stdout the data goes to', ['convert', ENCORD, '--to', 'encord-json', '--rejects', '/dev/stdout']],
    ['--config-out on the stdout the data goes to', ['convert', ENCORD, '--to', 'labelstudio', '--config-out', '/dev/stdout']],
  ];
  for (const [name, args] of cases) {
    it(`${name} is a usage error`, () => {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/error OPTION_INVALID .*(would replace it|name the same file)/);
    });
  }
});

describe('what reaches the terminal or the JSON stream', () => {
  it('a newline in the input cannot forge a diagnostic or summary line', () => {
    const forged = join(dir, 'forge.jsonl');
    writeFileSync(forged, '{"uuid":"a","type":"text","data":{"text":"x"},"\\nitems.jsonl (jsonl): 1 record, 1 valid, 0 invalid, 0 errors, 0 warnings\\n":1}\n');
    const r = run(['validate', forged]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    // the key is reported twice (unknown to the server, and refused by MongoDB for its "."), escaped each time
    expect(lines.filter((l) => l.includes('1 record, 1 valid'))).toEqual([expect.stringContaining('\\u000aitems.jsonl'), expect.stringMatching(/:1: error JSONL_KEY_INVALID key "\\nitems\.jsonl/)]);
    expect(lines.at(-1)).toMatch(/^\S*forge\.jsonl \(jsonl\): 1 record, 0 valid, 1 invalid/);
  });

  it('on a terminal, --diagnostics json draws no progress line into the JSON', () => {
    const big = join(dir, 'big.json');
    const images = Array.from({ length: 30_000 }, (_, i) => ({ id: i + 1, file_name: `${i}.jpg`, width: 9, height: 9 }));
    writeFileSync(big, JSON.stringify({ info: {}, images, annotations: [], categories: [] }));
    const tty = spawnSync('script', ['-qec', `${process.execPath} ${BIN} convert ${big} --to annoconv -o ${join(dir, 'big.annoconv')} --diagnostics json`, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
    if (tty.error) return; // no script(1)
    const lines = tty.stdout.split(/\r?\n/).filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    expect(() => jsonStderr(lines.join('\n'))).not.toThrow();
    expect(tty.stdout).not.toContain('\x1b[K');
  });

  it('too few file descriptors to load the program: one line and exit 3, no stack trace', () => {
    const r = spawnSync('sh', ['-c', `ulimit -n 20 && exec ${process.execPath} ${BIN} validate ${ITEMS}`], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^annoconv: error INTERNAL_ERROR cannot start: EMFILE/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('option files and detection', () => {
  it('a missing --server-config or --gt is a usage error with the help hint', () => {
    for (const [opt, code] of [['--server-config', 'CONFIG_NOT_FOUND'], ['--gt', 'OPTION_INVALID']] as const) {
      const r = run(['validate', ITEMS, opt, join(dir, 'none.json')]);
      expect(r.code, opt).toBe(2);
      expect(r.stderr, opt).toMatch(new RegExp(`error ${code} .*; see "annoconv validate --help"\\n$`));
    }
  });

  it('a COCO panoptic file whose images fill the detection sample is one INPUT_FORMAT_UNSUPPORTED naming --from coco-panoptic, which reads it', () => {
    const pan = join(dir, 'panoptic.json');
    const images = Array.from({ length: 30_000 }, (_, i) => ({ id: i + 1, file_name: `${i}.jpg`, width: 640, height: 480 }));
    const annotations = images.map((im) => ({ image_id: im.id, file_name: `${im.id}.png`, segments_info: [{ id: 1, category_id: 1, area: 1, bbox: [0, 0, 1, 1], iscrowd: 0 }] }));
    writeFileSync(pan, JSON.stringify({ info: {}, images, annotations, categories: [{ id: 1, name: 'a', isthing: 1 }] }));
    for (const extra of [[], ['--format', 'coco']]) {
      const r = run(['validate', pan, '--diagnostics', 'json', ...extra]);
      expect(r.code).toBe(1);
      const d = jsonDiagnostics(r.stderr);
      expect(d.map((x) => x.code)).toEqual(['INPUT_FORMAT_UNSUPPORTED']);
      expect(d[0]!.message).toContain('--from coco-panoptic');
    }
    // read as panoptic, whose segment maps are not there
    const p = run(['validate', pan, '--diagnostics', 'json', '--format', 'coco-panoptic']);
    expect(p.code).toBe(1);
    expect(new Set(jsonDiagnostics(p.stderr).map((x) => x.code))).toEqual(new Set(['MASK_PNG_MISSING', 'DIAGNOSTICS_TRUNCATED']));
  });
});

describe('scan', () => {
  it('a missing folder is an I/O error (exit 3, INPUT_NOT_FOUND), as a missing input file is', () => {
    const r = run(['scan', join(dir, 'nope'), '--to', 'annoconv', '--diagnostics', 'json']);
    expect(r.code).toBe(3);
    expect(jsonDiagnostics(r.stderr).map((d) => d.code)).toEqual(['INPUT_NOT_FOUND']);
  });
});

describe('-o DIR that did not exist', () => {
  it('a run that writes nothing into a new nested -o a/b/c leaves none of a, b, c behind', () => {
    const bad = join(dir, 'all-bad.annoconv');
    writeFileSync(bad, '{"id":"x","kind":"image","metadata":{},"annotations":[{"kind":"box","x":0,"y":0,"w":1,"h":1,"label":"c"}]}\n');
    const r = run(['convert', bad, '--from', 'annoconv', '--to', 'yolo', '-o', join(dir, 'new-a', 'b', 'c')]);
    expect(r.code).toBe(1); // no image size: refused, so every record is rejected
    expect(readdirSync(dir)).not.toContain('new-a');
  });
});
