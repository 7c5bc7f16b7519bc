/*
 * Test driver for cocoapi's common/maskApi.c (compiled beside it by cocoapi-mask.test.ts).
 * Reads requests from stdin, one per line, and prints the RLE counts cocoapi computes:
 *   P h w n k1 x y ... k2 x y ...   n polygon rings unioned (pycocotools frPyObjects + merge)
 *   B h w x y bw bh                  a box (rleFrBbox)
 * Output: one line per request, "m c1 c2 ... cm".
 */
#include <stdio.h>
#include <stdlib.h>
#include "maskApi.h"

static void print(const RLE *r) {
  printf("%lu", (unsigned long)r->m);
  for (siz i = 0; i < r->m; i++) printf(" %u", r->cnts[i]);
  printf("\n");
}

int main(void) {
  char kind[2];
  unsigned long h, w;
  while (scanf("%1s %lu %lu", kind, &h, &w) == 3) {
    if (kind[0] == 'B') {
      double bb[4];
      if (scanf("%lf %lf %lf %lf", bb, bb + 1, bb + 2, bb + 3) != 4) return 2;
      RLE r;
      rleFrBbox(&r, bb, h, w, 1);
      print(&r);
      rleFree(&r);
      continue;
    }
    unsigned long n;
    if (scanf("%lu", &n) != 1) return 2;
    RLE *rs;
    rlesInit(&rs, n);
    for (unsigned long i = 0; i < n; i++) {
      unsigned long k;
      if (scanf("%lu", &k) != 1) return 2;
      double *xy = malloc(sizeof(double) * 2 * (k ? k : 1));
      for (unsigned long j = 0; j < 2 * k; j++)
        if (scanf("%lf", xy + j) != 1) return 2;
      rleFrPoly(rs + i, xy, k, h, w);
      free(xy);
    }
    RLE m;
    rleMerge(rs, &m, n, 0);
    print(&m);
    rleFree(&m);
    rlesFree(&rs, n);
    fflush(stdout);
  }
  return 0;
}
