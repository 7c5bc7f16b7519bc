#!/usr/bin/env node
// Reference digests of the writers' outputs, recorded with the CLI of a given checkout, so that a
// test can compare the current writers with the code before their optimisation (the commit is
// named in the file). For each input: coco -> annoconv (the writers' input), annoconv -> coco,
// coco -> labelstudio and labelstudio -> coco; sha256 of stdout, and the exit code.
// Inputs: every COCO file of ../shared/corpus/coco, the generated S dataset (gen_coco.js
// --images 5000), and with --m FILE also the generated M dataset (not used by the test: slow).
// usage: node test/writers/digests.mjs [--root CHECKOUT] [--m coco-m.json] > test/writers/digests.json
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('../../', import.meta.url));
export const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
export const GEN = join(CORPUS, '../bench/gen_coco.js');

/** The conversions each input goes through; `$` is the previous step's output file. */
export const STEPS = [
  ['annoconv', ['--from', 'coco', '--to', 'annoconv']],
  ['coco', ['--from', 'annoconv', '--to', 'coco'], 'annoconv'],
  ['labelstudio', ['--from', 'coco', '--to', 'labelstudio', '--url-prefix', 'https://bucket.example/']],
  ['ls-coco', ['--from', 'labelstudio', '--to', 'coco'], 'labelstudio'],
];

export function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const sha = (b) => createHash('sha256').update(b).digest('hex');

/** The digests of every step for one COCO file, run with the CLI of checkout root; tmp: a scratch folder. */
export function digestsOf(root, file, tmp) {
  const out = {};
  const files = {};
  for (const [name, a, from] of STEPS) {
    const input = from ? files[from] : file;
    if (!input) continue;
    const target = join(tmp, name);
    const r = spawnSync(process.execPath, [join(root, 'bin/annoconv.js'), 'convert', input, ...a, '-o', target, '--quiet'], { encoding: 'buffer' });
    let body = Buffer.alloc(0);
    try {
      body = readFileSync(target);
      files[name] = target;
    } catch {
      // no output: the digest is of nothing
    }
    out[name] = { exit: r.status, sha256: sha(body) };
  }
  return out;
}

/** The corpus files digested, by the name they are recorded under. */
export function corpusFiles() {
  return walk(join(CORPUS, 'coco')).filter((p) => p.endsWith('.json')).sort().map((f) => ['corpus/' + relative(CORPUS, f), f]);
}

export const S_NAME = 'gen_coco --images 5000';

/** Generates the S dataset into dir; its path. */
export function makeS(dir) {
  const s = join(dir, 'coco-s.json');
  execFileSync(process.execPath, [GEN, '--images', '5000', '--out', s], { stdio: 'ignore' });
  return s;
}

function main() {
  const args = process.argv.slice(2);
  const opt = (k) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
  const root = opt('--root') ?? here;
  const tmp = mkdtempSync(join(tmpdir(), 'annoconv-digests-'));
  try {
    const commit = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const result = { commit, note: 'regenerate: node test/writers/digests.mjs --root <checkout of commit> [--m coco-m.json] > test/writers/digests.json', inputs: {} };
    for (const [name, f] of corpusFiles()) result.inputs[name] = digestsOf(root, f, tmp);
    result.inputs[S_NAME] = digestsOf(root, makeS(tmp), tmp);
    if (opt('--m')) result.inputs['gen_coco --images 50000'] = digestsOf(root, opt('--m'), tmp);
    console.log(JSON.stringify(result, null, 1));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
