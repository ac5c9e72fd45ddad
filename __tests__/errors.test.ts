// Which S3 refusals mean "the bytes were damaged on the way" (sent again), and which do not.
import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { isDamagedInTransit } from '../src/errors.js';

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
}

describe('isDamagedInTransit', () => {
  it.each<[string, unknown, boolean]>([
    ['BadDigest: the body differs from its Content-MD5', s3Error('BadDigest', 400), true],
    ['XAmzContentSHA256Mismatch: the body differs from its signed SHA-256', s3Error('XAmzContentSHA256Mismatch', 400), true],
    ['InvalidDigest: a malformed Content-MD5 header, the same on every send', s3Error('InvalidDigest', 400), false],
    ['SlowDown: retried by the SDK, not a damaged body', s3Error('SlowDown', 503), false],
    ['AccessDenied', s3Error('AccessDenied', 403), false],
    ['a plain Error', new Error('BadDigest'), false],
    ['not an error at all', undefined, false],
  ])('%s → %s', (_, error, expected) => {
    expect(isDamagedInTransit(error)).toBe(expected);
  });
});
