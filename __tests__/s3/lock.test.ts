// The prefix's lock on the real S3 server. Swift has no conditional writes, so this is the plain PUT, the settle
// wait and the re-read: a run interrupted (or failing) while it takes the lock must not leave its record behind,
// or the next run would be refused until the record expires.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock, lockKey, type LockDeps } from '../../src/s3/lock.js';
import { createTestBucket, listAllKeys, type TestBucket } from '../helpers/s3.js';

describe('taking the prefix\'s lock', () => {
  let bucket: TestBucket;
  beforeAll(async () => { bucket = await createTestBucket('lock'); });
  afterAll(async () => bucket?.cleanup());

  const deps = (prefix: string, extra: Partial<LockDeps> = {}): LockDeps => ({ s3: bucket.client, bucket: bucket.bucket, prefix, now: Date.now, ...extra });
  const keys = (prefix: string): Promise<string[]> => listAllKeys(bucket.client, bucket.bucket, prefix);

  it('writes the record, waits, re-reads it, and release removes it', async () => {
    const acquired = await acquireLock(deps('held/'));
    expect(acquired.ok).toBe(true);
    expect(await keys('held/')).toEqual([lockKey('held/')]);
    if (acquired.ok) await acquired.lock.release();
    expect(await keys('held/')).toEqual([]);
  });

  it('interrupted during the settle wait: rejects, and its record is removed again', async () => {
    const controller = new AbortController();
    const taking = acquireLock(deps('interrupted/', { signal: controller.signal, settings: { settleMinMs: 5_000, settleMaxMs: 5_000 } }));
    // The record landed and the run is waiting: that is when SIGTERM arrives.
    for (let waited = 0; (await keys('interrupted/')).length === 0; waited += 20) {
      expect(waited, 'the lock record never appeared').toBeLessThan(5_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    controller.abort(new Error('interrupted by SIGTERM'));
    await expect(taking).rejects.toThrow('interrupted by SIGTERM');
    expect(await keys('interrupted/')).toEqual([]);
  });
});
