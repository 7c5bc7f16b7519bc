#!/usr/bin/env node
// The COCO inputs whose `coco -> annoconv` output must stay byte-identical, and their sha256
// digests. `node test/helpers/coco-digests.mjs --write` (after `npm run build`) records the digests
// of the current build in test/fixtures-data/coco-digests.json; the test (test/coco-digests.test.ts)
// compares every threading mode's output with them. The recorded digests come from the commit
// named in the file (before the COCO reader's optimisations), so they do not depend on the code
// under test.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CORPUS = fileURLToPath(new URL('../../../shared/corpus/coco/', import.meta.url));
export const GEN = fileURLToPath(new URL('../../../shared/bench/gen_coco.js', import.meta.url));
export const FIXTURE = ROOT + 'test/fixtures-data/coco-digests.json';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/**
 * The inputs as {name, path}: the generator's S (5,000 images, 3 partitions), the same data with
 * annotations before images (the pending path), a sorted S, and every corpus COCO file.
 */
export function inputs(dir) {
  mkdirSync(dir, { recursive: true });
  const s = join(dir, 'gen-s.json');
  if (!existsSync(s)) execFileSync(process.execPath, [GEN, '--images', '5000', '--out', s], { stdio: 'ignore' });
  const first = join(dir, 'gen-s-annotations-first.json');
  if (!existsSync(first)) {
    const d = JSON.parse(readFileSync(s, 'utf8'));
    writeFileSync(first, JSON.stringify({ info: d.info, annotations: d.annotations, licenses: d.licenses, images: d.images, categories: d.categories }));
  }
  const sorted = join(dir, 'gen-s-sorted.json');
  if (!existsSync(sorted)) execFileSync(process.execPath, [GEN, '--images', '4100', '--sorted', '--seed', '7', '--out', sorted], { stdio: 'ignore' });
  const list = [
    { name: 'gen:s', path: s },
    { name: 'gen:s-annotations-first', path: first },
    { name: 'gen:s-sorted-4100-seed7', path: sorted },
  ];
  if (existsSync(CORPUS)) for (const p of walk(CORPUS)) list.push({ name: 'corpus:' + relative(CORPUS, p), path: p });
  return list;
}

/** sha256 of stdout and the exit code of `annoconv convert --from coco --to annoconv FILE ...extra`. */
export function digest(path, extra = [], env = {}) {
  const r = spawnSync(process.execPath, [ROOT + 'bin/annoconv.js', 'convert', '--from', 'coco', '--to', 'annoconv', '--quiet', path, ...extra], { maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  return { sha256: createHash('sha256').update(r.stdout).digest('hex'), exit: r.status };
}

if (process.argv[2] === '--write') {
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const out = { commit, note: 'coco -> annoconv stdout digests recorded from this commit (single-threaded); regenerate with node test/helpers/coco-digests.mjs --write', digests: {} };
  for (const { name, path } of inputs(ROOT + 'bench/out/digest-inputs')) {
    out.digests[name] = digest(path, ['--workers', '0']);
    process.stderr.write(`${name} ${out.digests[name].sha256} ${out.digests[name].exit}\n`);
  }
  writeFileSync(FIXTURE, JSON.stringify(out, null, 1) + '\n');
}
