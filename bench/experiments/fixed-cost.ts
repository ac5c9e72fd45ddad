// Experiment (not part of `npm run bench`): the fixed cost of a run, the wall time of whole first syncs of a tiny
// tree into fresh prefixes (listing, the prefix's lock, the manifest, the release) next to nothing else.
// Usage: tsx bench/experiments/fixed-cost.ts [documents] [bytes]; the S3 server of scripts/s3-server.sh must run.
import { main } from '../../src/cli/main.js';
import { startEmulator } from '../../src/emulator/server.js';
import { adminClient, createBucket, deleteBucket } from '../lib/s3.js';

const s3t = { endpoint: 'http://127.0.0.1:9380', accessKeyId: 'test:tester', secretAccessKey: 'testing' };
const documents = Number(process.argv[2] ?? 1);
const bytes = Number(process.argv[3] ?? 1024);
const emu = await startEmulator({ port: 0, generate: { folders: 0, documents: 0, seed: 1 } });
for (let i = 0; i < documents; i++) emu.control.addDocument({ parentId: emu.rootFolderId, name: `d${i}.bin`, generate: { seed: `s${i}`, size: bytes } });
const admin = adminClient(s3t);
const bucket = `fixed-${Date.now()}`;
await createBucket(admin, bucket);
process.env.AWS_ACCESS_KEY_ID = s3t.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = s3t.secretAccessKey;
try {
  for (let run = 0; run < 4; run++) {
    const started = performance.now();
    const code = await main([
      '--workdocs_folder_id', emu.rootFolderId, '--s3_bucket_name', bucket, '--region_name', 'us-east-1',
      '--workdocs_endpoint_url', emu.endpoint, '--s3_endpoint_url', s3t.endpoint, '--s3_prefix', `p${run}/`,
      '--log_file', '', '--log_level', 'error',
    ], { stdout: () => undefined, stderr: (t) => process.stderr.write(t), cwd: process.cwd() });
    console.log(`run ${run}: exit ${code}, ${(performance.now() - started).toFixed(0)} ms`);
  }
} finally {
  await deleteBucket(admin, bucket);
  admin.destroy();
  await emu.close();
}
process.exit(0);
