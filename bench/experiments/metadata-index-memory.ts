// Experiment: what the metadata index itself holds in memory, without WorkDocs' cost around it. A synthetic site
// tree (default 100,000 documents in 10,000 folders) and a WorkDocs client answered in-process (every document 3
// principals, every 20th a comment thread, every 10th custom metadata), the index written to the real S3 server by
// recordContext (engine/context.ts): a first run (every item read), a no-op run (one GET), a refresh (everything read
// again, nothing changed). Reports per phase: time, peak RSS, peak heap, and the peak live heap (a full GC every
// 0.5 s first: what is held, not garbage). Run with --expose-gc.
// Usage: node --expose-gc --import tsx bench/experiments/metadata-index-memory.ts [documents] [folders] [bucket]
// (with the bucket of an earlier run of the same size: the no-op run alone, in a fresh process)
import { createHash } from 'node:crypto';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { WorkDocsClient } from '@aws-sdk/client-workdocs';
import type { SourceDocument, SourceFolder, SourceTree } from '../../src/core/types.js';
import { recordContext } from '../../src/engine/context.js';
import { createSyncEnv } from '../../src/engine/env.js';
import { parseSyncOptions } from '../../src/options.js';

const [documents = 100_000, folderCount = 10_000] = process.argv.slice(2, 4).map(Number);
const reused = process.argv[4];
const hex = (seed: string): string => createHash('sha256').update(seed).digest('hex');

/** Answers the four context operations from the input's ids, as the emulator's generated site would. */
class StubWorkDocs extends WorkDocsClient {
  override send(command: unknown): Promise<never> {
    const name = (command as { constructor: { name: string } }).constructor.name;
    const input = (command as { input: Record<string, string> }).input;
    const id = input['DocumentId'] ?? input['ResourceId'] ?? input['FolderId'] ?? '';
    const n = parseInt(id.slice(0, 6), 16);
    const user = (k: number): string => hex(`user${k % 200}`);
    let out: unknown = {};
    if (name === 'DescribeCommentsCommand') {
      out = { Comments: n % 20 === 0 ? [{ CommentId: hex(`c${id}`), ThreadId: hex(`c${id}`), Text: 'Looks good, ship it.', Contributor: { Id: user(n), Username: `user-${n % 200}` }, CreatedTimestamp: new Date(1_700_000_000_000), Status: 'PUBLISHED', Visibility: 'PUBLIC' }] : [] };
    } else if (name === 'DescribeResourcePermissionsCommand') {
      out = { Principals: [
        { Id: user(n), Type: 'USER', Roles: [{ Role: 'OWNER', Type: 'INHERITED' }] },
        { Id: user(n + 1), Type: 'USER', Roles: [{ Role: 'CONTRIBUTOR', Type: 'INHERITED' }] },
        { Id: hex('group'), Type: 'GROUP', Roles: [{ Role: 'VIEWER', Type: 'INHERITED' }] },
      ] };
    } else if (name === 'GetDocumentCommand' || name === 'GetFolderCommand') {
      out = n % 10 === 0 ? { CustomMetadata: { project: `p${n % 7}`, retention: '7y' } } : {};
    }
    return Promise.resolve(out as never);
  }
}

function syntheticTree(): SourceTree {
  const rootId = 'd-0000000000';
  const folders: SourceFolder[] = [];
  for (let i = 0; i < folderCount; i++) {
    folders.push({ id: hex(`f${i}`), name: i < 200 ? `user-${i}` : `folder ${i}`, parentId: i < 200 ? rootId : hex(`f${i % 200}`), createdAt: 1_700_000_000_000 + i, creatorId: hex(`user${i % 200}`) });
  }
  const docs: SourceDocument[] = [];
  for (let i = 0; i < documents; i++) {
    docs.push({
      id: hex(`d${i}`), parentId: folders[i % folderCount]!.id, name: `document ${i}.txt`, createdAt: 1_700_000_000_000 + i, modifiedAt: 1_700_000_100_000 + i,
      versionId: `${1_700_000_000_000 + i}-${hex(`v${i}`)}`, size: 1000 + i, md5: hex(`m${i}`).slice(0, 32), contentType: 'text/plain', creatorId: hex(`user${i % 200}`),
      ...(i % 10 === 0 ? { labels: ['important'] } : {}),
    });
  }
  return { rootId, folders, documents: docs };
}

const bucket = reused ?? `metadata-index-memory-${Date.now()}`;
const parsed = parseSyncOptions({
  workdocs_folder_id: 'a'.repeat(64), s3_bucket_name: bucket, region_name: 'us-east-1', s3_prefix: 'site/',
  s3_endpoint_url: process.env['AWS_ENDPOINT_URL_S3'] ?? 'http://127.0.0.1:9380', log_file: '', metadata: 'index',
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const logger = { log: (level: string, message: string) => { if (level !== 'debug') console.log(`  ${level}: ${message}`); }, group: <T>(_: string, fn: () => Promise<T>) => fn() };
const env = { ...createSyncEnv(parsed.value, { logger }), workdocs: new StubWorkDocs({ region: 'us-east-1' }) };
if (reused === undefined) await env.s3.send(new CreateBucketCommand({ Bucket: bucket }));
else console.log(`bucket ${bucket}: its index is read back`);
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;

const tree = syntheticTree();
global.gc?.();
console.log(`${bucket}: tree ${tree.documents.length} documents, ${tree.folders.length} folders; RSS ${mb(process.memoryUsage().rss)}, heap ${mb(process.memoryUsage().heapUsed)} before the index`);

const phases = reused === undefined ? [['first run', false], ['no-op', false], ['refresh', true]] as const : [['no-op', false]] as const;
for (const [phase, refresh] of phases) {
  let peakRss = 0;
  let peakHeap = 0;
  let peakLive = 0;
  let ticks = 0;
  const sample = setInterval(() => {
    if (++ticks % 10 === 0 && global.gc) {
      global.gc();
      peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
    }
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const t0 = performance.now();
  const items = await recordContext({ ...parsed.value, metadataRefresh: refresh }, env, { tree, listingComplete: true, rootFolderId: tree.rootId, inventory: [], items: [] });
  clearInterval(sample);
  const sizes = (await env.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'site/.workdocs-s3-sync/index/' }))).Contents?.map((o) => `${o.Key!.split('/').pop()} ${mb(o.Size ?? 0)}`).join(', ');
  console.log(`${phase}: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${items.length} report items; peak RSS ${mb(peakRss)}, peak heap ${mb(peakHeap)}, peak live heap ${mb(peakLive)}; ${sizes}`);
}
env.s3.destroy();
