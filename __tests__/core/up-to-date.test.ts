// The source head (core/up-to-date.ts): when an incremental run may end without reading the manifest or the snapshot.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_FEED_REACH_MS } from '../../src/core/incremental.js';
import { decodeHead, encodeHead, headMismatch, heldByUser, optionsFingerprint, sourceHeadKey, sourceTopFingerprint, type HeadFacts, type SourceHead } from '../../src/core/up-to-date.js';
import { parseSyncOptions, type SyncOptions } from '../../src/options.js';

const REQUIRED = { workdocs_organization_id: 'd-0123456789', s3_bucket_name: 'mirror-bucket', region_name: 'us-east-1' };

function options(raw: Record<string, string> = {}): SyncOptions {
  const parsed = parseSyncOptions({ ...REQUIRED, ...raw });
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.option}: ${e.problem}`).join('; '));
  return parsed.value;
}

const DAY = 86_400_000;
const head: SourceHead = {
  manifestEtag: '0123abcd', rootId: 'd-0123456789', rootName: '', watermark: { time: 1_000, seen: ['a', 'b'] },
  lastFullListing: 10 * DAY, readAt: 12 * DAY, options: 'O', top: 'T', objects: 7, users: [{ user: 'alice', objects: 4 }, { user: 'bob', objects: 3 }],
};
const facts: HeadFacts = { head, rootId: 'd-0123456789', options: 'O', top: 'T', now: 13 * DAY, fullListingEveryMs: 7 * DAY };

describe('headMismatch: when the head may not decide', () => {
  it.each<[string, Partial<HeadFacts>, string | undefined]>([
    ['the same source, options and users, a full listing not due', {}, undefined],
    ['another source', { rootId: 'd-9999999999' }, 'another source'],
    ['other options (or another version of the tool)', { options: 'P' }, 'other options or another version of this tool'],
    ['the site\'s users changed', { top: 'U' }, 'the site\'s users changed'],
    ['full_listing_every reached', { now: 17 * DAY }, 'a full listing is due'],
    ['full_listing_every is 0', { fullListingEveryMs: 0 }, 'a full listing is due'],
    ['the feed read longer ago than it is trusted', { now: 12 * DAY + ACTIVITY_FEED_REACH_MS + 1, fullListingEveryMs: ACTIVITY_FEED_REACH_MS * 2 }, 'the feed was read too long ago'],
  ])('%s', (_, change, expected) => {
    expect(headMismatch({ ...facts, ...change })).toBe(expected);
  });
});

describe('optionsFingerprint: the options that decide what the mirror holds', () => {
  const base = optionsFingerprint(options(), '1.0.0');
  it.each([
    ['s3_prefix', 'other/'], ['versions', 'all'], ['metadata', 'sidecars'], ['delete_stale', 'false'], ['archive_prefix', 'old/'],
    ['users', 'alice'], ['exclude_users', 'bob'], ['include_recycle_bin', 'true'], ['folder_markers', 'all'], ['storage_class', 'STANDARD_IA'],
    ['delete_foreign', 'true'], ['max_delete', '100%'], ['object_tags', 'team=docs'],
  ])('changes with %s', (name, value) => {
    expect(optionsFingerprint(options({ [name]: value }), '1.0.0')).not.toBe(base);
  });
  it.each([
    ['max_workers', '3'], ['max_pool_connections', '6'], ['dry_run', 'true'], ['incremental', 'auto'], ['full_listing_every', '1d'],
    ['log_level', 'debug'], ['part_size_mb', '16'], ['metadata_refresh', 'true'],
  ])('not with %s (how the run goes, not what the mirror holds)', (name, value) => {
    expect(optionsFingerprint(options({ [name]: value }), '1.0.0')).toBe(base);
  });
  it('changes with the tool\'s version', () => {
    expect(optionsFingerprint(options(), '1.0.1')).not.toBe(base);
  });
});

describe('sourceTopFingerprint', () => {
  const alice = { id: 'r1', name: 'alice', parentId: 'd', createdAt: 1 };
  const bob = { id: 'r2', name: 'bob', parentId: 'd', createdAt: 2 };
  it('ignores the order of users and of fields, not a rename or a new user', () => {
    const t = sourceTopFingerprint([alice, bob]);
    expect(sourceTopFingerprint([bob, { createdAt: 1, parentId: 'd', name: 'alice', id: 'r1' }])).toBe(t);
    expect(sourceTopFingerprint([{ ...alice, name: 'alice2' }, bob])).not.toBe(t);
    expect(sourceTopFingerprint([alice, bob, { id: 'r3', name: 'carol', parentId: 'd', createdAt: 3 }])).not.toBe(t);
    expect(sourceTopFingerprint([])).toBe('');
  });
});

describe('the head on the wire', () => {
  it('lives in the tool\'s area of the prefix', () => {
    expect(sourceHeadKey('p/')).toBe('p/.workdocs-s3-sync/source-head.json');
    expect(sourceHeadKey('')).toBe('.workdocs-s3-sync/source-head.json');
  });

  it('round-trips any head', () => {
    const arbHead = fc.record({
      manifestEtag: fc.string(), rootId: fc.string(), rootName: fc.string(),
      watermark: fc.record({ time: fc.nat(), seen: fc.array(fc.string()) }),
      lastFullListing: fc.nat(), readAt: fc.nat(), options: fc.string(), top: fc.string(), objects: fc.nat(),
      users: fc.array(fc.record({ user: fc.string(), objects: fc.nat() })),
    });
    fc.assert(fc.property(arbHead, (h) => {
      expect(decodeHead(JSON.parse(encodeHead(h)))).toEqual(h);
    }));
  });

  it.each<[string, unknown]>([
    ['not an object', 'text'], ['null', null], ['another format', { ...JSON.parse(encodeHead(head)), format: 'x' }],
    ['another version', { ...JSON.parse(encodeHead(head)), version: 2 }], ['a missing field', { ...JSON.parse(encodeHead(head)), manifestEtag: undefined }],
    ['a negative count', { ...JSON.parse(encodeHead(head)), objects: -1 }], ['a malformed user row', { ...JSON.parse(encodeHead(head)), users: [['alice']] }],
  ])('is refused when it is %s (the usual path runs)', (_, value) => {
    expect(decodeHead(value)).toBeUndefined();
  });
});

describe('heldByUser', () => {
  it('counts keys per user, sorted, leaving out keys that name none', () => {
    const userOf = (k: string) => (k.startsWith('x/') ? undefined : k.split('/')[0]);
    expect(heldByUser(['bob/a', 'alice/b', 'bob/c', 'x/d'], userOf)).toEqual([{ user: 'alice', objects: 1 }, { user: 'bob', objects: 2 }]);
  });
});
