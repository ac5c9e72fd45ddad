// Which test files need the real S3 server: the split between vitest's `unit` and `integration` projects.
// Worked out from the sources, so a new test file lands in the right project without being listed anywhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The glob (relative to the root) that every test file matches. */
export const TEST_FILES = '__tests__/**/*.test.ts';

/**
 * The server's address reaches a test only through vitest's inject of the `s3` key that
 * __tests__/setup/s3-global.ts provides. The match is on the text, so this file spells it in pieces.
 */
const INJECTS_S3 = /\binject\(\s*['"]s3['"]\s*\)/;
/** Relative imports, static or dynamic, and re-exports: `from './x.js'`, `import('./x.js')`, `import './x.js'`. */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * The test files under `root` (paths relative to it, `/`-separated, sorted) that need the S3 server: those
 * that inject it or import, directly or through other local modules, a module that does.
 */
export function integrationTestFiles(root: string): string[] {
  const modules = new Map<string, { injectsS3: boolean; imports: string[] }>();
  const moduleAt = (file: string) => {
    let module = modules.get(file);
    if (module === undefined) {
      const source = readFileSync(file, 'utf8');
      const imports = [...source.matchAll(RELATIVE_IMPORT)]
        .map((match) => localSourceOf(resolve(dirname(file), match[1]!)))
        .filter((path) => path !== undefined);
      module = { injectsS3: INJECTS_S3.test(source), imports };
      modules.set(file, module);
    }
    return module;
  };
  // Any module reachable from the test file counts, however deep and whatever cycles the imports make.
  const needsS3 = (testFile: string): boolean => {
    const seen = new Set([testFile]);
    for (const file of seen) {
      const module = moduleAt(file);
      if (module.injectsS3) return true;
      for (const imported of module.imports) seen.add(imported);
    }
    return false;
  };
  return testFilesUnder(join(root, '__tests__'))
    .filter(needsS3)
    .map((file) => relative(root, file).split(sep).join('/'))
    .sort();
}

/** The TypeScript source an ESM import names (`./x.js` is `./x.ts`); undefined for JSON and the like. */
function localSourceOf(importedPath: string): string | undefined {
  const candidates = [importedPath.replace(/\.js$/, '.ts'), importedPath, `${importedPath}.ts`];
  return candidates.find((path) => path.endsWith('.ts') && existsSync(path));
}

function testFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}
