/**
 * cocoapi's own polygon rasterizer (`rleFrPoly` in common/maskApi.c, what pycocotools'
 * `frPyObjects` + `merge` run), compiled from ../peers/cocoapi with the system C compiler into a
 * temporary folder, behind a tiny driver of ours. Tests use it as the reference that annoconv's
 * polygons must rasterize to; `cocoapiC()` is undefined (the tests skip) without the source or cc.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PEERS } from '../peers/peers.js';

// reads cases "h w nrings (k x1 y1 ... xk yk)*" (one a line), prints each union's counts
const DRIVER = `#include <stdio.h>
#include <stdlib.h>
#include "maskApi.h"
int main(void) {
  unsigned long h, w, n;
  while (scanf("%lu %lu %lu", &h, &w, &n) == 3) {
    RLE *R; rlesInit(&R, n > 0 ? n : 1);
    for (unsigned long i = 0; i < n; i++) {
      unsigned long k; if (scanf("%lu", &k) != 1) return 2;
      double *xy = malloc(sizeof(double) * 2 * (k ? k : 1));
      for (unsigned long j = 0; j < 2 * k; j++) if (scanf("%lf", xy + j) != 1) return 2;
      rleFrPoly(R + i, xy, k, h, w); free(xy);
    }
    RLE M;
    if (n == 0) { uint c = (uint)(h * w); rleInit(&M, h, w, 1, &c); }
    else rleMerge(R, &M, n, 0);
    for (unsigned long j = 0; j < M.m; j++) printf(j ? " %u" : "%u", M.cnts[j]);
    printf("\\n"); rleFree(&M); rlesFree(&R, n > 0 ? n : 1);
  }
  return 0;
}
`;

let built: string | null | undefined;

/** The compiled driver's path, or undefined when cocoapi's source or a C compiler is missing. */
function binary(): string | undefined {
  if (built !== undefined) return built ?? undefined;
  built = null;
  const src = join(PEERS, 'cocoapi', 'common');
  if (!existsSync(join(src, 'maskApi.c'))) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'annoconv-cocoapi-'));
  writeFileSync(join(dir, 'driver.c'), DRIVER);
  const exe = join(dir, 'frpoly');
  const r = spawnSync('cc', ['-O2', '-I', src, '-o', exe, join(dir, 'driver.c'), join(src, 'maskApi.c'), '-lm'], { encoding: 'utf8' });
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
    const input = cases.map((c) => [c.h, c.w, c.rings.length, ...c.rings.flatMap((r) => [r.length / 2, ...r.map((v) => v.toPrecision(17))])].join(' ')).join('\n') + '\n';
    const r = spawnSync(exe, [], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`cocoapi driver failed: ${r.stderr}`);
    return r.stdout.trim().split('\n').map((l) => l.split(' ').map(Number));
  };
}
