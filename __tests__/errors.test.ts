// Which failures a retry may heal: S3 refusals of bytes damaged on the way (sent again), and the one transient-error
// classifier every retry in the tool asks.
import { S3ServiceException } from '@aws-sdk/client-s3';
import { FailedDependencyException, WorkDocsServiceException } from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { IntegrityError, isDamagedInTransit, isTransientError, TransientDownloadError, WriteRefusedError } from '../src/errors.js';

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

function workDocsError(name: string, status: number): WorkDocsServiceException {
  return new WorkDocsServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

describe('isTransientError: may the same request, sent again, succeed?', () => {
  it.each<[string, unknown, boolean]>([
    // Content downloads (workdocs/content.ts).
    ['a download cut short (no status)', new TransientDownloadError('content ended after 3 of 9 bytes'), true],
    ['an expired download URL (403)', new TransientDownloadError('HTTP 403', 403), true],
    ['a download answered 408', new TransientDownloadError('HTTP 408', 408), true],
    ['a download answered 429', new TransientDownloadError('HTTP 429', 429), true],
    ['a download answered 503', new TransientDownloadError('HTTP 503', 503), true],
    ['a download answered 404: the URL points to nothing', new TransientDownloadError('HTTP 404', 404), false],
    ['a download answered 400', new TransientDownloadError('HTTP 400', 400), false],
    // S3 answers.
    ['BadDigest: damaged on the way', s3Error('BadDigest', 400), true],
    ['XAmzContentSHA256Mismatch: damaged on the way', s3Error('XAmzContentSHA256Mismatch', 400), true],
    ['SlowDown (503)', s3Error('SlowDown', 503), true],
    ['InternalError (500)', s3Error('InternalError', 500), true],
    ['RequestTimeout, which S3 sends as a 400', s3Error('RequestTimeout', 400), true],
    ['AccessDenied (403)', s3Error('AccessDenied', 403), false],
    ['NoSuchBucket (404)', s3Error('NoSuchBucket', 404), false],
    ['InvalidDigest: the same malformed header on every send', s3Error('InvalidDigest', 400), false],
    ['PreconditionFailed (412)', s3Error('PreconditionFailed', 412), false],
    // WorkDocs answers.
    ['WorkDocs FailedDependency (424)', new FailedDependencyException({ $metadata: { httpStatusCode: 424 }, message: 'x' }), true],
    ['WorkDocs throttling (429)', workDocsError('ThrottlingException', 429), true],
    ['WorkDocs ThrottlingException by name, whatever its status', workDocsError('ThrottlingException', 400), true],
    ['WorkDocs EntityNotExists (404)', workDocsError('EntityNotExistsException', 404), false],
    ['WorkDocs UnauthorizedResourceAccess (403)', workDocsError('UnauthorizedResourceAccessException', 403), false],
    // Connections.
    ...['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE']
      .map((code): [string, unknown, boolean] => [`a connection failure ${code}`, networkError(code), true]),
    ['a response cut short mid-body (node: "aborted")', new Error('aborted'), true],
    ['the SDK\'s TimeoutError', Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }), true],
    ['a file system error', networkError('ENOENT'), false],
    // The tool's own verdicts.
    ['bytes that do not match the Signature (a re-download is the file retry\'s decision)', new IntegrityError('MD5 differs'), false],
    ['a write the lock refused', new WriteRefusedError('lock lost'), false],
    ['an AbortError', Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }), false],
    ['a plain Error', new Error('boom'), false],
    ['not an error at all', undefined, false],
    ['a string', 'ECONNRESET', false],
  ])('%s → %s', (_, error, expected) => {
    expect(isTransientError(error)).toBe(expected);
  });
});
