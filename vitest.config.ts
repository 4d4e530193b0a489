import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration and browser tests start real processes; forks keep their handles apart.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The browser suite shares one Chromium; the rest is light enough for two cores.
    maxWorkers: 2,
    // .ci/run reads the JSON report for its summary line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
