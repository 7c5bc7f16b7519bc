import { defineConfig } from 'vitest/config';

// Timeouts from measured durations with headroom for a loaded 2-core machine: the slowest single
// test measured 35 s alone; tests that need more set their own.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['test/setup/global.ts'],
    setupFiles: ['test/setup/tmpdir.ts'],
  },
});
