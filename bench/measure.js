#!/usr/bin/env node
// Runs the annoconv CLI in this process and prints {exitCode, wallMs, maxRssKB} as JSON on fd 3
// (or stderr when fd 3 is not open), so a benchmark sees the CLI's own peak memory.
// usage: node bench/measure.js <annoconv arguments...>
import { writeSync } from 'node:fs';

const t0 = performance.now();
const { main } = await import('../dist/cli/main.js');
const exitCode = await main(process.argv.slice(2));
const line = JSON.stringify({ exitCode, wallMs: performance.now() - t0, maxRssKB: process.resourceUsage().maxRSS }) + '\n';
try {
  writeSync(3, line);
} catch {
  writeSync(2, line);
}
process.exitCode = exitCode;
