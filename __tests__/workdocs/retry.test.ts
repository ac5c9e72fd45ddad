// The WorkDocs client's retry strategy: the SDK's own classes, plus whatever isTransientError calls transient
// (WorkDocs' FailedDependency, which the SDK gives up on).
import { FailedDependencyException, WorkDocsServiceException } from '@aws-sdk/client-workdocs';
import type { RetryErrorInfo, SdkError } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { WorkDocsRetryStrategy } from '../../src/workdocs/retry.js';

function answered(name: string, status: number): SdkError {
  return new WorkDocsServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name }) as SdkError;
}

async function isRetried(errorInfo: RetryErrorInfo): Promise<boolean> {
  const strategy = new WorkDocsRetryStrategy(3);
  const token = await strategy.acquireInitialRetryToken('workdocs');
  return strategy.refreshRetryTokenForRetry(token, errorInfo).then(() => true, () => false);
}

describe('WorkDocsRetryStrategy', () => {
  it.each<[string, boolean, RetryErrorInfo]>([
    ['FailedDependency (424), which the SDK calls a client error', true, {
      errorType: 'CLIENT_ERROR',
      error: new FailedDependencyException({ $metadata: { httpStatusCode: 424 }, message: 'x' }) as SdkError,
    }],
    ['a 503 the SDK already calls transient', true, { errorType: 'TRANSIENT', error: answered('ServiceUnavailableException', 503) }],
    ['EntityNotExists (404)', false, { errorType: 'CLIENT_ERROR', error: answered('EntityNotExistsException', 404) }],
    ['UnauthorizedResourceAccess (403)', false, { errorType: 'CLIENT_ERROR', error: answered('UnauthorizedResourceAccessException', 403) }],
  ])('%s → retried: %s', async (_, expected, errorInfo) => {
    expect(await isRetried(errorInfo)).toBe(expected);
  });
});
