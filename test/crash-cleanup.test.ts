/**
 * Nothing half-kept after a crash: SIGHUP and SIGQUIT clean up like SIGTERM, and what a run killed
 * by SIGKILL (or the OOM killer) leaves behind is removed by the next run, which says so once
 * (TEMP_STALE_REMOVED, with how many and how many bytes). SIGUSR1, which opens Node's inspector,
 * is ignored.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, cli, jsonDiagnostics, jsonSummary, walk } from './helpers/run.js';
import { OWNER, ownerPid } from '../src/core/stale-temps.js';
import { statSync } from 'node:fs';

let dir: string;
let src: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annoconv-crash-'));
  // a COCO dataset big enough that a run is still spilling when it is signalled
  const images = Array.from({ length: 3000 }, (_, i) => ({ id: i + 1, width: 100, height: 100, file_name: `${i}.jpg` }));
  const anns = Array.from({ length: 60000 }, (_, i) => ({ id: i + 1, image_id: (i % 3000) + 1, category_id: 1, bbox: [1, 2, 3, 4], area: 12, iscrowd: 0, segmentation: [[1, 1, 5, 1, 5, 5, 1, 5, 2, 3, 4, 4]] }));
  src = join(dir, 'big.json');
  writeFileSync(src, JSON.stringify({ info: {}, images, annotations: anns, categories: [{ id: 1, name: 'a' }] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** True when a file below `dir` has bytes (files may come and go while it looks). */
function holdsData(dir: string): boolean {
  try {
    return walk(dir).some((f) => (statSync(f, { throwIfNoEntry: false })?.size ?? 0) > 0);
  } catch {
    return false;
  }
}

/** Starts a COCO conversion with its own TMPDIR and -o, and signals it once its spill files hold data. */
function runAndSignal(name: string, signal: NodeJS.Signals): { child: ChildProcess; tmp: string; outDir: string; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const tmp = join(dir, `tmp-${name}`);
  const outDir = join(dir, `out-${name}`);
  mkdirSync(tmp);
  mkdirSync(outDir);
  const child = spawn(process.execPath, [BIN, 'convert', '--from', 'coco', '--to', 'annoconv', src, '-o', join(outDir, 'out.annoconv')], { env: { ...process.env, TMPDIR: tmp } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    const poll = setInterval(() => {
      // spill files with data in them (a file is created a moment before its first block is written)
      if (holdsData(tmp)) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 5);
    child.on('close', (code, sig) => {
      clearInterval(poll);
      resolve({ code, signal: sig, stderr });
    });
  });
  return { child, tmp, outDir, done };
}

describe('SIGHUP and SIGQUIT mid-run', () => {
  for (const [signal, exit] of [['SIGHUP', 129], ['SIGQUIT', 131]] as const) {
    it(`${signal}: exits ${exit}, the spill folder and the -o temporary file removed`, async () => {
      const r = runAndSignal(signal, signal);
      const { code, stderr } = await r.done;
      expect(code).toBe(exit);
      expect(stderr).toContain(`interrupted by ${signal}`);
      expect(readdirSync(r.tmp)).toEqual([]);
      expect(readdirSync(r.outDir)).toEqual([]);
    }, 30_000);
  }
});

describe('a run killed by SIGKILL', () => {
  it('leaves its spill folder and -o temporary file, named after its pid; the next run removes them and says so once', async () => {
    const r = runAndSignal('kill', 'SIGKILL');
    const { signal } = await r.done;
    expect(signal).toBe('SIGKILL');
    const left = [...readdirSync(r.tmp).map((n) => join(r.tmp, n)), ...readdirSync(r.outDir).map((n) => join(r.outDir, n))];
    expect(left).toHaveLength(2); // annoconv-coco-<pid>-<tag>-XXXXXX and .out.annoconv.<pid>-<tag>-<hex>.tmp
    for (const p of left) expect(ownerPid(p.split('/').pop()!)).toBe(r.child.pid);
    const bytes = left.flatMap((p) => (statSync(p).isDirectory() ? walk(p) : [p])).reduce((n, f) => n + statSync(f).size, 0);
    expect(bytes).toBeGreaterThan(0);

    // things of a live process (this one) and of another machine's process are left alone
    const tag = OWNER.slice(OWNER.indexOf('-') + 1);
    const live = join(r.tmp, `annoconv-coco-${process.pid}-${tag}-abcdef`);
    const otherMachine = join(r.tmp, `annoconv-coco-${r.child.pid}-${tag === '00000000' ? '11111111' : '00000000'}-abcdef`);
    mkdirSync(live);
    mkdirSync(otherMachine);

    const next = await cli(['convert', '--from', 'coco', '--to', 'annoconv', src, '-o', join(r.outDir, 'out.annoconv'), '--diagnostics', 'json'], { env: { TMPDIR: r.tmp } });
    expect(next.code).toBe(0);
    const stale = jsonDiagnostics(next.stderr).filter((d) => d.code === 'TEMP_STALE_REMOVED');
    expect(stale).toHaveLength(1);
    expect(stale[0]!.severity).toBe('warning');
    expect(stale[0]!.message).toContain(`removed 2 temporary files and folders (${bytes.toLocaleString('en-US')} bytes)`);
    expect(jsonSummary(next.stderr)?.warnings).toBe(1);
    expect(readdirSync(r.tmp).sort()).toEqual([live, otherMachine].map((p) => p.split('/').pop()).sort());
    expect(readdirSync(r.outDir)).toEqual(['out.annoconv']);

    // nothing more to say the time after
    const again = await cli(['validate', src, '--from', 'coco', '--diagnostics', 'json'], { env: { TMPDIR: r.tmp } });
    expect(jsonDiagnostics(again.stderr).map((d) => d.code)).not.toContain('TEMP_STALE_REMOVED');
    expect(existsSync(live) && existsSync(otherMachine)).toBe(true);
  }, 60_000);

  it('a killed -o DIR run leaves a staging folder that the next run writing there removes', async () => {
    const out = join(dir, 'voc-out');
    mkdirSync(out);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const staging = join(out, `.annoconv-${dead.stdout}-${OWNER.slice(OWNER.indexOf('-') + 1)}-0123abcd`);
    mkdirSync(join(staging, 'Annotations'), { recursive: true });
    writeFileSync(join(staging, 'Annotations', 'a.xml'), '<annotation/>');
    const r = await cli(['convert', join(ROOT, 'fixtures/sample/instances.json'), '--from', 'coco', '--to', 'voc', '-o', out, '--diagnostics', 'json'], { env: { TMPDIR: dir } });
    expect(r.code).toBe(0);
    const d = jsonDiagnostics(r.stderr).filter((x) => x.code === 'TEMP_STALE_REMOVED');
    expect(d.map((x) => x.message)).toEqual([`removed 1 temporary file or folder (13 bytes) left in ${out} by annoconv runs that ended without cleaning up (killed) and no longer exist`]);
    expect(existsSync(staging)).toBe(false);
    // only this run's files (and their list): XMLs, and the segmentation of the sample's polygons
    const own = ['.annoconv-files', 'SegmentationClass', 'SegmentationObject', 'ImageSets', 'labelmap.txt'];
    expect(readdirSync(out).filter((f) => !f.endsWith('.xml') && !own.includes(f))).toEqual([]);
  }, 60_000);
});

describe('SIGUSR1 mid-run', () => {
  it('is ignored: no inspector ("Debugger listening"), the run goes on to a complete output', async () => {
    const r = runAndSignal('usr1', 'SIGUSR1');
    const { code, signal, stderr } = await r.done;
    expect([code, signal]).toEqual([0, null]);
    expect(stderr).not.toMatch(/Debugger listening|inspector/i);
    const lines = readFileSync(join(r.outDir, 'out.annoconv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1 + 3000); // the dataset header and every image
    expect(readdirSync(r.tmp)).toEqual([]);
  }, 60_000);
});
