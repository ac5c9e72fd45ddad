// `npm run demo`: the whole job on the built-in default. Starts the WorkDocs emulator with the sample team
// folder and a local S3 server, syncs, syncs again (nothing to do: see the request counts), edits, renames
// and deletes in WorkDocs, and syncs a third time. Logs and JSON reports land in ./demo-output/.
import { CreateBucketCommand, DeleteObjectsCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { main } from '../src/cli/main.js';
import { createSyncEnv } from '../src/engine/env.js';
import { startEmulator } from '../src/emulator/server.js';
import { createS3Client } from '../src/s3/client.js';
import { countRequests, type RequestCounter } from '../test-support/counting.js';
import { startS3Server } from '../test-support/s3-server.js';

const BUCKET = 'workdocs-demo';
const out = path.resolve('demo-output');
mkdirSync(out, { recursive: true });

const say = (text: string): void => { process.stdout.write(`${text}\n`); };
const counts = (c: Record<string, number>): string => Object.entries(c).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';

say('Starting the local S3 server (OpenStack Swift; installs Debian packages on first use)…');
const s3Server = startS3Server();
const s3Credentials = { accessKeyId: s3Server.accessKeyId, secretAccessKey: s3Server.secretAccessKey };
const emulator = await startEmulator({ port: 0, fixture: 'sample' });
say(`WorkDocs emulator: ${emulator.endpoint}, sample folder ${emulator.rootFolderId}`);

const admin: S3Client = createS3Client({ region: 'us-east-1', endpoint: s3Server.endpoint, credentials: s3Credentials });
await admin.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((e: { name?: string }) => {
  if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
});
await emptyBucket(admin, BUCKET);

let run = 0;
async function syncOnce(title: string): Promise<number> {
  run++;
  say(`\n=== Sync ${run}: ${title}`);
  say(`$ workdocs-s3-sync --workdocs_folder_id ${emulator.rootFolderId} --s3_bucket_name ${BUCKET} --region_name us-east-1`);
  emulator.control.resetCounters();
  let counter: RequestCounter | undefined;
  const code = await main([
    '--workdocs_folder_id', emulator.rootFolderId,
    '--s3_bucket_name', BUCKET,
    '--region_name', 'us-east-1',
    '--workdocs_endpoint_url', emulator.endpoint,
    '--s3_endpoint_url', s3Server.endpoint,
    '--log_file', path.join(out, 'script.log'),
    '--report_file', path.join(out, `report-${run}.json`),
    '--log_level', 'warning',
  ], {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    createEnv: (options, deps) => {
      const syncEnv = createSyncEnv(options, { ...deps, s3Credentials, workdocsCredentials: { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator' } });
      counter = countRequests(syncEnv.s3);
      return syncEnv;
    },
  });
  say(`  requests: WorkDocs ${counts(emulator.control.counters().operations)}; S3 ${counts(counter?.counts() ?? {})}`);
  return code;
}

let worst = 0;
try {
  worst = Math.max(worst, await syncOnce('first copy of the sample team folder'));
  worst = Math.max(worst, await syncOnce('again, nothing changed: no request per document'));
  const c = emulator.control;
  c.addVersion(c.lookup(['Welcome.md'])!, { content: '# Welcome\n\nEdited after the first sync.\n' });
  c.rename(c.lookup(['Reports', 'what?.txt'])!, 'what now?.txt');
  c.delete(c.lookup(['data.json'])!);
  say('\nChanged WorkDocs: edited Welcome.md, renamed Reports/what?.txt to "what now?.txt", deleted data.json');
  worst = Math.max(worst, await syncOnce('after an edit, a rename and a delete'));
  say(`\nLogs: ${path.join(out, 'script.log')}; reports: ${path.join(out, 'report-*.json')}`);
  // The server is left up so the bucket can be looked at, and the next demo or test run starts in seconds.
  say(`The local S3 server stays up at ${s3Server.endpoint} (bucket ${BUCKET}); stop it with: npm run s3-server -- stop`);
} finally {
  await emulator.close();
  admin.destroy();
}
process.exitCode = worst;

async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket })) {
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
}
