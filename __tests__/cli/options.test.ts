// Flags and option values as a specification: what is accepted, what it means, and the message for what is not.
import { describe, expect, it } from 'vitest';
import { argumentErrorText, helpText, parseArgs } from '../../src/cli/args.js';
import { OPTION_SPECS, parseMaxDelete, parseSyncOptions, type RawOptions } from '../../src/options.js';
import { VERSION } from '../../src/version.js';
import packageJson from '../../package.json' with { type: 'json' };

const REQUIRED = { workdocs_folder_id: 'a'.repeat(64), s3_bucket_name: 'my-bucket', region_name: 'us-west-2' };

describe('parseArgs: the original flags work verbatim', () => {
  it.each<[string, string[], Record<string, string>]>([
    ['the seed README example', ['--workdocs_folder_id', 'abcdef123456789', '--s3_bucket_name', 'my-s3-bucket', '--region_name', 'us-west-2', '--max_pool_connections', '32', '--max_workers', '16'],
      { workdocs_folder_id: 'abcdef123456789', s3_bucket_name: 'my-s3-bucket', region_name: 'us-west-2', max_pool_connections: '32', max_workers: '16' }],
    ['name=value form', ['--max_workers=3'], { max_workers: '3' }],
    ['kebab-case is accepted too', ['--max-workers', '3'], { max_workers: '3' }],
    ['a boolean alone means true', ['--dry_run'], { dry_run: 'true' }],
    ['a boolean may take an explicit value', ['--dry_run', 'false'], { dry_run: 'false' }],
    ['--no- negates a boolean', ['--no-delete_stale'], { delete_stale: 'false' }],
    ['an empty value is kept (e.g. an empty prefix)', ['--s3_prefix='], { s3_prefix: '' }],
  ])('%s', (_title, argv, raw) => {
    expect(parseArgs(argv)).toEqual({ kind: 'run', raw });
  });

  it.each<[string, string[], Record<string, string>]>([
    ['kebab-case negation', ['--no-delete-stale'], { delete_stale: 'false' }],
    ['a value that starts with a dash', ['--s3_prefix', '-x'], { s3_prefix: '-x' }],
    ['a value that looks like a flag, given with =', ['--s3_prefix=--x'], { s3_prefix: '--x' }],
    ['a boolean then the next flag', ['--dry_run', '--max_workers', '2'], { dry_run: 'true', max_workers: '2' }],
  ])('%s', (_title, argv, raw) => {
    expect(parseArgs(argv)).toEqual({ kind: 'run', raw });
  });

  it.each<[string, string[], string]>([
    ['an unknown flag, with a suggestion', ['--bucket', 'x'], '--bucket is not a known option'],
    ['a typo of a real flag', ['--max_worker', '3'], '--max_worker is not a known option (did you mean --max_workers?)'],
    ['a positional argument', ['folder'], "unexpected argument 'folder': this command takes no positional arguments"],
    ['a second value after a flag', ['--max_workers', '3', '3'], "unexpected argument '3': this command takes no positional arguments"],
    ['a value with spaces that lost its quotes', ['--s3_prefix', 'my', 'docs/'], 'unexpected argument \'docs/\': this command takes no positional arguments (if it belongs to --s3_prefix\'s value, quote the whole value: --s3_prefix "my docs/")'],
    ['a word after a boolean that is no boolean value', ['--dry_run', 'maybe'], "unexpected argument 'maybe': this command takes no positional arguments"],
    ['anything after --', ['--', '--dry_run'], "unexpected argument '--dry_run': this command takes no positional arguments"],
    ['a short flag other than -h and -V', ['-x'], "unexpected argument '-x': options are long (--name); the only short ones are -h and -V"],
    ['a missing value', ['--s3_bucket_name'], '--s3_bucket_name needs a value'],
    ['a flag where a value should be', ['--s3_bucket_name', '--max_workers', '2'], '--s3_bucket_name needs a value'],
    ['--no- on an option that is not a boolean', ['--no-max_workers'], '--no-max_workers is not a known option (did you mean --max_workers?)'],
    ['a flag given twice', ['--max_workers', '1', '--max_workers', '2'], '--max_workers is given more than once'],
    ['a flag given twice, once in kebab-case', ['--dry_run', '--dry-run'], '--dry_run is given more than once'],
    ['an Action-only input', ['--role_to_assume', 'arn:aws:iam::123456789012:role/x'], '--role_to_assume is not a known option'],
  ])('rejects %s', (_title, argv, message) => {
    const parsed = parseArgs(argv);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') expect(parsed.errors.map(argumentErrorText)).toContain(message);
  });

  it('reports every bad word at once, and the flag after a missing value is still read', () => {
    expect(parseArgs(['--max_worker', '3', '--s3_bucket_name', '--dry_run', 'x'])).toEqual({
      kind: 'error',
      errors: [
        { option: 'max_worker', problem: 'is not a known option (did you mean --max_workers?)' },
        { argument: '3', problem: 'this command takes no positional arguments' },
        { option: 's3_bucket_name', problem: 'needs a value' },
        { argument: 'x', problem: 'this command takes no positional arguments' },
      ],
    });
  });

  it('answers --help and --version, whatever else is on the line', () => {
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseArgs(['--bogus', '--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['--s3_bucket_name', '--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['-V'])).toEqual({ kind: 'version' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
    expect(VERSION).toBe(packageJson.version);
  });

  it('documents every CLI option and every exit code in --help', () => {
    const help = helpText(VERSION);
    for (const spec of OPTION_SPECS.filter((s) => s.scope === 'both')) expect(help).toContain(`--${spec.name}`);
    for (const code of ['0 ', '1 ', '2 ', '3 ']) expect(help).toContain(`\n  ${code}`);
  });
});

describe('parseSyncOptions: values', () => {
  it('applies the original defaults: 28 sockets, 14 workers, bucket root, deletes on, script.log; markers for empty folders', () => {
    const parsed = parseSyncOptions(REQUIRED);
    expect(parsed.ok && parsed.value).toMatchObject({
      maxPoolConnections: 28, maxWorkers: 14, s3Prefix: '', deleteStale: true, folderMarkers: 'empty', logFile: 'script.log', dryRun: false,
      maxDelete: { count: undefined, percent: 50 }, partSizeBytes: 8 * 1024 * 1024, multipartThresholdBytes: 512 * 1024 * 1024,
    });
  });

  it.each<[string, RawOptions, string]>([
    ['missing required options', {}, 'workdocs_folder_id: is required, or workdocs_organization_id to mirror the whole site: give exactly one of the two'],
    ['a folder id with illegal characters', { ...REQUIRED, workdocs_folder_id: '../../etc' }, 'workdocs_folder_id: is not a WorkDocs folder id: "../../etc"'],
    ['an upper-case bucket', { ...REQUIRED, s3_bucket_name: 'My_Bucket' }, 's3_bucket_name: may hold only lower-case letters, digits, dots and hyphens, and must start and end with a letter or digit'],
    ['a too short bucket', { ...REQUIRED, s3_bucket_name: 'ab' }, 's3_bucket_name: must be 3 to 63 characters long'],
    ['an IP-like bucket', { ...REQUIRED, s3_bucket_name: '192.168.1.1' }, 's3_bucket_name: must not look like an IP address'],
    ['a region that is not one', { ...REQUIRED, region_name: 'Oregon' }, 'region_name: is not an AWS region name such as us-west-2: "Oregon"'],
    ['zero workers', { ...REQUIRED, max_workers: '0' }, 'max_workers: must be a whole number from 1 to 512, got "0"'],
    ['a fractional socket count', { ...REQUIRED, max_pool_connections: '2.5' }, 'max_pool_connections: must be a whole number from 1 to 1024, got "2.5"'],
    ['a negative worker count', { ...REQUIRED, max_workers: '-4' }, 'max_workers: must be a whole number from 1 to 512, got "-4"'],
    ['a prefix with a leading slash', { ...REQUIRED, s3_prefix: '/backup' }, 's3_prefix: must not start with "/"'],
    ['a prefix with //', { ...REQUIRED, s3_prefix: 'a//b' }, 's3_prefix: must not contain an empty segment ("//")'],
    ['a prefix with ..', { ...REQUIRED, s3_prefix: 'a/..' }, 's3_prefix: must not contain "." or ".." segments'],
    ['a prefix inside the tool\'s own area', { ...REQUIRED, s3_prefix: 'x/.workdocs-s3-sync/y' }, 's3_prefix: must not contain a ".workdocs-s3-sync" segment (the tool\'s own area)'],
    ['a prefix with a control character', { ...REQUIRED, s3_prefix: 'a\nb' }, 's3_prefix: contains the control or formatting character U+000A'],
    ['an archive prefix equal to the prefix', { ...REQUIRED, s3_prefix: 'm', archive_prefix: 'm/' }, 'archive_prefix: must differ from s3_prefix'],
    ['an archive prefix containing the prefix', { ...REQUIRED, s3_prefix: 'a/b', archive_prefix: 'a' }, 'archive_prefix: must not contain s3_prefix (the mirror would be archived into itself)'],
    ['a word for a boolean', { ...REQUIRED, dry_run: 'maybe' }, 'dry_run: must be true or false, got "maybe"'],
    ['an unknown log level', { ...REQUIRED, log_level: 'loud' }, 'log_level: must be one of debug, info, warning, error, got "loud"'],
    ['a part size below S3\'s minimum', { ...REQUIRED, part_size_mb: '4' }, 'part_size_mb: must be a whole number from 5 to 5120, got "4"'],
    ['a multipart threshold above S3\'s largest single PUT', { ...REQUIRED, multipart_threshold_mb: '5121' }, 'multipart_threshold_mb: must be a whole number from 5 to 5120, got "5121"'],
    ['a multipart threshold that is not a number', { ...REQUIRED, multipart_threshold_mb: '1G' }, 'multipart_threshold_mb: must be a whole number from 5 to 5120, got "1G"'],
    ['an endpoint that is not a URL', { ...REQUIRED, s3_endpoint_url: 'localhost:9000' }, 's3_endpoint_url: must be an http or https URL'],
    ['an endpoint with credentials in it', { ...REQUIRED, s3_endpoint_url: 'https://key:secret@s3.example.com' }, 's3_endpoint_url: must not contain credentials'],
  ])('rejects %s', (_title, raw, message) => {
    const parsed = parseSyncOptions(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.map((e) => `${e.option}: ${e.problem}`)).toContain(message);
  });

  it.each<[string, string]>([
    ['empty', 'empty'], ['all', 'all'], ['none', 'none'], ['ALL', 'all'],
    // The option's first form was a boolean: those values keep their meaning.
    ['true', 'all'], ['false', 'none'], ['True', 'all'],
  ])('folder_markers %j means %s', (given, meant) => {
    const parsed = parseSyncOptions({ ...REQUIRED, folder_markers: given });
    expect(parsed.ok && parsed.value.folderMarkers).toBe(meant);
  });

  it('reports every bad option at once, not only the first', () => {
    const parsed = parseSyncOptions({ ...REQUIRED, max_workers: 'x', max_pool_connections: 'y', s3_prefix: '/z' });
    expect(!parsed.ok && parsed.errors.map((e) => e.option)).toEqual(['s3_prefix', 'max_pool_connections', 'max_workers']);
  });

  it('normalizes prefixes to end in a slash', () => {
    const parsed = parseSyncOptions({ ...REQUIRED, s3_prefix: 'backups/workdocs', archive_prefix: 'attic/' });
    expect(parsed.ok && [parsed.value.s3Prefix, parsed.value.archivePrefix]).toEqual(['backups/workdocs/', 'attic/']);
  });
});

describe('parseMaxDelete', () => {
  it.each<[string, ReturnType<typeof parseMaxDelete>]>([
    ['100', { count: 100, percent: undefined }],
    ['10%', { count: undefined, percent: 10 }],
    ['100,10%', { count: 100, percent: 10 }],
    ['2.5%', { count: undefined, percent: 2.5 }],
    ['0', { count: 0, percent: undefined }],
    ['101%', 'percentage must be between 0% and 100%'],
    ['ten', 'must be a count, a percentage or both, e.g. 100, 10% or 100,10%'],
    ['1,2', 'must be a count, a percentage or both, e.g. 100, 10% or 100,10%'],
    ['-1', 'must be a count, a percentage or both, e.g. 100, 10% or 100,10%'],
  ])('%s', (text, expected) => {
    expect(parseMaxDelete(text)).toEqual(expected);
  });
});
