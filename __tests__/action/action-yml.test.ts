import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedSection, renderActionYml, renderInputsTable, renderOutputsTable } from '../../src/action/docs.js';
import { OUTPUT_SPECS } from '../../src/action/outputs.js';
import { OPTION_SPECS } from '../../src/options.js';
import { asList, asMap, parseYaml } from './yaml-values.js';

const root = new URL('../../', import.meta.url);
const actionYml = readFileSync(new URL('action.yml', root), 'utf8');
const regenerate = 'run `npx tsx src/action/docs.ts --write` after changing src/options.ts or src/action/outputs.ts';

describe('action.yml', () => {
  const doc = asMap(parseYaml(actionYml), 'action.yml');
  const inputs = asMap(doc.inputs, 'inputs');

  it('declares exactly the options of OPTION_SPECS, in order', () => {
    expect(Object.keys(inputs), regenerate).toEqual(OPTION_SPECS.map((s) => s.name));
  });

  it.each(OPTION_SPECS.map((s) => [s.name, s] as const))('input %s has the spec’s description, default and required flag', (name, spec) => {
    const input = asMap(inputs[name], name);
    expect(input.description, regenerate).toBe(spec.description);
    expect(input.required, regenerate).toBe(spec.required === true);
    if (spec.default === undefined) expect(input).not.toHaveProperty('default');
    else expect(input.default, regenerate).toBe(spec.default);
  });

  it('keeps the original required inputs required; the folder id is one of two sources (exactly one, checked when parsed)', () => {
    const required = Object.entries(inputs).filter(([, v]) => asMap(v, 'input').required === true).map(([k]) => k);
    expect(required).toEqual(['s3_bucket_name', 'region_name']);
    expect(Object.keys(inputs)).toEqual(expect.arrayContaining(['workdocs_folder_id', 'workdocs_organization_id']));
  });

  it('lists every output the run sets, with descriptions', () => {
    const outputs = asMap(doc.outputs, 'outputs');
    expect(Object.keys(outputs)).toEqual(OUTPUT_SPECS.map((o) => o.name));
    for (const o of OUTPUT_SPECS) expect(asMap(outputs[o.name], o.name).description).toBe(o.description);
  });

  it('runs dist/index.js on node24', () => {
    expect(doc.name).toBe('WorkDocs to S3 Sync');
    expect(asMap(doc.runs, 'runs')).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(asMap(doc.branding, 'branding')).toHaveProperty('icon');
  });

  it('is byte for byte what the generator writes', () => {
    expect(actionYml, regenerate).toBe(renderActionYml());
  });
});

describe('README.md', () => {
  const docs = readFileSync(new URL('README.md', root), 'utf8');

  it('has the inputs table generated from OPTION_SPECS', () => {
    expect(generatedSection(docs, 'inputs'), regenerate).toBe(renderInputsTable());
  });

  it('has the outputs table', () => {
    expect(generatedSection(docs, 'outputs'), regenerate).toBe(renderOutputsTable());
  });

  it('names every input and output', () => {
    for (const s of OPTION_SPECS) expect(docs).toContain(`\`${s.name}\``);
    for (const o of OUTPUT_SPECS) expect(docs).toContain(`\`${o.name}\``);
  });
});

describe('workflows that use the Action (examples/, .github/workflows/)', () => {
  const dirs = [new URL('examples/', root), new URL('.github/workflows/', root)];
  const files = dirs.flatMap((dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => new URL(f, dir)) : []));
  const usesThis = (uses: unknown): boolean => typeof uses === 'string' && (uses === './' || /(^|\/)workdocs-s3-sync@/.test(uses));
  const relevant = files.filter((f) => /uses:\s*(\.\/\s*$|\S*workdocs-s3-sync@)/m.test(readFileSync(f, 'utf8')));
  const inputNames = new Set(OPTION_SPECS.map((s) => s.name));
  const outputNames = new Set<string>(OUTPUT_SPECS.map((o) => o.name));

  it('covers the examples and the self-test', () => {
    const names = relevant.map((f) => f.pathname.slice(root.pathname.length));
    expect(names).toEqual(expect.arrayContaining(['examples/nightly-sync.yml', 'examples/manual-sync.yml', 'examples/release.yml', 'examples/scale-out.yml', '.github/workflows/action-selftest.yml']));
  });

  it.each(relevant.map((f) => [f.pathname.slice(root.pathname.length), f] as const))('%s passes only declared inputs and reads only declared outputs', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const jobs = asMap(asMap(parseYaml(text), 'workflow').jobs, 'jobs');
    const ids = new Set<string>();
    for (const job of Object.values(jobs)) {
      for (const step of asList(asMap(job, 'job').steps, 'steps').map((s) => asMap(s, 'step'))) {
        if (!usesThis(step.uses)) continue;
        if (step.id !== undefined) ids.add(String(step.id));
        const given = Object.keys(asMap(step.with ?? {}, 'with'));
        for (const name of given) expect(inputNames.has(name), `unknown input ${name}`).toBe(true);
        for (const spec of OPTION_SPECS.filter((s) => s.required)) expect(given, `required input ${spec.name}`).toContain(spec.name);
      }
    }
    for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      if (ids.has(m[1]!)) expect(outputNames.has(m[2]!), `unknown output ${m[2]}`).toBe(true);
    }
  });
});
