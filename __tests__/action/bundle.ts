// The Action bundled the way scripts/package.mjs bundles it (tsc, then ncc), into a private directory under the
// repository (ncc resolves node_modules upwards from it), so the committed dist/ is left alone. Set
// ACTION_E2E_DIST=dist/index.js to test an existing bundle instead (e.g. the committed one in CI).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface Bundle {
  /** The bundle's entry, as action.yml's `runs.main`. */
  readonly dist: string;
  readonly cleanup: () => void;
}

export function buildBundle(name: string): Bundle {
  if (process.env.ACTION_E2E_DIST) return { dist: path.resolve(root, process.env.ACTION_E2E_DIST), cleanup: () => {} };
  const dir = path.join(root, 'tmp', `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bin = (tool: string): string => path.join(root, 'node_modules', '.bin', tool);
  const lib = path.join(dir, 'lib');
  try {
    execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', lib], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    // Type errors are `npm run typecheck`'s to report; tsc still emits, and the bundle is what is tested here.
    if (!existsSync(path.join(lib, 'index.js'))) throw error;
  }
  execFileSync(bin('ncc'), ['build', path.join(lib, 'index.js'), '-o', path.join(dir, 'dist'), '--no-source-map-register', '--quiet'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(path.join(dir, 'dist', 'package.json'), '{ "type": "module" }\n');
  return { dist: path.join(dir, 'dist', 'index.js'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
