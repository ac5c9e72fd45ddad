// The proof of incremental runs (issue 21): over many seeds, random batches of changes made through the emulator's
// control API (new documents and versions, renames and swaps, moves of documents and folders, recycles, restores,
// deletes for good, owner changes, comments), and after each batch two syncs of the whole site: one driven by the
// activity feed into one prefix, one by a full listing into another. Both prefixes must hold the same keys with
// the same bytes, and the same manifest entries, after every batch; and the feed-driven run must not have fallen
// back to a full listing (else the comparison would prove nothing).
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { decodeManifest, manifestKey } from '../../src/core/manifest.js';
import { createSyncEnv } from '../../src/engine/env.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { Random } from '../../test-support/simulator/random.js';
import { WorkdocsModel } from '../../test-support/simulator/workdocs.js';
import { createTestBucket, getObjectBytes, type TestBucket } from '../helpers/s3.js';

const ORG = 'd-5173a0e9c2'; // the site fixture's organization
/**
 * Seeds and batches: 4 × 4 is about 50 s here (each batch is two whole-site syncs against the real S3 server).
 * More seeds for a long run: INCREMENTAL_SEEDS=100 npx vitest run __tests__/simulation/incremental.property.test.ts
 */
const SEEDS = Array.from({ length: Number(process.env.INCREMENTAL_SEEDS ?? 4) }, (_, i) => i + 1);
const BATCHES = 4;

let emulator: Emulator;
let bucket: TestBucket;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, fixture: 'site' });
  bucket = await createTestBucket('incremental-property');
  dir = mkdtempSync(path.join(tmpdir(), 'wds-incremental-property-'));
});
afterAll(async () => {
  await bucket?.cleanup();
  await emulator?.close();
});

async function sync(prefix: string, incremental: 'activities' | 'listing', extra: readonly string[]): Promise<{ code: number; output: string }> {
  const s3 = inject('s3');
  let output = '';
  const code = await main([
    '--workdocs_organization_id', ORG, '--s3_bucket_name', bucket.bucket, '--region_name', 'us-east-1',
    '--workdocs_endpoint_url', emulator.endpoint, '--s3_endpoint_url', s3.endpoint, '--log_file', '',
    '--s3_prefix', prefix, '--incremental', incremental, '--max_delete', '100%', '--metadata', 'none', '--log_level', 'info', ...extra,
  ], {
    stdout: (t) => { output += t; },
    stderr: (t) => { output += t; },
    cwd: dir,
    createEnv: (options, deps) => createSyncEnv(options, {
      ...deps,
      s3Credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      workdocsCredentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator-secret' },
    }),
  });
  return { code, output };
}

/**
 * Relative key → `size ETag` of every mirrored object (the tool's area left out). Every object here is one PUT (or a
 * copy of one), so its ETag is the MD5 the server computed of its bytes: equal ETags are equal bytes.
 */
async function mirror(prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let token: string | undefined;
  do {
    const page = await bucket.client.send(new ListObjectsV2Command({ Bucket: bucket.bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (o.Key!.startsWith(`${prefix}.workdocs-s3-sync/`)) continue;
      expect(o.ETag, o.Key).toMatch(/^"[0-9a-f]{32}"$/);
      out[o.Key!.slice(prefix.length)] = `${o.Size} ${o.ETag}`;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return out;
}

async function entries(prefix: string): Promise<Record<string, unknown>> {
  const decoded = decodeManifest(await getObjectBytes(bucket.client, bucket.bucket, manifestKey(prefix)));
  if (!decoded.ok) throw new Error(decoded.problem);
  return Object.fromEntries([...decoded.manifest.entries].map(([key, entry]) => [key.slice(prefix.length), entry]));
}

describe('an activities-driven sync ends where a full listing ends, after every batch of random changes', () => {
  it.each(SEEDS)('seed %i', async (seed) => {
    emulator.control.resetState();
    const random = new Random(seed);
    const users = emulator.control.users();
    const root = (name: string): string => users.find((u) => u.username === name)!.rootFolderId;
    const models = [new WorkdocsModel(emulator.control, root('alice'), random), new WorkdocsModel(emulator.control, root('bob'), random)];
    const history: string[] = models.flatMap((m) => m.seed());
    const [feed, full] = [`seed${seed}-feed/`, `seed${seed}-full/`];
    // Every other seed mirrors the recycle bins too: recycles, restores and owner changes then move objects between bins.
    const extra = seed % 2 === 0 ? ['--include_recycle_bin', 'true'] : [];

    for (let batch = 0; batch <= BATCHES; batch++) {
      if (batch > 0) {
        for (let n = random.int(1, 6); n > 0; n--) {
          const model = random.pick(models);
          if (random.chance(0.08)) {
            // Across users' trees, behind the models' backs: a later change of the model may move it back.
            const docs = emulator.control.manifest(root('alice'));
            if (docs.length > 0) {
              const doc = random.pick(docs);
              emulator.control.move(doc.documentId, root('bob'));
              history.push(`move ${doc.path.join('/')} into bob's root`);
            }
          } else if (random.chance(0.1)) {
            // An owner change and a comment: the first moves nothing in the mirror, the second is context only.
            const docs = emulator.control.manifest(root('alice'));
            if (docs.length > 0) {
              const doc = random.pick(docs);
              emulator.control.setOwner(doc.documentId, random.pick(users).id);
              emulator.control.addComment({ documentId: doc.documentId, text: `batch ${batch}` });
              history.push(`owner and comment of ${doc.path.join('/')}`);
            }
          } else {
            history.push(model.change().description);
          }
        }
      }
      const fromFeed = await sync(feed, 'activities', extra);
      const fromListing = await sync(full, 'listing', extra);
      const context = `seed ${seed}${extra.length > 0 ? ' (recycle bins)' : ''}, batch ${batch}, after:\n${history.join('\n')}\n--- feed run:\n${fromFeed.output}`;
      expect(fromFeed.code, context).toBe(0);
      expect(fromListing.code, `${context}\n--- full run:\n${fromListing.output}`).toBe(0);
      if (batch > 0) {
        expect(fromFeed.output, context).toMatch(/incremental: \d+ new activities/);
        expect(fromFeed.output, context).not.toContain('full listing:');
      }
      expect(await mirror(feed), context).toEqual(await mirror(full));
      expect(await entries(feed), context).toEqual(await entries(full));
    }
  });
});
