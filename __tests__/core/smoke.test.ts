import { describe, expect, it, inject } from 'vitest';

describe('test harness', () => {
  it('provides the S3 server address', () => {
    expect(inject('s3').endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
