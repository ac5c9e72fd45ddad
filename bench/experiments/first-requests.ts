// Experiment (not part of `npm run bench`): when, in a whole first sync, each kind of S3 request is first and last
// sent, from the start of main(): how long the prefix's lock keeps a multipart upload (which may only begin once
// the lock is held) from starting, next to the streamed PUTs that start while the lock settles.
// Usage: tsx bench/experiments/first-requests.ts [large MiB] [others] [other MiB] [runs]; the S3 server of
// scripts/s3-server.sh must run (S3_SERVER_PORT chooses another one). The large file goes multipart
// (--multipart_threshold_mb is set just below it).
import type { MetadataBearer, FinalizeRequestMiddleware } from '@smithy/types';
import { main } from '../../src/cli/main.js';
import { createSyncEnv } from '../../src/engine/env.js';
import { startEmulator } from '../../src/emulator/server.js';
import { adminClient, createBucket, deleteBucket } from '../lib/s3.js';

const MiB = 1024 * 1024;
const s3t = { endpoint: `http://127.0.0.1:${process.env.S3_SERVER_PORT ?? 9380}`, accessKeyId: 'test:tester', secretAccessKey: 'testing' };
const largeMiB = Number(process.argv[2] ?? 256);
const others = Number(process.argv[3] ?? 8);
const otherMiB = Number(process.argv[4] ?? 16);
const runs = Number(process.argv[5] ?? 2);
const emu = await startEmulator({ port: 0, generate: { folders: 0, documents: 0, seed: 1 } });
emu.control.addDocument({ parentId: emu.rootFolderId, name: 'large.bin', generate: { seed: 'large', size: largeMiB * MiB } });
for (let i = 0; i < others; i++) emu.control.addDocument({ parentId: emu.rootFolderId, name: `d${i}.bin`, generate: { seed: `s${i}`, size: otherMiB * MiB } });
emu.control.manifest(); // the MD5s, before anything is timed
const admin = adminClient(s3t);
const bucket = `first-${Date.now()}`;
await createBucket(admin, bucket);
try {
  for (let run = 0; run < runs; run++) {
    const first = new Map<string, [number, number]>();
    let started = 0;
    const stamp: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
      const name = (context.commandName ?? '?').replace(/Command$/, '');
      const at = performance.now() - started;
      const seen = first.get(name);
      first.set(name, seen ? [seen[0], at] : [at, at]);
      return next(args);
    };
    started = performance.now();
    const code = await main([
      '--workdocs_folder_id', emu.rootFolderId, '--s3_bucket_name', bucket, '--region_name', 'us-east-1',
      '--workdocs_endpoint_url', emu.endpoint, '--s3_endpoint_url', s3t.endpoint, '--s3_prefix', `p${run}/`,
      '--multipart_threshold_mb', String(largeMiB - 1), '--log_file', '', '--log_level', 'error',
    ], {
      stdout: () => undefined,
      stderr: (t) => process.stderr.write(t),
      cwd: process.cwd(),
      createEnv: (options, deps) => {
        const env = createSyncEnv(options, { ...deps, s3Credentials: { accessKeyId: s3t.accessKeyId, secretAccessKey: s3t.secretAccessKey }, workdocsCredentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
        env.s3.middlewareStack.add(stamp, { step: 'finalizeRequest', priority: 'high', name: 'firstRequests' });
        return env;
      },
    });
    const total = performance.now() - started;
    const rows = [...first].sort((a, b) => a[1][0] - b[1][0]).map(([name, [a, b]]) => `${name} ${a.toFixed(0)}–${b.toFixed(0)}`);
    console.log(`run ${run}: exit ${code}, ${total.toFixed(0)} ms; first–last send (ms): ${rows.join(', ')}`);
  }
} finally {
  await deleteBucket(admin, bucket);
  admin.destroy();
  await emu.close();
}
process.exit(0);
