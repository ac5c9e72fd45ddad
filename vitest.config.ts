import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // Starts (or reuses) the real S3-compatible server once for the whole run.
    globalSetup: ['__tests__/setup/s3-global.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: scenario suites start servers and move real bytes; keep workers few.
    maxWorkers: 2,
  },
});
