/** The README's library example runs as written, against the built package. */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './helpers/run.js';

describe('README', () => {
  it('the library example runs and prints what it says', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /## Library\n\n```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'annoconv-readme-'));
    try {
      const code = block
        .replace("from 'annoconv'", `from ${JSON.stringify(join(ROOT, 'dist/index.js'))}`)
        .replaceAll("'items.jsonlines'", JSON.stringify(join(ROOT, 'fixtures/sample/items.jsonlines')));
      const file = join(dir, 'example.mjs');
      writeFileSync(file, code);
      const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toBe('3 0 0');
      expect(lines.slice(1)).toEqual([
        '8f4a2c1e-3b7d-4e9a-a1c2-5d6e7f8a9b0c text Bonjour, je souhaite changer mes heures creuses.',
        '2d9b6e4f-8a1c-4f3e-b7d2-0c9e8f7a6b5d text Le compteur affiche une erreur depuis hier.',
        'c3e1f5a7-9b2d-4c6e-8f0a-1b3d5e7f9a2c text Merci pour votre réponse rapide.',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what the package ships', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string; engines: { node: string } };
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('every local file the README links to is in the packed tarball', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const files = new Set((JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
    const links = [...readme.matchAll(/\]\((?!https?:|#)([^)\s]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(2);
    for (const l of links) expect(files.has(l), l).toBe(true);
    for (const f of ['LICENSE', 'bin/annoconv.js', 'dist/index.js', 'dist/cli/main.js']) expect(files.has(f), f).toBe(true);
  });

  it('the LICENSE is the licence package.json names, and README states the Node version of engines', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    const min = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)![1]!;
    expect(readme).toContain(`Node ≥ ${min}`);
    expect(readme).toContain(`Node.js ${min} or later`);
  });

  it('require() from CommonJS gets the library', () => {
    const r = spawnSync(process.execPath, ['-e', `const a = require(${JSON.stringify(ROOT)}); process.stdout.write(typeof a.convert + ' ' + typeof a.validate)`], { encoding: 'utf8' });
    expect(r.stdout).toBe('function function');
  });
});
