// Bad input, table-driven over every CLI flag and Action input: exit 2 (or a parse error naming the input),
// with zero requests to S3 (the client's request counter) and, for everything decidable offline, to WorkDocs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTION_SPECS, parseActionOptions, parseSyncOptions, type OptionSpec } from '../../src/options.js';
import { nonZero, startScenario, type Scenario } from '../helpers/scenario.js';

const REQUIRED = { workdocs_folder_id: 'a'.repeat(64), s3_bucket_name: 'my-bucket', region_name: 'us-west-2' };

/** Wrong values per option kind; `min - 1` and `max + 1` are added for integers. */
function wrongValues(spec: OptionSpec): string[] {
  switch (spec.kind) {
    case 'integer':
      return ['abc', '1.5', '-1', '0x10', '1e3', ' ', String((spec.min ?? 0) - 1), String((spec.max ?? 0) + 1), '9'.repeat(40)];
    case 'boolean':
      return ['maybe', '2', 'yes please', 'truee'];
    case 'enum':
      return ['bogus', `${spec.values![0]}x`, '*'];
    default:
      return [];
  }
}

const STRING_CASES: [string, string][] = [
  // Bucket names S3 would refuse.
  ...['AB', 'a', 'a'.repeat(64), 'My-Bucket', 'my_bucket', 'my..bucket', '192.168.1.1', '-bucket', 'bucket-', 'xn--bucket', 'bucket-s3alias', 'bu cket', 'bucket/x']
    .map((v): [string, string] => ['s3_bucket_name', v]),
  // Folder ids that cannot be WorkDocs ids.
  ...['has space', 'a/b', 'x'.repeat(129), '../etc', 'id\n2', '%2e%2e'].map((v): [string, string] => ['workdocs_folder_id', v]),
  ...['US-WEST-2', 'mars', 'us-west', 'us-west-2 ', 'eu_west_1'].filter((v) => v.trim() !== 'us-west-2').map((v): [string, string] => ['region_name', v]),
  // Prefixes that would escape or confuse the key space.
  ...['..', '../x', 'a/../b', 'a/./b', '.', 'a//b', '//', '/leading', '/', 'a\u0000b', 'tab\tin', 'x'.repeat(513)].flatMap((v): [string, string][] => [['s3_prefix', v], ['archive_prefix', v]]),
  ...['lots', '-1', '101%', '1,2', '10%,20%', '5%%', '1.5', ','].map((v): [string, string] => ['max_delete', v]),
  ...['../x', 'a/b', 'x'.repeat(65), 'has space'].map((v): [string, string] => ['run_id', v]),
  ...['ftp://x', 'not a url', 'http://user:pw@host', 'localhost:9000'].flatMap((v): [string, string][] => [['s3_endpoint_url', v], ['workdocs_endpoint_url', v]]),
  // Destination options: a bucket owner that is no account id, tags S3 would refuse, a KMS key without sse aws:kms*.
  ...['12345678901', 'me', 'arn:aws:iam::123456789012:root'].map((v): [string, string] => ['expected_bucket_owner', v]),
  ...['team', 'a=b,a=c', 'aws:x=1', 'x=<y>', Array.from({ length: 11 }, (_, i) => `k${i}=v`).join(',')].map((v): [string, string] => ['object_tags', v]),
  ...['1234abcd-12ab-34cd-56ef-1234567890ab', 'not a key'].map((v): [string, string] => ['sse_kms_key_id', v]),
  // Incremental runs: durations that are none, or longer than the activity feed is trusted to reach (30d).
  ...['weekly', '7', '1w', '-1d', '1.5d', '31d'].map((v): [string, string] => ['full_listing_every', v]),
  // A verify slice that is no i/n with 0 <= i < n <= 256.
  ...['x', '1', '4/4', '0/0', '-1/2', '1/300', '1/2/3'].map((v): [string, string] => ['verify_slice', v]),
  // Site source: a directory id of the wrong shape (or beside a folder id), globs that are no username globs.
  ...['d-123', 'D-926726012C', 'd-92672601zz', 'organization', 'd-926726012c0'].map((v): [string, string] => ['workdocs_organization_id', v]),
  ...['has space', 'a,,b', 'team/*', '[ab]'].flatMap((v): [string, string][] => [['users', v], ['exclude_users', v]]),
];

/** Site mode's problems with the folder id left out: exactly one of the two ids, and the site options' own rules. */
const SITE = { s3_bucket_name: 'my-bucket', region_name: 'us-west-2', workdocs_organization_id: 'd-926726012c' };
const SITE_CASES: [string, Record<string, string>, string, RegExp][] = [
  ['neither id', { s3_bucket_name: 'my-bucket', region_name: 'us-west-2' }, 'workdocs_folder_id', /is required, or workdocs_organization_id .*exactly one of the two/],
  ['both ids', { ...SITE, workdocs_folder_id: 'a'.repeat(64) }, 'workdocs_organization_id', /exactly one of the two/],
  ['a directory id of the wrong shape', { ...SITE, workdocs_organization_id: 'd-12' }, 'workdocs_organization_id', /is not a WorkDocs directory id such as d-926726012c/],
  ['a bad users glob', { ...SITE, users: 'alice bob' }, 'users', /is not a username glob/],
  ['an empty exclude_users entry', { ...SITE, exclude_users: 'a,' }, 'exclude_users', /empty entry/],
  ['users without a site', { ...REQUIRED, users: 'alice' }, 'users', /applies with workdocs_organization_id only/],
  ['exclude_users without a site', { ...REQUIRED, exclude_users: 'alice' }, 'exclude_users', /applies with workdocs_organization_id only/],
  ['include_recycle_bin without a site', { ...REQUIRED, include_recycle_bin: 'true' }, 'include_recycle_bin', /applies with workdocs_organization_id only/],
];

const CLI_SPECS = OPTION_SPECS.filter((s) => s.scope === 'both');
const TYPED_CASES: [string, string][] = CLI_SPECS.flatMap((spec) => wrongValues(spec).map((v): [string, string] => [spec.name, v]));

describe('the CLI: exit 2, a message naming the flag, zero requests', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: { root: { name: 'r', children: [{ name: 'a.txt', content: 'a' }] } } }, 'badinput'); });
  afterAll(async () => scn?.close());

  async function expectRefused(args: string[], option: string): Promise<void> {
    const r = await scn.run(args);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
    expect(r.stderr).toContain(`--${option}`);
    expect(r.stderr).toMatch(/Nothing was touched/);
    expect(nonZero(r.s3)).toEqual({});
    expect(nonZero(r.workdocs)).toEqual({});
  }

  it.each(TYPED_CASES)('--%s %j (wrong type or out of range)', async (option, value) => {
    await expectRefused([`--${option}=${value}`], option);
  });

  it.each(STRING_CASES)('--%s %j (invalid)', async (option, value) => {
    await expectRefused([`--${option}=${value}`], option);
  });

  it.each(SITE_CASES)('site source: %s', async (_t, given, option, problem) => {
    // Flags given as empty values stand for "not given"; the scenario's folder id is dropped unless the case has one.
    const args = Object.entries({ workdocs_folder_id: '', ...given }).flatMap(([k, v]) => [`--${k}`, v]);
    const r = await scn.run(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`--${option} .*${problem.source}`));
    expect(r.stderr).toMatch(/Nothing was touched/);
    expect(nonZero(r.s3)).toEqual({});
    expect(nonZero(r.workdocs)).toEqual({});
  });

  it('a site WorkDocs does not know: exit 2 naming workdocs_organization_id, zero requests to S3', async () => {
    const r = await scn.run(['--workdocs_folder_id', '', '--workdocs_organization_id', 'd-0000000000']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/workdocs_organization_id: organization d-0000000000 does not exist/);
    expect(nonZero(r.s3)).toEqual({});
  });

  it.each(['workdocs_folder_id', 's3_bucket_name', 'region_name'])('--%s missing, empty or blank', async (option) => {
    const s3 = ['--s3_endpoint_url', 'http://127.0.0.1:1'];
    for (const value of ['', '   ']) await expectRefused([`--${option}=${value}`, ...s3], option);
    // Missing entirely: run main() without the default for it.
    const { main } = await import('../../src/cli/main.js');
    let stderr = '';
    const all: Record<string, string> = { ...REQUIRED };
    delete all[option];
    const code = await main(Object.entries(all).flatMap(([k, v]) => [`--${k}`, v]), { stdout: () => {}, stderr: (t) => { stderr += t; }, cwd: scn.dir, createEnv: () => { throw new Error('no client may be built'); } });
    expect(code).toBe(2);
    expect(stderr).toContain(`--${option} is required`);
  });

  it.each([
    ['a value-less string flag', ['--s3_prefix'], 's3_prefix'],
    ['a flag given twice', ['--max_workers', '2', '--max_workers', '3'], 'max_workers'],
    ['an unknown flag', ['--bukket', 'x'], 'bukket'],
    ['an Action-only input on the CLI', ['--role_to_assume', 'arn:aws:iam::123456789012:role/x'], 'role_to_assume'],
    ['the archive prefix equal to the prefix', ['--s3_prefix', 'm', '--archive_prefix', 'm/'], 'archive_prefix'],
    ['the archive prefix containing the prefix', ['--s3_prefix', 'a/b', '--archive_prefix', 'a'], 'archive_prefix'],
    ['absurd worker counts', ['--max_workers', '1000000'], 'max_workers'],
    ['zero workers', ['--max_workers', '0'], 'max_workers'],
    ['absurd sockets', ['--max_pool_connections', '99999'], 'max_pool_connections'],
  ])('%s', async (_t, args, option) => {
    await expectRefused([...args], option);
  });

  it.each([
    ['a folder id that does not exist', 'f'.repeat(64)],
    ['the id of a document, not a folder', ''],
  ])('%s: exit 2 naming workdocs_folder_id, zero requests to S3', async (_t, given) => {
    const folderId = given || scn.emulator.control.lookup(['a.txt'])!;
    const r = await scn.run(['--workdocs_folder_id', folderId]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/workdocs_folder_id/);
    expect(nonZero(r.s3)).toEqual({});
  });

  it('a recycled folder: exit 2, zero requests to S3', async () => {
    const folder = scn.emulator.control.addFolder({ parentId: scn.emulator.rootFolderId, name: 'gone' });
    scn.emulator.control.delete(folder.id);
    const r = await scn.run(['--workdocs_folder_id', folder.id]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/workdocs_folder_id/);
    expect(nonZero(r.s3)).toEqual({});
  });

  it('an empty optional flag means its default (as an unset Action input does)', async () => {
    const r = await scn.run(['--max_workers=', '--dry_run']);
    expect(r.code).toBe(0);
  });
});

describe('the Action: parseSyncOptions + parseActionOptions name the input', () => {
  it.each([...TYPED_CASES, ...STRING_CASES])('%s = %j', (option, value) => {
    const parsed = parseSyncOptions({ ...REQUIRED, [option]: value });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.map((e) => e.option)).toContain(option);
  });

  it.each(['workdocs_folder_id', 's3_bucket_name', 'region_name'])('%s missing or blank', (option) => {
    for (const value of [undefined, '', '  ']) {
      const parsed = parseSyncOptions({ ...REQUIRED, [option]: value });
      expect(parsed.ok).toBe(false);
      // Without a folder id, the message names the other way of giving a source too.
      const problem = option === 'workdocs_folder_id' ? 'is required, or workdocs_organization_id to mirror the whole site: give exactly one of the two' : 'is required';
      if (!parsed.ok) expect(parsed.errors).toContainEqual({ option, problem });
    }
  });

  it.each(SITE_CASES)('site source: %s', (_t, given, option, problem) => {
    const parsed = parseSyncOptions(given);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.find((e) => e.option === option)?.problem).toMatch(problem);
  });

  it('a site alone is accepted: its id, the globs, the bin', () => {
    const parsed = parseSyncOptions({ ...SITE, users: 'alice, team-*', exclude_users: 'team-bot', include_recycle_bin: 'true' });
    expect(parsed.ok && parsed.value).toMatchObject({ workdocsFolderId: '', workdocsOrganizationId: 'd-926726012c', users: ['alice', 'team-*'], excludeUsers: ['team-bot'], includeRecycleBin: true });
    const all = parseSyncOptions(SITE);
    expect(all.ok && all.value).toMatchObject({ users: [], excludeUsers: [], includeRecycleBin: false });
  });

  const ACTION_SPECS = OPTION_SPECS.filter((s) => s.scope === 'action');
  it.each([
    ...ACTION_SPECS.flatMap((spec) => wrongValues(spec).map((v): [string, string] => [spec.name, v])),
    ['role_to_assume', 'not-an-arn'], ['role_to_assume', 'arn:aws:iam::123:role/x'], ['role_to_assume', 'arn:aws:iam::123456789012:user/x'],
    ['workdocs_role_to_assume', 'role'], ['role_session_name', 'a'], ['role_session_name', 'has space'], ['role_session_name', 'x'.repeat(65)],
  ])('%s = %j', (option, value) => {
    const parsed = parseActionOptions({ [option]: value });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.map((e) => e.option)).toContain(option);
  });

  it('every option of the table is covered by a wrong-value case', () => {
    const covered = new Set([...TYPED_CASES, ...STRING_CASES].map(([o]) => o));
    for (const name of ['dry_run', 'log_file', 'report_file', 'verify_merge']) covered.add(name); // free text (paths) / booleans covered above
    const uncovered = OPTION_SPECS.filter((s) => s.scope === 'both' && s.kind === 'string' && !covered.has(s.name)).map((s) => s.name);
    // Free-text options (paths) accept anything a file system does.
    expect(uncovered.sort()).toEqual([]);
  });
});
