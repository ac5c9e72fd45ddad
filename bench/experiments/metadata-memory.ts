// Experiment: the metadata index of a generated site (default 200 users, 100,000 documents), written to the real S3
// server by recordContext (engine/context.ts) as a first run (every item read), then a no-op run (one GET). Reports
// per phase: time, WorkDocs requests, the peak RSS and heap of this process (the emulator runs in its own), and the
// index's sizes. Only the index is written: the documents themselves are not uploaded.
// Usage: tsx bench/experiments/metadata-memory.ts [users] [documents]   (S3 from AWS_ENDPOINT_URL_S3 & co)
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { parseSyncOptions } from '../../src/options.js';
import { createSyncEnv } from '../../src/engine/env.js';
import { recordContext } from '../../src/engine/context.js';
import { openSource } from '../../src/workdocs/source.js';

const [users = 200, documents = 100_000] = process.argv.slice(2).map(Number);
const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/index.ts', '--port', '0', '--generate-users', String(users), '--generate-documents', String(documents), '--seed', '1', '--size', '10'],
  { stdio: ['ignore', 'pipe', 'inherit'] });
const info = await new Promise<{ endpoint: string; organizationId: string }>((resolve) => {
  createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { endpoint: string; organizationId: string }));
});
const bucket = `metadata-memory-${Date.now()}`;
const parsed = parseSyncOptions({
  workdocs_organization_id: info.organizationId, s3_bucket_name: bucket, region_name: 'us-east-1', s3_prefix: 'site/',
  workdocs_endpoint_url: info.endpoint, s3_endpoint_url: process.env['AWS_ENDPOINT_URL_S3'] ?? 'http://127.0.0.1:9380', log_file: '', metadata: 'index',
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const quiet = { log: (level: string, message: string) => { if (level !== 'debug') console.log(`  ${level}: ${message}`); }, group: <T>(_: string, fn: () => Promise<T>) => fn() };
const env = createSyncEnv(parsed.value, { logger: quiet, workdocsCredentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
await env.s3.send(new CreateBucketCommand({ Bucket: bucket }));

const counters = async (): Promise<number> => ((await (await fetch(`${info.endpoint}/_emulator/counters`)).json()) as { total: number }).total;
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;

const source = await openSource(parsed.value, env);
const listing = await source.list({ concurrency: parsed.value.maxWorkers });
global.gc?.();
console.log(`listed ${listing.tree.documents.length} documents, ${listing.tree.folders.length} folders; RSS ${mb(process.memoryUsage().rss)}, heap ${mb(process.memoryUsage().heapUsed)} before the index`);

for (const [phase, refresh] of [['first run', false], ['no-op', false]] as const) {
  const options = { ...parsed.value, metadataRefresh: refresh };
  let peakRss = 0;
  let peakHeap = 0;
  let peakLive = 0;
  let ticks = 0;
  // Every 50 ms the RSS and heap; every 500 ms a full GC first, for the live heap (what is held, not garbage).
  const sample = setInterval(() => {
    if (++ticks % 10 === 0 && global.gc) {
      global.gc();
      peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
    }
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const before = await counters();
  const t0 = performance.now();
  const items = await recordContext(options, env, { tree: listing.tree, listingComplete: true, rootFolderId: source.rootId, inventory: [], items: [] });
  clearInterval(sample);
  const requests = (await counters()) - before;
  const sizes = (await env.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'site/.workdocs-s3-sync/index/' }))).Contents?.map((o) => `${o.Key!.split('/').pop()} ${mb(o.Size ?? 0)}`).join(', ');
  console.log(`${phase}: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${requests} WorkDocs requests, ${items.length} report items (${items.filter((i) => i.outcome === 'failed').length} failed); peak RSS ${mb(peakRss)}, peak heap ${mb(peakHeap)}, peak live heap ${mb(peakLive)} (full GC every 0.5 s); ${sizes}`);
}
child.kill('SIGTERM');
env.s3.destroy();
env.workdocs.destroy();
