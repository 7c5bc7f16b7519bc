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
