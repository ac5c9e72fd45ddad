// Which bodies go without their SHA-256 in the SigV4 signature (src/s3/client.ts): the checks that remain decide.
import { describe, expect, it } from 'vitest';
import { UploadPartCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createS3Client, payloadGoesUnsigned, UNSIGNED_PAYLOAD, unsignedPayloadPlugin } from '../../src/s3/client.js';

const body = Buffer.from('bytes');
const md5 = { 'Content-MD5': 'Xr4ilOzQ4PCOq3aQ0qbuaQ==' };

describe('payloadGoesUnsigned', () => {
  it.each<[string, string, { headers: Record<string, string>; body?: unknown; protocol?: string }, boolean]>([
    ['a PutObject body S3 checks by its Content-MD5, over HTTP', 'PutObjectCommand', { headers: md5, body, protocol: 'http:' }, true],
    ['the same over HTTPS', 'PutObjectCommand', { headers: md5, body, protocol: 'https:' }, true],
    ['a PutObject body without Content-MD5: only its signed SHA-256 would check it', 'PutObjectCommand', { headers: {}, body, protocol: 'https:' }, false],
    ['a part over plain HTTP: its signed SHA-256 is the only check on the way', 'UploadPartCommand', { headers: {}, body, protocol: 'http:' }, false],
    ['a part over HTTPS: TLS refuses bytes altered on the way', 'UploadPartCommand', { headers: {}, body, protocol: 'https:' }, true],
    ['a streamed body (unsigned already, by the SDK)', 'UploadPartCommand', { headers: {}, body: { pipe() {} }, protocol: 'https:' }, false],
    ['a payload hash someone already set', 'UploadPartCommand', { headers: { 'x-amz-content-sha256': 'abc' }, body, protocol: 'https:' }, false],
    ['any other command', 'DeleteObjectsCommand', { headers: md5, body, protocol: 'https:' }, false],
  ])('%s', (_, command, request, unsigned) => {
    expect(payloadGoesUnsigned(command, request)).toBe(unsigned);
  });

  it('partsOverHttp (the bench\'s --unsigned-parts) treats a part over plain HTTP as one over HTTPS, and nothing else', () => {
    expect(payloadGoesUnsigned('UploadPartCommand', { headers: {}, body, protocol: 'http:' }, true)).toBe(true);
    expect(payloadGoesUnsigned('PutObjectCommand', { headers: {}, body, protocol: 'http:' }, true)).toBe(false);
    expect(payloadGoesUnsigned('UploadPartCommand', { headers: {}, body: { pipe() {} }, protocol: 'http:' }, true)).toBe(false);
  });
});

describe('what the engine\'s S3 client puts on an UploadPart, captured after signing (no request leaves)', () => {
  async function partHeaders(options: Parameters<typeof createS3Client>[0], partsOverHttp = false): Promise<Record<string, string>> {
    const client = createS3Client({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, ...options });
    if (partsOverHttp) client.middlewareStack.use(unsignedPayloadPlugin({ partsOverHttp: true }));
    let captured: Record<string, string> = {};
    client.middlewareStack.addRelativeTo((() => async (args: { request: unknown }) => {
      captured = { ...(args.request as { headers: Record<string, string> }).headers };
      throw new Error('captured');
    }) as never, { relation: 'after', toMiddleware: 'awsAuthMiddleware', name: 'capture', override: true });
    await client.send(new UploadPartCommand({ Bucket: 'mirror-bucket', Key: 'big.bin', UploadId: 'u', PartNumber: 1, Body: Buffer.from('part bytes'), ContentLength: 10 })).catch(() => undefined);
    client.destroy();
    return captured;
  }

  it('to AWS S3 (HTTPS): UNSIGNED-PAYLOAD, with the SDK\'s CRC32 of the part, which S3 checks', async () => {
    const headers = await partHeaders({ region: 'us-east-1' });
    expect(headers['x-amz-content-sha256']).toBe(UNSIGNED_PAYLOAD);
    expect(headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    expect(headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-checksum-crc32/);
  });

  it('to an HTTPS endpoint of another S3 server: UNSIGNED-PAYLOAD (TLS checks the bytes on the way)', async () => {
    const headers = await partHeaders({ region: 'us-east-1', endpoint: 'https://s3.example.internal' });
    expect(headers['x-amz-content-sha256']).toBe(UNSIGNED_PAYLOAD);
  });

  it('over plain HTTP: the part\'s SHA-256, signed', async () => {
    const headers = await partHeaders({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9380' });
    expect(headers['x-amz-content-sha256']).toBe(createHash('sha256').update('part bytes').digest('hex'));
  });

  it('over plain HTTP with the bench\'s plugin in place of the client\'s own: UNSIGNED-PAYLOAD, as over HTTPS', async () => {
    const headers = await partHeaders({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9380' }, true);
    expect(headers['x-amz-content-sha256']).toBe(UNSIGNED_PAYLOAD);
  });
});
