// Experiment (not part of `npm run bench`): one large document through uploadDocument() with different
// part sizes / queue sizes (`8x4`: 8 MiB parts, 4 at once), as the engine's streaming PUT (`stream`), and as
// the raw pipe's unchecked streaming PUT (`raw`), and as that raw pipe with an MD5 pass over the bytes on their
// way (`rawmd5`: the least any upload that checks the Signature itself, as multipart must, can cost). Usage: tsx bench/experiments/large.ts [MiB] [variants]
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { createSyncEnv } from '../../src/engine/env.js';
import { BufferPool } from '../../src/engine/buffer-pool.js';
import { uploadDocument } from '../../src/engine/transfer.js';
import { startEmulator } from '../../src/emulator/server.js';
import { parseSyncOptions } from '../../src/options.js';
import { contentUrl } from '../../src/workdocs/content.js';
import { hashedBy } from '../lib/hash.js';
import { pidsMatching, totalCpuMs } from '../lib/proc.js';
import { adminClient, createBucket, deleteBucket } from '../lib/s3.js';

const MiB = 1024 * 1024;
const size = Number(process.argv[2] ?? 256) * MiB;
const variants = (process.argv[3] ?? 'raw,stream,8x2,8x4,16x4,32x2').split(',');
// S3_SERVER_PORT and S3_SERVER_DIR choose another server of scripts/s3-server.sh (its CPU is then this experiment's alone).
const s3t = { endpoint: `http://127.0.0.1:${process.env.S3_SERVER_PORT ?? 9380}`, accessKeyId: 'test:tester', secretAccessKey: 'testing' };
const serverDir = (process.env.S3_SERVER_DIR ?? '/tmp/s3-server').replace(/\/$/, '');
const emu = await startEmulator({ port: 0, generate: { folders: 0, documents: 0, seed: 1 } });
const { id: docId, versionId } = emu.control.addDocument({ parentId: emu.rootFolderId, name: 'big.bin', generate: { seed: 'big', size } });
const md5 = emu.control.manifest()[0]!.md5;
const admin = adminClient(s3t);
const bucket = `exp-${Date.now()}`;
await createBucket(admin, bucket);
const parsed = parseSyncOptions({ workdocs_folder_id: emu.rootFolderId, s3_bucket_name: bucket, region_name: 'us-east-1', workdocs_endpoint_url: emu.endpoint, s3_endpoint_url: s3t.endpoint });
if (!parsed.ok) throw new Error('options');
const noop = { log: () => undefined, group: <T>(_: string, fn: () => Promise<T>) => fn() };
const env = createSyncEnv(parsed.value, { logger: noop, s3Credentials: { accessKeyId: s3t.accessKeyId, secretAccessKey: s3t.secretAccessKey }, workdocsCredentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const doc = { id: docId, versionId, parentId: emu.rootFolderId, name: 'big.bin', createdAt: 0, modifiedAt: 0, size, md5, contentType: 'application/octet-stream' };
try {
  for (let round = 0; round < 2; round++) {
    for (const v of variants) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const swift = pidsMatching(`${serverDir}/etc/`);
      const s0 = totalCpuMs(swift);
      // The proxy is one single-threaded Python process: when it is busy all the time, it sets the pace.
      const proxy = pidsMatching(`${serverDir}/etc/proxy-server`);
      const p0 = totalCpuMs(proxy);
      if (v === 'raw' || v === 'rawmd5') {
        const url = await contentUrl({ client: env.workdocs, documentId: docId, versionId });
        const res = await new Promise<http.IncomingMessage>((ok, fail) => http.get(url, { agent: env.httpAgent }, ok).on('error', fail));
        const hash = createHash('md5');
        const body = v === 'raw' ? res : res.pipe(hashedBy(hash));
        await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${v}-${round}`, Body: body, ContentLength: size }));
        if (v === 'rawmd5' && hash.digest('hex') !== md5) throw new Error('rawmd5: MD5 mismatch');
      } else if (v === 'stream') {
        await uploadDocument(doc, `stream-${round}`, { workdocs: env.workdocs, s3: env.s3, bucket, partSize: 8 * MiB, partsInFlight: 4, multipartThreshold: size, httpAgent: env.httpAgent });
      } else {
        const [p, q] = v.replace(/^s/, '').split('x').map(Number);
        await uploadDocument(doc, `mp-${v}-${round}`, { workdocs: env.workdocs, s3: env.s3, bucket, partSize: p! * MiB, partsInFlight: q!, multipartThreshold: 0, buffers: new BufferPool(q!, p! * MiB), httpAgent: env.httpAgent });
      }
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      console.log(`${v.padEnd(6)} ${(ms / 1000).toFixed(2)} s ${(size / 1e6 / (ms / 1000)).toFixed(1)} MB/s cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, swift cpu ${((totalCpuMs(swift) - s0) / 1000).toFixed(2)} s (proxy ${((totalCpuMs(proxy) - p0) / 1000).toFixed(2)} s), rss ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB`);
    }
  }
} finally {
  env.destroy();
  await deleteBucket(admin, bucket);
  admin.destroy();
  await emu.close();
}
