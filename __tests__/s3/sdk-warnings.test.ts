// The SDK's own warnings go to the logger the client was given, never to the console: a streamed PutObject that
// fails (here: nothing listens) makes the SDK warn that it will not retry it, which the tool handles itself.
import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createS3Client, sdkWarningsTo } from '../../src/s3/client.js';

const NOWHERE = 'http://127.0.0.1:1';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

async function failStreamedPut(logger?: ReturnType<typeof sdkWarningsTo>): Promise<void> {
  const client = createS3Client({ region: 'us-east-1', endpoint: NOWHERE, credentials, maxAttempts: 1, ...(logger ? { logger } : {}) });
  try {
    const put = new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Readable.from([Buffer.from('abc')]), ContentLength: 3 });
    await expect(client.send(put)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  } finally {
    client.destroy();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the S3 client and the SDK’s warnings', () => {
  it('prints none on the console by default', async () => {
    const console = [vi.spyOn(globalThis.console, 'warn'), vi.spyOn(globalThis.console, 'error'), vi.spyOn(globalThis.console, 'info')];
    await failStreamedPut();
    for (const spy of console) expect(spy).not.toHaveBeenCalled();
  });

  it('hands them to the logger it was given, and only them', async () => {
    const lines: string[] = [];
    const warn = vi.spyOn(globalThis.console, 'warn');
    await failStreamedPut(sdkWarningsTo((line) => lines.push(line)));
    expect(lines).toEqual(['AWS SDK: An error was encountered in a non-retryable streaming request.']);
    expect(warn).not.toHaveBeenCalled();
  });
});
