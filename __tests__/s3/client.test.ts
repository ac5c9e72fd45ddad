// createS3Client option resolution, copySource encoding and countRequests (against the real server).
import http from 'node:http';
import https from 'node:https';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySource, createS3Client, customEndpoint } from '../../src/s3/client.js';
import { countRequests } from '../../test-support/counting.js';
import { createTestBucket, getObjectBytes, testS3Client, type TestBucket } from '../helpers/s3.js';

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const stackNames = (c: ReturnType<typeof createS3Client>) => c.middlewareStack.identify().map((s) => s.split(' ')[0]);

describe('customEndpoint', () => {
  it('prefers the option, then AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL', () => {
    expect(customEndpoint({ endpoint: 'http://a', env: { AWS_ENDPOINT_URL_S3: 'http://b' } })).toBe('http://a');
    expect(customEndpoint({ env: { AWS_ENDPOINT_URL_S3: 'http://b', AWS_ENDPOINT_URL: 'http://c' } })).toBe('http://b');
    expect(customEndpoint({ env: { AWS_ENDPOINT_URL: 'http://c' } })).toBe('http://c');
    expect(customEndpoint({ env: {} })).toBeUndefined();
  });
  it('honours AWS_IGNORE_CONFIGURED_ENDPOINT_URLS like the SDK', () => {
    expect(customEndpoint({ env: { AWS_ENDPOINT_URL_S3: 'http://b', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' } })).toBeUndefined();
    expect(customEndpoint({ endpoint: 'http://a', env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' } })).toBe('http://a');
  });
});

describe('createS3Client', () => {
  it('for AWS (no custom endpoint): virtual-hosted style, SDK checksums, no DeleteObjects MD5 middleware', async () => {
    const c = createS3Client({ region: 'eu-west-1', credentials: creds, env: {} });
    expect(c.config.forcePathStyle).toBe(false);
    expect(await c.config.requestChecksumCalculation()).toBe('WHEN_SUPPORTED');
    expect(await c.config.responseChecksumValidation()).toBe('WHEN_SUPPORTED');
    expect((await c.config.retryStrategy()) as { mode?: string }).toMatchObject({ mode: 'adaptive' });
    expect(stackNames(c)).not.toContain('deleteObjectsContentMd5');
    expect(stackNames(c)).toContain('uploadContentMd5');
    c.destroy();
  });

  it('for a custom endpoint (option or environment): path style, WHEN_REQUIRED checksums, DeleteObjects MD5', async () => {
    for (const c of [
      createS3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: creds, env: {} }),
      createS3Client({ region: 'us-east-1', credentials: creds, env: { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' } }),
      createS3Client({ region: 'us-east-1', credentials: creds, env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:1' } }),
    ]) {
      expect(c.config.forcePathStyle).toBe(true);
      expect(await c.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
      expect(await c.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
      expect(stackNames(c)).toContain('deleteObjectsContentMd5');
      c.destroy();
    }
  });

  it('explicit options override the automatic choices', async () => {
    const c = createS3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: creds,
      forcePathStyle: false,
      checksumMode: 'when_supported',
      deleteContentMd5: 'off',
      uploadContentMd5: false,
      maxAttempts: 7,
    });
    expect(c.config.forcePathStyle).toBe(false);
    expect(await c.config.requestChecksumCalculation()).toBe('WHEN_SUPPORTED');
    expect(await c.config.maxAttempts()).toBe(7);
    expect(stackNames(c)).not.toContain('deleteObjectsContentMd5');
    expect(stackNames(c)).not.toContain('uploadContentMd5');
    c.destroy();
    const aws = createS3Client({ region: 'us-east-1', credentials: creds, env: {}, checksumMode: 'when_required', deleteContentMd5: 'on' });
    expect(await aws.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(stackNames(aws)).toContain('deleteObjectsContentMd5');
    aws.destroy();
  });

  it('uses a NodeHttpHandler with a keep-alive https agent sized to maxSockets', async () => {
    // the handler resolves its configuration on the first request: make one that fails fast
    const c = createS3Client({ region: 'us-east-1', endpoint: 'https://127.0.0.1:1', credentials: creds, maxSockets: 7, maxAttempts: 1 });
    await expect(c.send(new ListObjectsV2Command({ Bucket: 'b' }))).rejects.toThrow();
    const handler = c.config.requestHandler;
    expect(handler).toBeInstanceOf(NodeHttpHandler);
    const cfg = (handler as NodeHttpHandler).httpHandlerConfigs() as { httpsAgent?: https.Agent };
    expect(cfg.httpsAgent).toBeInstanceOf(https.Agent);
    expect(cfg.httpsAgent!.maxSockets).toBe(7);
    expect((cfg.httpsAgent as unknown as { keepAlive: boolean }).keepAlive).toBe(true);
    c.destroy();
  });

  it('the http agent is ours too (maxSockets, keep-alive) once a request was made', async () => {
    const c = testS3Client({ maxSockets: 5 });
    await c.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket-for-agent-test' })).catch(() => undefined);
    const cfg = (c.config.requestHandler as NodeHttpHandler).httpHandlerConfigs() as { httpAgent?: http.Agent };
    expect(cfg.httpAgent).toBeInstanceOf(http.Agent);
    expect(cfg.httpAgent!.maxSockets).toBe(5);
    expect((cfg.httpAgent as unknown as { keepAlive: boolean }).keepAlive).toBe(true);
    c.destroy();
  });
});

describe('copySource', () => {
  it('URI-encodes bucket and key segments, keeping the slashes', () => {
    expect(copySource('bkt', 'a/b/c.txt')).toBe('bkt/a/b/c.txt');
    expect(copySource('bkt', 'a b+c%d#e?f&g=h~i.txt')).toBe('bkt/a%20b%2Bc%25d%23e%3Ff%26g%3Dh~i.txt');
    expect(copySource('bkt', "x!'()*y")).toBe('bkt/x%21%27%28%29%2Ay');
    expect(copySource('bkt', 'dir/Ü 日.txt')).toBe('bkt/dir/%C3%9C%20%E6%97%A5.txt');
    expect(copySource('bkt', '/lead//double/')).toBe('bkt//lead//double/');
    expect(copySource('bkt', 'k', 'v1+2')).toBe('bkt/k?versionId=v1%2B2');
  });
  it('round-trips through decodeURIComponent', () => {
    for (const key of ['a', 'ü/ö ä', '%25', 'a?b#c', '😀/שלום', '+ +']) {
      const s = copySource('b', key);
      expect(decodeURIComponent(s.slice(2))).toBe(key);
    }
  });
});

describe('countRequests (real server)', () => {
  let tb: TestBucket;
  beforeAll(async () => {
    tb = await createTestBucket('counting');
  });
  afterAll(async () => {
    await tb?.cleanup();
  });

  it('counts requests per operation and resets', async () => {
    const c = testS3Client();
    const counter = countRequests(c);
    for (let i = 0; i < 3; i++) await c.send(new PutObjectCommand({ Bucket: tb.bucket, Key: `k${i}`, Body: 'x' }));
    await c.send(new ListObjectsV2Command({ Bucket: tb.bucket }));
    await c.send(new HeadObjectCommand({ Bucket: tb.bucket, Key: 'missing' })).catch(() => undefined);
    expect(counter.counts()).toEqual({ PutObject: 3, ListObjectsV2: 1, HeadObject: 1 });
    expect(counter.total()).toBe(5);
    counter.reset();
    expect(counter.counts()).toEqual({});
    const second = countRequests(c);
    await c.send(new ListObjectsV2Command({ Bucket: tb.bucket }));
    expect(counter.counts()).toEqual({ ListObjectsV2: 1 });
    expect(second.counts()).toEqual({ ListObjectsV2: 1 });
    c.destroy();
  });

  it('counts each retry attempt', async () => {
    const c = testS3Client({ maxAttempts: 3 });
    const counter = countRequests(c);
    // fail the first two attempts of every request with a transient error after the request was "sent"
    let failures = 0;
    const flaky: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => async (args) => {
      if (failures < 2) {
        failures++;
        throw Object.assign(new Error('simulated timeout'), { name: 'TimeoutError', $metadata: {} });
      }
      return next(args);
    };
    c.middlewareStack.add(flaky, { step: 'finalizeRequest', priority: 'low', name: 'flaky' });
    await c.send(new PutObjectCommand({ Bucket: tb.bucket, Key: 'retried', Body: 'body' }));
    expect(counter.counts()).toEqual({ PutObject: 3 });
    expect((await getObjectBytes(c, tb.bucket, 'retried')).toString()).toBe('body');
    c.destroy();
  });
});
