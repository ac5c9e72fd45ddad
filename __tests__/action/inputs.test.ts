import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestInput, formatInputErrors, inputVariable, parseInputs, readRawInputs, SAFETY_INPUTS } from '../../src/action/inputs.js';
import { OPTION_SPECS } from '../../src/options.js';
import { inputEnv } from './fixtures.js';

const required = { workdocs_folder_id: 'abc123', s3_bucket_name: 'my-bucket', region_name: 'us-west-2' };
/** action.yml's defaults, which the runner always passes under the snake_case names. */
const defaults = Object.fromEntries(OPTION_SPECS.map((s) => [s.name, s.default ?? '']));
const read = (inputs: Record<string, string>) => parseInputs(readRawInputs(inputEnv(inputs)).raw);

describe('Action inputs', () => {
  it('reads every input of OPTION_SPECS from its INPUT_ variable, trimmed; other variables are not inputs', () => {
    const env = { ...inputEnv(Object.fromEntries(OPTION_SPECS.map((s) => [s.name, ` v-${s.name} `]))), PATH: '/bin', RUNNER_TEMP: '/t' };
    const { raw, warnings, errors } = readRawInputs(env);
    expect(raw).toEqual(Object.fromEntries(OPTION_SPECS.map((s) => [s.name, `v-${s.name}`])));
    expect(warnings).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('gives the defaults of OPTION_SPECS for every input read as empty, except log_file, which empty turns off', () => {
    const parsed = read({ ...required, log_file: '' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.sync).toMatchObject({ workdocsFolderId: 'abc123', s3BucketName: 'my-bucket', regionName: 'us-west-2', maxWorkers: 14, maxPoolConnections: 28, deleteStale: true, logFile: '', reportFile: '' });
    const unset = parseInputs({ ...readRawInputs(inputEnv(required)).raw, log_file: undefined });
    expect(unset.ok && unset.value.sync.logFile).toBe('script.log');
    expect(parsed.value.action).toEqual({ roleToAssume: '', roleSessionName: 'workdocs-s3-sync', roleDurationSeconds: 3600, audience: 'sts.amazonaws.com', workdocsRoleToAssume: '', tolerateFailures: false });
  });

  it('names every bad input, sync and Action ones alike, in the order of the inputs', () => {
    const parsed = read({ ...required, s3_bucket_name: 'My_Bucket', max_workers: '0', role_to_assume: 'not-an-arn', dry_run: 'maybe', region_name: '' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const text = formatInputErrors(parsed.errors);
    expect(text.split('\n')).toEqual([
      expect.stringMatching(/^Input 's3_bucket_name': /),
      "Input 'region_name': is required",
      'Input \'max_workers\': must be a whole number from 1 to 512, got "0"',
      'Input \'dry_run\': must be true or false, got "maybe"',
      "Input 'role_to_assume': must be an IAM role ARN such as arn:aws:iam::123456789012:role/name",
    ]);
  });

  it('accepts the original five inputs alone', () => {
    expect(read({ ...required, max_pool_connections: '32', max_workers: '16' }).ok).toBe(true);
  });
});

describe('spellings of inputs', () => {
  // with: as a workflow author writes it (plus action.yml's defaults, as the runner adds them) → what is read.
  it.each<{ with: Record<string, string>; read: Record<string, string> }>([
    { with: { 'dry-run': 'true' }, read: { dry_run: 'true' } },
    { with: { 'dry run': 'true' }, read: { dry_run: 'true' } },
    { with: { 'Dry_Run': 'true' }, read: { dry_run: 'true' } },
    { with: { 'max-delete': '10' }, read: { max_delete: '10' } },
    { with: { 'max_pool-connections': '7' }, read: { max_pool_connections: '7' } },
    { with: { 's3-prefix': 'docs/', 'archive-prefix': 'old/' }, read: { s3_prefix: 'docs/', archive_prefix: 'old/' } },
    { with: { dry_run: 'true', 'dry-run': 'true' }, read: { dry_run: 'true' } },
    { with: { 'tolerate-failures': 'true', 'role-to-assume': 'arn:aws:iam::123456789012:role/r' }, read: { tolerate_failures: 'true', role_to_assume: 'arn:aws:iam::123456789012:role/r' } },
  ])('$with reads as $read', ({ with: given, read: expected }) => {
    const result = readRawInputs(inputEnv({ ...defaults, ...required, ...given }));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.raw).toMatchObject(expected);
  });

  it('two different values in two spellings are bad input', () => {
    const result = readRawInputs(inputEnv({ ...defaults, ...required, dry_run: 'true', 'dry-run': 'false' }));
    expect(result.errors).toEqual([{ option: 'dry_run', problem: 'is given in more than one spelling with different values (dry_run: "true", dry-run: "false"); keep one' }]);
  });

  it.each([
    { name: 'dryrun', option: 'dry_run' },
    { name: 'dry_runs', option: 'dry_run' },
    { name: 'max_deletes', option: 'max_delete' },
    { name: 'maxdelete', option: 'max_delete' },
    { name: 'delete_stail', option: 'delete_stale' },
    { name: 'archive_prefx', option: 'archive_prefix' },
  ])('a safety input written as $name is bad input naming $option', ({ name, option }) => {
    const result = readRawInputs(inputEnv({ ...defaults, ...required, [name]: 'true' }));
    expect(result.errors).toEqual([{ option, problem: expect.stringContaining(`was given as '${name}', which this Action cannot read; write it as '${option}'`) }]);
  });

  it('a safety input this version does not have is bad input, not ignored', () => {
    const env = { ...inputEnv({ ...defaults, ...required }), INPUT_DELETE_FOREIGN: 'true' };
    const known = OPTION_SPECS.some((s) => s.name === 'delete_foreign');
    const result = readRawInputs(env);
    if (known) expect(result.raw.delete_foreign).toBe('true');
    else expect(result.errors).toEqual([{ option: 'delete_foreign', problem: expect.stringContaining('is not an input of this version of the Action') }]);
  });

  it.each([
    { name: 'max_worker', warning: "Input 'max_worker' is not an input of this Action and is ignored; did you mean 'max_workers'?" },
    { name: 'log_levle', warning: "Input 'log_levle' is not an input of this Action and is ignored; did you mean 'log_level'?" },
    { name: 'bucket', warning: "Input 'bucket' is not an input of this Action and is ignored." },
  ])('any other input, $name, is a warning', ({ name, warning }) => {
    const result = readRawInputs(inputEnv({ ...defaults, ...required, [name]: 'x' }));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([warning]);
  });

  it('every input in any mix of - and _ and any case reads as the input itself (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPTION_SPECS), fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (spec, dashes, upper) => {
        let i = 0;
        let j = 0;
        const written = spec.name.replace(/_/g, () => (dashes[i++ % dashes.length] ? '-' : '_')).replace(/[a-z]/g, (c) => (upper[j++ % upper.length] ? c.toUpperCase() : c));
        const result = readRawInputs({ [inputVariable(written)]: 'value' });
        expect(result.errors).toEqual([]);
        expect(result.warnings).toEqual([]);
        expect(result.raw[spec.name]).toBe('value');
      }),
    );
  });

  it('closestInput finds the input a near miss meant, and nothing for a name far from all', () => {
    const names = OPTION_SPECS.map((s) => s.name);
    for (const spec of OPTION_SPECS) expect(closestInput(spec.name.replace(/_/g, ''), names)).toBe(spec.name);
    expect(closestInput('unrelated', names)).toBeUndefined();
    expect(SAFETY_INPUTS).toEqual(['dry_run', 'max_delete', 'delete_stale', 'delete_foreign', 'archive_prefix', 'allow_source_change']);
  });
});
