// The split between the `unit` and `integration` projects: a test file needs the S3 server exactly when it
// reaches the server's injected address through its local imports, so a new file lands in the right project by itself.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { integrationTestFiles } from './test-projects.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function treeOf(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'test-projects-'));
  roots.push(root);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return root;
}

// Spelled in pieces, and helpers named unlike real ones: this file must not read as one that needs the server.
const injectS3 = (quote: string) => `inject(${quote}s3${quote})`;
const helper = { '__tests__/support/bucket.ts': `export const s3 = () => ${injectS3("'")};` };

describe('integrationTestFiles', () => {
  it.each([
    ['injects the server itself', { '__tests__/a.test.ts': `const s3 = ${injectS3('"')};` }, ['__tests__/a.test.ts']],
    ['imports a helper that does', { ...helper, '__tests__/x/a.test.ts': "import '../support/bucket.js';" }, ['__tests__/x/a.test.ts']],
    [
      'reaches it through two modules',
      { ...helper, '__tests__/x/h.ts': "export * from '../support/bucket.js';", '__tests__/x/a.test.ts': "import './h.js';" },
      ['__tests__/x/a.test.ts'],
    ],
    ['imports it dynamically', { ...helper, '__tests__/a.test.ts': "await import('./support/bucket.js');" }, ['__tests__/a.test.ts']],
    [
      'reaches it through an import cycle',
      {
        ...helper,
        '__tests__/p.ts': "import './q.js';",
        '__tests__/q.ts': "import './p.js';\nimport './support/bucket.js';",
        '__tests__/a.test.ts': "import './p.js';",
      },
      ['__tests__/a.test.ts'],
    ],
    ['imports only pure modules', { '__tests__/a.test.ts': "import '../src/core/plan.js';", 'src/core/plan.ts': '' }, []],
    ['injects something else', { '__tests__/a.test.ts': "inject('sts');" }, []],
    ['is a helper, not a test file', helper, []],
  ])('a test file that %s', (_, files, expected) => {
    expect(integrationTestFiles(treeOf(files))).toEqual(expected);
  });

  it('puts this repository’s pure tests in unit and its server scenarios in integration', () => {
    const integration = integrationTestFiles(join(import.meta.dirname, '..', '..'));
    expect(integration).toContain('__tests__/scenarios/sync.test.ts');
    expect(integration).toContain('__tests__/faults/s3-faults.test.ts');
    expect(integration).not.toContain('__tests__/core/plan.test.ts');
    expect(integration).not.toContain('__tests__/setup/test-projects.test.ts');
  });
});
