/**
 * cocoapi's own polygon rasterizer (`rleFrPoly` in common/maskApi.c, what pycocotools'
 * `frPyObjects` + `merge` run), compiled from ../peers/cocoapi with the system C compiler into a
 * temporary folder, behind the tests' driver test/peers/cocoapi_rle.c. Tests use it as the
 * reference that annoconv's polygons must rasterize to; `cocoapiC()` is undefined (the tests
 * skip) without the source or a compiler.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PEERS } from '../peers/peers.js';

const DRIVER_DIR = join(import.meta.dirname, '..', 'peers');

let built: string | null | undefined;

/** The compiled driver's path, or undefined when cocoapi's source or a C compiler is missing. */
function binary(): string | undefined {
  if (built !== undefined) return built ?? undefined;
  built = null;
  const src = join(PEERS, 'cocoapi', 'common');
  if (!existsSync(join(src, 'maskApi.c'))) return undefined;
  const cc = ['cc', 'gcc'].find((c) => spawnSync(c, ['--version']).status === 0);
  if (!cc) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'annoconv-cocoapi-'));
  const exe = join(dir, 'frpoly');
  const r = spawnSync(cc, ['-O2', '-I', src, '-o', exe, join(DRIVER_DIR, 'cocoapi_rle.c'), join(src, 'maskApi.c'), '-lm'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  built = exe;
  return exe;
}

/** cocoapi's rasterization of polygon cases (each: rings unioned, as pycocotools merges a segmentation's polygons). */
export type FrPoly = (cases: { rings: readonly (readonly number[])[]; h: number; w: number }[]) => number[][];

/** The reference rasterizer, or undefined when it cannot be built here. */
export function cocoapiC(): FrPoly | undefined {
  const exe = binary();
  if (!exe) return undefined;
  return (cases) => {
    // no ring: an empty mask (cocoapi's merge of nothing has no size)
    const asked = cases.filter((c) => c.rings.length);
    const input = asked.map((c) => ['P', c.h, c.w, c.rings.length, ...c.rings.flatMap((r) => [r.length / 2, ...r.map((v) => String(v))])].join(' ')).join('\n') + '\n';
    const r = asked.length ? spawnSync(exe, [], { input, encoding: 'utf8', maxBuffer: 1 << 30 }) : { status: 0, stdout: '', stderr: '' };
    if (r.status !== 0) throw new Error(`cocoapi driver failed: ${r.stderr}`);
    const lines = r.stdout.trim().split('\n');
    let k = 0;
    return cases.map((c) => (c.rings.length ? lines[k++]!.split(' ').slice(1).map(Number) : [c.h * c.w]));
  };
}
