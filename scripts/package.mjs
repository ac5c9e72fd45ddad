// Builds dist/ from src/: tsc compiles to lib/, then ncc bundles each entry point with its dependencies
// into one ESM file, so the Action runs from the repository with no npm install.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';

const entries = [
  ['lib/index.js', 'dist'], // the GitHub Action (action.yml: main: dist/index.js)
  ['lib/cli/index.js', 'dist/cli'], // bin: workdocs-s3-sync
  ['lib/emulator/index.js', 'dist/emulator'], // bin: workdocs-emulator
];

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });

rmSync('lib', { recursive: true, force: true });
rmSync('dist', { recursive: true, force: true });
run('tsc', ['-p', 'tsconfig.build.json']);
for (const [entry, out] of entries) {
  run('ncc', ['build', entry, '-o', out, '--no-source-map-register', '--license', 'licenses.txt', '--quiet']);
}
// ESM bundles need a package.json saying so when copied anywhere without ours beside them.
writeFileSync('dist/package.json', '{ "type": "module" }\n');
