// Experiment (not part of `npm run bench`): what this process spends per PutObject of an in-memory body with
// Content-MD5, signed with the body's SHA-256 (signMd5CheckedPayloads) or as UNSIGNED-PAYLOAD (the default), with no
// server at all: the request handler answers 200 at once, so the CPU is the SDK's and the signature's alone.
// Usage: tsx bench/experiments/payload-hash-cost.ts [puts] [bytes] [rounds]
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { RequestHandler } from '@smithy/types';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createS3Client } from '../../src/s3/client.js';

const puts = Number(process.argv[2] ?? 2000);
const size = Number(process.argv[3] ?? 128 * 1024);
const rounds = Number(process.argv[4] ?? 4);
const bodies = Array.from({ length: 20 }, () => randomBytes(size));
const md5s = bodies.map((b) => createHash('md5').update(b).digest('base64'));

/** Answers every request with an empty 200 and an ETag, without sending anything. */
const answering: RequestHandler<unknown, unknown> = {
  handle: async () => ({ response: { statusCode: 200, headers: { etag: '"0"' }, body: Readable.from([]) } }),
};

for (let round = 0; round < rounds; round++) {
  // Alternating order, so that neither variant always runs first.
  const variants = round % 2 === 0 ? [false, true] : [true, false];
  for (const signed of variants) {
    const client = createS3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, signMd5CheckedPayloads: signed });
    (client.config as { requestHandler: unknown }).requestHandler = answering;
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < puts; i++) {
      await client.send(new PutObjectCommand({ Bucket: 'b', Key: `k/${i}`, Body: bodies[i % 20], ContentLength: size, ContentMD5: md5s[i % 20] }));
    }
    const cpu = process.cpuUsage(cpu0);
    const seconds = (cpu.user + cpu.system) / 1e6;
    console.log(`${signed ? 'signed  ' : 'unsigned'} ${puts} PUTs of ${size} bytes: CPU ${seconds.toFixed(2)} s, ${(seconds / puts * 1e6).toFixed(0)} µs per PUT`);
    client.destroy();
  }
}
