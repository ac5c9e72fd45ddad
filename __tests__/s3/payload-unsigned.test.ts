// Which bodies go without their SHA-256 in the SigV4 signature (src/s3/client.ts): the checks that remain decide.
import { describe, expect, it } from 'vitest';
import { payloadGoesUnsigned } from '../../src/s3/client.js';

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
});
