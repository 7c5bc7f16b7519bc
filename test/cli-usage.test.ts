/**
 * The usage contract: a usage error is exit 2 with one line (and where the help is), before any
 * input is opened or output written. The input here is a FIFO nobody writes to: a run that opened
 * it would block, so each case finishing at all shows the input was never opened; the -o file
 * written beforehand must be byte-identical afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, cli, jsonStderr } from './helpers/run.js';

let dir: string;
let fifo: string;
const sample = join(ROOT, 'fixtures/sample/instances.json');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-usage-'));
  fifo = join(dir, 'input.fifo');
  execFileSync('mkfifo', [fifo]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with a time limit: a run that blocks on the FIFO is killed and fails the test. */
function run(args: string[]): { code: number | null; stderr: string; signal: NodeJS.Signals | null } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 10_000, cwd: dir });
  return { code: r.status, stderr: r.stderr, signal: r.signal };
}

describe('a usage error stops the run before it opens an input or an output', () => {
  const cases: [string, (out: string) => string[]][] = [
    ['a mistyped option (--stict)', (out) => ['convert', fifo, '--to', 'annoconv', '--stict', '-o', out]],
    ['a bad choice (--on-invalid=fial)', (out) => ['convert', fifo, '--to', 'annoconv', '--on-invalid=fial', '-o', out]],
    ['an extra input', (out) => ['convert', fifo, sample, '--to', 'annoconv', '-o', out]],
    ['no --to', (out) => ['convert', fifo, '-o', out]],
    ['an unknown --to', (out) => ['convert', fifo, '--to', 'vco', '-o', out]],
    ['an unknown --from', (out) => ['convert', fifo, '--from', 'cocoo', '--to', 'annoconv', '-o', out]],
    ['a format that cannot write', (out) => ['convert', fifo, '--to', 'coco-results', '-o', out]],
    ['--split on a target that cannot split', (out) => ['convert', fifo, '--to', 'coco', '--split', '2', '-o', out]],
    ['--split 0', (out) => ['convert', fifo, '--to', 'encord-json', '--split', '0', '-o', out]],
    ['a missing --categories file', (out) => ['convert', fifo, '--to', 'coco', '--categories', join(dir, 'none.txt'), '-o', out]],
    ['a folder as --categories', (out) => ['convert', fifo, '--to', 'coco', '--categories', dir, '-o', out]],
    ['a broken --columns', (out) => ['convert', fifo, '--from', 'csv', '--to', 'coco', '--columns', 'file', '-o', out]],
    ['--workers -1', (out) => ['convert', fifo, '--to', 'annoconv', '--workers', '-1', '-o', out]],
    ['--max-record-size abc', (out) => ['convert', fifo, '--to', 'annoconv', '--max-record-size', 'abc', '-o', out]],
    ['a missing --media-root', (out) => ['convert', fifo, '--to', 'annoconv', '--media-root', join(dir, 'nope'), '-o', out]],
    ['--rejects naming -o', (out) => ['convert', fifo, '--to', 'annoconv', '--rejects', out, '-o', out]],
    ['--project that is not a whole number', (out) => ['convert', fifo, '--to', 'ls-bulk', '--project', '1.5', '-o', out]],
    ['an unknown command', (out) => ['conver', fifo, '--to', 'annoconv', '-o', out]],
    ['validate with an unknown option', () => ['validate', fifo, '--to', 'coco']],
    ['scan to a manifest without --url-prefix', (out) => ['scan', dir, '--to', 'encord-json', '-o', out]],
    ['scan with --url-style virtual and no region', (out) => ['scan', dir, '--to', 'encord-json', '--url-prefix', 's3://b/p/', '--url-style', 'virtual', '-o', out]],
  ];
  for (const [name, args] of cases) {
    it(name, () => {
      const out = join(dir, 'precious.json');
      writeFileSync(out, 'KEEP\n');
      const before = readdirSync(dir).sort();
      const text = run(args(out));
      expect(text.signal, 'blocked on the input').toBeNull();
      expect(text.code).toBe(2);
      const lines = text.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\S+: error (OPTION_INVALID|OPTION_UNKNOWN_FORMAT|OPTION_NOT_SUPPORTED|OPTION_FILE_NOT_REGULAR) .*; see "annoconv( \w+)? --help"$/);
      expect(readFileSync(out, 'utf8')).toBe('KEEP\n');
      expect(readdirSync(dir).sort()).toEqual(before);
      const json = run([...args(out), '--diagnostics', 'json']);
      expect(json.code).toBe(2);
      const objs = jsonStderr(json.stderr);
      expect(objs).toHaveLength(1);
      expect(objs[0]!.severity).toBe('error');
    });
  }

  it('a mistyped option is named with the option meant', () => {
    const r = run(['convert', fifo, '--to', 'annoconv', '--stict']);
    expect(r.stderr).toContain('unknown option --stict (did you mean --strict?)');
    expect(run(['convert', fifo, '--to', 'annoconv', '--on-invalid=fial']).stderr).toContain('--on-invalid "fial" is not one of skip, fail');
    expect(run(['convert', fifo, sample, '--to', 'annoconv']).stderr).toContain(`unexpected argument ${sample} (convert reads one input`);
    expect(run(['convert', fifo]).stderr).toContain('give the output format: --to FORMAT');
  });

  it('a folder format given a file name is refused; an existing folder or a new plain name is taken', async () => {
    const voc = join(ROOT, 'fixtures/sample/instances.json');
    expect(run(['convert', voc, '--to', 'voc', '-o', join(dir, 'out.xml')]).stderr).toMatch(/voc output is a folder of files, and -o .*out\.xml names a file/);
    expect(statSync(dir).isDirectory()).toBe(true);
    const r = await cli(['convert', voc, '--to', 'voc', '-o', join(dir, 'voc-out'), '-q']);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'voc-out')).length).toBeGreaterThan(0);
  });
});

describe('help and completion', () => {
  it('help COMMAND and COMMAND --help list that command\'s options only', async () => {
    const a = await cli(['help', 'validate']);
    const b = await cli(['validate', '--help']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('--allow-extra-data');
    for (const other of ['--to', '--categories', '--yolo-task', '--task-map', '--rejects', '--concurrency']) expect(a.stdout).not.toContain(other + ' ');
    const formats = await cli(['formats', '--help']);
    expect(formats.stdout).toContain('--json');
    for (const other of ['--workers', '--max-record-size', '--on-invalid', '--to ']) expect(formats.stdout).not.toContain(other);
    const scan = await cli(['help', 'scan']);
    expect(scan.stdout).toContain('--url-style');
    expect(scan.stdout).not.toContain('--columns');
    expect(scan.stdout).not.toContain('--gt ');
  });

  it('completion prints a bash completion script that completes commands and options', async () => {
    const r = await cli(['completion'], { env: { SHELL: '/bin/bash' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('complete -o bashdefault -o default -F _annoconv_yargs_completions annoconv');
    const commands = await cli(['--get-yargs-completions', 'annoconv', 'con']);
    expect(commands.stdout.split('\n')).toContain('convert');
    const options = await cli(['--get-yargs-completions', 'annoconv', 'convert', '--on-']);
    expect(options.stdout.split('\n')).toContain('--on-invalid');
    const formats = await cli(['--get-yargs-completions', 'annoconv', 'convert', 'x.json', '--to', 'c']);
    expect(formats.stdout.trim().split('\n').sort()).toEqual(['coco', 'coco-json', 'coco-panoptic', 'coco-predictions', 'coco-results', 'csv']);
    const schema = await cli(['--get-yargs-completions', 'annoconv', 'schema', 'enc']);
    expect(schema.stdout.trim().split('\n').sort()).toEqual(['encord', 'encord-csv', 'encord-json']);
  });
});

describe('--diagnostics json: stderr is NDJSON', () => {
  it('diagnostics, the summary and even a warning of Node.js itself are one JSON object a line', () => {
    const hook = join(dir, 'warn.cjs');
    writeFileSync(hook, "process.once('beforeExit', () => process.emitWarning('a descriptor closed on collection', 'ResourceWarning'));\n");
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"uuid":"8f4a2c1e-3b7d-4e9a-a1c2-5d6e7f8a9b0c","type":"text","data":{"text":"x"},"metadata":"m"}\n{"uuid":"2d9b6e4f-8a1c-4f3e-b7d2-0c9e8f7a6b5d","type":"text","data":{"text":"y"}}\n');
    const r = spawnSync(process.execPath, [BIN, 'validate', bad, '--diagnostics', 'json'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--require ${hook}` } });
    expect(r.status).toBe(1);
    const objs = jsonStderr(r.stderr);
    expect(objs.map((o) => o.code ?? 'summary')).toEqual(['JSONL_METADATA_NOT_OBJECT', 'summary', 'INTERNAL_ERROR']);
    expect(objs[1]!.summary).toMatchObject({ read: 2, valid: 1, invalid: 1, errors: 1, exitCode: 1 });
    expect(objs[2]).toMatchObject({ severity: 'warning', message: 'Node.js warning: ResourceWarning: a descriptor closed on collection' });
  });
});
