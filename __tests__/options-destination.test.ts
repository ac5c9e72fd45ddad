// Destination options a backup owner expects (issue 20): what each accepts, what it means, and the message for what
// it does not. Bad values exit 2 and touch nothing, shown for a few through the CLI against the emulator and S3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseObjectTags, parseSyncOptions, type ObjectSettings } from '../src/options.js';
import { nonZero, startScenario, type Scenario } from './helpers/scenario.js';

const REQUIRED = { workdocs_folder_id: 'a'.repeat(64), s3_bucket_name: 'my-bucket', region_name: 'us-west-2' };
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

function settingsOf(raw: Record<string, string>): ObjectSettings & { expectedBucketOwner: string } {
  const parsed = parseSyncOptions({ ...REQUIRED, ...raw });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { ...parsed.value.objectSettings, expectedBucketOwner: parsed.value.expectedBucketOwner };
}

function problemOf(raw: Record<string, string>): { option: string; problem: string } | undefined {
  const parsed = parseSyncOptions({ ...REQUIRED, ...raw });
  return parsed.ok ? undefined : parsed.errors[0];
}

describe('destination options: what is accepted and what it means', () => {
  it('by default objects are STANDARD, with no encryption header (the bucket\'s default applies), no tags, no owner check', () => {
    expect(settingsOf({})).toEqual({ storageClass: 'STANDARD', sse: 'none', sseKmsKeyId: '', tags: [], expectedBucketOwner: '' });
  });

  it.each<[string, Record<string, string>, Partial<ReturnType<typeof settingsOf>>]>([
    ['a storage class, in S3\'s spelling', { storage_class: 'DEEP_ARCHIVE' }, { storageClass: 'DEEP_ARCHIVE' }],
    ['a storage class typed in lower case is S3\'s spelling', { storage_class: 'glacier_ir' }, { storageClass: 'GLACIER_IR' }],
    ['Intelligent-Tiering', { storage_class: 'INTELLIGENT_TIERING' }, { storageClass: 'INTELLIGENT_TIERING' }],
    ['SSE-S3', { sse: 'aes256' }, { sse: 'AES256' }],
    ['SSE-KMS with the AWS managed key', { sse: 'aws:kms' }, { sse: 'aws:kms', sseKmsKeyId: '' }],
    ['SSE-KMS with a key id', { sse: 'aws:kms', sse_kms_key_id: KEY_ID }, { sse: 'aws:kms', sseKmsKeyId: KEY_ID }],
    ['DSSE-KMS with a key ARN', { sse: 'aws:kms:dsse', sse_kms_key_id: `arn:aws:kms:us-west-2:123456789012:key/${KEY_ID}` },
      { sse: 'aws:kms:dsse', sseKmsKeyId: `arn:aws:kms:us-west-2:123456789012:key/${KEY_ID}` }],
    ['a multi-Region key id', { sse: 'aws:kms', sse_kms_key_id: `mrk-${'0'.repeat(32)}` }, { sseKmsKeyId: `mrk-${'0'.repeat(32)}` }],
    ['an alias', { sse: 'aws:kms', sse_kms_key_id: 'alias/backup-key' }, { sseKmsKeyId: 'alias/backup-key' }],
    ['an alias ARN in GovCloud', { sse: 'aws:kms', sse_kms_key_id: 'arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/backup' },
      { sseKmsKeyId: 'arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/backup' }],
    ['an expected bucket owner', { expected_bucket_owner: '123456789012' }, { expectedBucketOwner: '123456789012' }],
    ['tags, spaces after the commas ignored', { object_tags: 'team=docs, retention=7y' },
      { tags: [{ key: 'team', value: 'docs' }, { key: 'retention', value: '7y' }] }],
  ])('%s', (_title, raw, expected) => {
    expect(settingsOf(raw)).toMatchObject(expected);
  });
});

describe('object_tags: S3\'s tag rules', () => {
  it.each<[string, string, { key: string; value: string }[]]>([
    ['empty: no tags', '', []],
    ['a value may be empty', 'legal-hold=', [{ key: 'legal-hold', value: '' }]],
    ['a value may hold "=" (the key ends at the first)', 'q=a=b', [{ key: 'q', value: 'a=b' }]],
    ['every allowed punctuation, spaces inside, and non-ASCII letters', 'a+-=._:/@ b=Zürich 東京 1', [{ key: 'a+-', value: '._:/@ b=Zürich 東京 1' }]],
    ['ten tags', Array.from({ length: 10 }, (_, i) => `k${i}=v`).join(','), Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'v' }))],
    ['a key of 128 characters counted as characters, not UTF-16 units', `${'𝒜'.repeat(128)}=v`, [{ key: '𝒜'.repeat(128), value: 'v' }]],
    ['a value of 256 characters', `k=${'v'.repeat(256)}`, [{ key: 'k', value: 'v'.repeat(256) }]],
  ])('%s', (_title, text, tags) => {
    expect(parseObjectTags(text)).toEqual(tags);
  });

  it.each<[string, string, RegExp]>([
    ['eleven tags', Array.from({ length: 11 }, (_, i) => `k${i}=v`).join(','), /at most 10 tags per object, got 11/],
    ['a key of 129 characters', `${'k'.repeat(129)}=v`, /longer than 128 characters/],
    ['a value of 257 characters', `k=${'v'.repeat(257)}`, /longer than 256 characters/],
    ['no "="', 'team', /must be key=value/],
    ['an empty key', '=docs', /must be key=value/],
    ['an empty tag (a trailing comma)', 'team=docs,', /must be key=value/],
    ['a character S3 refuses', 'team=docs;rm', /may hold only letters, digits, spaces/],
    ['a quote', 'team="docs"', /may hold only/],
    ['a control character', 'team=do\tcs', /may hold only/],
    ['a reserved aws: key', 'AWS:cloudformation=x', /prefix aws:, which AWS reserves/],
    ['the same key twice', 'team=a,team=b', /"team" is given twice/],
  ])('refuses %s', (_title, text, message) => {
    const result = parseObjectTags(text);
    expect(typeof result).toBe('string');
    expect(result).toMatch(message);
  });
});

describe('destination options: bad values are named, with what is wrong', () => {
  it.each<[string, Record<string, string>, string, RegExp]>([
    ['an unknown storage class', { storage_class: 'COLD' }, 'storage_class', /must be one of STANDARD, REDUCED_REDUNDANCY, .*GLACIER_IR, got "cold"/],
    ['a class S3 has only on Outposts', { storage_class: 'OUTPOSTS' }, 'storage_class', /must be one of/],
    ['a class only directory buckets have (their names are refused as s3_bucket_name)', { storage_class: 'EXPRESS_ONEZONE' }, 'storage_class', /must be one of/],
    ['an unknown encryption', { sse: 'kms' }, 'sse', /must be one of none, AES256, aws:kms, aws:kms:dsse/],
    ['SSE-C (keys this tool would have to hold)', { sse: 'SSE-C' }, 'sse', /must be one of/],
    ['a KMS key without sse', { sse_kms_key_id: KEY_ID }, 'sse_kms_key_id', /applies to sse aws:kms or aws:kms:dsse only \(sse is none\)/],
    ['a KMS key with SSE-S3', { sse: 'AES256', sse_kms_key_id: KEY_ID }, 'sse_kms_key_id', /\(sse is AES256\)/],
    ['a KMS key that is no key id, ARN or alias', { sse: 'aws:kms', sse_kms_key_id: 'my key' }, 'sse_kms_key_id', /must be a KMS key id, key ARN, alias\/name or alias ARN/],
    ['an ARN of another service', { sse: 'aws:kms', sse_kms_key_id: 'arn:aws:iam::123456789012:role/x' }, 'sse_kms_key_id', /must be a KMS key/],
    ['a bucket owner of 11 digits', { expected_bucket_owner: '12345678901' }, 'expected_bucket_owner', /12-digit AWS account id/],
    ['a bucket owner given as an ARN', { expected_bucket_owner: 'arn:aws:iam::123456789012:root' }, 'expected_bucket_owner', /12-digit/],
    ['malformed tags', { object_tags: 'team' }, 'object_tags', /must be key=value/],
  ])('%s', (_title, raw, option, message) => {
    const error = problemOf(raw);
    expect(error?.option).toBe(option);
    expect(error?.problem).toMatch(message);
  });
});

describe('the CLI: a bad destination option exits 2 and touches nothing', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: { root: { name: 'r', children: [{ name: 'a.txt', content: 'a' }] } } }, 'destopts'); });
  afterAll(async () => scn?.close());

  it.each<[string, string[], string]>([
    ['storage class', ['--storage_class', 'FROZEN'], 'storage_class'],
    ['KMS key without sse', ['--sse_kms_key_id', KEY_ID], 'sse_kms_key_id'],
    ['bucket owner', ['--expected_bucket_owner', 'me'], 'expected_bucket_owner'],
    ['tags', ['--object_tags', Array.from({ length: 11 }, (_, i) => `k${i}=v`).join(',')], 'object_tags'],
  ])('%s', async (_title, args, option) => {
    const r = await scn.run(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`--${option}`);
    expect(r.stderr).toMatch(/Nothing was touched/);
    expect(nonZero(r.s3)).toEqual({});
    expect(nonZero(r.workdocs)).toEqual({});
  });
});
