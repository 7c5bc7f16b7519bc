/**
 * Independent readers for the peer checks: other projects' code, run as their users run it. The
 * Python ones run on the system's python3 with Debian's packages (.ci/run installs them); sources
 * that are not packages (the Label Studio SDK converter, datumaro's tests, the Annotto server) are
 * looked for under ../peers beside the checkout, or ANNOCONV_PEERS (test/peers/README.md says how
 * to get them). A check whose peer is missing is skipped, and says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from '../helpers/run.js';

export const PYTHON = '/usr/bin/python3';
export const PEERS = resolve(process.env.ANNOCONV_PEERS ?? join(ROOT, '..', 'peers'));
const STUBS = join(ROOT, 'test/peers/stubs');

/** Whether python3 can import every module named (each a Debian package: python3-<name>). */
export function pythonHas(...modules: string[]): boolean {
  if (!existsSync(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' });
  return r.status === 0;
}

/** The Label Studio SDK's source folder (holding label_studio_sdk/converter), or undefined. */
export function labelStudioSdk(): string | undefined {
  const src = join(PEERS, 'ls-sdk', 'src');
  return existsSync(join(src, 'label_studio_sdk', 'converter', 'converter.py')) ? src : undefined;
}

export interface PythonResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Python script (its text) with arguments; `paths` go on PYTHONPATH before the stubs. */
export function python(script: string, args: string[] = [], paths: string[] = []): PythonResult {
  const r = spawnSync(PYTHON, ['-c', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, PYTHONPATH: [...paths, STUBS].join(':'), PYTHONDONTWRITEBYTECODE: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Says once, on the test output, which peer is missing and so which checks are skipped. */
export function skipping(peer: string, why: string): void {
  process.stdout.write(`peers: ${peer} SKIPPED (${why})\n`);
}
