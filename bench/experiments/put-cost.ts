// Experiment (not part of `npm run bench`): what one small PUT costs the S3 server, as the raw pipe sends it
// (a stream: no Content-MD5, no metadata) and as the engine does (an in-memory body with Content-MD5, the content
// type and the two workdocs-* metadata entries that resyncs rely on), and the engine's without the metadata.
// Usage: tsx bench/experiments/put-cost.ts [puts] [bytes] [rounds]; the S3 server of scripts/s3-server.sh must run.
import { PutObjectCommand, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createS3Client } from '../../src/s3/client.js';
import { pidsMatching, totalCpuMs } from '../lib/proc.js';
import { adminClient, createBucket, deleteBucket } from '../lib/s3.js';

const s3t = { endpoint: 'http://127.0.0.1:9380', accessKeyId: 'test:tester', secretAccessKey: 'testing' };
const puts = Number(process.argv[2] ?? 1500);
const size = Number(process.argv[3] ?? 4096);
const rounds = Number(process.argv[4] ?? 3);
const admin = adminClient(s3t);
const bucket = `put-cost-${Date.now()}`;
await createBucket(admin, bucket);
const bodies = Array.from({ length: 50 }, () => randomBytes(size));
const md5s = bodies.map((b) => createHash('md5').update(b).digest('base64'));
// Shaped like the emulator's (and WorkDocs') ids.
const metadata = (i: number): Record<string, string> => ({
  'workdocs-version-id': `${1704238975000 + i}-${createHash('sha1').update(`v${i}`).digest('hex')}`,
  'workdocs-document-id': createHash('sha256').update(`d${i}`).digest('hex'),
});
const variants: Record<string, (i: number) => PutObjectCommandInput> = {
  'raw pipe        ': (i) => ({ Bucket: bucket, Key: `raw/${i}`, Body: Readable.from([bodies[i % 50]!]), ContentLength: size }),
  'engine          ': (i) => ({ Bucket: bucket, Key: `engine/${i}`, Body: bodies[i % 50], ContentLength: size, ContentMD5: md5s[i % 50], ContentType: 'application/octet-stream', Metadata: metadata(i) }),
  'engine, no meta ': (i) => ({ Bucket: bucket, Key: `bare/${i}`, Body: bodies[i % 50], ContentLength: size, ContentMD5: md5s[i % 50], ContentType: 'application/octet-stream' }),
};
try {
  for (let round = 0; round < rounds; round++) {
    for (const [name, input] of Object.entries(variants)) {
      const client = createS3Client({ region: 'us-east-1', endpoint: s3t.endpoint, credentials: { accessKeyId: s3t.accessKeyId, secretAccessKey: s3t.secretAccessKey } });
      const server = pidsMatching('/tmp/s3-server/etc/');
      const cpu0 = totalCpuMs(server);
      const t0 = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: 14 }, async () => {
        while (next < puts) await client.send(new PutObjectCommand(input(round * puts + next++)));
      }));
      console.log(`${name} ${((performance.now() - t0) / 1000).toFixed(2)} s, S3 server CPU ${((totalCpuMs(server) - cpu0) / 1000).toFixed(2)} s`);
      client.destroy();
    }
  }
} finally {
  await deleteBucket(admin, bucket);
  admin.destroy();
}
