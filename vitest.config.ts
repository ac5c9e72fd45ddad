import { defineConfig } from 'vitest/config';
import { integrationTestFiles, TEST_FILES } from './__tests__/setup/test-projects.js';

// Two projects: `unit` needs no S3 server and runs in seconds (`npm run test:unit`); `integration` is every
// test file that reaches the S3 server's injected address (`npm run test:integration`). `npm test` runs both.
const needsS3Server = integrationTestFiles(import.meta.dirname);

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: scenario suites start servers and move real bytes; keep workers few.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: [TEST_FILES], exclude: needsS3Server } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: needsS3Server,
          // Starts (or reuses) the real S3-compatible server once, only when an integration test runs.
          globalSetup: ['__tests__/setup/s3-global.ts'],
        },
      },
    ],
  },
});
