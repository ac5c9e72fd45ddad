// Experiment (not part of `npm run bench`): what one small PUT costs the S3 server and this process, as the raw pipe
// sends it (a stream: no Content-MD5, no metadata), as the engine does (an in-memory body with Content-MD5, sent as
// UNSIGNED-PAYLOAD, the content type and the workdocs-* metadata that resyncs rely on), the engine's with its SHA-256
// signed as well (as before 2026-12-07), and the engine's without the metadata.
// Usage: tsx bench/experiments/put-cost.ts [puts] [bytes] [rounds] [variants, comma-separated: raw,engine,signed,bare];
// the S3 server of scripts/s3-server.sh must run (S3_SERVER_PORT and S3_SERVER_DIR choose another one).
import { PutObjectCommand, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createS3Client, type CreateS3ClientOptions } from '../../src/s3/client.js';
import { pidsMatching, totalCpuMs } from '../lib/proc.js';
import { adminClient, createBucket, deleteBucket } from '../lib/s3.js';

const s3t = { endpoint: `http://127.0.0.1:${process.env.S3_SERVER_PORT ?? 9380}`, accessKeyId: 'test:tester', secretAccessKey: 'testing' };
const serverNeedle = `${(process.env.S3_SERVER_DIR ?? '/tmp/s3-server').replace(/\/$/, '')}/etc/`;
const puts = Number(process.argv[2] ?? 1500);
const size = Number(process.argv[3] ?? 4096);
const rounds = Number(process.argv[4] ?? 3);
const wanted = new Set((process.argv[5] ?? 'raw,engine,signed,bare').split(','));
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
interface Variant {
  readonly input: (i: number) => PutObjectCommandInput;
  readonly client?: Partial<CreateS3ClientOptions>;
}
const engineInput = (prefix: string, withMetadata: boolean) => (i: number): PutObjectCommandInput => ({
  Bucket: bucket, Key: `${prefix}/${i}`, Body: bodies[i % 50], ContentLength: size, ContentMD5: md5s[i % 50], ContentType: 'application/octet-stream', ...(withMetadata ? { Metadata: metadata(i) } : {}),
});
const variants: Record<string, Variant> = {
  raw: { input: (i) => ({ Bucket: bucket, Key: `raw/${i}`, Body: Readable.from([bodies[i % 50]!]), ContentLength: size }) },
  engine: { input: engineInput('engine', true) },
  signed: { input: engineInput('signed', true), client: { signMd5CheckedPayloads: true } },
  bare: { input: engineInput('bare', false) },
};
try {
  for (let round = 0; round < rounds; round++) {
    // Alternating order, so that no variant always runs first (each round's bucket has more rows than the last).
    const order = Object.entries(variants).filter(([name]) => wanted.has(name));
    for (const [name, variant] of round % 2 === 0 ? order : order.reverse()) {
      const client = createS3Client({ region: 'us-east-1', endpoint: s3t.endpoint, credentials: { accessKeyId: s3t.accessKeyId, secretAccessKey: s3t.secretAccessKey }, ...variant.client });
      const server = pidsMatching(serverNeedle);
      const cpu0 = totalCpuMs(server);
      const own0 = process.cpuUsage();
      const t0 = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: 14 }, async () => {
        while (next < puts) await client.send(new PutObjectCommand(variant.input(round * puts + next++)));
      }));
      const own = process.cpuUsage(own0);
      console.log(`${name.padEnd(7)} ${((performance.now() - t0) / 1000).toFixed(2)} s, this process CPU ${((own.user + own.system) / 1e6).toFixed(2)} s, S3 server CPU ${((totalCpuMs(server) - cpu0) / 1000).toFixed(2)} s`);
      client.destroy();
    }
  }
} finally {
  await deleteBucket(admin, bucket);
  admin.destroy();
}
